import FakeExchange
import Foundation
import MarketModel
import LiveEngine
import Storage
import Testing

/// What must hold after a live session whatever fault was injected: no client id twice
/// on the exchange, every exchange order journaled before it was sent, each one's fills
/// in the journal adding up to what the exchange executed, and the fills to the
/// position. `clientID` turns the exchange's id into Apogee's (Gate's `t-` prefix).
enum JournalConsistency {
    typealias Journal = (session: TradingSessionRecord, orders: [OrderJournalRow], fills: [FillRow], positions: [PositionSnapshotRow])
    typealias Accepted = [(clientOrderID: String, status: String, executed: String)]

    static func check(_ fake: FakeExchange, _ outcome: LiveTradingSession.Outcome, database: String, symbol: String, clientID: (String) -> String = { $0 }) throws -> (journal: Journal, accepted: Accepted) {
        #expect(outcome.journalFailure == nil)
        let accepted = fake.acceptedOrders.map { (clientOrderID: clientID($0.clientOrderID), status: $0.status, executed: $0.executed) }
        let ids = accepted.map(\.clientOrderID)
        #expect(Set(ids).count == ids.count, "no client id twice on the exchange")
        let journal = try #require(try ApogeeDatabase(path: database).journal(session: outcome.journalSession ?? 0))
        let intents = Set(journal.orders.filter { $0.event == "intent" }.map(\.clientOrderID))
        #expect(Set(ids).isSubset(of: intents), "every order on the exchange was journaled first")
        for order in accepted {
            let filled = journal.fills.filter { $0.clientOrderID == order.clientOrderID }.reduce(Int64(0)) { $0 + $1.quantity }
            #expect(Quantity(units: filled) == (try? Quantity(parsing: order.executed)), "\(order.clientOrderID): journal \(filled), exchange \(order.executed)")
        }
        expectPricedAsExecuted(fake, fills: journal.fills, clientID: clientID)
        // What is held: the fills, less the fees the exchange took out of the coin bought.
        let net = journal.fills.reduce(Int64(0)) { $0 + ($1.side == "buy" ? $1.quantity - $1.feeInBase : -$1.quantity) }
        #expect(net == outcome.kernel.account.position(symbol)?.quantity.units ?? 0)
        return (journal, accepted)
    }

    /// Each order's fills in the journal come to what the exchange's fills came to in
    /// the quote currency (within the rounding of each part's price to 10⁻⁸): an order
    /// that crossed the market is booked at the market's prices, not its limit.
    static func expectPricedAsExecuted(_ fake: FakeExchange, fills: [FillRow], clientID: (String) -> String = { $0 }) {
        for execution in fake.executions where !execution.executed.isZero && !execution.clientOrderID.hasPrefix("web-") {
            let id = clientID(execution.clientOrderID)
            let parts = fills.filter { $0.clientOrderID == id }
            let journaled = parts.reduce(Int128(0)) { $0 + Int128($1.price) * Int128($1.quantity) / Int128(FixedPoint.unitsPerWhole) }
            let difference = journaled - Int128(execution.quote)
            #expect(abs(difference) <= Int128(parts.count + 1), "\(id)\(execution.taker ? " (crossed the market)" : ""): journal's fills come to \(journaled), the exchange's to \(execution.quote) (10⁻⁸ quote units)")
        }
    }
}
