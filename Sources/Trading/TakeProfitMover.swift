import MarketModel

/// The highest and lowest prints of the symbol over the last `seconds`, as the kernel
/// knows them (nil: no print in that window). The movers read the market only through
/// it, so they stay pure and are driven by plain values in tests.
public typealias RecentExtremes = (_ seconds: Double) -> (high: Price, low: Price)?

/// Moves a position's resting take profit after MoonBot's Sell-order sub-tabs:
/// SellShot, SellSpread and SellLevel (their settings and rules are in
/// ``ExitSettings``; our readings where MoonBot leaves a rule open are in
/// docs/strategies.md).
///
/// ``target(current:entry:long:seconds:tick:extremes:)`` says where the order should
/// rest now, or nil when no mover has a say at this moment. Each mover paces itself
/// (delays, attempt counts, corridor waits), so the order is never re-placed on every
/// print; the ExitManager replaces it cancel-then-place.
struct TakeProfitMover: Sendable {
    let settings: ExitSettings
    /// SellShot's corridor, from the moment it took the order over.
    private var shotCorridor: ShotCorridor?
    private var spreadChecks = 0
    private var lastSpreadCheck: Double?
    private var levelAttempts = 0
    private var firstLevelAttempt: Double?
    private var lastLevelAttempt: Double?
    /// A mover has placed the order at least once: the timer's lowering
    /// (`PriceDownTimer`) no longer applies, it would undo the mover's choice.
    private(set) var hasMoved = false

    init(settings: ExitSettings) {
        self.settings = settings
    }

    /// Where the take profit should rest, `seconds` after the entry, with the order
    /// now at `current` (nil: no order yet). Nil: no mover has a say now.
    mutating func target(current: Price?, entry: Price, long: Bool, seconds: Double, tick: Price, extremes: RecentExtremes) -> Price? {
        if settings.useSellShot, seconds >= settings.sellShotDelay {
            return mark(sellShot(current: current, entry: entry, long: long, seconds: seconds, tick: tick, extremes: extremes))
        }
        if let price = sellSpread(entry: entry, long: long, seconds: seconds, tick: tick, extremes: extremes) {
            return mark(price)
        }
        if let price = sellLevel(entry: entry, long: long, seconds: seconds, tick: tick, extremes: extremes) {
            return mark(price)
        }
        return nil
    }

    private mutating func mark(_ price: Price?) -> Price? {
        if price != nil { hasMoved = true }
        return price
    }

    /// `percent` from `price` in the position's favour (up for a long), on the tick,
    /// rounded away from the market side the order rests on.
    private func moved(_ price: Price, byPercent percent: Double, long: Bool, tick: Price) -> Price {
        price.moved(byPercent: long ? percent : -percent, tick: tick, roundingUp: long)
    }

    /// The farther of `price` and `bound` in the position's favour: a sell kept at or
    /// above a floor (a long), a buy at or under a ceiling (a short).
    private func notShortOf(_ bound: Price, _ price: Price, long: Bool) -> Price {
        long ? max(price, bound) : min(price, bound)
    }

    // MARK: SellShot

    private mutating func sellShot(current: Price?, entry: Price, long: Bool, seconds: Double, tick: Price, extremes: RecentExtremes) -> Price? {
        guard let window = extremes(settings.sellShotCalcInterval) else { return current }
        // The "market" a long's sell follows is the top of the last moments' prints.
        let reference = long ? window.high : window.low
        guard reference.units > 0 else { return current }
        let distance = settings.sellShotDistance
        var target = moved(reference, byPercent: distance, long: long, tick: tick)
        target = notShortOf(moved(entry, byPercent: settings.sellShotAllowedDown, long: long, tick: tick), target, long: long)
        let ceiling = moved(entry, byPercent: settings.sellShotAllowedUp, long: long, tick: tick)
        target = long ? min(target, ceiling) : max(target, ceiling)
        guard let current, var corridor = shotCorridor else {
            // Taking the order over: straight to the corridor's centre.
            let width = abs(distance) * settings.sellShotCorridor / 100
            // Too near (the price coming up to a long's sell) raises the order, away
            // from the entry: SellShotRaiseWait. Too far lowers it: SellShotReplaceDelay.
            shotCorridor = ShotCorridor(distance: distance, near: distance - width / 2, replaceDelaySeconds: settings.sellShotRaiseWait, raiseWaitSeconds: settings.sellShotReplaceDelay)
            return target
        }
        let gap = Double(current.units - reference.units) / Double(reference.units) * 100
        let move = corridor.check(orderDistance: long ? gap : -gap, now: Int64(seconds * 1e9))
        if move != .stay { corridor.reset() }
        shotCorridor = corridor
        return move == .stay ? current : target
    }

    // MARK: SellSpread

    private mutating func sellSpread(entry: Price, long: Bool, seconds: Double, tick: Price, extremes: RecentExtremes) -> Price? {
        guard settings.useSellSpread, spreadChecks < settings.sellSpreadReplaceCount else { return nil }
        // MoonBot: a delay under 0.33 s works as 0.33 s.
        let interval = max(0.33, settings.sellSpreadDelay)
        guard seconds - (lastSpreadCheck ?? 0) >= interval else { return nil }
        spreadChecks += 1
        lastSpreadCheck = seconds
        guard let stick = extremes(settings.sellSpreadWindow), stick.low.units > 0 else { return nil }
        let range = stick.high.units - stick.low.units
        let spread = Double(range) / Double(stick.low.units) * 100
        guard spread >= settings.sellSpreadMinSpread else { return nil }
        // SellSpreadDistance is negative: that share of the range back from the far end.
        let inside = Double(range) * abs(settings.sellSpreadDistance) / 100
        let units = long ? Double(stick.high.units) - inside : Double(stick.low.units) + inside
        let price = Price.rounded(units: units, tick: tick, up: long)
        return notShortOf(moved(entry, byPercent: settings.sellSpreadAllowedDrop, long: long, tick: tick), price, long: long)
    }

    // MARK: SellLevel

    private mutating func sellLevel(entry: Price, long: Bool, seconds: Double, tick: Price, extremes: RecentExtremes) -> Price? {
        guard settings.sellLevelDelay > 0, levelAttempts < settings.sellLevelCount, seconds >= settings.sellLevelDelay else { return nil }
        if let last = lastLevelAttempt, seconds - last < settings.sellLevelDelayNext { return nil }
        if settings.sellLevelWorkTime > 0, let first = firstLevelAttempt, seconds - first > settings.sellLevelWorkTime { return nil }
        levelAttempts += 1
        lastLevelAttempt = seconds
        if firstLevelAttempt == nil { firstLevelAttempt = seconds }
        guard let window = extremes(settings.sellLevelTime) else { return nil }
        let extreme = long ? window.high : window.low
        let price: Price
        if settings.sellLevelRelative {
            // Adjust % of the way from the entry to the window's extreme.
            let units = Double(entry.units) + Double(extreme.units - entry.units) * settings.sellLevelAdjust / 100
            price = Price.rounded(units: units, tick: tick, up: long)
        } else {
            price = moved(extreme, byPercent: settings.sellLevelAdjust, long: long, tick: tick)
        }
        return notShortOf(moved(entry, byPercent: settings.sellLevelAllowedDrop, long: long, tick: tick), price, long: long)
    }
}
