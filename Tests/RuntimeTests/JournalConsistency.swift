import FakeExchange
import Foundation
import MarketModel
import Runtime
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
        let net = journal.fills.reduce(Int64(0)) { $0 + ($1.side == "buy" ? $1.quantity : -$1.quantity) }
        #expect(net == outcome.kernel.account.position(symbol)?.quantity.units ?? 0)
        return (journal, accepted)
    }
}
