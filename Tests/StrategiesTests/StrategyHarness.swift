import MarketModel
import OrderBook
import Strategies
import Trading

/// Drives one strategy on one symbol with crafted prints, as the kernel would: a book
/// one tick wide around each print, the recent-trades ring, and the strategy's own
/// orders, which the harness accepts at once (or leaves unacknowledged) and never
/// fills. It records every intent with the second it came at.
struct StrategyHarness<S: Strategy> {
    var strategy: S
    var kind: MarketKind = .spot
    var tick = Price(units: 1_000_000)          // 0.01
    var lot = Quantity(units: 100_000)          // 0.001
    var acknowledge = true
    var position: Position?
    private(set) var recent = RecentTrades()
    private(set) var orders: [Order] = []
    private(set) var log: [(second: Double, intent: StrategyIntent)] = []
    private var nextID: UInt64 = 1
    private var tradeID: UInt64 = 1

    init(_ strategy: S) { self.strategy = strategy }

    var openOrders: [Order] { orders.filter(\.isOpen) }

    /// One print at `second` (seconds from 0); returns the intents it caused.
    @discardableResult
    mutating func print(_ second: Double, _ value: Double, quantity: Double = 0.01, aggressor: Side = .sell) -> [StrategyIntent] {
        let time = Timestamp(nanoseconds: Int64((second * 1e9).rounded()))
        let trade = TradePrint(symbol: "BTCUSDT", id: tradeID, price: Price(units: Int64((value * 1e8).rounded())), quantity: Quantity(units: Int64((quantity * 1e8).rounded())), aggressor: aggressor, tradeTime: time, time: EventTime(exchange: nil, received: time))
        tradeID += 1
        recent.append(trade)
        return deliver(.market(.trade(trade)), at: second, last: trade.price)
    }

    /// Prints `from`…`to` once a second, linearly, starting at `start`.
    mutating func ramp(from: Double, to: Double, seconds: Int, start: Double) {
        for step in 0..<seconds {
            print(start + Double(step), from + (to - from) * Double(step) / Double(max(seconds - 1, 1)))
        }
    }

    mutating func deliver(_ input: StrategyInput, at second: Double, last: Price) -> [StrategyIntent] {
        let intents = strategy.handle(input, context: context(second, last: last))
        for intent in intents {
            log.append((second, intent))
            apply(intent, at: second)
        }
        return intents
    }

    func context(_ second: Double, last: Price) -> StrategyContext {
        var book = OrderBook(symbol: "BTCUSDT", rule: .sequential)
        book.apply(BookSnapshot(symbol: "BTCUSDT", lastUpdateID: 1, bids: [BookLevel(price: last, quantity: Quantity(whole: 5))], asks: [BookLevel(price: Price(units: last.units + tick.units), quantity: Quantity(whole: 5))], time: EventTime(exchange: nil, received: Timestamp(nanoseconds: 0))))
        return StrategyContext(symbol: "BTCUSDT", now: Timestamp(nanoseconds: Int64((second * 1e9).rounded())), kind: kind, book: book, lastPrice: last, recentTrades: recent, candles: CandleSeries(), position: position, availableCash: Money(whole: 10_000), openOrders: openOrders, tick: tick, lot: lot)
    }

    private mutating func apply(_ intent: StrategyIntent, at second: Double) {
        switch intent {
        case .place(let order):
            add(order, at: second)
        case .replace(let id, let price, let quantity, let takeProfit):
            guard let index = orders.firstIndex(where: { $0.id == id }) else { return }
            let old = orders[index]
            try? orders[index].apply(.cancelled(id, time: Timestamp(nanoseconds: 0), reason: "replaced"))
            add(OrderIntent(symbol: old.request.symbol, side: old.request.side, kind: .limit(price), quantity: quantity ?? old.request.quantity, takeProfit: takeProfit), at: second)
        case .cancel(let id):
            if let index = orders.firstIndex(where: { $0.id == id }) { try? orders[index].apply(.cancelled(id, time: Timestamp(nanoseconds: 0), reason: "asked")) }
        case .closePosition, .panicSellAll, .detect:
            break
        }
    }

    private mutating func add(_ intent: OrderIntent, at second: Double) {
        let id = ClientOrderID(nextID)
        nextID += 1
        var order = Order(request: OrderRequest(id: id, symbol: intent.symbol, side: intent.side, kind: intent.kind, quantity: intent.quantity, origin: strategy.name, createdAt: Timestamp(nanoseconds: Int64(second * 1e9))))
        if acknowledge { try? order.apply(.accepted(id, time: Timestamp(nanoseconds: 0))) }
        orders.append(order)
    }

    /// Acknowledges every order still waiting for the venue.
    mutating func acknowledgeAll() {
        for index in orders.indices where orders[index].status == .new {
            try? orders[index].apply(.accepted(orders[index].id, time: Timestamp(nanoseconds: 0)))
        }
    }

    /// The limit prices of the intents that placed or moved an order, in order.
    var orderPrices: [Double] {
        log.compactMap { entry in
            switch entry.intent {
            case .place(let order): return order.kind.limitPrice.map { Double($0.units) / 1e8 }
            case .replace(_, let price, _, _): return Double(price.units) / 1e8
            default: return nil
            }
        }
    }

    var detections: [(second: Double, detection: Detection)] {
        log.compactMap { entry in
            if case .detect(let detection) = entry.intent { return (entry.second, detection) }
            return nil
        }
    }
}

func parameters(_ specs: [ParameterSpec], _ given: [(String, ParameterValue)]) throws -> ParameterSet {
    try ParameterSet(specs: specs, given: given.map { ($0.0, $0.1, "test") })
}
