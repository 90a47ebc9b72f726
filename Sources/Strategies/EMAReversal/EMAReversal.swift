import MarketModel
import Trading

/// EMA reversal: when the price stretches `StretchPercent` % away from its EMA and then
/// turns back by `TurnPercent` % from the extreme it reached, enter towards the EMA.
/// Exits are the shared ones (take profit, stops, trailing, price-down, panic sell).
///
/// The rule, precisely (long side; the short side mirrors it, futures only):
/// 1. The EMA runs over one-second closes of trade prints with `α = 2 / (EMAPeriod + 1)`;
///    a second without trades repeats the last close. Nothing trades until `EMAPeriod`
///    seconds of prints have been seen.
/// 2. A print at or below `EMA × (1 − StretchPercent/100)` marks the market stretched and
///    tracks the lowest print since.
/// 3. While stretched, a print at or above `low × (1 + TurnPercent/100)` and still below
///    the EMA is the turn: buy `OrderSize` worth (a limit at the best bid, or a market
///    order), if flat, with no entry order open, and `EntryCooldown` seconds after the
///    last entry.
/// 4. A print back at the EMA without a turn ends the stretch.
public struct EMAReversal: Strategy {
    public static let strategyName = "ema-reversal"
    public var name: String { Self.strategyName }
    public let exits: ExitSettings

    let period: Int
    let stretch: Double
    let turn: Double
    let direction: String
    let orderSize: Money
    let marketEntry: Bool
    let cooldown: Int64

    /// Each symbol's EMA and stretch: one market's prices never reach another's entries.
    var markets: [String: MarketState] = [:]

    /// One symbol's one-second EMA, the stretch being watched, and its last entry.
    struct MarketState {
        var ema: Double?
        var currentSecond: Int64?
        var currentClose: Double = 0
        var firstSecond: Int64?
        var stretchedLow: Double?
        var stretchedHigh: Double?
        var lastEntry: Timestamp?
    }

    public static let specs: [ParameterSpec] = [
        StrategyFilters.emulatorSpec,
        ParameterSpec("EMAPeriod", .integer(2...86_400), default: .integer(30), "EMA period in seconds (over one-second closes)"),
        ParameterSpec("StretchPercent", .number(0.001...50), default: .number(0.05), "how far from the EMA the price must stretch, %"),
        ParameterSpec("TurnPercent", .number(0...50), default: .number(0.02), "how far it must come back from its extreme, %"),
        ParameterSpec("Direction", .choice(["long", "short", "both"]), default: .text("long"), "which side to trade (short: futures only)"),
        ParameterSpec("OrderSize", .number(0.00000001...1_000_000_000), default: .number(100), "value of one entry, in the account currency"),
        ParameterSpec("EntryOrder", .choice(["limit", "market"]), default: .text("limit"), "limit at the touch, or market"),
        ParameterSpec("EntryCooldown", .number(0...86_400), default: .number(10), "seconds between two entries"),
    // Defaults tuned for a reversal scalp: a tight stop and an unfilled entry let go.
    // The take profit clears the 0.2 % of a spot round trip's fees (0.1 % did not:
    // every default win lost money).
    ] + ExitParameters.specs(defaults: ["SellPrice": .number(0.3), "StopLoss": .number(-0.15), "AutoCancelBuy": .number(5)])

    public init(parameters: ParameterSet) {
        exits = ExitParameters.settings(from: parameters)
        period = parameters.integer("EMAPeriod")
        stretch = parameters.number("StretchPercent")
        turn = parameters.number("TurnPercent")
        direction = parameters.text("Direction")
        orderSize = parameters.money("OrderSize")
        marketEntry = parameters.text("EntryOrder") == "market"
        cooldown = Int64(parameters.number("EntryCooldown") * 1e9)
    }

    public mutating func handle(_ input: StrategyInput, context: StrategyContext) -> [StrategyIntent] {
        guard case .market(.trade(let trade)) = input else { return [] }
        // Taken out while it changes (so it is never shared, never copied), put back after.
        var state = markets.removeValue(forKey: context.symbol) ?? MarketState()
        let intents = handle(trade, state: &state, context: context)
        markets[context.symbol] = state
        return intents
    }

    private func handle(_ trade: TradePrint, state: inout MarketState, context: StrategyContext) -> [StrategyIntent] {
        let price = Double(trade.price.units)
        advanceEMA(&state, price: price, at: trade.time.received)
        guard let ema = state.ema, let first = state.firstSecond, let second = state.currentSecond, second - first >= Int64(period) else { return [] }

        var intents: [StrategyIntent] = []
        let deviation = (price - ema) / ema * 100
        if direction != "short" {
            if deviation <= -stretch { state.stretchedLow = min(state.stretchedLow ?? price, price) }
            if let low = state.stretchedLow {
                if price >= ema {
                    state.stretchedLow = nil
                } else if price >= low * (1 + turn / 100) {
                    state.stretchedLow = nil
                    intents += enter(.buy, state: &state, context: context, why: "price turned \(Self.percent((price / low - 1) * 100)) up from \(Self.price(low, context.tick)) after \(Self.percent((ema - low) / ema * 100)) under its EMA \(Self.price(ema, context.tick))")
                }
            }
        }
        if direction != "long", context.kind.isFutures {
            if deviation >= stretch { state.stretchedHigh = max(state.stretchedHigh ?? price, price) }
            if let high = state.stretchedHigh {
                if price <= ema {
                    state.stretchedHigh = nil
                } else if price <= high * (1 - turn / 100) {
                    state.stretchedHigh = nil
                    intents += enter(.sell, state: &state, context: context, why: "price turned \(Self.percent((1 - price / high) * 100)) down from \(Self.price(high, context.tick)) after \(Self.percent((high - ema) / ema * 100)) over its EMA \(Self.price(ema, context.tick))")
                }
            }
        }
        return intents
    }

    /// A print stamped before the second being built (a clock step, merged
    /// connections) joins that second.
    private func advanceEMA(_ state: inout MarketState, price: Double, at time: Timestamp) {
        let second = time.nanoseconds / 1_000_000_000
        guard let current = state.currentSecond else {
            state.currentSecond = second
            state.firstSecond = second
            state.currentClose = price
            state.ema = price
            return
        }
        if second > current {
            let alpha = 2 / (Double(period) + 1)
            // Close the finished second, then carry it through any silent seconds.
            let steps = min(second - current, Int64(period) * 10)
            var value = state.ema ?? state.currentClose
            for _ in 0..<steps { value += alpha * (state.currentClose - value) }
            state.ema = value
            state.currentSecond = second
        }
        state.currentClose = price
    }

    /// `0.31 %`, for the reason of an order.
    static func percent(_ value: Double) -> String { "\((value * 100).rounded() / 100) %" }
    /// A price held as 10⁻⁸ units, as text on the symbol's tick (an EMA has more
    /// decimals than any price).
    static func price(_ units: Double, _ tick: Price) -> String {
        let step = max(tick.units, 1)
        let onTick = (Int64(units.rounded()) + step / 2) / step * step
        return Price(units: onTick).formatted(fractionDigits: Instrument.decimals(of: step))
    }

    private func enter(_ side: Side, state: inout MarketState, context: StrategyContext, why: String) -> [StrategyIntent] {
        guard context.isFlat, context.openOrders.isEmpty else { return [] }
        if let last = state.lastEntry, context.now.nanoseconds - last.nanoseconds < cooldown { return [] }
        let touch = side == .buy ? context.bestBid : context.bestAsk
        guard let reference = touch ?? context.lastPrice else { return [] }
        let quantity = context.quantity(for: orderSize, at: reference)
        guard quantity.units > 0 else { return [] }
        state.lastEntry = context.now
        let kind: OrderKind = marketEntry ? .market : .limit(reference)
        return [.place(OrderIntent(symbol: context.symbol, side: side, kind: kind, quantity: quantity, reason: why))]
    }
}
