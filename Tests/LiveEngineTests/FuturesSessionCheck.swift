import TestFixtures
import FakeExchange
import Foundation
import MarketModel
import LiveEngine
import Storage
import Synchronization
import Testing
import Venues

/// A futures strategy session against the fake exchange (leverage 7, isolated, the
/// countdown at 30 s) and what must hold on any futures venue: the settings reached the
/// exchange before trading, the countdown was armed while running and disarmed at the
/// end, the strategy traded, the exchange's orders are the journal's intents, each
/// order's fills add up to what the exchange executed, fills were pushed.
enum FuturesSessionCheck {
    static func run(_ fake: FakeExchange, venue: VenueID, symbol: String, account: APICredentials, clientID: @escaping (String) -> String = { $0 }) throws {
        let database = try Support.scratchDirectory() + "/live.sqlite"
        let settle = Settle()
        let armed = Mutex(false)
        // AutoCancelBuy 10 s: on a loaded machine an entry may take seconds to fill, and
        // the check needs a fill (an entry cancelled at exactly 2 s, as the kernel now
        // does, sometimes had none).
        var options = LiveTradingSession.Options(symbols: [symbol], connection: .loopback(port: fake.port, venue: venue), credentials: account, strategies: [("drops", HairTrigger.drops(buyPrice: 0.02, sellPrice: 0.01, orderSize: 100, autoCancelBuy: 10))], stopWhen: {
            if fake.countdownsArmed == [symbol] { armed.withLock { $0 = true } }
            return fake.finished && settle.passed(1.0)
        })
        options.database = database
        options.leverage = 7
        options.marginType = "ISOLATED"
        options.countdownSeconds = 30
        let outcome = try LiveTradingSession.run(options)
        #expect(outcome.journalFailure == nil)
        #expect(fake.futuresSettings[symbol]?.leverage == 7)
        #expect(fake.futuresSettings[symbol]?.marginType == "ISOLATED")
        #expect(armed.withLock { $0 }, "the countdown was armed during the session")
        #expect(fake.countdownsArmed.isEmpty, "disarmed at the clean end")
        #expect(fake.countdownsFired.isEmpty)
        #expect(outcome.kernel.configuration.marketKind == .usdMargined)
        let accepted = fake.acceptedOrders.map { (clientOrderID: clientID($0.clientOrderID), executed: $0.executed) }
        #expect(accepted.count >= 1, "the strategy traded \(venue.rawValue)")
        let journal = try #require(try ApogeeDatabase(path: database).journal(session: outcome.journalSession ?? 0))
        #expect(Set(journal.orders.filter { $0.event == "intent" }.map(\.clientOrderID)) == Set(accepted.map(\.clientOrderID)))
        for order in accepted {
            let filled = journal.fills.filter { $0.clientOrderID == order.clientOrderID }.reduce(Int64(0)) { $0 + $1.quantity }
            #expect(Quantity(units: filled) == (try? Quantity(parsing: order.executed)), "\(order.clientOrderID): journal \(filled), exchange \(order.executed)")
        }
        let net = journal.fills.reduce(Int64(0)) { $0 + ($1.side == "buy" ? $1.quantity - $1.feeInBase : -$1.quantity) }
        #expect(net == outcome.kernel.account.position(symbol)?.quantity.units ?? 0)
        #expect(fake.userDataSubscriptions >= 1, "the order-update stream was opened")
        #expect(outcome.fillReports >= 1, "fills reported on the stream: \(outcome.fillReports); booked from it first \(outcome.fillsPushed), by a poll first \(outcome.fillsPolled)")
    }
}
