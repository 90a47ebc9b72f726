import EngineCore
import LiveCore
import MarketModel
import Simulation
import Testing
import Trading

/// Generated sessions against a misbehaving exchange: orders, fills, cancels, lost and
/// refused answers, 429s, failing cancels and look-ups, pushes duplicated, reordered or
/// lost. Whatever happens, once the exchange behaves again the session agrees with it.
@Suite("Live session machine: generated sessions")
struct LiveSessionPropertyTests {
    @Test("after any mix of faults, the kernel's orders end as the exchange's did, with the same executed quantity, and nothing loops", arguments: 0..<400)
    func convergesWithTheExchange(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        var session = LiveSessionHarness()
        var pushes: [VenueOrderReport] = []
        for _ in 0..<60 {
            switch Int.random(in: 0..<12, using: &random) {
            case 0, 1:
                let limit = ["99.00", "99.50", "98.70"].randomElement(using: &random)!
                session.buy(["0.1", "0.5", "1"].randomElement(using: &random)!, at: limit)
            case 2, 3:
                // The market trades through an open order on the exchange.
                if let open = session.venue.orders.filter({ $0.status.end == nil }).randomElement(using: &random) {
                    let part = Quantity(units: max(1, open.quantity.units / Int64.random(in: 1...3, using: &random)))
                    if let report = session.venue.fill(open.clientOrderID, quantity: part, at: open.price) { pushes.append(report) }
                }
            case 4:
                session.cancelAll()
            case 5:
                // Pushes arrive: some lost, some twice, out of order.
                pushes.shuffle(using: &random)
                for report in pushes where Bool.random(using: &random) {
                    session.push(report)
                    if Int.random(in: 0..<4, using: &random) == 0 { session.push(report) }
                }
                pushes.removeAll()
            case 6:
                session.venue.failNextCancels.append(Bool.random(using: &random) ? InMemoryVenue.unavailable : OrderVenueFailure(description: "HTTP 429", code: -1003, retryAt: session.now + seconds(1)))
            case 7:
                switch Int.random(in: 0..<4, using: &random) {
                case 0: session.venue.loseNextPlacementAnswers += 1
                case 1: session.venue.dropNextPlacements += 1
                case 2: session.venue.refuseNextPlacements.append(OrderVenueFailure(description: "HTTP 429", code: -1003, retryAt: session.now + seconds(2)))
                default: session.venue.refuseNextPlacements.append(OrderVenueFailure(description: "Order would immediately match and take. (code -2010)", code: -2010))
                }
            case 8:
                session.venue.failNextLookUps.append(InMemoryVenue.unavailable)
            case 9:
                if let open = session.venue.orders.filter({ $0.status.end == nil }).randomElement(using: &random),
                   let report = session.venue.cancelOnTheExchange(open.clientOrderID) {
                    pushes.append(report)
                }
            default:
                session.advance(by: Double(Int.random(in: 1...8, using: &random)) * 0.1)
                session.tick()
                session.trade(at: ["99.90", "100.00", "100.10"].randomElement(using: &random)!)
            }
            let placed = session.venue.requests.filter { $0.hasPrefix("place") }.count
            #expect(placed <= 3 * session.machine.kernel.orderCount + 3, "seed \(seed): no order loop (\(placed) placements for \(session.machine.kernel.orderCount) orders)")
        }
        // The exchange behaves again; time passes; the polls and retries catch up.
        session.venue.failNextCancels.removeAll()
        session.venue.failNextLookUps.removeAll()
        session.venue.refuseNextPlacements.removeAll()
        session.venue.loseNextPlacementAnswers = 0
        session.venue.dropNextPlacements = 0
        for _ in 0..<40 {
            session.advance(by: 1)
            session.tick()
        }
        for order in session.allOrders where order.status != .denied {
            let clientID = session.machine.exchangeID(order.id)
            guard let onExchange = session.venue.order(clientID) else {
                #expect(!order.isOpen, "seed \(seed): \(clientID) never reached the exchange and is not left open (\(order.status))")
                continue
            }
            #expect(order.filledQuantity == onExchange.executed, "seed \(seed): \(clientID) executed \(onExchange.executed) on the exchange, \(order.filledQuantity) booked")
            #expect(order.isOpen == (onExchange.status.end == nil), "seed \(seed): \(clientID) is \(onExchange.status) on the exchange, \(order.status) in the kernel; journal \(session.journalEvents(of: clientID)); requests \(session.venue.requests.filter { $0.hasSuffix(clientID) })")
        }
        #expect(session.machine.retries.cancels.isEmpty, "seed \(seed): every cancel confirmed")
        #expect(!session.machine.lastErrors.contains { $0.contains("after it was closed here") }, "seed \(seed): no order reached the exchange after it was closed (a send and a cancel out of order)")
        var intents: [ClientOrderID: Int] = [:]
        for case .submitted(let request, _) in session.journal { intents[request.id, default: 0] += 1 }
        #expect(intents.values.allSatisfy { $0 == 1 }, "seed \(seed): one intent per order")
    }
}
