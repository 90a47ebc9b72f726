import MarketModel

/// The pure risk layer in front of every order, and the rules that stop trading.
///
/// `check` runs before an order is sent; a denial names its rule and becomes an
/// `OrderDenied` event. Orders that only reduce a position (exits, panic sells) pass
/// the limits meant for new exposure, so a full book of limits can never trap a
/// position. Global stops switch the trading state to HALTED; protections lock entries
/// for a while, globally or per symbol. The same code runs in backtest, paper and live.
public struct RiskGate: Sendable {
    public var settings: RiskSettings
    public var protections: ProtectionSettings
    public private(set) var state: TradingState = .active
    public private(set) var stateReason: String?
    public private(set) var consecutiveErrors = 0
    public private(set) var globalLockUntil: Timestamp?
    private var symbolLocks: [String: Timestamp] = [:]

    public init(settings: RiskSettings = RiskSettings(), protections: ProtectionSettings? = nil) {
        self.settings = settings
        self.protections = protections ?? settings.protections
    }

    /// Why an order was not sent.
    public struct Denial: Hashable, Sendable, CustomStringConvertible {
        public var rule: String
        public var message: String
        public var description: String { "\(rule): \(message)" }

        public init(rule: String, message: String) {
            self.rule = rule
            self.message = message
        }
    }

    /// What the gate needs to know about the account and the market.
    public struct Context {
        public var account: Account
        public var openOrders: [Order]
        public var lastPrice: Price?
        public var now: Timestamp

        public init(account: Account, openOrders: [Order], lastPrice: Price?, now: Timestamp) {
            self.account = account
            self.openOrders = openOrders
            self.lastPrice = lastPrice
            self.now = now
        }
    }

    /// Whether `request` only reduces the symbol's position.
    public static func isReducing(_ request: OrderRequest, account: Account) -> Bool {
        guard let position = account.position(request.symbol), !position.isFlat else { return false }
        let opposite = position.isLong ? request.side == .sell : request.side == .buy
        return opposite && request.quantity <= position.absoluteQuantity
    }

    /// Symbols locked for new entries at `now`.
    public func isLocked(_ symbol: String, at now: Timestamp) -> Bool {
        if let until = globalLockUntil, until > now { return true }
        if let until = symbolLocks[symbol], until > now { return true }
        return false
    }

    public func check(_ request: OrderRequest, context: Context) -> Denial? {
        let reducing = request.reduceOnly || Self.isReducing(request, account: context.account)
        switch state {
        case .halted where !(reducing && request.origin.hasPrefix("exits:")):
            return Denial(rule: "trading-state", message: "trading is HALTED\(stateReason.map { " (\($0))" } ?? ""); only the exits of open positions are sent")
        case .reducing where !reducing:
            return Denial(rule: "trading-state", message: "trading is REDUCING: only orders that reduce a position are sent")
        default:
            break
        }
        if request.reduceOnly && !Self.isReducing(request, account: context.account) {
            return Denial(rule: "reduce-only", message: "\(request.symbol): a reduce-only order larger than the position, or with no position")
        }
        let price = request.kind.limitPrice ?? context.lastPrice
        guard let price, price.units > 0 else {
            return Denial(rule: "no-price", message: "\(request.symbol): no price known yet to value the order")
        }
        let terms = context.account.terms
        let notional = terms.kind.value(of: request.quantity, at: price)
        // The band guards against a fat-fingered or runaway price: a limit that pays
        // through the market (a buy far above the last trade, a sell far below it). A
        // limit far on the passive side can only fill at a better price than now, and is
        // often meant (MoonShot's MShotPrice 15 % under the price, a take profit on a
        // deep spike), so it passes; the exchange's own PERCENT_PRICE filter still
        // applies to both sides. Exits are exempt unless they have a band of their own.
        if let limit = request.kind.limitPrice, let band = reducing ? settings.exitPriceBandPercent : settings.priceBandPercent, let last = context.lastPrice, last.units > 0 {
            let paysThrough = request.side == .buy ? limit > last : limit < last
            let distance = abs(Double(limit.units - last.units)) / Double(last.units) * 100
            if paysThrough, distance > band {
                return Denial(rule: reducing ? "exit-price-band" : "price-band", message: "\(request.symbol): \(reducing ? "exit " : "")\(request.side.rawValue) limit \(limit) is \(rounded(distance))% \(request.side == .buy ? "above" : "below") the last trade \(last), paying through the market (band \(band)%)")
            }
        }
        if reducing { return checkReducing(request, context: context) }

        if isLocked(request.symbol, at: context.now) {
            return Denial(rule: "protection-lock", message: "\(request.symbol): entries are locked by a protection")
        }
        if let limit = settings.maxOrderNotional, notional > limit {
            return Denial(rule: "max-order-notional", message: "\(request.symbol): order value \(notional) exceeds \(limit)")
        }
        if let limit = settings.maxPositionNotional {
            let held = context.account.position(request.symbol).map { terms.kind.value(of: $0.absoluteQuantity, at: price) } ?? .zero
            if held + notional > limit {
                return Denial(rule: "max-position", message: "\(request.symbol): position would be worth \(held + notional), above \(limit)")
            }
        }
        if let limit = settings.maxLeverage, terms.leverage > limit {
            return Denial(rule: "max-leverage", message: "leverage \(terms.leverage)x exceeds \(limit)x")
        }
        if let limit = settings.maxOpenOrders, context.openOrders.count >= limit {
            return Denial(rule: "max-open-orders", message: "\(context.openOrders.count) orders already open (limit \(limit))")
        }
        if let limit = settings.maxMarkets {
            var markets = Set(context.openOrders.map(\.request.symbol))
            for position in context.account.openPositions { markets.insert(position.symbol) }
            markets.insert(request.symbol)
            if markets.count > limit {
                return Denial(rule: "max-markets", message: "\(request.symbol) would make \(markets.count) markets traded at once (limit \(limit))")
            }
        }
        // Free balance: cash not already promised to open orders or held as margin.
        let fee = terms.fees.fee(on: notional, as: .taker)
        var reserved = Money.zero
        for order in context.openOrders where !Self.isReducing(order.request, account: context.account) {
            let orderPrice = order.request.kind.limitPrice ?? price
            let value = terms.kind.value(of: order.remainingQuantity, at: orderPrice)
            reserved += terms.kind.isFutures ? value.scaled(by: 1, over: terms.leverage) : value
        }
        let needed = (terms.kind.isFutures ? notional.scaled(by: 1, over: terms.leverage) : notional) + fee
        if terms.kind == .spot, request.side == .sell {
            let held = context.account.position(request.symbol)?.quantity ?? .zero
            return Denial(rule: "free-balance", message: "\(request.symbol): sell of \(request.quantity) but only \(held) held (spot cannot go short)")
        }
        let free = context.account.availableCash - reserved
        if needed > free {
            return Denial(rule: "free-balance", message: "\(request.symbol): order needs \(needed) but only \(free) is free")
        }
        return nil
    }

    private func checkReducing(_ request: OrderRequest, context: Context) -> Denial? {
        // Reducing orders together may not exceed the position.
        guard let position = context.account.position(request.symbol) else { return nil }
        var pending = request.quantity
        for order in context.openOrders where order.request.symbol == request.symbol && order.request.side == request.side {
            pending = pending + order.remainingQuantity
        }
        if pending > position.absoluteQuantity {
            return Denial(rule: "free-balance", message: "\(request.symbol): exit orders for \(pending) exceed the position of \(position.absoluteQuantity)")
        }
        return nil
    }

    private func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    // MARK: - State and stops

    /// Sets the trading state (the user, or a rule).
    public mutating func setState(_ newState: TradingState, reason: String?) {
        state = newState
        stateReason = reason
    }

    /// An order was rejected by the venue. Returns a halt reason when that was one too many.
    public mutating func orderRejected() -> String? {
        consecutiveErrors += 1
        if let limit = settings.maxConsecutiveErrors, consecutiveErrors >= limit, state != .halted {
            let reason = "\(consecutiveErrors) order errors in a row"
            setState(.halted, reason: reason)
            return reason
        }
        return nil
    }

    /// An order went through: the error streak ends.
    public mutating func orderSucceeded() { consecutiveErrors = 0 }

    /// A round trip closed: applies the global stops and the protections. Returns what
    /// happened, for the log.
    public mutating func tradeClosed(_ trade: TradeRecord, history: [TradeRecord], equity: Money, now: Timestamp) -> [String] {
        var notes: [String] = []
        if let limit = settings.lossOverLastTrades, history.count >= limit.count {
            let sum = history.suffix(limit.count).reduce(Money.zero) { $0 + $1.netPnL }
            if -sum > limit.loss, state != .halted {
                setState(.halted, reason: "the last \(limit.count) trades lost \(-sum), over \(limit.loss)")
                notes.append("HALTED: " + (stateReason ?? ""))
            }
        }
        if let limit = settings.maxLossPerHour {
            let since = Timestamp(nanoseconds: now.nanoseconds - 3_600_000_000_000)
            let sum = history.filter { $0.closedAt > since }.reduce(Money.zero) { $0 + $1.netPnL }
            if -sum > limit, state != .halted {
                setState(.halted, reason: "trades of the last hour lost \(-sum), over \(limit)")
                notes.append("HALTED: " + (stateReason ?? ""))
            }
        }
        func lock(_ seconds: Double) -> Timestamp { Timestamp(nanoseconds: now.nanoseconds + Int64(seconds * 1e9)) }
        func window(_ seconds: Double) -> [TradeRecord] {
            let since = Timestamp(nanoseconds: now.nanoseconds - Int64(seconds * 1e9))
            return history.filter { $0.closedAt > since }
        }
        if let guardRule = protections.stoplossGuard {
            let stops = window(guardRule.lookback).filter { $0.exitReason.contains("stop") && !$0.isWin }
            if stops.count >= guardRule.count {
                globalLockUntil = max(globalLockUntil ?? lock(guardRule.lock), lock(guardRule.lock))
                notes.append("protection: \(stops.count) stop-loss exits within \(Int(guardRule.lookback)) s; entries locked for \(Int(guardRule.lock)) s")
            }
        }
        if let cooldown = protections.cooldownSeconds {
            symbolLocks[trade.symbol] = max(symbolLocks[trade.symbol] ?? lock(cooldown), lock(cooldown))
        }
        if let rule = protections.maxDrawdown, equity.units > 0 {
            var cumulative = Money.zero
            var peak = Money.zero
            var worst = Money.zero
            for record in window(rule.lookback) {
                cumulative += record.netPnL
                peak = max(peak, cumulative)
                worst = max(worst, peak - cumulative)
            }
            let percent = worst.doubleValue / equity.doubleValue * 100
            if percent > rule.percent {
                globalLockUntil = max(globalLockUntil ?? lock(rule.lock), lock(rule.lock))
                notes.append("protection: drawdown \(rounded(percent))% over \(rule.percent)%; entries locked for \(Int(rule.lock)) s")
            }
        }
        if let rule = protections.lowProfit {
            let trades = window(rule.lookback).filter { $0.symbol == trade.symbol }
            let profit = trades.reduce(Money.zero) { $0 + $1.netPnL }
            if trades.count >= rule.minimumTrades, profit < rule.requiredProfit {
                symbolLocks[trade.symbol] = lock(rule.lock)
                notes.append("protection: \(trade.symbol) made \(profit) in \(trades.count) trades, under \(rule.requiredProfit); locked for \(Int(rule.lock)) s")
            }
        }
        return notes
    }
}
