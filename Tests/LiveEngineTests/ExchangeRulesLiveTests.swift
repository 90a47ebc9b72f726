@testable import LiveEngine
import TestFixtures
import VenueClients
import FakeExchange
import Foundation
import MarketModel
import Storage
import Strategies
import Testing
import Trading
import Venues

/// The live order path against a fake exchange that holds Apogee to Binance's rules:
/// filters, balances, fees taken in the coin bought, 429s and failing cancels.
/// Nested in the other live sessions' serialized suite: they run one at a time, so
/// none starves another's timing on a two-core machine.
extension LiveTradingTests {
    @Suite("Live trading under the exchange's rules")
    struct ExchangeRulesLiveTests {
        let account = APICredentials(key: "fake-key-0123456789", secret: "fake-secret-abcdefghijklmnop")

        func run(_ fake: FakeExchange, parameters: [(key: String, value: ParameterValue, source: String)], database: String) throws -> LiveTradingSession.Outcome {
            let settle = Settle()
            var options = LiveTradingSession.Options(symbols: ["ETHUSDT"], connection: .loopback(port: fake.port), credentials: account, strategies: [("drops", parameters)], stopWhen: { fake.finished && settle.passed(1.5) })
            options.database = database
            return try LiveTradingSession.run(options)
        }

        @Test("a fresh spot account buys and the exchange takes the fee in ETH: every take profit sells what is held, rounded down to the lot, and none is refused for balance; the account's ETH, the journal's fees and the exchange's agree")
        func takeProfitSellsWhatIsHeld() throws {
            let fake = try FakeExchange(recording: Support.spotETH, speed: 30, account: account)
            try fake.start()
            let database = try Support.scratchDirectory() + "/live.sqlite"
            let outcome = try run(fake, parameters: HairTrigger.drops(buyPrice: 0.05, sellPrice: 0.02, orderSize: 50), database: database)
            let (journal, accepted) = try JournalConsistency.check(fake, outcome, database: database, symbol: "ETHUSDT")
            let refused = journal.orders.filter { $0.event == "rejected" }
            #expect(refused.isEmpty, "\(refused.map { $0.reason ?? "" })")
            let takeProfits = journal.orders.filter { $0.event == "intent" && $0.origin == "exits:take-profit" }
            #expect(!takeProfits.isEmpty, "the strategy's buys filled and were given take profits")
            for order in takeProfits { #expect(order.quantity % 10_000 == 0, "\(order.clientOrderID): \(Quantity(units: order.quantity)) is not on the 0.0001 lot") }
            let ids = Set(takeProfits.map(\.clientOrderID))
            #expect(accepted.contains { ids.contains($0.clientOrderID) && $0.status == "FILLED" }, "a take profit filled")
            // Fees as the exchange charged them: buys in ETH, sells in USDT (each fill's
            // own figure when pushed, else the account's rate, rounded up per part).
            let fills = Dictionary(grouping: journal.fills, by: \.clientOrderID)
            for charged in fake.commissions where charged.amount > 0 {
                let parts = fills[charged.clientOrderID] ?? []
                let booked = charged.asset == "ETH" ? parts.reduce(Int64(0)) { $0 + $1.feeInBase } : parts.reduce(Int64(0)) { $0 + $1.fee }
                // Exact when a pushed report carried the fill's own commission; an estimate
                // at the account's rate (a rounding per fill apart) when a poll found it.
                #expect(abs(booked - charged.amount) <= 2 * Int64(parts.count) + 2, "\(charged.clientOrderID): journal \(booked), exchange \(charged.amount) \(charged.asset)")
            }
            #expect(journal.fills.contains { $0.feeInBase > 0 })
            let held = outcome.kernel.account.position("ETHUSDT")?.quantity.units ?? 0
            // A report that brings several of the exchange's fills itemises the commission of
            // its last one only; the others' fees in the coin are estimated at the account's
            // rate, each within a unit (10⁻⁸) of the exchange's own rounding: at most one unit
            // per fill the exchange reported.
            let tolerance = Int64(max(journal.fills.count, outcome.fillReports))
            #expect(abs(held - fake.holding(of: "ETHUSDT").units) <= tolerance, "Apogee holds \(Quantity(units: held)), the exchange \(fake.holding(of: "ETHUSDT")), within \(tolerance) units")
            #expect(outcome.kernel.log.contains { $0.text.contains("commission: maker 0.075 %") }, "the account's rates were read")
            #expect(outcome.kernel.rules(for: "ETHUSDT")?.stepSize == Quantity(units: 10_000), "the exchange's filters were read")
        }

        @Test("429 on a take profit: held, sent once more after Retry-After with the same client id, and it fills; nothing else is sent for it")
        func takeProfitRateLimited() throws {
            var faults = FakeExchangeFaults()
            faults.rateLimitSell = 1
            let fake = try FakeExchange(recording: Support.spotETH, speed: 30, faults: faults, account: account)
            try fake.start()
            let database = try Support.scratchDirectory() + "/live.sqlite"
            let outcome = try run(fake, parameters: HairTrigger.drops(buyPrice: 0.05, sellPrice: 0.02, orderSize: 50), database: database)
            let (journal, accepted) = try JournalConsistency.check(fake, outcome, database: database, symbol: "ETHUSDT")
            let limited = try #require(fake.rateLimitedOrders.first)
            #expect(fake.rateLimitedOrders == [limited])
            let rows = journal.orders.filter { $0.clientOrderID == limited }
            #expect(rows.first?.origin == "exits:take-profit")
            #expect(rows.filter { $0.event == "intent" }.count == 1)
            #expect(!rows.contains { $0.event == "rejected" }, "\(rows.map(\.event))")
            // Others decided during the wait are held by Apogee's own guard, not sent.
            #expect(outcome.ordersHeld >= 1)
            #expect(outcome.stillHeld == 0)
            // Either it went out once the wait was over, or the exits replaced it before
            // (the entry filled further): then it was cancelled without ever being sent.
            let intent = try #require(rows.first { $0.event == "intent" }?.timeNanoseconds)
            if let taken = rows.first(where: { $0.event == "accepted" })?.timeNanoseconds {
                #expect(accepted.filter { $0.clientOrderID == limited }.count == 1, "carried out once: the retry")
                #expect(taken - intent >= 900_000_000, "sent again only after the second Retry-After asked for: \(Double(taken - intent) / 1e9) s")
            } else {
                #expect(rows.last?.event == "cancelled" && (rows.last?.reason ?? "").contains("before it was sent"), "\(rows.map { "\($0.event) \($0.reason ?? "")" })")
                #expect(!accepted.contains { $0.clientOrderID == limited })
            }
            let takeProfits = Set(journal.orders.filter { $0.event == "intent" && $0.origin == "exits:take-profit" }.map(\.clientOrderID))
            #expect(accepted.contains { takeProfits.contains($0.clientOrderID) && $0.status == "FILLED" }, "a take profit filled")
        }

        @Test("the take profit's cancel is answered 429, then 503, then taken: it ends cancelled after retries, and the panic sell that asked for it still sells the position")
        func cancelRetriedThenPanicSellActs() throws {
            var faults = FakeExchangeFaults()
            faults.failCancels = [429, 503]
            let fake = try FakeExchange(recording: Support.spotETH, speed: 10, faults: faults, account: account)
            try fake.start()
            let database = try Support.scratchDirectory() + "/live.sqlite"
            var options = LiveTradingSession.Options(symbols: ["ETHUSDT"], connection: .loopback(port: fake.port), credentials: account, strategies: [], stopWhen: { false })
            options.database = database
            let engine = try LiveTradingEngine(options: options)
            func pump(until done: () -> Bool, seconds: Double) {
                let deadline = Date().addingTimeInterval(seconds)
                while !done(), Date() < deadline { engine.pump(waitingUpTo: 0.05) }
            }
            // A buy at the touch (it crosses: filled at once); the default exits rest a take profit.
            pump(until: { engine.exclusively { engine.kernel.book(for: "ETHUSDT")?.bestAsk != nil } }, seconds: 20)
            #expect(engine.user(.place(OrderIntent(symbol: "ETHUSDT", side: .buy, kind: .market, quantity: Quantity(units: 2_000_000)))) == nil)
            pump(until: { engine.exclusively { engine.kernel.openOrders.contains { $0.request.origin == "exits:take-profit" && $0.status == .accepted } } }, seconds: 20)
            let takeProfit = try #require(engine.exclusively { engine.kernel.openOrders.first { $0.request.origin == "exits:take-profit" } }, "the buy filled and its take profit rests")
            // The trader's panic sell: the take profit must be cancelled first, and that
            // cancel fails twice.
            _ = engine.user(.panicSell(symbol: "ETHUSDT"))
            pump(until: { engine.exclusively { engine.kernel.journal.count == 1 } }, seconds: 20)
            let outcome = engine.finish()
            let (journal, _) = try JournalConsistency.check(fake, outcome, database: database, symbol: "ETHUSDT")
            let id = "s1-" + takeProfit.id.description
            let rows = journal.orders.filter { $0.clientOrderID == id }
            let end = try #require(rows.last)
            #expect(end.event == "cancelled" && (end.reason ?? "").contains("after retries"), "\(rows.map { "\($0.event) \($0.reason ?? "")" })")
            #expect(fake.acceptedOrders.first { $0.clientOrderID == id }?.status == "CANCELED")
            #expect(outcome.cancelFailures == 2)
            #expect(outcome.cancelsRetried == 1)
            #expect(outcome.cancelsPending == 0)
            // Cancel first, then the panic sell: it went out after the cancel was confirmed, and filled.
            let panic = try #require(journal.orders.first { $0.event == "intent" && $0.origin == "exits:panic-sell" })
            #expect(panic.timeNanoseconds >= end.timeNanoseconds)
            #expect(outcome.kernel.journal.first?.exitReason == "panic sell", "\(outcome.kernel.journal.map(\.exitReason))")
            #expect(outcome.kernel.log.contains { $0.text.contains("CANCEL FAILED") && $0.text.contains("attempt 1") }, "the screen said the cancel failed")
            #expect(rows.filter { $0.event == "cancel-rejected" }.count == 2, "the journal shows both failed attempts")
            // What the panic sell could not sell (under the lot) is dust: no order for it.
            let left = outcome.kernel.account.position("ETHUSDT")?.absoluteQuantity ?? .zero
            #expect(left < Quantity(units: 10_000))
            #expect(!journal.orders.contains { $0.event == "intent" && $0.timeNanoseconds > panic.timeNanoseconds && $0.clientOrderID != panic.clientOrderID }, "no order for the dust")
        }

        @Test("a wrong API key: the session does not start, says the exchange's own code and message, and sends nothing")
        func wrongKey() throws {
            let fake = try FakeExchange(recording: Support.spotETH, speed: 30, account: account)
            try fake.start()
            var options = LiveTradingSession.Options(symbols: ["ETHUSDT"], connection: .loopback(port: fake.port), credentials: APICredentials(key: "wrong-key-0123456789", secret: "fake-secret-abcdefghijklmnop"), strategies: [], stopWhen: { true })
            options.database = try Support.scratchDirectory() + "/live.sqlite"
            do {
                _ = try LiveTradingSession.run(options)
                Issue.record("the session started with a wrong key")
            } catch {
                #expect(error.description.contains("code -2015") && error.description.contains("Invalid API-key"), "\(error)")
                #expect(!error.description.contains("order journal"), "\(error)")
                #expect(!error.description.contains("wrong-key-0123456789"), "the key is never printed")
            }
            #expect(fake.acceptedOrders.isEmpty)
        }

        @Test("user-data reports sent twice and swapped in pairs: every fill booked once, at the exchange's price and fee; the journal equals the exchange", arguments: [(true, false), (false, true), (true, true)])
        func duplicatedAndReorderedReports(duplicate: Bool, reorder: Bool) throws {
            var faults = FakeExchangeFaults()
            faults.duplicateUserData = duplicate
            faults.reorderUserData = reorder
            faults.partialFills = true
            let fake = try FakeExchange(recording: Support.spotETH, speed: 30, faults: faults, account: account)
            try fake.start()
            let database = try Support.scratchDirectory() + "/live.sqlite"
            let outcome = try run(fake, parameters: HairTrigger.drops(buyPrice: 0.05, sellPrice: 0.02, orderSize: 50), database: database)
            let (journal, accepted) = try JournalConsistency.check(fake, outcome, database: database, symbol: "ETHUSDT")
            #expect(accepted.contains { $0.status == "FILLED" || $0.status == "PARTIALLY_FILLED" }, "something filled")
            #expect(outcome.fillReports >= 1, "reports came on the stream")
            let held = outcome.kernel.account.position("ETHUSDT")?.quantity.units ?? 0
            // A report that brings several of the exchange's fills itemises the commission of
            // its last one only; the others' fees in the coin are estimated at the account's
            // rate, each within a unit (10⁻⁸) of the exchange's own rounding: at most one unit
            // per fill the exchange reported.
            let tolerance = Int64(max(journal.fills.count, outcome.fillReports))
            #expect(abs(held - fake.holding(of: "ETHUSDT").units) <= tolerance, "Apogee holds \(Quantity(units: held)), the exchange \(fake.holding(of: "ETHUSDT")), within \(tolerance) units")
        }

        @Test("https:// to a plain-text server: the session says the server does not speak TLS, not that its certificate is untrusted")
        func tlsToPlainServer() throws {
            let fake = try FakeExchange(recording: Support.spotETH, speed: 30, account: account)
            try fake.start()
            let connection = try VenueConnection(venue: .binance, environment: .custom(ServiceAddress(tls: true, host: "127.0.0.1", port: fake.port)))
            var options = LiveTradingSession.Options(symbols: ["ETHUSDT"], connection: connection, credentials: account, strategies: [], stopWhen: { true })
            options.database = try Support.scratchDirectory() + "/live.sqlite"
            do {
                _ = try LiveTradingSession.run(options)
                Issue.record("a TLS session started against a plain-text server")
            } catch {
                #expect(error.description.contains("does not speak TLS"), "\(error)")
                #expect(!error.description.contains("not trusted"), "\(error)")
            }
        }

        @Test("an entry filling in parts: while what is held is under the exchange's minimum notional it is dust, and no take profit is placed for it; one goes out once the holding can be sold")
        func partialFillUnderMinimumNotional() throws {
            var faults = FakeExchangeFaults()
            faults.partialFills = true
            var rules = FakeExchangeRules()
            rules.spotMinNotional = Money(whole: 40)
            let fake = try FakeExchange(recording: Support.spotETH, speed: 30, faults: faults, account: account, rules: rules)
            try fake.start()
            let database = try Support.scratchDirectory() + "/live.sqlite"
            // 50 USDT buys: the first part (half) is worth about 25 USDT, under the 40 minimum.
            let outcome = try run(fake, parameters: HairTrigger.drops(buyPrice: 0.05, sellPrice: 0.02, orderSize: 50, autoCancelBuy: 0), database: database)
            let (journal, _) = try JournalConsistency.check(fake, outcome, database: database, symbol: "ETHUSDT")
            #expect(!journal.orders.contains { $0.event == "rejected" && ($0.reason ?? "").contains("NOTIONAL") }, "nothing under the minimum reached the exchange")
            let parts = journal.fills.sorted { $0.timeNanoseconds < $1.timeNanoseconds }
            #expect(parts.count >= 2, "the entry filled in parts")
            #expect(outcome.kernel.log.contains { $0.text.contains("dust") }, "the small holding was shown as dust")
            // Every take profit went out for a holding worth at least the minimum.
            for order in journal.orders where order.event == "intent" && order.origin == "exits:take-profit" {
                let held = parts.filter { $0.timeNanoseconds <= order.timeNanoseconds }.reduce(Int64(0)) { $0 + ($1.side == "buy" ? $1.quantity - $1.feeInBase : -$1.quantity) }
                let worth = Money.notional(Price(units: order.price ?? 0), Quantity(units: held))
                #expect(worth >= Money(whole: 40), "take profit \(order.clientOrderID) for a holding of \(Quantity(units: held)) worth \(worth)")
            }
        }
    }
}
