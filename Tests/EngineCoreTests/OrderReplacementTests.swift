import EngineCore
import MarketModel
import OrderBook
import Simulation
import Strategies
import Testing
import Trading

/// A strategy that bids 1 BTC at 100 on its first trade and, once the bid is
/// accepted, moves it to `movedTo` on the next trade: the shape of MoonShot's and
/// Hook's corridor.
private struct MovingBid: Strategy {
    let name = "moving"
    var exits: ExitSettings
    var filters: StrategyFilters = .none
    let movedTo: Price
    var placed = false
    var moved = false

    init(movedTo: String, exits: ExitSettings = ExitSettings()) {
        self.movedTo = price(movedTo)
        self.exits = exits
    }

    mutating func handle(_ input: StrategyInput, context: StrategyContext) -> [StrategyIntent] {
        guard case .market(.trade) = input else { return [] }
        if !placed {
            placed = true
            return [buy("1", at: "100")]
        }
        guard !moved, let order = context.openOrders.first, order.status == .accepted else { return [] }
        moved = true
        return [.replace(order.id, price: movedTo, quantity: nil)]
    }
}

/// The kernel wired by hand to the simulated exchange, so the order of events between
/// them (a cancel in flight, a wick meanwhile) is chosen by the test.
private struct Wiring {
    var kernel: TradingKernel
    var venue = SimulatedExchange(settings: SimulationSettings(latency: LatencyModel(orderEntryNanoseconds: 0, responseNanoseconds: 0), account: .spot), cash: money("10000"))
    static let opening = BookSnapshot(symbol: "BTCUSDT", lastUpdateID: 1, bids: [BookLevel(price: price("99.9"), quantity: quantity("5"))], asks: [BookLevel(price: price("100.1"), quantity: quantity("5"))], time: time(0))
    var book: OrderBook = {
        var book = OrderBook(symbol: "BTCUSDT", rule: .sequential)
        book.apply(Wiring.opening)
        return book
    }()
    var submits: [OrderRequest] = []
    /// The entries sent (the exits' take-profit sells left out).
    var bids: [OrderRequest] { submits.filter { $0.side == .buy } }
    var cancelsInFlight: [ClientOrderID] = []
    var fills: [Fill] = []

    init(_ strategy: MovingBid) {
        kernel = TradingKernel(configuration: KernelConfiguration(account: .spot, initialCash: money("10000"), risk: RiskSettings(), marketKind: .spot), strategies: [strategy])
        _ = kernel.handle(.market(.bookSnapshot(Wiring.opening)))
    }

    /// The kernel's effects: orders reach the venue at once, cancels wait for `deliverCancels`.
    mutating func route(_ effects: [KernelEffect], at seconds: Double) {
        for effect in effects {
            switch effect {
            case .submit(let request):
                submits.append(request)
                deliver(venue.orderArrived(request, at: at(seconds), book: book), at: seconds)
            case .cancel(let id, _):
                cancelsInFlight.append(id)
            default:
                break
            }
        }
    }

    mutating func deliver(_ reports: [SimulatedReport], at seconds: Double) {
        for report in reports {
            if case .filled(let fill) = report.event { fills.append(fill) }
            route(kernel.handle(.order(report.event, receivedAt: at(seconds))), at: seconds)
        }
    }

    mutating func trade(_ priceText: String, _ quantityText: String, side: Side, at seconds: Double) {
        let print = TradePrint(symbol: "BTCUSDT", id: 1, price: price(priceText), quantity: quantity(quantityText), aggressor: side, tradeTime: at(seconds), time: time(seconds))
        deliver(venue.trade(print), at: seconds)
        route(kernel.handle(.market(.trade(print))), at: seconds)
    }

    mutating func deliverCancels(at seconds: Double) {
        let ids = cancelsInFlight
        cancelsInFlight = []
        for id in ids { deliver(venue.cancelArrived(id, at: at(seconds)), at: seconds) }
    }
}

@Suite("Kernel: an order is replaced only once its cancel is confirmed")
struct OrderReplacementTests {
    @Test("a wick while the cancel is in flight fills the old bid only: the replacement is never sent, the position is 1, not 2")
    func wickFillsOnlyOne() {
        var wiring = Wiring(MovingBid(movedTo: "99.5"))
        wiring.trade("100.05", "0.01", side: .buy, at: 1)
        #expect(wiring.bids.map(\.kind) == [.limit(price("100"))])
        // The strategy moves its bid: the cancel goes out, the new bid does not.
        wiring.trade("100.05", "0.01", side: .buy, at: 2)
        #expect(wiring.cancelsInFlight == [wiring.bids[0].id])
        #expect(wiring.bids.count == 1)
        // A wick to 99 (3 BTC sold through both prices) before the cancel lands.
        wiring.trade("99", "3", side: .sell, at: 2.001)
        wiring.deliverCancels(at: 2.002)
        #expect(wiring.bids.count == 1)
        #expect(wiring.fills.map(\.quantity) == [quantity("1")])
        #expect(wiring.kernel.account.position("BTCUSDT")?.quantity == quantity("1"))
        #expect(wiring.kernel.log.contains { $0.text.contains("replacement not sent") })
    }

    @Test("the cancel confirmed first: the replacement goes out at the new price for the whole quantity, and the wick fills it alone")
    func cancelThenReplace() {
        var wiring = Wiring(MovingBid(movedTo: "99.5"))
        wiring.trade("100.05", "0.01", side: .buy, at: 1)
        wiring.trade("100.05", "0.01", side: .buy, at: 2)
        wiring.deliverCancels(at: 2.001)
        #expect(wiring.bids.map(\.kind) == [.limit(price("100")), .limit(price("99.5"))])
        #expect(wiring.bids.last?.quantity == quantity("1"))
        wiring.trade("99", "3", side: .sell, at: 3)
        #expect(wiring.fills.map(\.price) == [price("99.5")])
        #expect(wiring.kernel.account.position("BTCUSDT")?.quantity == quantity("1"))
    }

    @Test("the old bid partly filled before its cancel landed: the replacement is for what is left (0.6 of 1)")
    func partlyFilledThenReplaced() {
        var wiring = Wiring(MovingBid(movedTo: "99.5"))
        wiring.trade("100.05", "0.01", side: .buy, at: 1)
        wiring.trade("100.05", "0.01", side: .buy, at: 2)
        wiring.trade("99.9", "0.4", side: .sell, at: 2.001)
        wiring.deliverCancels(at: 2.002)
        #expect(wiring.bids.map(\.quantity) == [quantity("1"), quantity("0.6")])
        wiring.trade("99", "3", side: .sell, at: 3)
        #expect(wiring.kernel.account.position("BTCUSDT")?.quantity == quantity("1"))
    }

    @Test("the trader's cancel-all while a replacement waits drops it: nothing appears after the cancel")
    func cancelAllDropsTheReplacement() {
        var wiring = Wiring(MovingBid(movedTo: "99.5"))
        wiring.trade("100.05", "0.01", side: .buy, at: 1)
        wiring.trade("100.05", "0.01", side: .buy, at: 2)
        wiring.route(wiring.kernel.handle(.user(.cancelAll(symbol: nil), at: at(2.001))), at: 2.001)
        #expect(wiring.kernel.lastUserReply?.text.contains("replacement") == true)
        wiring.deliverCancels(at: 2.002)
        #expect(wiring.bids.count == 1)
        #expect(wiring.kernel.openOrders.isEmpty)
    }
}
