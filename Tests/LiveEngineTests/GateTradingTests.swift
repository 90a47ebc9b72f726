import TestFixtures
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

/// A strategy trading a recording that the fake exchange plays as a Gate.io spot
/// market: orders over Gate's signed REST, fills pushed on `spot.orders`, the
/// countdown cancel-all kept armed. What the exchange saw and what Apogee journaled
/// must be the same orders and fills.
@Suite("Live trading on Gate.io against the fake exchange", .serialized)
struct GateTradingTests {
    let account = APICredentials(key: "fake-key-0123456789", secret: "fake-secret-abcdefghijklmnop")

    func run(_ fake: FakeExchange, database: String, stopAlso: @escaping @Sendable () -> Void = {}) throws -> LiveTradingSession.Outcome {
        let parameters = HairTrigger.drops(buyPrice: 0.05, sellPrice: 0.02, orderSize: 50)
        let settle = Settle()
        var options = LiveTradingSession.Options(symbols: ["ETH_USDT"], connection: .loopback(port: fake.port, venue: .gate), credentials: account, strategies: [("drops", parameters)], stopWhen: {
            stopAlso()
            return fake.finished && settle.passed(1.0)
        })
        options.database = database
        options.countdownSeconds = 30
        return try LiveTradingSession.run(options)
    }

    /// The common checks, with Gate's `text` (`t-` and Apogee's client id) mapped back.
    func expectConsistent(_ fake: FakeExchange, _ outcome: LiveTradingSession.Outcome, database: String) throws -> (intents: Set<String>, accepted: JournalConsistency.Accepted, journal: JournalConsistency.Journal) {
        #expect(fake.acceptedOrders.allSatisfy { $0.clientOrderID.hasPrefix("t-") })
        let (journal, accepted) = try JournalConsistency.check(fake, outcome, database: database, symbol: "ETH_USDT") { String($0.dropFirst(2)) }
        #expect(journal.session.complete)
        return (Set(journal.orders.filter { $0.event == "intent" }.map(\.clientOrderID)), accepted, journal)
    }

    @Test("end to end: every order and fill the exchange saw is in the journal and the position, and nothing else; fills pushed on spot.orders; the countdown armed while running, disarmed at the end")
    func endToEnd() throws {
        let fake = try FakeExchange(recording: Support.spotETH, speed: 30, account: account, dialect: .gate)
        try fake.start()
        let database = try Support.scratchDirectory() + "/live.sqlite"
        let armed = Mutex(false)
        let outcome = try run(fake, database: database) {
            if fake.countdownsArmed == ["ETH_USDT"] { armed.withLock { $0 = true } }
        }
        let (intents, accepted, journal) = try expectConsistent(fake, outcome, database: database)
        #expect(accepted.count >= 1, "the strategy traded on Gate.io")
        #expect(intents == Set(accepted.map(\.clientOrderID)), "the same orders on both sides")
        #expect(journal.session.venue == "gate@127.0.0.1:\(fake.port)")
        #expect(fake.userDataSubscriptions >= 1, "the signed spot.orders subscription was taken")
        #expect(outcome.fillReports >= 1, "fills reported on the stream: \(outcome.fillReports); booked from it first \(outcome.fillsPushed), by a poll first \(outcome.fillsPolled)")
        #expect(armed.withLock { $0 }, "the countdown was armed during the session")
        #expect(fake.countdownsArmed.isEmpty, "disarmed at the clean end")
        #expect(fake.countdownsFired.isEmpty)
    }

    @Test("USDT futures end to end: leverage and isolated margin set first, sizes in contracts, fills pushed on futures.orders, the countdown armed while running; the exchange and the journal agree")
    func futures() throws {
        let fake = try FakeExchange(recording: Support.usdmBTC, speed: 30, account: account, dialect: .gateFutures)
        try fake.start()
        // Gate's `text` is `t-` and Apogee's client id.
        try FuturesSessionCheck.run(fake, venue: .gateFutures, symbol: "BTC_USDT", account: account) { String($0.dropFirst(2)) }
    }

    @Test("the answer to an order is lost (and a 503 on another): each found by its text, none sent twice, no fill lost")
    func lostAnswers() throws {
        var faults = FakeExchangeFaults()
        faults.loseResponseOfOrder = 1
        faults.serverErrorOfOrder = 2
        let fake = try FakeExchange(recording: Support.spotETH, speed: 30, faults: faults, account: account, dialect: .gate)
        try fake.start()
        let database = try Support.scratchDirectory() + "/live.sqlite"
        let outcome = try run(fake, database: database)
        let (_, accepted, _) = try expectConsistent(fake, outcome, database: database)
        #expect(accepted.count >= 2)
        #expect(outcome.recovered == 2, "both orders found by their text")
    }

    @Test("a dropped connection: the book resynchronises from a new snapshot, the subscription is taken again, nothing lost or doubled")
    func droppedConnection() throws {
        var faults = FakeExchangeFaults()
        faults.dropAfterMessages = 1500
        let fake = try FakeExchange(recording: Support.spotETH, speed: 30, faults: faults, account: account, dialect: .gate)
        try fake.start()
        let database = try Support.scratchDirectory() + "/live.sqlite"
        let outcome = try run(fake, database: database)
        _ = try expectConsistent(fake, outcome, database: database)
        #expect(fake.userDataSubscriptions >= 2, "subscribed again after the drop")
        let audit = outcome.kernel.book(for: "ETH_USDT")
        #expect(audit?.state == .synced)
    }
}
