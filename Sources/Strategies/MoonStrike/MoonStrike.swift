import MarketModel
import Trading

/// MoonBot's MoonStrike (moonbot.md §1.2): buy into a sharp spike down below the
/// smoothed bid, expecting a retrace.
///
/// The rule, precisely (long; `MStrikeDirection` OnlyShort mirrors it over the ask):
/// 1. ``LastBidEMA`` smooths the best bid over 2-second ticks.
/// 2. A spike starts with the first print below the EMA and lasts while prints stay
///    below it; it has a low (the lowest print) and a volume (the quote value of its
///    prints). A print at or above the EMA ends it.
/// 3. Detect when `(EMA now − low) / EMA now × 100 ≥ MStrikeDepth + MStrikeAddHourlyDelta ×
///    |1h delta| + MStrikeAdd15minDelta × |15m delta|` and the volume ≥
///    `MStrikeVolume` (quote currency), not within `NextDetectPenalty` of the last detect,
///    when flat with no order open.
/// 4. Entry (with `AutoBuy`), `MStrikeBuyDelay` ms after the detect — with
///    `MStrikeWaitDip`, only once a print comes back above the low, giving up after
///    10 s: a limit at `low + MStrikeBuyLevel % × (EMA − low)` with `MStrikeBuyRelative`
///    (0 = the bottom), else `MStrikeBuyLevel` % from the EMA (−5 = 5 % under it). The
///    low is the spike's lowest print when the order goes out.
/// 5. Take profit at `low + (MStrikeSellLevel + MStrikeSellAdjust) % × (EMA − low)`, at
///    least a tick above the entry; the shared stops and `AutoCancelBuy` apply.
public struct MoonStrike: Strategy {
    public static let strategyName = "mstrike"
    public var name: String { Self.strategyName }
    public let exits: ExitSettings
    public let filters: StrategyFilters
    public var wantsBookUpdates: Bool { true }

    let depth: Double
    let addHourly: Double
    let add15min: Double
    let minimumVolume: Double
    let buyLevel: Double
    let buyRelative: Bool
    let buyDelay: Int64
    let waitDip: Bool
    let sellLevel: Double
    let sellAdjust: Double
    let penalty: Int64
    let autoBuy: Bool
    let orderSize: Money
    let sides: [EntryDirection]

    struct Spike: Sendable {
        var extreme: Double
        var volume: Double
    }
    struct Pending: Sendable {
        var reference: Double
        var extreme: Double
        var detectedAt: Int64
        var dipSeen = false
    }
    struct SideState: Sendable {
        var ema: LastBidEMA
        var spike: Spike?
        var pending: Pending?
        var quietUntil: Int64 = .min
    }
    var states: [String: [SideState]] = [:]

    public static let specs: [ParameterSpec] = [
        ParameterSpec("MStrikeDepth", .number(0.05...90), default: .number(10), "spike depth below the smoothed bid that detects, %"),
        ParameterSpec("MStrikeAddHourlyDelta", .number(0...100), default: .number(0), "added to the depth per % of |1h delta|"),
        ParameterSpec("MStrikeAdd15minDelta", .number(0...100), default: .number(0), "added to the depth per % of |15m delta|"),
        ParameterSpec("MStrikeVolume", .number(0...1_000_000_000), default: .number(0.2), "least quote volume traded in the spike"),
        ParameterSpec("MStrikeBuyLevel", .number(-90...100), default: .number(20), "entry: % of the depth above the low (relative), or % from the smoothed bid"),
        ParameterSpec("MStrikeBuyRelative", .flag, default: .flag(true), "MStrikeBuyLevel is a share of the spike depth (YES) or % from the smoothed bid (NO)"),
        ParameterSpec("MStrikeBuyDelay", .number(0...60_000), default: .number(0), "milliseconds between the detect and the order"),
        ParameterSpec("MStrikeWaitDip", .flag, default: .flag(false), "wait for a print back above the low before buying (10 s at most)"),
        ParameterSpec("MStrikeSellLevel", .number(1...500), default: .number(80), "take profit: % of the depth back up from the low"),
        ParameterSpec("MStrikeSellAdjust", .number(-100...100), default: .number(0), "shifts the take profit, % of the depth"),
        ParameterSpec("MStrikeDirection", .choice(["OnlyLong", "OnlyShort", "Both"]), default: .text("OnlyLong"), "spikes down (long), up (short, futures), or both"),
        ParameterSpec("NextDetectPenalty", .number(0...86_400), default: .number(30), "seconds without a detect after one"),
        ParameterSpec("AutoBuy", .flag, default: .flag(true), "trade the detect (YES) or only report it"),
        ParameterSpec("OrderSize", .number(0.00000001...1_000_000_000), default: .number(100), "value of one entry, in the account currency"),
    ] + ExitParameters.specs(defaults: ["AutoCancelBuy": .number(10)]) + StrategyFilters.specs

    public init(parameters: ParameterSet) {
        exits = ExitParameters.settings(from: parameters)
        filters = StrategyFilters(parameters: parameters)
        depth = parameters.number("MStrikeDepth")
        addHourly = parameters.number("MStrikeAddHourlyDelta")
        add15min = parameters.number("MStrikeAdd15minDelta")
        minimumVolume = parameters.number("MStrikeVolume")
        buyLevel = parameters.number("MStrikeBuyLevel")
        buyRelative = parameters.flag("MStrikeBuyRelative")
        buyDelay = Int64(parameters.number("MStrikeBuyDelay") * 1e6)
        waitDip = parameters.flag("MStrikeWaitDip")
        sellLevel = parameters.number("MStrikeSellLevel")
        sellAdjust = parameters.number("MStrikeSellAdjust")
        penalty = Int64(parameters.number("NextDetectPenalty") * 1e9)
        autoBuy = parameters.flag("AutoBuy")
        orderSize = parameters.money("OrderSize")
        switch parameters.text("MStrikeDirection") {
        case "OnlyShort": sides = [EntryDirection(short: true)]
        case "Both": sides = [EntryDirection(short: false), EntryDirection(short: true)]
        default: sides = [EntryDirection(short: false)]
        }
    }

    public mutating func handle(_ input: StrategyInput, context: StrategyContext) -> [StrategyIntent] {
        let now = context.now.nanoseconds
        var print: TradePrint?
        switch input {
        case .market(.trade(let trade)): print = trade
        case .market, .timer: break
        case .order: return []
        }
        var sideStates = states[context.symbol] ?? sides.map { SideState(ema: LastBidEMA(mirrored: $0.short)) }
        defer { states[context.symbol] = sideStates }
        var intents: [StrategyIntent] = []
        for (index, direction) in sides.enumerated() {
            if direction.short, !context.kind.isFutures { continue }
            let touch = direction.short ? context.bestAsk : context.bestBid
            if let touch = touch ?? context.lastPrice { sideStates[index].ema.observe(Double(touch.units), at: now) }
            if let print { intents += follow(print, direction: direction, state: &sideStates[index], context: context) }
            intents += enter(direction: direction, state: &sideStates[index], context: context)
        }
        return intents
    }

    /// Tracks the spike and detects it.
    private func follow(_ trade: TradePrint, direction: EntryDirection, state: inout SideState, context: StrategyContext) -> [StrategyIntent] {
        let price = Double(trade.price.units)
        if var pending = state.pending {
            // The spike may go on after the detect: the entry uses its final extreme.
            if direction.sign * (pending.extreme - price) > 0 { pending.extreme = price }
            if direction.sign * (price - pending.extreme) > 0 { pending.dipSeen = true }
            state.pending = pending
            return []
        }
        guard let ema = state.ema.value else { return [] }
        guard direction.sign * (ema - price) > 0 else {
            state.spike = nil
            return []
        }
        var spike = state.spike ?? Spike(extreme: price, volume: 0)
        if direction.sign * (spike.extreme - price) > 0 { spike.extreme = price }
        spike.volume += Double(trade.price.units) / 1e8 * Double(trade.quantity.units) / 1e8
        state.spike = spike
        // Against the smoothed bid as it is now: when a tick folds a spike's bids in,
        // the line drops to them, so only a fall faster than the ticks counts.
        let spikeDepth = direction.sign * (ema - spike.extreme) / ema * 100
        let deltas = context.deltas
        let needed = depth + addHourly * abs(deltas.oneHour ?? 0) + add15min * abs(deltas.fifteenMinutes ?? 0)
        let now = context.now.nanoseconds
        guard spikeDepth >= needed, spike.volume >= minimumVolume, now >= state.quietUntil,
              context.isFlat, direction.entries(context).isEmpty else { return [] }
        state.quietUntil = now + penalty
        state.spike = nil
        if autoBuy { state.pending = Pending(reference: ema, extreme: spike.extreme, detectedAt: now) }
        let detection = Detection(strategy: name, symbol: context.symbol, time: context.now, figures: [
            .init("depth_pct", rounding: spikeDepth, places: 2),
            .init("needed_pct", rounding: needed, places: 2),
            .init("volume", rounding: spike.volume, places: 2),
            .init("smoothed", price: Price(units: Int64(ema.rounded()))),
            .init(direction.short ? "high" : "low", price: Price(units: Int64(spike.extreme.rounded()))),
        ], trades: autoBuy)
        return [.detect(detection)]
    }

    /// Places the entry once its delay (and the dip, if asked) has come.
    private func enter(direction: EntryDirection, state: inout SideState, context: StrategyContext) -> [StrategyIntent] {
        guard let pending = state.pending else { return [] }
        let now = context.now.nanoseconds
        if waitDip, !pending.dipSeen {
            if now - pending.detectedAt > 10_000_000_000 { state.pending = nil }
            return []
        }
        guard now - pending.detectedAt >= buyDelay else { return [] }
        state.pending = nil
        guard context.isFlat, direction.entries(context).isEmpty else { return [] }
        let span = pending.reference - pending.extreme
        let rawEntry = buyRelative ? pending.extreme + span * buyLevel / 100 : pending.reference * (1 + direction.sign * buyLevel / 100)
        let entry = Price.rounded(units: rawEntry, tick: context.tick, up: direction.short)
        let rawTarget = pending.extreme + span * (sellLevel + sellAdjust) / 100
        var target = Price.rounded(units: rawTarget, tick: context.tick, up: !direction.short)
        let oneTick = Price(units: entry.units + Int64(direction.sign) * context.tick.units)
        target = direction.short ? min(target, oneTick) : max(target, oneTick)
        let quantity = context.quantity(for: orderSize, at: entry)
        guard entry.units > 0, quantity.units > 0 else { return [] }
        return [.place(OrderIntent(symbol: context.symbol, side: direction.side, kind: .limit(entry), quantity: quantity, takeProfit: target))]
    }
}
