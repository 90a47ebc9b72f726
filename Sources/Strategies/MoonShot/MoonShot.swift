import MarketModel
import Trading

/// MoonBot's MoonShot (moonbot.md §1.1): a resting entry far from the price that
/// catches down-spikes (up-spikes for a short), following slow moves with a corridor.
///
/// The rule, precisely:
/// 1. No detect: every symbol the strategy trades gets one resting entry while it is
///    flat (`MaxOrdersPerMarket` = 1), up to `MaxActiveOrders` symbols at once.
/// 2. The order goes `MShotPrice` % (plus the delta add-ons: `MShotAdd1minDelta` ×
///    |1m delta| + … + `MShotAddHourlyDelta` × |1h delta|) below the reference
///    (`MShotUsePrice`: the lowest print of the last 100 ms, or the best ask or bid),
///    rounded away to the tick, and with `MShotMinusSatoshi` at least two ticks away.
/// 3. The corridor (``ShotCorridor``): near bound `MShotPriceMin` %, far bound
///    `2 × distance − MShotPriceMin`; closer than the near bound for
///    `MShotReplaceDelay` s, or beyond the far bound for `MShotRaiseWait` s → the order
///    is replaced at the distance from the current reference.
/// 4. One replacement in flight: while the order is unacknowledged or being
///    cancelled, nothing else is sent.
/// 5. The take profit: with `MShotSellAtLastPrice` it is `SellPrice` +
///    `MShotSellPriceAdjust` % above the reference the order was last placed from
///    (the pre-spike price), at least a tick above the order; without it `SellPrice` %
///    above the fill. Stops, trailing and `AutoCancelBuy` (default 300 s: the shot is
///    then placed again) are the shared exits.
/// 6. More coins than slots (`MaxActiveOrders`): a free slot goes to a coin only if no
///    waiting coin ranks better by `MShotSortBy` (default `Last2hDelta`, the 2 h delta;
///    `MShotSortDesc`: largest first), so the most interesting coins get the orders.
///    A coin's figure is the one seen at its last print; orders already resting keep
///    their slot until they fill or AutoCancelBuy places them again.
/// `Short` (futures only) mirrors everything above the price.
public struct MoonShot: Strategy {
    public static let strategyName = "mshot"
    public var name: String { Self.strategyName }
    public let exits: ExitSettings
    public let filters: StrategyFilters
    public var wantsBookUpdates: Bool { usePrice != "trade" }

    let basePrice: Double
    let priceMin: Double
    let replaceDelay: Double
    let raiseWait: Double
    let usePrice: String
    let deltaWeights: (oneMinute: Double, fiveMinutes: Double, fifteenMinutes: Double, hour: Double)
    let sellAtLastPrice: Bool
    let sellAdjust: Double
    let minusSatoshi: Bool
    let sellPrice: Double
    let orderSize: Money
    let maxActiveOrders: Int
    let direction: EntryDirection
    /// `MShotSortBy`'s delta span in minutes (nil: `None`, first come first served).
    let sortMinutes: Int?
    let sortDescending: Bool

    struct SymbolState: Sendable {
        var corridor: ShotCorridor
        var placedFrom: Double = 0
    }
    var states: [String: SymbolState] = [:]
    /// Each coin's `MShotSortBy` figure at its last print (nil: not known yet), and
    /// whether it was waiting for a slot then (flat, no order of its own).
    struct SlotRank: Sendable {
        var figure: Double?
        var waiting: Bool
    }
    var slotRanks: [String: SlotRank] = [:]
    var activeSymbols: Set<String> = []

    public static let specs: [ParameterSpec] = [
        ParameterSpec("MShotPrice", .number(0.05...90), default: .number(7), "distance of the order from the reference price, %"),
        ParameterSpec("MShotPriceMin", .number(0...90), default: .number(2), "near bound of the corridor, % from the price"),
        ParameterSpec("MShotReplaceDelay", .number(0...3_600), default: .number(0), "seconds the price must stay nearer than the near bound before the order moves"),
        ParameterSpec("MShotRaiseWait", .number(0...3_600), default: .number(30), "seconds the price must stay beyond the far bound before the order follows"),
        ParameterSpec("MShotUsePrice", .choice(["trade", "ask", "bid"]), default: .text("trade"), "reference price: lowest print of the last 100 ms, best ask or best bid"),
        ParameterSpec("MShotAdd1minDelta", .number(0...100), default: .number(0), "added to the distance per % of |1m delta|"),
        ParameterSpec("MShotAdd5minDelta", .number(0...100), default: .number(0), "added to the distance per % of |5m delta|"),
        ParameterSpec("MShotAdd15minDelta", .number(0...100), default: .number(0), "added to the distance per % of |15m delta|"),
        ParameterSpec("MShotAddHourlyDelta", .number(0...100), default: .number(0.1), "added to the distance per % of |1h delta|"),
        ParameterSpec("MShotSellAtLastPrice", .flag, default: .flag(true), "take profit from the pre-spike price instead of the fill"),
        ParameterSpec("MShotSellPriceAdjust", .number(-90...90), default: .number(0), "shifts that take profit, %"),
        ParameterSpec("MShotMinusSatoshi", .flag, default: .flag(true), "keep the order at least two ticks off the reference"),
        ParameterSpec("OrderSize", .number(0.00000001...1_000_000_000), default: .number(100), "value of one entry, in the account currency"),
        ParameterSpec("Short", .flag, default: .flag(false), "shoot above the price and sell short (futures only)"),
        ParameterSpec("MShotSortBy", .choice(["None", "Last5mDelta", "Last15mDelta", "Last1hDelta", "Last2hDelta", "Last3hDelta", "Last24hDelta"]), default: .text("Last2hDelta"), "with more coins than MaxActiveOrders, which coins get the slots (None: the first to print)"),
        ParameterSpec("MShotSortDesc", .flag, default: .flag(true), "rank the largest MShotSortBy first"),
    ] + ExitParameters.specs(defaults: ["AutoCancelBuy": .number(300)]) + StrategyFilters.specs

    public init(parameters: ParameterSet) {
        exits = ExitParameters.settings(from: parameters)
        filters = StrategyFilters(parameters: parameters)
        basePrice = parameters.number("MShotPrice")
        priceMin = parameters.number("MShotPriceMin")
        replaceDelay = parameters.number("MShotReplaceDelay")
        raiseWait = parameters.number("MShotRaiseWait")
        usePrice = parameters.text("MShotUsePrice")
        deltaWeights = (parameters.number("MShotAdd1minDelta"), parameters.number("MShotAdd5minDelta"), parameters.number("MShotAdd15minDelta"), parameters.number("MShotAddHourlyDelta"))
        sellAtLastPrice = parameters.flag("MShotSellAtLastPrice")
        sellAdjust = parameters.number("MShotSellPriceAdjust")
        minusSatoshi = parameters.flag("MShotMinusSatoshi")
        sellPrice = parameters.number("SellPrice")
        orderSize = parameters.money("OrderSize")
        maxActiveOrders = filters.maxActiveOrders
        direction = EntryDirection(short: parameters.flag("Short"))
        sortMinutes = ["Last5mDelta": 5, "Last15mDelta": 15, "Last1hDelta": 60, "Last2hDelta": 120, "Last3hDelta": 180, "Last24hDelta": 1440][parameters.text("MShotSortBy")]
        sortDescending = parameters.flag("MShotSortDesc")
    }

    public mutating func handle(_ input: StrategyInput, context: StrategyContext) -> [StrategyIntent] {
        switch input {
        case .market, .timer: break
        case .order: return []
        }
        if direction.short, !context.kind.isFutures { return [] }
        let symbol = context.symbol
        let entries = direction.entries(context)
        let figure = sortMinutes.flatMap { context.candles.delta(intervals: $0, now: context.now) }
        if sortMinutes != nil { slotRanks[symbol] = SlotRank(figure: figure, waiting: context.isFlat && entries.isEmpty) }
        guard context.isFlat else {
            activeSymbols.remove(symbol)
            return []
        }
        guard let reference = reference(context) else { return [] }
        let distance = self.distance(context)
        var state = states[symbol] ?? SymbolState(corridor: ShotCorridor(distance: distance, near: priceMin, replaceDelaySeconds: replaceDelay, raiseWaitSeconds: raiseWait))
        state.corridor.distance = distance
        defer { states[symbol] = state }

        guard let order = entries.first else {
            activeSymbols.remove(symbol)
            guard activeSymbols.count + betterWaiting(than: symbol, figure) < maxActiveOrders, let intent = place(reference: reference, distance: distance, context: context, state: &state) else { return [] }
            activeSymbols.insert(symbol)
            return [.place(intent)]
        }
        activeSymbols.insert(symbol)
        // One replacement in flight: wait for the venue to take the order, or for the
        // cancel of the old one to complete.
        guard order.status != .new, !order.cancelRequested, entries.count == 1, let resting = order.request.kind.limitPrice else { return [] }
        let current = Double((context.lastPrice ?? Price(units: Int64(reference))).units)
        switch state.corridor.check(orderDistance: direction.distance(of: resting, from: current), now: context.now.nanoseconds) {
        case .stay:
            return []
        case .tooClose, .tooFar:
            state.corridor.reset()
            guard let intent = place(reference: reference, distance: distance, context: context, state: &state), let price = intent.kind.limitPrice, price != resting else { return [] }
            return [.replace(order.id, price: price, quantity: intent.quantity, takeProfit: intent.takeProfit)]
        }
    }

    /// Coins waiting for a slot that `MShotSortBy` ranks before this one (ties: by
    /// name); 0 without ranking. Only asked when placing, so the walk over the coins
    /// is not on every print.
    func betterWaiting(than symbol: String, _ figure: Double?) -> Int {
        guard sortMinutes != nil, activeSymbols.count < maxActiveOrders else { return 0 }
        let own = figure ?? -.infinity
        var better = 0
        for (other, rank) in slotRanks where other != symbol && rank.waiting && !activeSymbols.contains(other) {
            let theirs = rank.figure ?? -.infinity
            let ahead = sortDescending ? theirs > own : theirs < own
            if ahead || (theirs == own && other < symbol) { better += 1 }
        }
        return better
    }

    /// The distance with the delta add-ons.
    func distance(_ context: StrategyContext) -> Double {
        let deltas = context.deltas
        return basePrice
            + deltaWeights.oneMinute * abs(deltas.oneMinute ?? 0)
            + deltaWeights.fiveMinutes * abs(deltas.fiveMinutes ?? 0)
            + deltaWeights.fifteenMinutes * abs(deltas.fifteenMinutes ?? 0)
            + deltaWeights.hour * abs(deltas.oneHour ?? 0)
    }

    /// The reference an order is placed from: for `trade`, the lowest print of the
    /// last 100 ms (highest for a short) so a spike's rebound is not chased.
    func reference(_ context: StrategyContext) -> Double? {
        let price: Price?
        switch usePrice {
        case "ask": price = context.bestAsk
        case "bid": price = context.bestBid
        default: price = context.recentTrades.extreme(within: 100_000_000, of: context.now, lowest: !direction.short) ?? context.lastPrice
        }
        return price.map { Double($0.units) }
    }

    private func place(reference: Double, distance: Double, context: StrategyContext, state: inout SymbolState) -> OrderIntent? {
        var price = direction.entry(reference, percent: distance, tick: context.tick)
        if minusSatoshi {
            let twoTicks = 2 * context.tick.units
            let bound = direction.short ? Int64(reference.rounded(.up)) + twoTicks : Int64(reference) - twoTicks
            price = direction.short ? max(price, Price(units: bound)) : min(price, Price(units: bound))
        }
        guard price.units > 0 else { return nil }
        let quantity = context.quantity(for: orderSize, at: price)
        guard quantity.units > 0 else { return nil }
        state.placedFrom = reference
        var takeProfit: Price?
        if sellAtLastPrice {
            let target = direction.target(reference, percent: sellPrice + sellAdjust, tick: context.tick)
            let oneTickBeyond = Price(units: price.units + (direction.short ? -1 : 1) * context.tick.units)
            takeProfit = direction.short ? min(target, oneTickBeyond) : max(target, oneTickBeyond)
        }
        return OrderIntent(symbol: context.symbol, side: direction.side, kind: .limit(price), quantity: quantity, takeProfit: takeProfit, reason: "\((distance * 100).rounded() / 100) % \(direction.short ? "above" : "below") the \(usePrice) price \(Price(units: Int64(reference.rounded())))")
    }
}
