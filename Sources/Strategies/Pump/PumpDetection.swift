import DequeModule
import MarketModel
import Trading

/// MoonBot's PumpDetection (moonbot.md §1.5): a fast rise driven by aggressive buying.
///
/// The rule, precisely (public trade data shows takers, not accounts, so "buyers" are
/// counted as taker-buy prints; that reading is ours):
/// 1. Per second of trade prints: the close, the quote value bought by takers, and the
///    number of taker-buy prints.
/// 2. Fire when, at a print, all hold:
///    - the price rose `PumpPriceRaise` % or more from the lowest close of the last
///      `PumpPriceInterval` seconds (60, 30, 15 or 4) to this print;
///    - taker-buy volume per second, smoothed as an EMA over `PumpVolEMA` seconds
///      (α = 2 / (N + 1); N < 2: the last whole second), is at least `PumpVolPerSec`;
///    - at least `PumpBuysPerSec` taker-buy prints in the last whole second;
///    - the mean taker-buy prints per second over the last `PumpBuyersInterval` seconds
///      is between `PumpBuyersPerSecMin` and `PumpBuyersPerSecMax` (so one whale's
///      single sweep does not count as a crowd);
///    - not within `NextDetectPenalty` s of the previous detect.
/// 3. With `AutoBuy`, buy `OrderSize` worth with a limit `BuyPrice` % above the price
///    before the pump (the window's lowest close; with `Use30SecOldASK` the lowest best
///    ask of the last 30 s), never chasing the top. `PumpMoveTimer` > 0 moves an
///    unfilled order up by `PumpMovePersent` % every that many seconds.
/// `Short` (futures) is the mirror image: a dump of `PumpPriceRaise` % from the
/// window's highest close on aggressive selling (taker sells counted), sold short
/// `BuyPrice` % under the price before the dump.
public struct PumpDetection: Strategy {
    public static let strategyName = "pump"
    public var name: String { Self.strategyName }
    public let exits: ExitSettings
    public let filters: StrategyFilters
    public var wantsBookUpdates: Bool { useOldAsk }

    let interval: Int
    let priceRaise: Double
    let volumePerSecond: Double
    let volumeEMA: Int
    let buysPerSecond: Int
    let buyersMin: Double
    let buyersMax: Double
    let buyersInterval: Int
    let penalty: Int64
    let autoBuy: Bool
    let buyPrice: Double
    let useOldAsk: Bool
    let moveTimer: Int64
    let movePercent: Double
    let orderSize: Money
    let direction: EntryDirection

    struct Second: Sendable {
        var close: Double
        var buyVolume: Double
        var buys: Int
    }
    struct SymbolState: Sendable {
        var seconds: Deque<Second> = []
        var current: (second: Int64, data: Second)?
        var smoothedVolume = 0.0
        var asks: Deque<(second: Int64, ask: Double)> = []
        var quietUntil: Int64 = .min
        var lastMove: Int64 = .min
    }
    var states: [String: SymbolState] = [:]

    public static let specs: [ParameterSpec] = [
        ParameterSpec("PumpPriceInterval", .choice(["60", "30", "15", "4"]), default: .text("30"), "window of the rise, seconds"),
        ParameterSpec("PumpPriceRaise", .number(0.01...1_000), default: .number(7), "least rise within the window, %"),
        ParameterSpec("PumpVolPerSec", .number(0...1_000_000_000), default: .number(0), "least taker-buy volume per second, quote currency"),
        ParameterSpec("PumpVolEMA", .integer(0...600), default: .integer(2), "seconds the buy volume per second is smoothed over"),
        ParameterSpec("PumpBuysPerSec", .integer(0...100_000), default: .integer(15), "least taker-buy prints in the last second"),
        ParameterSpec("PumpBuyersPerSecMin", .number(0...100_000), default: .number(0), "least mean taker-buy prints per second over PumpBuyersInterval"),
        ParameterSpec("PumpBuyersPerSecMax", .number(0...100_000), default: .number(100_000), "most mean taker-buy prints per second over PumpBuyersInterval"),
        ParameterSpec("PumpBuyersInterval", .integer(1...600), default: .integer(4), "seconds of that mean"),
        ParameterSpec("NextDetectPenalty", .number(0...86_400), default: .number(30), "seconds without a detect after one"),
        ParameterSpec("AutoBuy", .flag, default: .flag(false), "buy on a detect (YES) or only report it (NO)"),
        ParameterSpec("BuyPrice", .number(-50...100), default: .number(1), "the buy's limit, % above the price before the pump"),
        ParameterSpec("Use30SecOldASK", .flag, default: .flag(false), "price before the pump = lowest best ask of the last 30 s"),
        ParameterSpec("PumpMoveTimer", .number(0...3_600), default: .number(0), "seconds between two moves of an unfilled buy up (0: never)"),
        ParameterSpec("PumpMovePersent", .number(0...100), default: .number(0.5), "each move, % of the order price"),
        ParameterSpec("OrderSize", .number(0.00000001...1_000_000_000), default: .number(100), "value of one entry, in the account currency"),
        ParameterSpec("Short", .flag, default: .flag(false), "the mirror image: a dump on aggressive selling, sold short (futures only)"),
    ] + ExitParameters.specs + StrategyFilters.specs

    public init(parameters: ParameterSet) {
        exits = ExitParameters.settings(from: parameters)
        filters = StrategyFilters(parameters: parameters)
        interval = Int(parameters.text("PumpPriceInterval")) ?? 30
        priceRaise = parameters.number("PumpPriceRaise")
        volumePerSecond = parameters.number("PumpVolPerSec")
        volumeEMA = parameters.integer("PumpVolEMA")
        buysPerSecond = parameters.integer("PumpBuysPerSec")
        buyersMin = parameters.number("PumpBuyersPerSecMin")
        buyersMax = parameters.number("PumpBuyersPerSecMax")
        buyersInterval = parameters.integer("PumpBuyersInterval")
        penalty = Int64(parameters.number("NextDetectPenalty") * 1e9)
        autoBuy = parameters.flag("AutoBuy")
        buyPrice = parameters.number("BuyPrice")
        useOldAsk = parameters.flag("Use30SecOldASK")
        moveTimer = Int64(parameters.number("PumpMoveTimer") * 1e9)
        movePercent = parameters.number("PumpMovePersent")
        orderSize = parameters.money("OrderSize")
        direction = EntryDirection(short: parameters.flag("Short"))
    }

    public mutating func handle(_ input: StrategyInput, context: StrategyContext) -> [StrategyIntent] {
        var state = states[context.symbol] ?? SymbolState()
        defer { states[context.symbol] = state }
        let now = context.now.nanoseconds
        if let ask = context.bestAsk {
            let second = now / 1_000_000_000
            if state.asks.last?.second != second { state.asks.append((second, Double(ask.units))) } else { state.asks[state.asks.count - 1].ask = min(state.asks[state.asks.count - 1].ask, Double(ask.units)) }
            while let first = state.asks.first, second - first.second >= 30 { state.asks.removeFirst() }
        }
        var intents = moveOrder(state: &state, context: context)
        guard case .market(.trade(let trade)) = input else { return intents }
        advance(&state, trade: trade)
        intents += check(&state, price: Double(trade.price.units), context: context)
        return intents
    }

    private func advance(_ state: inout SymbolState, trade: TradePrint) {
        // A print stamped before the second being built (a clock step, merged
        // connections) joins that second: time never runs backwards here.
        let second = max(trade.time.received.nanoseconds / 1_000_000_000, state.current?.second ?? .min)
        let price = Double(trade.price.units)
        if let current = state.current, current.second != second {
            // Close the finished second and carry the close through silent ones.
            let gap = min(second - current.second, Int64(max(interval, buyersInterval)) + 1)
            for step in 0..<gap {
                close(step == 0 ? current.data : Second(close: current.data.close, buyVolume: 0, buys: 0), into: &state)
            }
            state.current = nil
        }
        var data = state.current?.data ?? Second(close: price, buyVolume: 0, buys: 0)
        data.close = price
        if trade.aggressor == (direction.short ? .sell : .buy) {
            data.buyVolume += Double(trade.price.units) / 1e8 * Double(trade.quantity.units) / 1e8
            data.buys += 1
        }
        state.current = (second, data)
    }

    private func close(_ second: Second, into state: inout SymbolState) {
        state.seconds.append(second)
        let kept = max(interval, buyersInterval)
        if state.seconds.count > kept { state.seconds.removeFirst(state.seconds.count - kept) }
        if volumeEMA < 2 {
            state.smoothedVolume = second.buyVolume
        } else {
            state.smoothedVolume += 2 / (Double(volumeEMA) + 1) * (second.buyVolume - state.smoothedVolume)
        }
    }

    private func check(_ state: inout SymbolState, price: Double, context: StrategyContext) -> [StrategyIntent] {
        let now = context.now.nanoseconds
        if direction.short, !context.kind.isFutures { return [] }
        guard now >= state.quietUntil, let last = state.seconds.last else { return [] }
        let window = state.seconds.suffix(interval)
        guard let low = (direction.short ? window.map(\.close).max() : window.map(\.close).min()), low > 0 else { return [] }
        let raise = direction.short ? (low / price - 1) * 100 : (price / low - 1) * 100
        let recent = state.seconds.suffix(buyersInterval)
        let buyersPerSecond = Double(recent.reduce(0) { $0 + $1.buys }) / Double(recent.count)
        guard raise >= priceRaise, state.smoothedVolume >= volumePerSecond, last.buys >= buysPerSecond,
              buyersPerSecond >= buyersMin, buyersPerSecond <= buyersMax else { return [] }
        state.quietUntil = now + penalty
        let detection = Detection(strategy: name, symbol: context.symbol, time: context.now, figures: [
            .init("price_delta_pct", rounding: raise, places: 2),
            .init("vol_per_s", rounding: state.smoothedVolume, places: 2),
            .init("buys_per_s", integer: last.buys),
            .init("buyers_per_s", rounding: buyersPerSecond, places: 2),
            .init("price_before", price: Price(units: Int64(low.rounded()))),
        ], trades: autoBuy)
        var intents: [StrategyIntent] = [.detect(detection)]
        if autoBuy, context.isFlat, context.openOrders.isEmpty {
            let base = useOldAsk && !direction.short ? (state.asks.map(\.ask).min() ?? low) : low
            let limit = Price.rounded(units: base * (1 + direction.sign * buyPrice / 100), tick: context.tick, up: direction.short)
            let quantity = context.quantity(for: orderSize, at: limit)
            if limit.units > 0, quantity.units > 0 {
                intents.append(.place(OrderIntent(symbol: context.symbol, side: direction.side, kind: .limit(limit), quantity: quantity)))
                state.lastMove = now
            }
        }
        return intents
    }

    /// Moves an unfilled buy up by `PumpMovePersent` % every `PumpMoveTimer` seconds.
    private func moveOrder(state: inout SymbolState, context: StrategyContext) -> [StrategyIntent] {
        let now = context.now.nanoseconds
        guard moveTimer > 0, state.lastMove != .min, now - state.lastMove >= moveTimer, context.isFlat,
              let order = direction.entries(context).first,
              order.status != .new, !order.cancelRequested, order.filledQuantity.isZero,
              let price = order.request.kind.limitPrice else { return [] }
        state.lastMove = now
        let moved = price.moved(byPercent: direction.sign * movePercent, tick: context.tick, roundingUp: direction.short)
        guard moved != price else { return [] }
        return [.replace(order.id, price: moved, quantity: nil)]
    }
}
