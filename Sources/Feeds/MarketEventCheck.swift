import MarketModel

/// What no exchange sends, refused at the parsers so it never reaches a book, a candle
/// or a strategy: a trade at price 0 or of quantity 0, a price beyond any market's, a
/// best bid or ask at 0, a crossed bookTicker, a level at a price ≤ 0 or of negative
/// quantity. Each refusal is a ``FeedError`` the replay counts as a malformed line
/// with its file:line (and a live session as a bad frame).
public enum MarketEventCheck {
    /// The highest price taken as real: 10 billion a unit. The dearest pairs trade
    /// near 2 billion (BTC in Indonesian rupiah); the fixed-point range ends at 92
    /// billion, so this keeps every price × quantity sum far from its edge.
    public static let highestPrice = Price(units: 10_000_000_000 * 100_000_000)

    public static func check(_ event: MarketEvent) throws(FeedError) {
        switch event {
        case .trade(let trade):
            try price(trade.price, "trade price")
            guard trade.quantity.units > 0 else { throw FeedError("trade quantity \(trade.quantity) is not a quantity that traded") }
        case .bestBidAsk(let ticker):
            try price(ticker.bid.price, "bookTicker bid")
            try price(ticker.ask.price, "bookTicker ask")
            guard ticker.bid.price <= ticker.ask.price else {
                throw FeedError("bookTicker is crossed: bid \(ticker.bid.price) above ask \(ticker.ask.price)")
            }
        case .bookDelta(let delta):
            try levels(delta.bids, "bid")
            try levels(delta.asks, "ask")
        case .bookSnapshot(let snapshot):
            try levels(snapshot.bids, "bid")
            try levels(snapshot.asks, "ask")
        }
    }

    private static func price(_ value: Price, _ what: String) throws(FeedError) {
        guard value.units > 0 else { throw FeedError("\(what) \(value) is not a price") }
        guard value <= highestPrice else { throw FeedError("\(what) \(value) is beyond any market's (at most \(highestPrice))") }
    }

    private static func levels(_ levels: [BookLevel], _ side: String) throws(FeedError) {
        for level in levels {
            try price(level.price, "\(side) level price")
            guard level.quantity.units >= 0 else { throw FeedError("\(side) level at \(level.price) has a negative quantity \(level.quantity)") }
        }
    }
}
