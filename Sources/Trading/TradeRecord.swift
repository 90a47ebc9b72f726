import MarketModel

/// One round trip: a position opened from flat and closed back to flat.
public struct TradeRecord: Hashable, Sendable {
    public var symbol: String
    /// `.buy` for a long, `.sell` for a short.
    public var direction: Side
    public var openedAt: Timestamp
    public var closedAt: Timestamp
    public var entryPrice: Price
    public var exitPrice: Price
    /// Largest absolute size held.
    public var quantity: Quantity
    /// Realised P&L less every fee paid on the way.
    public var netPnL: Money
    public var fees: Money
    /// What closed it (take-profit, panic-sell, liquidation, strategy).
    public var exitReason: String

    public init(symbol: String, direction: Side, openedAt: Timestamp, closedAt: Timestamp, entryPrice: Price, exitPrice: Price, quantity: Quantity, netPnL: Money, fees: Money, exitReason: String) {
        self.symbol = symbol
        self.direction = direction
        self.openedAt = openedAt
        self.closedAt = closedAt
        self.entryPrice = entryPrice
        self.exitPrice = exitPrice
        self.quantity = quantity
        self.netPnL = netPnL
        self.fees = fees
        self.exitReason = exitReason
    }

    public var isWin: Bool { netPnL.units > 0 }
}
