/// A symbol's rolling 24-hour figures as the exchange states them (Binance's
/// `24hrMiniTicker`, one of the all-market `!miniTicker@arr` stream's entries): the
/// Markets table's 24h delta and volume for every symbol from the first second,
/// instead of only after a day of candles.
public struct DayTicker: Hashable, Sendable {
    public var symbol: String
    public var open: Price
    public var high: Price
    public var low: Price
    public var close: Price
    /// Σ price × quantity over the 24 hours, in the quote currency.
    public var quoteVolume: Quantity
    /// The exchange's event time.
    public var time: Timestamp

    public init(symbol: String, open: Price, high: Price, low: Price, close: Price, quoteVolume: Quantity, time: Timestamp) {
        self.symbol = symbol
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.quoteVolume = quoteVolume
        self.time = time
    }

    /// MoonBot's 24h delta: `(high / low − 1) × 100`; nil without a low.
    public var delta: Double? {
        guard low.units > 0 else { return nil }
        return (Double(high.units) / Double(low.units) - 1) * 100
    }

    /// Whether the price fell over the 24 hours (the delta's sign and colour).
    public var fell: Bool { close < open }
}
