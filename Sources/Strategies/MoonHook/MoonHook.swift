import DequeModule
import MarketModel
import Trading

/// MoonBot's MoonHook (moonbot.md §1.3): detect a fast drop, then rest a MoonShot-style
/// order whose place and corridor scale with the drop, waiting for a second spike.
///
/// The rule, precisely (long; `HookDirection` OnlyShort mirrors it after a fast rise;
/// where MoonBot's documentation stops, the reading is ours and written here):
/// 1. Detect when the price fell `HookDetectDepth` % or more within the last
///    `HookTimeFrame` seconds: from the highest print of that window (with
///    `HookAntiPump`, from the window's mean price, so a drop that only gives back a
///    fresh pump counts less) to this print. `HookDetectDepthMax` > 0 ignores deeper
///    falls. No new detect for `HookTimeFrame` s, nor within `NextDetectPenalty` s.
/// 2. With the detected depth `d`: the order goes `HookInitialPrice` % of `d` below
///    the reference (the lowest print of the last 100 ms); its corridor is
///    `HookPriceDistance` % of `d` wide, centred on it (near bound clamped at 0; a
///    width of 0 keeps the order still until `AutoCancelBuy`). It then moves like
///    MoonShot's (``ShotCorridor``: `HookReplaceDelay`, `HookRaiseWait`), one
///    replacement in flight. Once the order is gone unfilled, the hook is over.
/// 3. Size: `OrderSize`, capped with `BuyOrderReduce` > 0 at the mean quote volume
///    traded per `BuyOrderReduce` ms over the window; below `MinReducedSize` no order.
/// 4. Take profit `HookSellLevel` % of `d` above the fill price, or with
///    `HookSellFixed` above the price at the detect.
public struct MoonHook: Strategy {
    public static let strategyName = "hook"
    public var name: String { Self.strategyName }
    public let exits: ExitSettings
    public let filters: StrategyFilters

    let detectDepth: Double
    let detectDepthMax: Double
    let timeFrame: Int64
    let antiPump: Bool
    let initialPrice: Double
    let priceDistance: Double
    let replaceDelay: Double
    let raiseWait: Double
    let reduceMilliseconds: Double
    let minReducedSize: Double
    let sellLevel: Double
    let sellFixed: Bool
    let penalty: Int64
    let autoBuy: Bool
    let orderSize: Money
    let sides: [EntryDirection]

    struct Hook: Sendable {
        var depth: Double
        var detectPrice: Double
        var corridor: ShotCorridor
        var size: Money
        var placed = false
    }
    struct SymbolState: Sendable {
        var prints: Deque<(time: Int64, price: Double, value: Double)> = []
        var quietUntil: [Int64] = [.min, .min]
        var hooks: [Hook?] = [nil, nil]
    }
    var states: [String: SymbolState] = [:]

    public static let specs: [ParameterSpec] = [
        ParameterSpec("HookDetectDepth", .number(0.05...90), default: .number(3), "least fall within the time frame, %"),
        ParameterSpec("HookDetectDepthMax", .number(0...90), default: .number(0), "ignore falls deeper than this, % (0: no limit)"),
        ParameterSpec("HookTimeFrame", .number(0.5...600), default: .number(2), "seconds the fall must happen in"),
        ParameterSpec("HookAntiPump", .flag, default: .flag(false), "measure the fall from the window's mean price instead of its high"),
        ParameterSpec("HookInitialPrice", .number(0...500), default: .number(10), "where the order goes: % of the detected depth below the price"),
        ParameterSpec("HookPriceDistance", .number(0...500), default: .number(25), "corridor width: % of the detected depth (0: the order stands still)"),
        ParameterSpec("HookReplaceDelay", .number(0...3_600), default: .number(0), "seconds nearer than the near bound before the order moves"),
        ParameterSpec("HookRaiseWait", .number(0...3_600), default: .number(30), "seconds beyond the far bound before the order follows"),
        ParameterSpec("BuyOrderReduce", .number(0...60_000), default: .number(100), "cap the order at the mean volume traded per this many ms (0: no cap)"),
        ParameterSpec("MinReducedSize", .number(0...1_000_000_000), default: .number(0), "no order when the capped size is below this, quote currency"),
        ParameterSpec("HookSellLevel", .number(1...1_000), default: .number(50), "take profit: % of the detected depth above the buy"),
        ParameterSpec("HookSellFixed", .flag, default: .flag(false), "measure that take profit from the price at the detect"),
        ParameterSpec("HookDirection", .choice(["OnlyLong", "OnlyShort", "Both"]), default: .text("OnlyLong"), "falls (long), rises (short, futures), or both"),
        ParameterSpec("NextDetectPenalty", .number(0...86_400), default: .number(30), "seconds without a detect after one"),
        ParameterSpec("AutoBuy", .flag, default: .flag(true), "trade the detect (YES) or only report it"),
        ParameterSpec("OrderSize", .number(0.00000001...1_000_000_000), default: .number(100), "value of one entry, in the account currency"),
    ] + ExitParameters.specs(defaults: ["AutoCancelBuy": .number(60)]) + StrategyFilters.specs

    public init(parameters: ParameterSet) {
        exits = ExitParameters.settings(from: parameters)
        filters = StrategyFilters(parameters: parameters)
        detectDepth = parameters.number("HookDetectDepth")
        detectDepthMax = parameters.number("HookDetectDepthMax")
        timeFrame = Int64(parameters.number("HookTimeFrame") * 1e9)
        antiPump = parameters.flag("HookAntiPump")
        initialPrice = parameters.number("HookInitialPrice")
        priceDistance = parameters.number("HookPriceDistance")
        replaceDelay = parameters.number("HookReplaceDelay")
        raiseWait = parameters.number("HookRaiseWait")
        reduceMilliseconds = parameters.number("BuyOrderReduce")
        minReducedSize = parameters.number("MinReducedSize")
        sellLevel = parameters.number("HookSellLevel")
        sellFixed = parameters.flag("HookSellFixed")
        penalty = Int64(parameters.number("NextDetectPenalty") * 1e9)
        autoBuy = parameters.flag("AutoBuy")
        orderSize = parameters.money("OrderSize")
        switch parameters.text("HookDirection") {
        case "OnlyShort": sides = [EntryDirection(short: true)]
        case "Both": sides = [EntryDirection(short: false), EntryDirection(short: true)]
        default: sides = [EntryDirection(short: false)]
        }
    }

    public mutating func handle(_ input: StrategyInput, context: StrategyContext) -> [StrategyIntent] {
        var state = states[context.symbol] ?? SymbolState()
        defer { states[context.symbol] = state }
        let now = context.now.nanoseconds
        var intents: [StrategyIntent] = []
        if case .market(.trade(let trade)) = input {
            let price = Double(trade.price.units)
            state.prints.append((now, price, price / 1e8 * Double(trade.quantity.units) / 1e8))
            while let first = state.prints.first, now - first.time > timeFrame { state.prints.removeFirst() }
            for (index, direction) in sides.enumerated() where state.hooks[index] == nil {
                intents += detect(price: price, direction: direction, index: index, state: &state, context: context)
            }
        } else if case .order = input {
            return []
        }
        for (index, direction) in sides.enumerated() where state.hooks[index] != nil {
            intents += tend(direction: direction, hook: &state.hooks[index], context: context)
        }
        return intents
    }

    private func detect(price: Double, direction: EntryDirection, index: Int, state: inout SymbolState, context: StrategyContext) -> [StrategyIntent] {
        if direction.short, !context.kind.isFutures { return [] }
        let now = context.now.nanoseconds
        guard now >= state.quietUntil[index], state.prints.count > 1 else { return [] }
        let prices = state.prints.map(\.price)
        let start: Double
        if antiPump {
            start = prices.reduce(0, +) / Double(prices.count)
        } else {
            start = (direction.short ? prices.min() : prices.max()) ?? price
        }
        let depth = direction.sign * (start - price) / start * 100
        guard depth >= detectDepth, detectDepthMax == 0 || depth <= detectDepthMax else { return [] }
        state.quietUntil[index] = now + max(timeFrame, penalty)
        var size = orderSize
        if reduceMilliseconds > 0 {
            let traded = state.prints.reduce(0) { $0 + $1.value }
            let perSlice = traded * reduceMilliseconds * 1e6 / Double(max(timeFrame, 1))
            size = min(size, Money(units: Int64(perSlice * 1e8)))
        }
        let tooSmall = Double(size.units) / 1e8 < minReducedSize
        let trades = autoBuy && !tooSmall && context.isFlat && direction.entries(context).isEmpty
        let width = depth * priceDistance / 100
        let distance = depth * initialPrice / 100
        if trades {
            var corridor = ShotCorridor(distance: distance, near: max(0, distance - width / 2), replaceDelaySeconds: replaceDelay, raiseWaitSeconds: raiseWait)
            // Width 0: the order never moves (a wait longer than any session).
            if width == 0 { corridor = ShotCorridor(distance: distance, near: 0, replaceDelaySeconds: 1e9, raiseWaitSeconds: 1e9) }
            state.hooks[index] = Hook(depth: depth, detectPrice: price, corridor: corridor, size: size)
        }
        let detection = Detection(strategy: name, symbol: context.symbol, time: context.now, figures: [
            .init("depth_pct", rounding: depth, places: 2),
            .init("from", price: Price(units: Int64(start.rounded()))),
            .init("price", price: Price(units: Int64(price.rounded()))),
            .init("order_pct", rounding: distance, places: 3),
            .init("corridor_pct", rounding: width, places: 3),
            .init("order_size", money: size, fractionDigits: 2),
        ], trades: trades)
        return [.detect(detection)]
    }

    /// Places the hook's order, then moves it in its corridor; ends the hook when the
    /// order is gone or a position is open.
    private func tend(direction: EntryDirection, hook slot: inout Hook?, context: StrategyContext) -> [StrategyIntent] {
        guard var hook = slot else { return [] }
        let entries = direction.entries(context)
        guard context.isFlat else {
            slot = nil
            return []
        }
        let reference = context.recentTrades.extreme(within: 100_000_000, of: context.now, lowest: !direction.short).map { Double($0.units) }
            ?? Double((context.lastPrice ?? .zero).units)
        guard let order = entries.first else {
            if hook.placed {
                slot = nil
                return []
            }
            hook.placed = true
            slot = hook
            return place(reference: reference, direction: direction, hook: hook, context: context).map { [.place($0)] } ?? []
        }
        guard order.status != .new, !order.cancelRequested, let resting = order.request.kind.limitPrice else { return [] }
        let current = Double((context.lastPrice ?? resting).units)
        let move = hook.corridor.check(orderDistance: direction.distance(of: resting, from: current), now: context.now.nanoseconds)
        if move != .stay { hook.corridor.reset() }
        slot = hook
        guard move != .stay, let intent = place(reference: reference, direction: direction, hook: hook, context: context),
              let price = intent.kind.limitPrice, price != resting else { return [] }
        return [.replace(order.id, price: price, quantity: intent.quantity, takeProfit: intent.takeProfit)]
    }

    private func place(reference: Double, direction: EntryDirection, hook: Hook, context: StrategyContext) -> OrderIntent? {
        let price = direction.entry(reference, percent: hook.corridor.distance, tick: context.tick)
        let quantity = context.quantity(for: hook.size, at: price)
        guard price.units > 0, quantity.units > 0 else { return nil }
        let base = sellFixed ? hook.detectPrice : Double(price.units)
        let target = direction.target(base, percent: hook.depth * sellLevel / 100, tick: context.tick)
        let oneTick = Price(units: price.units + Int64(direction.sign) * context.tick.units)
        let takeProfit = direction.short ? min(target, oneTick) : max(target, oneTick)
        return OrderIntent(symbol: context.symbol, side: direction.side, kind: .limit(price), quantity: quantity, takeProfit: takeProfit)
    }
}
