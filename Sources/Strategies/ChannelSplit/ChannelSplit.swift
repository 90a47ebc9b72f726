import DequeModule
import MarketModel
import Trading

/// Channel split: a quiet price channel that breaks, confirmed, entered in the
/// direction of the break.
///
/// The rule, precisely:
/// 1. Trade prints make one-second bars (high, low); a silent second is a bar at the
///    last price. The channel is the highest high and the lowest low of the last
///    `ChannelWindow` whole seconds (the second in progress is not part of it), and
///    is known once that many seconds have passed.
/// 2. The channel is quiet when its width, `(high − low) / low × 100`, is at most
///    `ChannelMaxWidth` %.
/// 3. A split starts at a print more than `ChannelBreakout` % above a quiet channel's
///    high (long) or below its low (short, futures only). The channel is frozen then.
/// 4. It is confirmed when prints stay beyond that bound for `ChannelConfirm` seconds:
///    any print back at or inside the bound cancels it. At confirmation: a detect and,
///    with `AutoBuy`, a limit entry at the touch (best ask for a long) for `OrderSize`,
///    if flat with no order open.
/// 5. Take profit at the broken bound plus `ChannelTarget` % of the channel's width
///    (100: the classic measured move; 0: the shared `SellPrice` instead). The shared
///    stop loss, trailing and `AutoCancelBuy` apply. After a detect, none for
///    `NextDetectPenalty` seconds.
public struct ChannelSplit: Strategy {
    public static let strategyName = "channel-split"
    public var name: String { Self.strategyName }
    public let exits: ExitSettings
    public let filters: StrategyFilters

    let window: Int
    let maxWidth: Double
    let breakout: Double
    let confirm: Int64
    let target: Double
    let sides: [EntryDirection]
    let penalty: Int64
    let autoBuy: Bool
    let orderSize: Money

    struct Channel: Sendable, Equatable {
        var high: Double
        var low: Double
        var width: Double { (high - low) / low * 100 }
    }
    struct Split: Sendable {
        var direction: EntryDirection
        var channel: Channel
        var since: Int64
    }
    struct SymbolState: Sendable {
        var bars: Deque<(high: Double, low: Double)> = []
        var second: Int64?
        var bar: (high: Double, low: Double, close: Double)?
        var channel: Channel?
        var split: Split?
        var quietUntil: Int64 = .min
    }
    var states: [String: SymbolState] = [:]

    public static let specs: [ParameterSpec] = [
        ParameterSpec("ChannelWindow", .integer(5...86_400), default: .integer(300), "seconds the channel spans"),
        ParameterSpec("ChannelMaxWidth", .number(0.001...100), default: .number(0.5), "widest channel still quiet, %"),
        ParameterSpec("ChannelBreakout", .number(0...100), default: .number(0.05), "how far beyond the channel a print must go, %"),
        ParameterSpec("ChannelConfirm", .number(0...3_600), default: .number(3), "seconds prints must stay beyond the channel"),
        ParameterSpec("ChannelTarget", .number(0...1_000), default: .number(100), "take profit: % of the channel width beyond the broken bound (0: SellPrice)"),
        ParameterSpec("Direction", .choice(["long", "short", "both"]), default: .text("long"), "which breaks to trade (short: futures only)"),
        ParameterSpec("NextDetectPenalty", .number(0...86_400), default: .number(30), "seconds without a detect after one"),
        ParameterSpec("AutoBuy", .flag, default: .flag(true), "trade the split (YES) or only report it"),
        ParameterSpec("OrderSize", .number(0.00000001...1_000_000_000), default: .number(100), "value of one entry, in the account currency"),
    ] + ExitParameters.specs(defaults: ["AutoCancelBuy": .number(10)]) + StrategyFilters.specs

    public init(parameters: ParameterSet) {
        exits = ExitParameters.settings(from: parameters)
        filters = StrategyFilters(parameters: parameters)
        window = parameters.integer("ChannelWindow")
        maxWidth = parameters.number("ChannelMaxWidth")
        breakout = parameters.number("ChannelBreakout")
        confirm = Int64(parameters.number("ChannelConfirm") * 1e9)
        target = parameters.number("ChannelTarget")
        switch parameters.text("Direction") {
        case "short": sides = [EntryDirection(short: true)]
        case "both": sides = [EntryDirection(short: false), EntryDirection(short: true)]
        default: sides = [EntryDirection(short: false)]
        }
        penalty = Int64(parameters.number("NextDetectPenalty") * 1e9)
        autoBuy = parameters.flag("AutoBuy")
        orderSize = parameters.money("OrderSize")
    }

    public mutating func handle(_ input: StrategyInput, context: StrategyContext) -> [StrategyIntent] {
        guard case .market(.trade(let trade)) = input else { return [] }
        var state = states[context.symbol] ?? SymbolState()
        defer { states[context.symbol] = state }
        let price = Double(trade.price.units)
        advance(&state, price: price, second: trade.time.received.nanoseconds / 1_000_000_000)
        let now = context.now.nanoseconds

        if let split = state.split {
            let bound = split.direction.short ? split.channel.low : split.channel.high
            guard split.direction.sign * (price - bound) > 0 else {
                state.split = nil
                return []
            }
            guard now - split.since >= confirm else { return [] }
            state.split = nil
            state.quietUntil = now + penalty
            return confirmed(split, price: price, context: context)
        }
        guard now >= state.quietUntil, let channel = state.channel, channel.width <= maxWidth else { return [] }
        for direction in sides where !direction.short || context.kind.isFutures {
            let bound = direction.short ? channel.low : channel.high
            if direction.sign * (price - bound) / bound * 100 > breakout {
                state.split = Split(direction: direction, channel: channel, since: now)
                if confirm == 0 {
                    state.split = nil
                    state.quietUntil = now + penalty
                    return confirmed(Split(direction: direction, channel: channel, since: now), price: price, context: context)
                }
                break
            }
        }
        return []
    }

    /// Closes finished seconds into bars and recomputes the channel.
    private func advance(_ state: inout SymbolState, price: Double, second stamped: Int64) {
        // A print stamped before the second being built (a clock step, merged
        // connections) joins that second: time never runs backwards here.
        let second = max(stamped, state.second ?? .min)
        if let current = state.second, second != current, let bar = state.bar {
            let gap = min(second - current, Int64(window))
            for step in 0..<gap {
                state.bars.append(step == 0 ? (bar.high, bar.low) : (bar.close, bar.close))
            }
            if state.bars.count > window { state.bars.removeFirst(state.bars.count - window) }
            state.bar = nil
            if state.bars.count == window {
                state.channel = Channel(high: state.bars.map(\.high).max()!, low: state.bars.map(\.low).min()!)
            }
        }
        state.second = second
        if var bar = state.bar {
            bar.high = max(bar.high, price)
            bar.low = min(bar.low, price)
            bar.close = price
            state.bar = bar
        } else {
            state.bar = (price, price, price)
        }
    }

    private func confirmed(_ split: Split, price: Double, context: StrategyContext) -> [StrategyIntent] {
        let direction = split.direction
        let channel = split.channel
        let trades = autoBuy && context.isFlat && context.openOrders.isEmpty
        let detection = Detection(strategy: name, symbol: context.symbol, time: context.now, figures: [
            .init("direction", direction.short ? "short" : "long"),
            .init("channel_high", price: Price(units: Int64(channel.high.rounded()))),
            .init("channel_low", price: Price(units: Int64(channel.low.rounded()))),
            .init("width_pct", rounding: channel.width, places: 3),
            .init("price", price: Price(units: Int64(price.rounded()))),
        ], trades: trades)
        guard trades else { return [.detect(detection)] }
        let touch = direction.short ? context.bestBid : context.bestAsk
        guard let entry = touch ?? context.lastPrice else { return [.detect(detection)] }
        let quantity = context.quantity(for: orderSize, at: entry)
        guard quantity.units > 0 else { return [.detect(detection)] }
        var takeProfit: Price?
        if target > 0 {
            let bound = direction.short ? channel.low : channel.high
            let raw = bound + direction.sign * (channel.high - channel.low) * target / 100
            let level = Price.rounded(units: raw, tick: context.tick, up: !direction.short)
            let oneTick = Price(units: entry.units + Int64(direction.sign) * context.tick.units)
            takeProfit = direction.short ? min(level, oneTick) : max(level, oneTick)
        }
        return [.detect(detection), .place(OrderIntent(symbol: context.symbol, side: direction.side, kind: .limit(entry), quantity: quantity, takeProfit: takeProfit))]
    }
}
