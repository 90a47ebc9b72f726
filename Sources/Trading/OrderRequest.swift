import MarketModel

/// A client order id: a counter, so replays give the same ids every time.
public struct ClientOrderID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var number: UInt64
    public init(_ number: UInt64) { self.number = number }
    public static func < (lhs: ClientOrderID, rhs: ClientOrderID) -> Bool { lhs.number < rhs.number }
    /// As sent to exchanges (Binance allows `[.A-Z:/a-z0-9_-]{1,36}`).
    public var description: String { "apg-\(number)" }
}

/// Limit or market.
public enum OrderKind: Hashable, Sendable {
    case limit(Price)
    case market

    public var limitPrice: Price? {
        if case .limit(let price) = self { return price }
        return nil
    }
}

/// How long an order may live, and whether it may take liquidity.
public enum TimeInForce: String, Hashable, Sendable {
    /// Good till cancelled: rests until filled or cancelled.
    case goodTillCancel = "GTC"
    /// Immediate or cancel: what fills at once fills; the rest expires.
    case immediateOrCancel = "IOC"
    /// Fill or kill: all at once, or nothing.
    case fillOrKill = "FOK"
    /// Maker only: rejected if any part would take liquidity.
    case postOnly = "GTX"
}

/// An order as the kernel sends it to a venue.
public struct OrderRequest: Hashable, Sendable {
    public var id: ClientOrderID
    public var symbol: String
    public var side: Side
    public var kind: OrderKind
    public var quantity: Quantity
    public var timeInForce: TimeInForce
    /// Futures: may only reduce the position.
    public var reduceOnly: Bool
    /// The strategy (or "user", "exits", "risk") that asked for it.
    public var origin: String
    /// When the kernel decided to send it.
    public var createdAt: Timestamp

    public init(id: ClientOrderID, symbol: String, side: Side, kind: OrderKind, quantity: Quantity, timeInForce: TimeInForce = .goodTillCancel, reduceOnly: Bool = false, origin: String, createdAt: Timestamp) {
        self.id = id
        self.symbol = symbol
        self.side = side
        self.kind = kind
        self.quantity = quantity
        self.timeInForce = timeInForce
        self.reduceOnly = reduceOnly
        self.origin = origin
        self.createdAt = createdAt
    }
}
