import TestFixtures
import VenueClients
import LiveCore
import FakeExchange
import Foundation
import MarketModel
import LiveEngine
import Testing
import Venues

/// Gate.io v4 spot orders against the fake exchange speaking Gate, which checks the
/// `KEY`/`SIGN`/`Timestamp` headers by Gate's rule.
@Suite("Gate.io orders against the fake exchange", .serialized)
struct GateOrderTests {
    let account = APICredentials(key: "fake-key-0123456789", secret: "fake-secret-abcdefghijklmnop")

    func exchange(_ faults: FakeExchangeFaults = FakeExchangeFaults()) throws -> FakeExchange {
        let exchange = try FakeExchange(recording: Support.spotETH, speed: 20, faults: faults, account: account, dialect: .gate)
        try exchange.start()
        exchange.playsOnSubscribe = false
        return exchange
    }

    func client(_ fake: FakeExchange, _ credentials: APICredentials? = nil) -> GateOrderClient {
        GateOrderClient(connection: .loopback(port: fake.port, venue: .gate), credentials: credentials ?? account)
    }

    @Test("place, query, list and cancel a signed limit order; states in the common words; the clock synced from /spot/time")
    func lifecycle() throws {
        let fake = try exchange()
        let client = client(fake)
        client.syncClock(samples: 3)
        #expect(client.clock.samples == 3)
        #expect(abs(client.clock.offset) < 50_000_000, "loopback: the same clock, within 50 ms")
        let outcome = try client.place(symbol: "ETH_USDT", side: "BUY", price: "2000.00", quantity: "0.0100", clientOrderID: "s1-apg-1", reduceOnly: false)
        guard case .placed(let placed) = outcome else { Issue.record("\(outcome)"); return }
        #expect(placed.clientOrderID == "s1-apg-1" && placed.status == "NEW" && placed.side == "BUY")
        #expect(fake.acceptedOrders.map(\.clientOrderID) == ["t-s1-apg-1"], "Gate's text carries the client id")
        #expect(try client.query(symbol: "ETH_USDT", clientOrderID: "s1-apg-1")?.status == "NEW")
        #expect(try client.query(symbol: "ETH_USDT", clientOrderID: "s1-apg-99") == nil, "an unknown id is nil, not an error")
        #expect(try client.openOrders(symbol: "ETH_USDT").map(\.clientOrderID) == ["s1-apg-1"])
        let cancelled = try client.cancel(symbol: "ETH_USDT", clientOrderID: "s1-apg-1")
        #expect(cancelled.status == "CANCELED" && cancelled.executedQuantity == "0")
        #expect(try client.openOrders(symbol: "ETH_USDT").isEmpty)
        #expect(try client.query(symbol: "ETH_USDT", clientOrderID: "s1-apg-1")?.status == "CANCELED", "queried by Gate's order id once known")
        #expect(fake.restConnectionsServed == 1, "every request over one kept connection")
    }

    @Test("the answer to an order is lost: found by its text and never sent twice")
    func lostResponse() throws {
        let fake = try exchange(FakeExchangeFaults(loseResponseOfOrder: 1))
        let outcome = try client(fake).place(symbol: "ETH_USDT", side: "SELL", price: "3000.00", quantity: "0.01", clientOrderID: "s1-apg-7", reduceOnly: false)
        guard case .recovered(let found) = outcome else { Issue.record("expected a recovered order, got \(outcome)"); return }
        #expect(found.clientOrderID == "s1-apg-7" && found.status == "NEW")
        #expect(fake.acceptedOrders.map(\.clientOrderID) == ["t-s1-apg-7"], "exactly one order on the exchange")
    }

    @Test("a wrong secret is refused with Gate's label, and the error shows neither key nor secret")
    func badSignature() throws {
        let fake = try exchange()
        let wrong = APICredentials(key: account.key, secret: "not-the-secret-xyz")
        do {
            _ = try client(fake, wrong).place(symbol: "ETH_USDT", side: "BUY", price: "2000.00", quantity: "0.01", clientOrderID: "s1-apg-1", reduceOnly: false)
            Issue.record("a badly signed order was accepted")
        } catch {
            #expect(error.label == "INVALID_SIGNATURE", "\(error)")
            #expect(!error.description.contains("not-the-secret-xyz") && !error.description.contains("fake-key-0123456789"))
        }
        #expect(fake.acceptedOrders.isEmpty)
    }

    @Test("429 on an order (Gate sends a reset time, no Retry-After): refused, and nothing more is sent until the window ends")
    func rateLimited() throws {
        var faults = FakeExchangeFaults()
        faults.rateLimitOrder = 1
        let fake = try exchange(faults)
        let client = client(fake)
        #expect(throws: OrderVenueFailure.self) { try client.place(symbol: "ETH_USDT", side: "BUY", price: "2000", quantity: "0.01", clientOrderID: "s1-apg-1", reduceOnly: false) }
        #expect(client.rateStatus.hasPrefix("rate-limited"), "\(client.rateStatus)")
        do {
            _ = try client.place(symbol: "ETH_USDT", side: "BUY", price: "2000", quantity: "0.01", clientOrderID: "s1-apg-2", reduceOnly: false)
            Issue.record("sent during the wait")
        } catch {
            #expect(error.description.contains("not sent"), "\(error)")
        }
        #expect(fake.acceptedOrders.isEmpty)
    }

    @Test("USDT futures: sizes go out as signed contracts, states come back in base quantities; a quantity that is not whole contracts is refused unsent")
    func futuresLifecycle() throws {
        let fake = try FakeExchange(recording: Support.usdmBTC, speed: 20, account: account, dialect: .gateFutures)
        try fake.start()
        fake.playsOnSubscribe = false
        let client = GateOrderClient(connection: .loopback(port: fake.port, venue: .gateFutures), credentials: account, multipliers: ["BTC_USDT": try Quantity(parsing: "0.0001")])
        try client.setLeverage(contract: "BTC_USDT", leverage: 10, crossMargin: false)
        #expect(fake.futuresSettings["BTC_USDT"]?.leverage == 10 && fake.futuresSettings["BTC_USDT"]?.marginType == "ISOLATED")
        #expect(try client.futuresUserID() == "424242")
        let outcome = try client.place(symbol: "BTC_USDT", side: "SELL", price: "90000", quantity: "0.0025", clientOrderID: "s1-apg-1", reduceOnly: false)
        guard case .placed(let placed) = outcome else { Issue.record("\(outcome)"); return }
        #expect(placed.side == "SELL" && placed.status == "NEW" && placed.executedQuantity == "0")
        #expect(fake.acceptedOrders.map(\.clientOrderID) == ["t-s1-apg-1"])
        #expect(try client.openOrders(symbol: "BTC_USDT").map(\.clientOrderID) == ["s1-apg-1"])
        #expect(try client.cancel(symbol: "BTC_USDT", clientOrderID: "s1-apg-1").status == "CANCELED")
        do {
            _ = try client.place(symbol: "BTC_USDT", side: "BUY", price: "50000", quantity: "0.00015", clientOrderID: "s1-apg-2", reduceOnly: false)
            Issue.record("1.5 contracts were sent")
        } catch {
            #expect(error.description.contains("not a whole number of contracts"), "\(error)")
        }
        #expect(fake.acceptedOrders.count == 1)
    }

    @Test("the countdown cancel-all: armed, it cancels the pair's open orders when not renewed; 0 disarms it")
    func countdown() throws {
        let fake = try exchange()
        let client = client(fake)
        _ = try client.place(symbol: "ETH_USDT", side: "BUY", price: "2000", quantity: "0.01", clientOrderID: "s1-apg-1", reduceOnly: false)
        try client.armCountdown(symbol: "ETH_USDT", seconds: 30)
        #expect(fake.countdownsArmed == ["ETH_USDT"])
        try client.armCountdown(symbol: "ETH_USDT", seconds: 0)
        #expect(fake.countdownsArmed.isEmpty)
        try client.armCountdown(symbol: "ETH_USDT", seconds: 5)
        fake.waitUntil(seconds: 7) { !fake.countdownsFired.isEmpty }
        #expect(fake.countdownsFired == ["ETH_USDT"])
        #expect(fake.acceptedOrders.first?.status == "CANCELED")
    }
}
