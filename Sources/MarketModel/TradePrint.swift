/// One public trade, or one aggregate of trades at a single price and taker side.
public struct TradePrint: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// A single exchange trade (`@trade`).
        case single
        /// Binance `@aggTrade`: the trades `firstTradeID...lastTradeID` filled at one
        /// price by one taker.
        case aggregate(firstTradeID: UInt64, lastTradeID: UInt64)
    }

    public var symbol: String
    /// Trade id, or aggregate id for an aggregate.
    public var id: UInt64
    public var price: Price
    public var quantity: Quantity
    /// The taker's side: `.sell` when the buyer was the maker.
    public var aggressor: Side
    /// When the trade happened on the exchange (Binance `T`).
    public var tradeTime: Timestamp
    public var time: EventTime
    public var kind: Kind

    public init(symbol: String, id: UInt64, price: Price, quantity: Quantity, aggressor: Side, tradeTime: Timestamp, time: EventTime, kind: Kind = .single) {
        self.symbol = symbol
        self.id = id
        self.price = price
        self.quantity = quantity
        self.aggressor = aggressor
        self.tradeTime = tradeTime
        self.time = time
        self.kind = kind
    }
}
