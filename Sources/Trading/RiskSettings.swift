/// Limits applied before every order, and the global stops that halt trading.
/// A `nil` limit is off.
public struct RiskSettings: Hashable, Sendable {
    /// Largest value of one order.
    public var maxOrderNotional: Money?
    /// Largest value of one symbol's position, counting the order.
    public var maxPositionNotional: Money?
    /// Largest leverage an order may use.
    public var maxLeverage: Int64?
    /// Most orders open at once.
    public var maxOpenOrders: Int?
    /// Most symbols with a position or an open order at once.
    public var maxMarkets: Int?
    /// An entry's limit price more than this % from the last trade is refused (exits
    /// are exempt; `--price-band`, nil or 0: off).
    public var priceBandPercent: Double? = 10
    /// MoonBot's Auto Stop on Losses: when the summed net loss of the last
    /// `count` trades exceeds `loss`, halt and cancel the buys.
    public var lossOverLastTrades: LossOverTrades?
    /// Halt when the net loss of the trades closed in the last hour exceeds this.
    public var maxLossPerHour: Money?
    /// Halt after this many order errors (rejections) in a row.
    public var maxConsecutiveErrors: Int? = 5
    /// On a halt or a kill switch, also close every position.
    public var flattenOnHalt = false
    /// The kill switch as a risk rule: when equity falls this far below its peak of
    /// the session, cancel every order and halt (and flatten with `flattenOnHalt`).
    /// Checked every second while positions or orders are open.
    public var killSwitchDrawdown: Money?
    /// An exit's limit price more than this % from the last trade is refused; nil:
    /// exits are exempt (the default: a far take profit is meant to be far).
    public var exitPriceBandPercent: Double?
    /// Locks on entries after losses (Freqtrade's protections).
    public var protections = ProtectionSettings()

    public init() {}
}

/// A loss limit over the last `count` trades.
public struct LossOverTrades: Hashable, Sendable {
    public var count: Int
    public var loss: Money
    public init(count: Int, loss: Money) {
        self.count = count
        self.loss = loss
    }
}

/// Freqtrade-style protections: stackable locks on entries, global or per symbol.
public struct ProtectionSettings: Hashable, Sendable {
    /// After `count` stop-loss exits within `lookback` seconds, lock all entries for `lock` seconds.
    public var stoplossGuard: Guard?
    /// After an exit on a symbol, no entry on it for this many seconds.
    public var cooldownSeconds: Double?
    /// When the drawdown of the trades closed within `lookback` seconds exceeds
    /// `percent` % of equity, lock all entries for `lock` seconds.
    public var maxDrawdown: DrawdownGuard?
    /// When a symbol's trades within `lookback` seconds (at least `minimumTrades`) made
    /// less than `requiredProfit`, lock that symbol for `lock` seconds.
    public var lowProfit: LowProfitGuard?

    public struct Guard: Hashable, Sendable {
        public var count: Int
        public var lookback: Double
        public var lock: Double
        public init(count: Int, lookback: Double, lock: Double) {
            self.count = count
            self.lookback = lookback
            self.lock = lock
        }
    }

    public struct DrawdownGuard: Hashable, Sendable {
        public var percent: Double
        public var lookback: Double
        public var lock: Double
        public init(percent: Double, lookback: Double, lock: Double) {
            self.percent = percent
            self.lookback = lookback
            self.lock = lock
        }
    }

    public struct LowProfitGuard: Hashable, Sendable {
        public var requiredProfit: Money
        public var minimumTrades: Int
        public var lookback: Double
        public var lock: Double
        public init(requiredProfit: Money, minimumTrades: Int, lookback: Double, lock: Double) {
            self.requiredProfit = requiredProfit
            self.minimumTrades = minimumTrades
            self.lookback = lookback
            self.lock = lock
        }
    }

    public init() {}
}
