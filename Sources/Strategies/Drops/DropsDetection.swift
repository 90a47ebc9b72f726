import DequeModule
import MarketModel
import Trading

/// MoonBot's DropsDetection: the price fell `DropsPriceDelta` % or more within the last
/// `DropsMaxTime` seconds.
///
/// The rule, precisely (moonbot.md §1.4; where MoonBot leaves it open, this is ours):
/// 1. Trade prints make one-second closes; a silent second repeats the last close.
/// 2. The reference series is the mean of the last `DropsPriceMA` closes (below 2: the
///    closes themselves). The window keeps `DropsMaxTime` seconds of it.
/// 3. The current price is the last print (`DropsLastPriceMA` = 0, so a spike down
///    that recovers at once still counts) or the mean of the last 2 × N closes.
/// 4. It fires when `(highest reference in the window / current − 1) × 100 ≥
///    DropsPriceDelta`. The current price is the newest point, so the high always
///    comes before the low: a drop, never a rise.
/// 5. After a detect, none for `NextDetectPenalty` seconds on that symbol.
/// With `AutoBuy` the detect buys `OrderSize` worth with a limit `BuyPrice` % from the
/// best ask (negative: below it), if flat with no order open; exits are the shared
/// ones. Without it the detect is only reported (log, strategy panel, events channel).
/// `Short` (futures) is the mirror image: a rise of `DropsPriceDelta` % from the
/// window's lowest reference, sold short `BuyPrice` % from the best bid.
public struct DropsDetection: Strategy {
    public static let strategyName = "drops"
    public var name: String { Self.strategyName }
    public let exits: ExitSettings
    public let filters: StrategyFilters

    let maxTime: Int
    let priceMA: Int
    let lastPriceMA: Int
    let priceDelta: Double
    let penalty: Int64
    let autoBuy: Bool
    let buyPrice: Double
    let orderSize: Money
    let direction: EntryDirection

    /// Each symbol's window: one market's prices never reach another's detects.
    var windows: [String: Window] = [:]

    /// One symbol's second closes, its reference window and its quiet time after a detect.
    struct Window {
        var closes: Deque<Double> = []
        var reference: Deque<Double> = []
        var currentSecond: Int64?
        var currentClose = 0.0
        var quietUntil: Int64 = .min
    }

    public static let specs: [ParameterSpec] = [
        ParameterSpec("DropsMaxTime", .integer(2...86_400), default: .integer(100), "window the drop must happen in, seconds"),
        ParameterSpec("DropsPriceMA", .integer(0...3_600), default: .integer(20), "seconds averaged into the reference price (below 2: raw closes)"),
        ParameterSpec("DropsLastPriceMA", .integer(0...600), default: .integer(0), "2-second intervals averaged for the current price (0: the last print)"),
        ParameterSpec("DropsPriceDelta", .number(0.01...99), default: .number(3), "how far the price must fall from the window's high, %"),
        ParameterSpec("NextDetectPenalty", .number(0...86_400), default: .number(30), "seconds without a detect after one"),
        ParameterSpec("AutoBuy", .flag, default: .flag(false), "buy on a detect (YES) or only report it (NO)"),
        ParameterSpec("BuyPrice", .number(-50...50), default: .number(0), "limit of the buy, % from the best ask"),
        ParameterSpec("OrderSize", .number(0.00000001...1_000_000_000), default: .number(100), "value of one entry, in the account currency"),
        ParameterSpec("Short", .flag, default: .flag(false), "the mirror image: detect a rise and sell short (futures only)"),
    ] + ExitParameters.specs + StrategyFilters.specs

    public init(parameters: ParameterSet) {
        exits = ExitParameters.settings(from: parameters)
        filters = StrategyFilters(parameters: parameters)
        maxTime = parameters.integer("DropsMaxTime")
        priceMA = parameters.integer("DropsPriceMA")
        lastPriceMA = parameters.integer("DropsLastPriceMA")
        priceDelta = parameters.number("DropsPriceDelta")
        penalty = Int64(parameters.number("NextDetectPenalty") * 1e9)
        autoBuy = parameters.flag("AutoBuy")
        buyPrice = parameters.number("BuyPrice")
        orderSize = parameters.money("OrderSize")
        direction = EntryDirection(short: parameters.flag("Short"))
    }

    public mutating func handle(_ input: StrategyInput, context: StrategyContext) -> [StrategyIntent] {
        guard case .market(.trade(let trade)) = input else { return [] }
        // Taken out while it changes (so it is never shared, never copied), put back after.
        var window = windows.removeValue(forKey: context.symbol) ?? Window()
        let detection = detect(trade, in: &window, context: context)
        windows[context.symbol] = window
        guard let detection else { return [] }
        return [.detect(detection)] + (autoBuy ? buy(context: context) : [])
    }

    private func detect(_ trade: TradePrint, in window: inout Window, context: StrategyContext) -> Detection? {
        let price = Double(trade.price.units)
        advance(&window, price: price, second: trade.time.received.nanoseconds / 1_000_000_000)
        let now = trade.time.received.nanoseconds
        if direction.short, !context.kind.isFutures { return nil }
        guard now >= window.quietUntil, let extreme = direction.short ? window.reference.min() : window.reference.max() else { return nil }
        let current = currentPrice(window, last: price)
        guard current > 0, extreme > 0 else { return nil }
        let delta = direction.short ? (current / extreme - 1) * 100 : (extreme / current - 1) * 100
        guard delta >= priceDelta else { return nil }
        window.quietUntil = now + penalty
        return Detection(strategy: name, symbol: context.symbol, time: trade.time.received, figures: [
            .init("price_delta_pct", rounding: delta, places: 2),
            .init(direction.short ? "low" : "high", price: Price(units: Int64(extreme.rounded()))),
            .init("price", price: Price(units: Int64(current.rounded()))),
            .init("window_s", integer: maxTime),
        ], trades: autoBuy)
    }

    /// Closes the seconds that ended (repeating the last close through silent ones)
    /// and keeps the reference window `DropsMaxTime` long. A print stamped before the
    /// second being built (a clock step, merged connections) joins that second.
    private func advance(_ window: inout Window, price: Double, second: Int64) {
        guard let current = window.currentSecond else {
            window.currentSecond = second
            window.currentClose = price
            return
        }
        if second > current {
            for _ in 0..<min(second - current, Int64(maxTime)) { close(&window, window.currentClose) }
            window.currentSecond = second
        }
        window.currentClose = price
    }

    private func close(_ window: inout Window, _ value: Double) {
        window.closes.append(value)
        let kept = max(priceMA, 2 * lastPriceMA, 1)
        if window.closes.count > kept { window.closes.removeFirst(window.closes.count - kept) }
        let averaged = priceMA < 2 ? value : window.closes.suffix(priceMA).reduce(0, +) / Double(min(priceMA, window.closes.count))
        window.reference.append(averaged)
        if window.reference.count > maxTime { window.reference.removeFirst(window.reference.count - maxTime) }
    }

    private func currentPrice(_ window: Window, last: Double) -> Double {
        guard lastPriceMA > 0, !window.closes.isEmpty else { return last }
        let recent = window.closes.suffix(2 * lastPriceMA)
        return recent.reduce(0, +) / Double(recent.count)
    }

    /// Long: a limit `BuyPrice` % from the best ask, rounded down; short: the mirror,
    /// from the best bid, rounded up.
    private func buy(context: StrategyContext) -> [StrategyIntent] {
        let touch = direction.short ? context.bestBid : context.bestAsk
        guard context.isFlat, context.openOrders.isEmpty, let touch = touch ?? context.lastPrice else { return [] }
        let limit = Price.rounded(units: Double(touch.units) * (1 + direction.sign * buyPrice / 100), tick: context.tick, up: direction.short)
        let quantity = context.quantity(for: orderSize, at: limit)
        guard quantity.units > 0, limit.units > 0 else { return [] }
        return [.place(OrderIntent(symbol: context.symbol, side: direction.side, kind: .limit(limit), quantity: quantity))]
    }
}
