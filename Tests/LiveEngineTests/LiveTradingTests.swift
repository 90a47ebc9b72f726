import TestFixtures
import VenueClients
import FakeExchange
import Foundation
import MarketModel
import LiveEngine
import Storage
import Strategies
import Synchronization
import Testing
import Trading
import Venues

/// A strategy trading a recording played live by the fake exchange: what the exchange
/// saw and what Apogee journaled must be the same orders and fills.
@Suite("Live trading against the fake exchange", .serialized)
struct LiveTradingTests {
    let account = APICredentials(key: "fake-key-0123456789", secret: "fake-secret-abcdefghijklmnop")

    func session(_ fake: FakeExchange, database: String, connection: VenueConnection? = nil) throws -> LiveTradingSession.Outcome {
        let parameters = HairTrigger.drops(buyPrice: 0.05, sellPrice: 0.02, orderSize: 50)
        let settle = Settle()
        var options = LiveTradingSession.Options(symbols: ["ETHUSDT"], connection: connection ?? .loopback(port: fake.port), credentials: account, strategies: [("drops", parameters)], stopWhen: { fake.finished && settle.passed(1.0) })
        options.database = database
        return try LiveTradingSession.run(options)
    }

    @Test("every order and fill the exchange saw is in the journal and the position, and nothing else")
    func journalMatchesExchange() throws {
        let fake = try FakeExchange(recording: Support.spotETH, speed: 30, account: account)
        try fake.start()
        let database = try Support.scratchDirectory() + "/live.sqlite"
        let outcome = try session(fake, database: database)
        #expect(outcome.journalFailure == nil)
        let accepted = fake.acceptedOrders
        // How many orders depends on the machine's load (the strategy runs on receive
        // times); the run this was written on made 4. What follows must hold for any.
        #expect(accepted.count >= 1, "the strategy traded")
        let journal = try #require(try ApogeeDatabase(path: database).journal(session: outcome.journalSession ?? 0))
        let intents = Set(journal.orders.filter { $0.event == "intent" }.map(\.clientOrderID))
        #expect(intents == Set(accepted.map(\.clientOrderID)), "the same orders on both sides")
        for order in accepted {
            let filled = journal.fills.filter { $0.clientOrderID == order.clientOrderID }.reduce(Int64(0)) { $0 + $1.quantity }
            #expect(Quantity(units: filled) == (try? Quantity(parsing: order.executed)), "\(order.clientOrderID): journal \(filled), exchange \(order.executed)")
        }
        let net = journal.fills.reduce(Int64(0)) { $0 + ($1.side == "buy" ? $1.quantity - $1.feeInBase : -$1.quantity) }
        #expect(net == outcome.kernel.account.position("ETHUSDT")?.quantity.units ?? 0)
        #expect(journal.session.complete)
    }

    @Test("over TLS: signed orders go over https, market data over wss; the exchange's orders and the journal's are the same")
    func overTLS() throws {
        let folder = try Support.scratchDirectory()
        let certificate = try FakeExchangeTLS.selfSigned(in: folder)
        let fake = try FakeExchange(recording: Support.spotETH, speed: 30, account: account)
        try fake.start(tls: certificate)
        let connection = try VenueConnection(venue: .binance, environment: .custom(ServiceAddress(tls: true, host: "127.0.0.1", port: fake.port)), caFile: certificate.certificateChain)
        #expect(connection.tls != nil)
        let outcome = try session(fake, database: folder + "/live.sqlite", connection: connection)
        #expect(outcome.journalFailure == nil)
        let accepted = fake.acceptedOrders
        #expect(accepted.count >= 1, "the strategy traded over TLS")
        let journal = try #require(try ApogeeDatabase(path: folder + "/live.sqlite").journal(session: outcome.journalSession ?? 0))
        #expect(Set(journal.orders.filter { $0.event == "intent" }.map(\.clientOrderID)) == Set(accepted.map(\.clientOrderID)))
        #expect(journal.session.venue == "binance@127.0.0.1:\(fake.port)")
    }

    func expectConsistent(_ fake: FakeExchange, _ outcome: LiveTradingSession.Outcome, database: String) throws -> (journal: JournalConsistency.Journal, accepted: JournalConsistency.Accepted) {
        try JournalConsistency.check(fake, outcome, database: database, symbol: "ETHUSDT")
    }

    @Test("frames run through the kernel on the feed's thread as they arrive, and wait for the session thread while another thread holds the engine: every frame once, in order, and the journal still matches the exchange")
    func framesOnArrivalAndWaiting() throws {
        let fake = try FakeExchange(recording: Support.spotETH, speed: 30, account: account)
        try fake.start()
        let database = try Support.scratchDirectory() + "/live.sqlite"
        var options = LiveTradingSession.Options(symbols: ["ETHUSDT"], connection: .loopback(port: fake.port), credentials: account, strategies: [("drops", HairTrigger.drops(buyPrice: 0.05, sellPrice: 0.02, orderSize: 50))], stopWhen: { false })
        options.database = database
        let engine = try LiveTradingEngine(options: options)
        // A terminal's engine thread reads the engine between frames; this one reads it
        // without pause, so many frames find it busy.
        let stop = Atomic<Bool>(false)
        let contender = Thread {
            while !stop.load(ordering: .relaxed) { _ = engine.feedHeader }
        }
        contender.start()
        let settle = Settle()
        while !(fake.finished && settle.passed(1.0)) { engine.pump(waitingUpTo: 0.05) }
        stop.store(true, ordering: .relaxed)
        let outcome = engine.finish()
        #expect(outcome.framesOnArrival > 0, "frames handled as they arrived")
        #expect(outcome.framesWaited > 0, "frames that found the engine busy waited for the session thread")
        #expect(outcome.framesOnArrival + outcome.framesWaited == fake.messagesSent, "every frame the exchange sent, once: \(outcome.framesOnArrival) + \(outcome.framesWaited) of \(fake.messagesSent)")
        let book = try #require(outcome.kernel.book(for: "ETHUSDT"))
        #expect(book.statistics.gaps == 0, "no depth update out of order")
        #expect(book.state == .synced)
        let (_, accepted) = try expectConsistent(fake, outcome, database: database)
        #expect(accepted.count >= 1, "the strategy traded")
    }

    @Test("the journal cannot record an order's intent (its intent log cannot be written): the order is not sent")
    func journalFailureStopsOrders() throws {
        let fake = try FakeExchange(recording: Support.spotETH, speed: 30, account: account)
        try fake.start()
        let database = try Support.scratchDirectory() + "/live.sqlite"
        // The live session will be the database's first: a folder where its intent log
        // would go makes every write of it fail.
        try FileManager.default.createDirectory(atPath: database + "-intents-1.log", withIntermediateDirectories: true)
        let outcome = try session(fake, database: database)
        #expect(outcome.journalSession == 1)
        #expect(outcome.journalFailure != nil)
        #expect(outcome.kernel.orderCount >= 1, "the strategy wanted to trade")
        #expect(outcome.ordersSent == 0)
        #expect(fake.acceptedOrders.isEmpty, "nothing reached the exchange unjournaled")
    }

    @Test("429 on an order: not carried out, so held and sent once more with the same client id after Retry-After; never journaled as rejected, never on the exchange twice, no fill lost")
    func rateLimited() throws {
        var faults = FakeExchangeFaults()
        faults.rateLimitOrder = 1
        let fake = try FakeExchange(recording: Support.spotETH, speed: 30, faults: faults, account: account)
        try fake.start()
        let database = try Support.scratchDirectory() + "/live.sqlite"
        let outcome = try session(fake, database: database)
        let (journal, accepted) = try expectConsistent(fake, outcome, database: database)
        let first = try #require(journal.orders.first { $0.event == "intent" })
        let rows = journal.orders.filter { $0.clientOrderID == first.clientOrderID }
        #expect(!rows.contains { $0.event == "rejected" }, "\(rows.map(\.event))")
        #expect(rows.filter { $0.event == "intent" }.count == 1, "journaled once")
        #expect(accepted.filter { $0.clientOrderID == first.clientOrderID }.count == 1, "on the exchange once, after the wait")
        #expect(outcome.ordersHeld == 1)
        // The exchange took it only after the second Retry-After asked for.
        let acceptedAt = try #require(rows.first { $0.event == "accepted" }?.timeNanoseconds)
        #expect(acceptedAt - first.timeNanoseconds >= 900_000_000, "accepted \(Double(acceptedAt - first.timeNanoseconds) / 1e9) s after the intent")
        #expect(outcome.kernel.log.contains { $0.text.contains("held") && $0.text.contains("HTTP 429") })
    }

    @Test("503 on an order that was carried out: found by its client id, not sent again")
    func serverError() throws {
        var faults = FakeExchangeFaults()
        faults.serverErrorOfOrder = 1
        let fake = try FakeExchange(recording: Support.spotETH, speed: 30, faults: faults, account: account)
        try fake.start()
        let database = try Support.scratchDirectory() + "/live.sqlite"
        let outcome = try session(fake, database: database)
        #expect(outcome.recovered == 1)
        _ = try expectConsistent(fake, outcome, database: database)
    }

    @Test("partial fills with slow answers (every trade fills at most half an order, REST held 30 ms): each part journaled once, the sum equals the exchange's")
    func partialFillsSlowAnswers() throws {
        var faults = FakeExchangeFaults()
        faults.partialFills = true
        faults.restDelayMilliseconds = 30
        let fake = try FakeExchange(recording: Support.spotETH, speed: 30, faults: faults, account: account)
        try fake.start()
        let database = try Support.scratchDirectory() + "/live.sqlite"
        let outcome = try session(fake, database: database)
        let (journal, accepted) = try expectConsistent(fake, outcome, database: database)
        #expect(accepted.contains { $0.status == "PARTIALLY_FILLED" } || Dictionary(grouping: journal.fills, by: \.clientOrderID).values.contains { $0.count >= 2 }, "some order filled in parts")
    }

    @Test("USD-M: leverage and margin type set before trading, orders on /fapi/v1 journaled like spot, fills pushed by the listen-key stream, the countdown cancel-all armed while running and disarmed at a clean end")
    func futures() throws {
        let fake = try FakeExchange(recording: Support.usdmBTC, speed: 30, account: account)
        try fake.start()
        try FuturesSessionCheck.run(fake, venue: .binanceFutures, symbol: "BTCUSDT", account: account)
    }

    @Test("USD-M: the listen key expires mid-session; a new one is made and the stream reopened with it; no fill lost or doubled, the exchange and the journal agree")
    func listenKeyExpiry() throws {
        let fake = try FakeExchange(recording: Support.usdmBTC, speed: 30, account: account)
        try fake.start()
        let database = try Support.scratchDirectory() + "/live.sqlite"
        let parameters = HairTrigger.drops(buyPrice: 0.02, sellPrice: 0.01, orderSize: 100)
        let settle = Settle()
        let expired = Mutex(false)
        var options = LiveTradingSession.Options(symbols: ["BTCUSDT"], connection: .loopback(port: fake.port, venue: .binanceFutures), credentials: account, strategies: [("drops", parameters)], stopWhen: {
            if fake.messagesSent > fake.messageCount / 3, !expired.withLock({ $0 }) {
                expired.withLock { $0 = true }
                fake.expireListenKeys()
            }
            return fake.finished && settle.passed(1.0)
        })
        options.database = database
        let outcome = try LiveTradingSession.run(options)
        #expect(expired.withLock { $0 })
        #expect(fake.userDataSubscriptions >= 2, "the stream reopened with a new key: \(fake.userDataSubscriptions) openings")
        #expect(outcome.fillReports >= 1)
        let accepted = fake.acceptedOrders
        let journal = try #require(try ApogeeDatabase(path: database).journal(session: outcome.journalSession ?? 0))
        #expect(Set(journal.orders.filter { $0.event == "intent" }.map(\.clientOrderID)) == Set(accepted.map(\.clientOrderID)))
        for order in accepted {
            let filled = journal.fills.filter { $0.clientOrderID == order.clientOrderID }.reduce(Int64(0)) { $0 + $1.quantity }
            #expect(Quantity(units: filled) == (try? Quantity(parsing: order.executed)))
        }
    }

    @Test("user-data stream: the signed subscription is taken and fills arrive pushed, each journaled once; the exchange and the journal agree")
    func userDataStream() throws {
        let fake = try FakeExchange(recording: Support.spotETH, speed: 30, account: account)
        try fake.start()
        let database = try Support.scratchDirectory() + "/live.sqlite"
        let outcome = try session(fake, database: database)
        #expect(fake.userDataSubscriptions >= 1)
        #expect(outcome.fillReports >= 1, "fills reported on the stream: \(outcome.fillReports); booked from it first \(outcome.fillsPushed), by a poll first \(outcome.fillsPolled)")
        _ = try expectConsistent(fake, outcome, database: database)
    }

    @Test("an order cancelled on the exchange (not by Apogee) reaches the kernel through the user-data stream and is journaled")
    func cancelledElsewhere() throws {
        let fake = try FakeExchange(recording: Support.spotETH, speed: 10, account: account)
        try fake.start()
        let database = try Support.scratchDirectory() + "/live.sqlite"
        let parameters: [(key: String, value: ParameterValueAlias, source: String)] = [
            ("DropsMaxTime", .integer(2), "test"), ("DropsPriceMA", .integer(0), "test"), ("DropsPriceDelta", .number(0.01), "test"),
            ("NextDetectPenalty", .number(3600), "test"), ("AutoBuy", .flag(true), "test"), ("BuyPrice", .number(-3), "test"), ("AutoCancelBuy", .number(0), "test"),
        ]
        let cancelledAt = Mutex<Date?>(nil)
        var options = LiveTradingSession.Options(symbols: ["ETHUSDT"], connection: .loopback(port: fake.port), credentials: account, strategies: [("drops", parameters)], stopWhen: {
            if let at = cancelledAt.withLock({ $0 }) { return Date().timeIntervalSince(at) > 1.5 }
            if fake.acceptedOrders.contains(where: { $0.status == "NEW" }) {
                fake.cancelAllOrders(symbol: "ETHUSDT")
                cancelledAt.withLock { $0 = Date() }
            }
            return fake.finished
        })
        options.database = database
        let outcome = try LiveTradingSession.run(options)
        let cancelled = try #require(fake.acceptedOrders.first { $0.status == "CANCELED" })
        #expect(outcome.kernel.openOrders.isEmpty, "the kernel knows the order is gone")
        let journal = try #require(try ApogeeDatabase(path: database).journal(session: outcome.journalSession ?? 0))
        #expect(journal.orders.contains { $0.clientOrderID == cancelled.clientOrderID && $0.event == "cancelled" && ($0.reason ?? "").contains("on the exchange") }, "\(journal.orders.map { "\($0.clientOrderID) \($0.event) \($0.reason ?? "")" })")
    }

    @Test("an order's answer is lost: found by its client id, journaled once, never sent twice")
    func lostAnswer() throws {
        let fake = try FakeExchange(recording: Support.spotETH, speed: 30, faults: FakeExchangeFaults(loseResponseOfOrder: 1), account: account)
        try fake.start()
        let database = try Support.scratchDirectory() + "/live.sqlite"
        let outcome = try session(fake, database: database)
        #expect(outcome.recovered == 1)
        let ids = fake.acceptedOrders.map(\.clientOrderID)
        #expect(Set(ids).count == ids.count, "no client id twice on the exchange")
        let journal = try #require(try ApogeeDatabase(path: database).journal(session: outcome.journalSession ?? 0))
        #expect(Set(journal.orders.filter { $0.event == "intent" }.map(\.clientOrderID)) == Set(ids))
    }

    @Test("EmulatorMode=YES: that strategy trades a simulated account on the same feed; the exchange sees only the real strategy's orders; each has its own journal session")
    func emulatedBesideReal() throws {
        let fake = try FakeExchange(recording: Support.spotETH, speed: 30, account: account)
        try fake.start()
        let database = try Support.scratchDirectory() + "/live.sqlite"
        let drops: [(key: String, value: ParameterValueAlias, source: String)] = [
            ("DropsMaxTime", .integer(2), "test"), ("DropsPriceMA", .integer(0), "test"), ("DropsPriceDelta", .number(0.01), "test"),
            ("NextDetectPenalty", .number(1), "test"), ("AutoBuy", .flag(true), "test"), ("BuyPrice", .number(0.05), "test"),
            ("OrderSize", .number(50), "test"), ("SellPrice", .number(0.02), "test"), ("AutoCancelBuy", .number(2), "test"),
        ]
        let emulated: [(key: String, value: ParameterValueAlias, source: String)] = [
            ("EmulatorMode", .flag(true), "test"), ("EMAPeriod", .integer(2), "test"), ("StretchPercent", .number(0.005), "test"),
            ("TurnPercent", .number(0.001), "test"), ("EntryOrder", .text("market"), "test"), ("EntryCooldown", .number(0.5), "test"),
        ]
        let settle = Settle()
        var options = LiveTradingSession.Options(symbols: ["ETHUSDT"], connection: .loopback(port: fake.port), credentials: account, strategies: [("drops", drops), ("ema-reversal", emulated)], stopWhen: { fake.finished && settle.passed(1.0) })
        options.database = database
        let outcome = try LiveTradingSession.run(options)
        #expect(outcome.journalFailure == nil)
        let emulator = try #require(outcome.emulator)
        #expect(emulator.orderCount >= 1, "the emulated strategy traded on its simulated account")
        #expect(outcome.kernel.snapshot(depth: 0).strategies.map(\.name) == ["drops"])
        #expect(emulator.snapshot(depth: 0).strategies.map(\.name) == ["ema-reversal"])

        let store = try ApogeeDatabase(path: database)
        let real = try #require(try store.journal(session: outcome.journalSession ?? 0))
        let simulated = try #require(try store.journal(session: outcome.emulatorJournalSession ?? 0))
        #expect(real.session.kind == "live")
        #expect(simulated.session.kind == "emulator")
        #expect(simulated.session.strategies == "ema-reversal")
        let accepted = Set(fake.acceptedOrders.map(\.clientOrderID))
        #expect(Set(real.orders.filter { $0.event == "intent" }.map(\.clientOrderID)) == accepted, "the exchange saw exactly the real journal's orders")
        #expect(!real.orders.contains { $0.origin.contains("ema-reversal") }, "no emulated order in the real journal")
        #expect(Set(simulated.orders.map(\.clientOrderID)).count == emulator.orderCount)
        #expect(simulated.orders.allSatisfy { $0.origin.contains("ema-reversal") || $0.origin.hasPrefix("exits:") || $0.origin == "risk" }, "\(Set(simulated.orders.map(\.origin)))")
        #expect(accepted.isDisjoint(with: Set(simulated.orders.map(\.clientOrderID))))
    }
}

typealias ParameterValueAlias = Strategies.ParameterValue

final class Settle: @unchecked Sendable {
    private var first: Date?
    private let lock = NSLock()
    func passed(_ seconds: Double) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if first == nil { first = Date() }
        return Date().timeIntervalSince(first!) > seconds
    }
}
