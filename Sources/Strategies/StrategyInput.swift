import MarketModel
import Trading

/// What a strategy is told.
public enum StrategyInput: Sendable {
    /// A market event of a symbol it trades.
    case market(MarketEvent)
    /// Something happened to one of its orders.
    case order(OrderEvent)
    /// A timer fired (the kernel ticks at least once a second while anything is open).
    case timer(Timestamp)
}

/// What a strategy asks for. The kernel sends orders through the risk gate; a denial
/// comes back as an `OrderDenied` event naming the rule.
public enum StrategyIntent: Hashable, Sendable {
    case place(OrderIntent)
    case cancel(ClientOrderID)
    /// Cancel an order and place its replacement at a new price (and quantity, and
    /// take profit; nil keeps the old order's).
    case replace(ClientOrderID, price: Price, quantity: Quantity?, takeProfit: Price? = nil)
    /// Close the symbol's position through the shared panic sell.
    case closePosition(symbol: String)
    /// Panic-sell every open position.
    case panicSellAll
    /// A detector fired: log it, count it, tell the panel and the events channel.
    case detect(Detection)
}

/// An order a strategy wants.
public struct OrderIntent: Hashable, Sendable {
    public var symbol: String
    public var side: Side
    public var kind: OrderKind
    public var quantity: Quantity
    public var timeInForce: TimeInForce
    public var reduceOnly: Bool
    /// Where the take profit of the position this entry opens goes, when the strategy
    /// knows better than `SellPrice` % from the fill (MoonShot's pre-spike price,
    /// MoonStrike's share of the spike depth, Hook's share of the detected drop).
    public var takeProfit: Price?
    /// Why the strategy wants it, in a trader's words, for the log line of the order
    /// (`price turned 0.3 % up from 2490.1 after 2.1 % under its EMA 2543.2`).
    public var reason: String?

    public init(symbol: String, side: Side, kind: OrderKind, quantity: Quantity, timeInForce: TimeInForce = .goodTillCancel, reduceOnly: Bool = false, takeProfit: Price? = nil, reason: String? = nil) {
        self.symbol = symbol
        self.side = side
        self.kind = kind
        self.quantity = quantity
        self.timeInForce = timeInForce
        self.reduceOnly = reduceOnly
        self.takeProfit = takeProfit
        self.reason = reason
    }
}
