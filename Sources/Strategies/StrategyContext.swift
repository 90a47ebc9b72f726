import MarketModel
import OrderBook
import Trading

/// What a strategy can see when it decides: one symbol's market, its own position,
/// balance and orders, and the time. All values; nothing it can change.
public struct StrategyContext: Sendable {
    public let symbol: String
    public let now: Timestamp
    public let kind: MarketKind
    public let book: OrderBook?
    public let lastPrice: Price?
    /// The most recent trades, oldest first.
    public let recentTrades: RecentTrades
    /// One-minute candles.
    public let candles: CandleSeries
    public let position: Position?
    /// Cash not tied up as margin.
    public let availableCash: Money
    /// This strategy's open orders on the symbol.
    public let openOrders: [Order]
    /// Price and quantity increments of the symbol.
    public let tick: Price
    public let lot: Quantity
    /// BTC's and the whole market's changes (MoonBot's dBTC and dMarkets).
    public let market: MarketContext
    /// The best bid and ask of the symbol's bookTicker, for a symbol streamed without
    /// its depth (a whole quote market streams depth only where it is needed).
    public var tickerBid: Price?
    public var tickerAsk: Price?

    public init(symbol: String, now: Timestamp, kind: MarketKind, book: OrderBook?, lastPrice: Price?, recentTrades: RecentTrades, candles: CandleSeries, position: Position?, availableCash: Money, openOrders: [Order], tick: Price, lot: Quantity, market: MarketContext = MarketContext()) {
        self.symbol = symbol
        self.now = now
        self.kind = kind
        self.book = book
        self.lastPrice = lastPrice
        self.recentTrades = recentTrades
        self.candles = candles
        self.position = position
        self.availableCash = availableCash
        self.openOrders = openOrders
        self.tick = tick
        self.lot = lot
        self.market = market
    }

    /// The best bid: the book's when the symbol has one, else the bookTicker's.
    public var bestBid: Price? { book != nil ? book?.bestBid?.price : tickerBid }
    /// The best ask: the book's when the symbol has one, else the bookTicker's.
    public var bestAsk: Price? { book != nil ? book?.bestAsk?.price : tickerAsk }

    /// MoonBot's deltas over 1m, 5m, 15m, 1h, 3h and 24h.
    public var deltas: Deltas { Deltas(candles: candles, now: now) }

    public var isFlat: Bool { position?.isFlat ?? true }

    /// The quantity that `amount` of money buys at `price`, rounded down to the lot.
    public func quantity(for amount: Money, at price: Price) -> Quantity {
        guard price.units > 0, lot.units > 0 else { return .zero }
        let raw = Int128(amount.units) * Int128(FixedPoint.unitsPerWhole) / Int128(price.units)
        let lots = raw / Int128(lot.units)
        return Quantity(units: Int64(lots) * lot.units)
    }
}

/// The last trades of a symbol in a fixed-size ring.
public struct RecentTrades: Sendable {
    public let capacity: Int
    private var ring: [TradePrint] = []
    private var head = 0

    public init(capacity: Int = 256) {
        self.capacity = capacity
    }

    public var count: Int { ring.count }

    public mutating func append(_ trade: TradePrint) {
        if ring.count < capacity {
            ring.append(trade)
        } else {
            ring[head] = trade
            head = (head + 1) % capacity
        }
    }

    /// The trade `age` back from the newest (0 = newest).
    public subscript(age age: Int) -> TradePrint? {
        guard age >= 0, age < ring.count else { return nil }
        let newest = ring.count < capacity ? ring.count - 1 : (head - 1 + capacity) % capacity
        return ring[(newest - age + ring.count) % ring.count]
    }
}
