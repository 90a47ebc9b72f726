import MarketModel

/// What the exits ask the kernel to do.
public enum ExitAction: Hashable, Sendable {
    /// Place an order that reduces the position.
    case place(symbol: String, side: Side, price: Price, quantity: Quantity, purpose: ExitPurpose)
    case cancel(ClientOrderID)
}

/// Why an exit order exists.
public enum ExitPurpose: String, Hashable, Sendable {
    case takeProfit = "take-profit"
    case panicSell = "panic-sell"
}

/// Why a position was panic-sold.
public enum PanicReason: String, Hashable, Sendable {
    case stopLoss = "stop loss"
    case secondStop = "second stop"
    case thirdStop = "third stop"
    case trailingStop = "trailing stop"
    case manual = "panic sell"
}

/// Manages the exit of one open position: take profit, moved by SellShot, SellSpread
/// or SellLevel (``TakeProfitMover``) or lowered by timer, stop loss (three stages),
/// trailing stop, and the panic sell they all fall back to.
///
/// Works the same for longs and shorts (a short's take profit sits below the entry).
/// Replacing an order is cancel-then-place: the new order goes out only once the
/// venue confirms the cancel, so the position is never sold twice.
public struct ExitManager: Sendable {
    public let symbol: String
    public let settings: ExitSettings
    public let entryTime: Timestamp
    /// Best price since the entry (highest for a long, lowest for a short).
    public private(set) var peak: Price?
    /// Worst price since the entry (lowest for a long): the third stop's price switch.
    public private(set) var trough: Price?
    public private(set) var trailingActive = false
    public private(set) var panic: PanicReason?
    /// The resting exit order, its purpose and price.
    public private(set) var order: (id: ClientOrderID, purpose: ExitPurpose, price: Price, quantity: Quantity)?
    /// An order being placed: the kernel has not reported its id yet.
    public private(set) var placing: (purpose: ExitPurpose, price: Price)?
    public private(set) var cancelling: ClientOrderID?
    /// Price the next order should go at, once the current one is cancelled.
    private var nextPrice: (purpose: ExitPurpose, price: Price)?
    private var lastPriceDown: Timestamp?
    private var lastPanicPlacement: Timestamp?
    /// The average line the stop loss is measured against (``observe(_:at:)``).
    private var average: PriceAverage
    private var mover: TakeProfitMover

    /// The take profit's price when the entry named one (else `SellPrice` % from the
    /// entry).
    public let takeProfitPrice: Price?

    /// Exit orders refused in a row (by the exchange, or not sent by the risk gate or
    /// the exchange's filters); an accepted one starts the count again.
    public private(set) var failures = 0
    /// No exit order is placed before this time after a refusal (exponential backoff).
    public private(set) var retryAt: Timestamp?
    /// Set once ``failureLimit`` refusals came in a row: no more exit orders for this
    /// position until the trader acts (``acknowledge()``). Says why.
    public private(set) var attention: String?
    /// The holding rounded down to the lot, when it is too small to sell in one order
    /// (under the exchange's minimum quantity or notional): shown, not traded.
    public private(set) var dust: Quantity?

    /// Refusals in a row before the position needs the trader.
    public static let failureLimit = 5

    public init(symbol: String, settings: ExitSettings, entryTime: Timestamp, takeProfitPrice: Price? = nil) {
        self.symbol = symbol
        self.settings = settings
        self.entryTime = entryTime
        self.takeProfitPrice = takeProfitPrice
        average = PriceAverage(windowSeconds: settings.stopLossAverageSeconds)
        mover = TakeProfitMover(settings: settings)
    }

    /// A trade print on the symbol: it moves the average line the stop watches.
    public mutating func observe(_ price: Price, at time: Timestamp) {
        if !settings.fastStopLoss { average.add(price, at: time) }
    }

    /// The lines the chart draws for a position entered at `entry`: the active stop,
    /// the trailing stop once armed, and the resting exit order.
    public func levels(entry: Price, long: Bool, now: Timestamp, tick: Price) -> (stop: Price?, trailing: Price?, exit: Price?) {
        func level(_ percent: Double, from price: Price) -> Price {
            price.moved(byPercent: long ? percent : -percent, tick: tick, roundingUp: long)
        }
        let seconds = Double(now.nanoseconds(since: entryTime)) / 1e9
        var stop: Price?
        if settings.useStopLoss {
            stop = level(stopStage(entry: entry, long: long, seconds: seconds, tick: tick).percent, from: entry)
        }
        let trailing = trailingActive ? peak.map { trailingStop(peak: $0, entry: entry, long: long, tick: tick) } : nil
        return (stop, trailing, order?.price)
    }

    /// The trailing stop's price: `TrailingPercent` from the peak, never beyond the
    /// take-profit level with `UseTakeProfit`.
    func trailingStop(peak: Price, entry: Price, long: Bool, tick: Price) -> Price {
        let line = peak.moved(byPercent: long ? settings.trailingPercent : -settings.trailingPercent, tick: tick, roundingUp: long)
        guard let floor = takeProfitFloor(entry: entry, long: long, tick: tick) else { return line }
        return long ? max(line, floor) : min(line, floor)
    }

    /// The take-profit level a trailing exit never sells beyond (nil without
    /// `UseTakeProfit`).
    func takeProfitFloor(entry: Price, long: Bool, tick: Price) -> Price? {
        guard settings.useTakeProfit else { return nil }
        return entry.moved(byPercent: long ? settings.takeProfit : -settings.takeProfit, tick: tick, roundingUp: long)
    }

    /// Whether the second stop has taken over: `TimeToSwitch2Stop` seconds after the
    /// entry, or once the price has reached `PriceToSwitch2Stop` % in the position's
    /// favour (its peak since the entry; 0: no price condition), whichever comes first.
    /// MoonBot's typical use: move the stop to breakeven once the trade is well on.
    func usesSecondStop(entry: Price, long: Bool, seconds: Double, tick: Price) -> Bool {
        guard settings.useSecondStop else { return false }
        if seconds >= settings.timeToSwitch2Stop { return true }
        guard settings.priceToSwitch2Stop > 0, let peak else { return false }
        let trigger = entry.moved(byPercent: long ? settings.priceToSwitch2Stop : -settings.priceToSwitch2Stop, tick: tick, roundingUp: long)
        return long ? peak >= trigger : peak <= trigger
    }

    /// The stop stage in force `seconds` after the entry: its level (% from the entry),
    /// the reason a panic it triggers gives, and the panic's floor (% from the entry).
    /// The third stage outranks the second, the second the first.
    func stopStage(entry: Price, long: Bool, seconds: Double, tick: Price) -> (percent: Double, reason: PanicReason, allowedDrop: Double) {
        if usesThirdStop(entry: entry, long: long, seconds: seconds, tick: tick) {
            return (settings.stopLoss3, .thirdStop, settings.allowedDrop3)
        }
        if usesSecondStop(entry: entry, long: long, seconds: seconds, tick: tick) {
            return (settings.secondStopLoss, .secondStop, settings.allowedDrop)
        }
        return (settings.stopLoss, .stopLoss, settings.allowedDrop)
    }

    /// Whether the third stop has taken over: `TimeToSwitchStop3` seconds after the
    /// entry, or once the price has gone `PriceToSwitchStop3` % from the entry
    /// (positive: its best in the position's favour; negative: its worst against it;
    /// 0: no price condition), whichever comes first.
    func usesThirdStop(entry: Price, long: Bool, seconds: Double, tick: Price) -> Bool {
        guard settings.useStopLoss3 else { return false }
        if seconds >= settings.timeToSwitchStop3 { return true }
        let percent = settings.priceToSwitchStop3
        guard percent != 0 else { return false }
        let trigger = entry.moved(byPercent: long ? percent : -percent, tick: tick, roundingUp: long)
        if percent > 0 {
            guard let peak else { return false }
            return long ? peak >= trigger : peak <= trigger
        }
        guard let trough else { return false }
        return long ? trough <= trigger : trough >= trigger
    }

    /// Starts a panic sell now (user, risk, or a strategy's own decision). A new panic
    /// gets one attempt at once, whatever wait an earlier refusal set.
    public mutating func startPanic(_ reason: PanicReason) {
        if panic == nil {
            panic = reason
            retryAt = nil
        }
    }

    /// The exchange took the exit order: refusals are counted from zero again.
    public mutating func orderAccepted(_ id: ClientOrderID) {
        if order?.id == id { failures = 0 }
    }

    /// An exit order was refused (`reason`): the next one waits 1 s, 2 s, 4 s … (at
    /// most 30 s), and after ``failureLimit`` refusals in a row none is placed until
    /// the trader acts. Returns the attention message when this refusal set it.
    @discardableResult
    public mutating func refused(because reason: String, at now: Timestamp) -> String? {
        failures += 1
        retryAt = Timestamp(nanoseconds: now.nanoseconds + Backoff.refusedOrder.delay(after: failures))
        guard failures >= Self.failureLimit, attention == nil else { return nil }
        attention = "\(symbol): \(failures) exit orders refused in a row (last: \(reason)); no exit order is placed until the trader acts"
        return attention
    }

    /// The trader took note (a panic sell, a cancel, trading resumed): exits work again,
    /// with a fresh count.
    public mutating func acknowledge() {
        attention = nil
        failures = 0
        retryAt = nil
    }

    /// The kernel placed the order asked for, under this id.
    public mutating func placed(_ id: ClientOrderID, quantity: Quantity) {
        guard let placing else { return }
        order = (id, placing.purpose, placing.price, quantity)
        self.placing = nil
    }

    /// The order asked for was not sent (the risk gate or the exchange's filters
    /// refused it): counted as a refusal, tried again after the backoff.
    @discardableResult
    public mutating func placementFailed(because reason: String, at now: Timestamp) -> String? {
        placing = nil
        return refused(because: reason, at: now)
    }

    /// An exit order reached a final state (filled, cancelled, rejected, expired).
    public mutating func orderClosed(_ id: ClientOrderID) {
        if order?.id == id { order = nil }
        if cancelling == id { cancelling = nil }
    }

    /// Evaluates the exits at `now` with the latest print, for the position as it is.
    ///
    /// With the exchange's `rules`, orders go for the position rounded down to the lot
    /// (the rest stays as dust), and a position too small to sell is marked ``dust``
    /// and given no order.
    ///
    /// `extremes` gives the symbol's recent highs and lows to the take-profit movers
    /// (SellShot, SellSpread, SellLevel); without it they have nothing to follow.
    public mutating func evaluate(position: Position, lastPrice: Price, bestBid: Price?, bestAsk: Price?, now: Timestamp, tick: Price, rules: SymbolRules? = nil, extremes: RecentExtremes = { _ in nil }) -> [ExitAction] {
        guard !position.isFlat, let entry = position.entryPrice else { return [] }
        let long = position.isLong
        let quantity = rules?.quantity(position.absoluteQuantity) ?? position.absoluteQuantity
        if let rules, order == nil, placing == nil, cancelling == nil,
           rules.isDust(position.absoluteQuantity, at: lastPrice, reduceOnly: position.kind.isFutures) {
            dust = quantity
            return []
        }
        dust = nil
        let exitSide: Side = long ? .sell : .buy
        // Percent moves in the position's favour are up for a long, down for a short.
        func level(_ percent: Double, from price: Price) -> Price {
            price.moved(byPercent: long ? percent : -percent, tick: tick, roundingUp: long)
        }
        func reached(_ price: Price, _ target: Price) -> Bool { long ? price >= target : price <= target }
        func fell(_ price: Price, _ target: Price) -> Bool { long ? price <= target : price >= target }

        if let best = peak { peak = long ? max(best, lastPrice) : min(best, lastPrice) } else { peak = lastPrice }
        if let worst = trough { trough = long ? min(worst, lastPrice) : max(worst, lastPrice) } else { trough = lastPrice }
        let seconds = Double(now.nanoseconds(since: entryTime)) / 1e9

        // The take-profit level a trailing exit never sells under (UseTakeProfit).
        let trailingFloor = takeProfitFloor(entry: entry, long: long, tick: tick)
        // A trailing sell held at that floor gives way to the stop loss if the price
        // collapses under it: the stop must still protect the position.
        if panic == nil || panic == .trailingStop {
            if settings.useStopLoss, seconds >= settings.stopLossDelay {
                let stage = stopStage(entry: entry, long: long, seconds: seconds, tick: tick)
                // MoonBot's stop watches the average line; FastStopLoss, single prints.
                let watched = settings.fastStopLoss ? lastPrice : (average.value ?? lastPrice)
                if fell(watched, level(stage.percent, from: entry)) {
                    panic = stage.reason
                    retryAt = nil
                }
            }
        }
        if panic == nil, settings.useTrailing, let best = peak {
            let line = level(settings.trailingPercent, from: best)
            if !trailingActive, trailingFloor.map({ reached(line, $0) }) ?? true { trailingActive = true }
            if trailingActive, fell(lastPrice, trailingStop(peak: best, entry: entry, long: long, tick: tick)) {
                panic = .trailingStop
            }
        }

        var actions: [ExitAction] = []
        // An order is on its way or being cancelled: wait for the venue.
        if placing != nil || cancelling != nil { return actions }
        // Refused too often: the trader decides. Refused lately: wait out the backoff
        // (nothing is placed again at the same instant, so a refusal cannot loop).
        if attention != nil { return actions }
        if let retryAt, now < retryAt, order == nil { return actions }

        if panic != nil {
            let reference = (long ? bestBid : bestAsk) ?? lastPrice
            // A trailing exit sells no lower than the take-profit level; the others no
            // lower than AllowedDrop (AllowedDrop3 for the third stop).
            let allowedDrop = level(panic == .thirdStop ? settings.allowedDrop3 : settings.allowedDrop, from: entry)
            let floor = panic == .trailingStop ? (trailingFloor ?? allowedDrop) : allowedDrop
            let due = lastPanicPlacement.map { Double(now.nanoseconds(since: $0)) / 1e9 >= settings.panicSellInterval } ?? true
            if let current = order {
                if current.purpose != .panicSell || (due && current.price != floor) {
                    // Move it: deeper than both the old price and the market, by one step.
                    let base = current.purpose == .panicSell ? (long ? min(current.price, reference) : max(current.price, reference)) : reference
                    var price = level(-settings.panicSellSpread, from: base)
                    if fell(price, floor) { price = floor }
                    nextPrice = (.panicSell, price)
                    cancelling = current.id
                    actions.append(.cancel(current.id))
                }
            } else {
                var price = nextPrice?.purpose == .panicSell ? nextPrice!.price : level(-settings.panicSellSpread, from: reference)
                if fell(price, floor) { price = floor }
                nextPrice = nil
                placing = (.panicSell, price)
                lastPanicPlacement = now
                actions.append(.place(symbol: symbol, side: exitSide, price: price, quantity: quantity, purpose: .panicSell))
            }
            return actions
        }

        let moves = settings.useSellShot || settings.useSellSpread || settings.sellLevelDelay > 0
        guard settings.sellPrice > 0 || takeProfitPrice != nil || moves else { return actions }
        if let current = order {
            // Follow a changed position size and the movers, or lower the take profit
            // on its timer.
            var target = current.price
            if let moved = mover.target(current: current.price, entry: entry, long: long, seconds: seconds, tick: tick, extremes: extremes) {
                target = moved
            } else if !mover.hasMoved, settings.priceDownTimer > 0, seconds >= settings.priceDownTimer,
               lastPriceDown.map({ Double(now.nanoseconds(since: $0)) / 1e9 >= settings.priceDownDelay }) ?? true {
                let step = Double(entry.units) * settings.priceDownPercent / 100
                let lowered = Price.rounded(units: Double(current.price.units) + (long ? -step : step), tick: tick, up: long)
                let floor = level(settings.priceDownAllowedDrop, from: entry)
                let candidate = long ? max(lowered, floor) : min(lowered, floor)
                lastPriceDown = now
                if candidate != current.price { target = candidate }
            }
            if target != current.price || current.quantity != quantity {
                nextPrice = (.takeProfit, target)
                cancelling = current.id
                actions.append(.cancel(current.id))
            }
        } else {
            let price = nextPrice?.price
                ?? mover.target(current: nil, entry: entry, long: long, seconds: seconds, tick: tick, extremes: extremes)
                ?? takeProfitPrice ?? level(settings.sellPrice, from: entry)
            nextPrice = nil
            placing = (.takeProfit, price)
            actions.append(.place(symbol: symbol, side: exitSide, price: price, quantity: quantity, purpose: .takeProfit))
        }
        return actions
    }
}
