import TestFixtures
import VenueClients
import FakeExchange
import Foundation
import MarketModel
import LiveEngine
import Testing
import Trading
import Venues

/// Signed orders against the fake exchange, which checks signatures by Binance's rules.
@Suite("Orders against the fake exchange", .serialized)
struct LiveOrderTests {
    let account = APICredentials(key: "fake-key-0123456789", secret: "fake-secret-abcdefghijklmnop")

    func exchange(_ faults: FakeExchangeFaults = FakeExchangeFaults()) throws -> FakeExchange {
        let exchange = try FakeExchange(recording: Support.spotETH, speed: 20, faults: faults, account: account)
        try exchange.start()
        return exchange
    }

    @Test("place, query, list and cancel a signed limit order")
    func lifecycle() throws {
        let fake = try exchange()
        let client = BinanceOrderClient(host: "127.0.0.1", port: fake.port, credentials: account)
        let outcome = try client.place(symbol: "ETHUSDT", side: "BUY", price: "2000.00", quantity: "0.0100", clientOrderID: "apg-1")
        guard case .placed(let placed) = outcome else { Issue.record("\(outcome)"); return }
        #expect(placed.clientOrderID == "apg-1" && placed.status == "NEW")
        #expect(try client.query(symbol: "ETHUSDT", clientOrderID: "apg-1")?.status == "NEW")
        #expect(try client.query(symbol: "ETHUSDT", clientOrderID: "apg-99") == nil, "an unknown id is nil, not an error")
        #expect(try client.openOrders(symbol: "ETHUSDT").map(\.clientOrderID) == ["apg-1"])
        #expect(try client.cancel(symbol: "ETHUSDT", clientOrderID: "apg-1").status == "CANCELED")
        #expect(try client.openOrders(symbol: "ETHUSDT").isEmpty)
        #expect(fake.acceptedOrders.count == 1)
        #expect(fake.restConnectionsServed == 1, "seven requests over one kept connection")
    }

    @Test("a symbol with filters of its own (a synthetic market's exchangeinfo.json): the fake lists them and enforces them, and the client reads them back")
    func perSymbolFilters() throws {
        var rules = FakeExchangeRules()
        var own = SymbolRules(symbol: "ETHUSDT", tickSize: try Price(parsing: "0.5"), stepSize: try Quantity(parsing: "0.1"), fetchedAt: Timestamp(nanoseconds: 0))
        own.minQuantity = try Quantity(parsing: "0.1")
        own.maxQuantity = try Quantity(parsing: "50000")
        rules.symbols = ["ETHUSDT": own]
        let fake = try FakeExchange(recording: Support.spotETH, speed: 20, account: account, rules: rules)
        try fake.start()
        let client = BinanceOrderClient(host: "127.0.0.1", port: fake.port, credentials: account)
        let read = try #require(try client.symbolRules(symbol: "ETHUSDT", at: Timestamp(nanoseconds: 0)))
        #expect(read.tickSize == own.tickSize && read.stepSize == own.stepSize && read.minQuantity == own.minQuantity && read.maxQuantity == own.maxQuantity)
        // 2000.25 is on the default 0.01 tick, not on this symbol's 0.5.
        do {
            _ = try client.place(symbol: "ETHUSDT", side: "BUY", price: "2000.25", quantity: "0.1", clientOrderID: "apg-1")
            Issue.record("an order off the symbol's tick must be refused")
        } catch {
            #expect(error.code == -1013 && error.description.contains("PRICE_FILTER"), "\(error)")
        }
        guard case .placed = try client.place(symbol: "ETHUSDT", side: "BUY", price: "2000.50", quantity: "0.1", clientOrderID: "apg-2") else { Issue.record("an order on the symbol's tick and lot is taken"); return }
    }

    @Test("the answer to an order is lost: the client finds it by its client id and never sends it twice")
    func lostResponse() throws {
        let fake = try exchange(FakeExchangeFaults(loseResponseOfOrder: 1))
        let client = BinanceOrderClient(host: "127.0.0.1", port: fake.port, credentials: account)
        let outcome = try client.place(symbol: "ETHUSDT", side: "BUY", price: "2000.00", quantity: "0.0100", clientOrderID: "apg-7")
        guard case .recovered(let found) = outcome else { Issue.record("expected a recovered order, got \(outcome)"); return }
        #expect(found.clientOrderID == "apg-7" && found.status == "NEW")
        #expect(fake.acceptedOrders.map(\.clientOrderID) == ["apg-7"], "exactly one order on the exchange")
        #expect(fake.restConnectionsServed == 2, "the lost connection was replaced by a new one")
    }

    @Test("a wrong secret is refused with Binance's code, and the error shows neither key nor secret")
    func badSignature() throws {
        let fake = try exchange()
        let wrong = APICredentials(key: account.key, secret: "not-the-secret-xyz")
        let client = BinanceOrderClient(host: "127.0.0.1", port: fake.port, credentials: wrong)
        do {
            _ = try client.place(symbol: "ETHUSDT", side: "BUY", price: "2000.00", quantity: "0.01", clientOrderID: "apg-1")
            Issue.record("a badly signed order was accepted")
        } catch {
            #expect(error.code == -1022)
            #expect(error.description.contains("Signature for this request is not valid"), "\(error)")
            #expect(!error.description.contains("not-the-secret-xyz") && !error.description.contains("fake-key-0123456789"))
        }
        #expect(fake.acceptedOrders.isEmpty)
    }

    @Test("a resting buy above the market fills on the recording's next sell print")
    func fillFromTheTape() throws {
        let fake = try exchange()
        let client = BinanceOrderClient(host: "127.0.0.1", port: fake.port, credentials: account)
        _ = try client.place(symbol: "ETHUSDT", side: "BUY", price: "4000.00", quantity: "0.0020", clientOrderID: "apg-2")
        fake.startPlayback()
        fake.waitUntil(seconds: 6) { fake.acceptedOrders.first?.status == "FILLED" }
        #expect(try client.query(symbol: "ETHUSDT", clientOrderID: "apg-2")?.status == "FILLED")
        #expect(fake.acceptedOrders.first?.executed == "0.002")
    }

    @Test("the server closes the kept connection while it is idle: the next order goes once, on a fresh connection, answered")
    func idleCloseSendsOnce() throws {
        var faults = FakeExchangeFaults()
        faults.closeIdleRESTAfterMilliseconds = 50
        let fake = try exchange(faults)
        let client = BinanceOrderClient(host: "127.0.0.1", port: fake.port, credentials: account)
        guard case .placed = try client.place(symbol: "ETHUSDT", side: "BUY", price: "2000.00", quantity: "0.0100", clientOrderID: "apg-1") else {
            Issue.record("the first order was not answered"); return
        }
        #expect(fake.waitUntil(seconds: 5) { fake.idleRESTConnectionsClosed == 1 }, "the exchange closed the idle connection")
        let second = try client.place(symbol: "ETHUSDT", side: "BUY", price: "2001.00", quantity: "0.0100", clientOrderID: "apg-2")
        guard case .placed(let state) = second else { Issue.record("expected a plain answer on a fresh connection, got \(second)"); return }
        #expect(state.clientOrderID == "apg-2")
        #expect(fake.acceptedOrders.map(\.clientOrderID) == ["apg-1", "apg-2"], "each order once")
        #expect(fake.restConnectionsServed == 2, "the closed connection was noticed before writing and replaced")
    }

    @Test("answers sent in chunks (Transfer-Encoding: chunked): every call reads them whole")
    func chunkedAnswers() throws {
        var faults = FakeExchangeFaults()
        faults.chunkedRESTAnswers = true
        let fake = try exchange(faults)
        let client = BinanceOrderClient(host: "127.0.0.1", port: fake.port, credentials: account)
        guard case .placed(let placed) = try client.place(symbol: "ETHUSDT", side: "BUY", price: "2000.00", quantity: "0.0100", clientOrderID: "apg-3") else {
            Issue.record("not answered"); return
        }
        #expect(placed.status == "NEW")
        #expect(try client.openOrders(symbol: "ETHUSDT").map(\.clientOrderID) == ["apg-3"])
        #expect(try client.cancel(symbol: "ETHUSDT", clientOrderID: "apg-3").status == "CANCELED")
        #expect(fake.restConnectionsServed == 1, "chunked answers keep the connection")
    }

    @Test("over TLS with a certificate the client does not trust: refused before anything is sent, and the message says why")
    func untrustedCertificate() throws {
        let folder = try Support.scratchDirectory()
        let certificate = try FakeExchangeTLS.selfSigned(in: folder)
        let secure = try FakeExchange(recording: Support.spotETH, speed: 20, account: account)
        try secure.start(tls: certificate)
        let untrusting = try VenueConnection(venue: .binance, environment: .custom(ServiceAddress(tls: true, host: "127.0.0.1", port: secure.port)))
        do {
            _ = try BinanceOrderClient(connection: untrusting, credentials: account).place(symbol: "ETHUSDT", side: "BUY", price: "2000.00", quantity: "0.01", clientOrderID: "apg-4")
            Issue.record("an order went to an untrusted server")
        } catch {
            #expect(error.description.contains("certificate not trusted") && error.description.contains("unreachable"), "\(error)")
        }
        #expect(secure.acceptedOrders.isEmpty)
        let trusting = try VenueConnection(venue: .binance, environment: .custom(ServiceAddress(tls: true, host: "127.0.0.1", port: secure.port)), caFile: certificate.certificateChain)
        let client = BinanceOrderClient(connection: trusting, credentials: account)
        guard case .placed = try client.place(symbol: "ETHUSDT", side: "BUY", price: "2000.00", quantity: "0.01", clientOrderID: "apg-5") else {
            Issue.record("not answered over trusted TLS"); return
        }
        #expect(try client.query(symbol: "ETHUSDT", clientOrderID: "apg-5")?.status == "NEW")
        #expect(try client.cancel(symbol: "ETHUSDT", clientOrderID: "apg-5").status == "CANCELED")
        #expect(secure.acceptedOrders.map(\.clientOrderID) == ["apg-5"])
        // What the server sends after the handshake (TLS 1.3 session tickets) is read
        // off the kept connection, not taken for a closed one.
        #expect(secure.restConnectionsServed == 1, "three requests over one TLS connection")
    }

    @Test("a buy far above the market crosses it: it fills at the market's prints, not its limit, and the answer's quote says so")
    func takerFillsAtTheMarket() throws {
        let fake = try exchange()
        fake.startPlayback()
        // The fake knows the market once the recording's first lines have played.
        fake.waitUntil(seconds: 2) { fake.messagesSent >= 20 }
        let client = BinanceOrderClient(host: "127.0.0.1", port: fake.port, credentials: account)
        _ = try client.place(symbol: "ETHUSDT", side: "BUY", price: "4000.00", quantity: "0.0100", clientOrderID: "apg-6")
        fake.waitUntil(seconds: 6) { fake.acceptedOrders.first { $0.clientOrderID == "apg-6" }?.status == "FILLED" }
        let state = try client.query(symbol: "ETHUSDT", clientOrderID: "apg-6")
        #expect(state?.status == "FILLED")
        #expect(fake.executions.first?.taker == true, "it crossed the market when it arrived")
        let quote = try #require(state?.executedQuote.flatMap { try? Quantity(parsing: $0) })
        // ETHUSDT traded near 2,600 USDT that day: 0.01 of it came to about 26, not 40.
        #expect(quote > Quantity(units: 2_000_000_000) && quote < Quantity(units: 3_500_000_000), "\(quote)")
    }

    @Test("nothing listening: placing says the exchange is unreachable")
    func unreachable() throws {
        let port = try FreeLoopbackPort().port
        let client = BinanceOrderClient(host: "127.0.0.1", port: port, credentials: account)
        do {
            _ = try client.place(symbol: "ETHUSDT", side: "BUY", price: "1", quantity: "1", clientOrderID: "apg-1")
            Issue.record("placed into nothing")
        } catch {
            #expect(error.description.contains("unreachable"), "\(error)")
        }
    }
}
