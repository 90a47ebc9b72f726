import MarketModel

/// One execution of (part of) an order.
public struct Fill: Hashable, Sendable {
    public var orderID: ClientOrderID
    public var symbol: String
    public var side: Side
    public var price: Price
    public var quantity: Quantity
    /// Fee charged, valued in the account currency (the whole fee, whichever asset it
    /// was paid in).
    public var fee: Money
    /// The part of the fee the exchange took out of the coin bought (Binance spot
    /// charges a buy's commission in the base asset): the holding grows by
    /// `quantity - feeInBase`. Zero when the fee was paid in the quote currency.
    public var feeInBase: Quantity = .zero
    public var liquidity: Liquidity
    /// When the exchange executed it.
    public var time: Timestamp
    /// A forced close by the exchange: the position's margin is lost.
    public var isLiquidation: Bool

    public init(orderID: ClientOrderID, symbol: String, side: Side, price: Price, quantity: Quantity, fee: Money, liquidity: Liquidity, time: Timestamp, isLiquidation: Bool = false) {
        self.orderID = orderID
        self.symbol = symbol
        self.side = side
        self.price = price
        self.quantity = quantity
        self.fee = fee
        self.liquidity = liquidity
        self.time = time
        self.isLiquidation = isLiquidation
    }

    public var notional: Money { .notional(price, quantity) }
}
