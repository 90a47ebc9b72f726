/// MoonBot's market context (moonbot.md §3): BTC's signed change and the market's
/// (the average of every other symbol's) over 1m, 5m, 1h and 24h, each
/// `(1 − mean price over the window / current price) × 100`. The header shows them;
/// the `Delta_BTC_*` and `Delta_Market_*` filters read them.
public struct MarketContext: Hashable, Sendable {
    /// Signed changes over MoonBot's context windows, nil where there is no data.
    public struct Changes: Hashable, Sendable {
        public var oneMinute: Double?
        public var fiveMinutes: Double?
        public var oneHour: Double?
        public var day: Double?

        public init(oneMinute: Double? = nil, fiveMinutes: Double? = nil, oneHour: Double? = nil, day: Double? = nil) {
            self.oneMinute = oneMinute
            self.fiveMinutes = fiveMinutes
            self.oneHour = oneHour
            self.day = day
        }

        /// The windows, in minutes, in field order.
        public static let windows = [1, 5, 60, 1440]

        public init(candles: CandleSeries) {
            self.init(oneMinute: candles.change(intervals: 1), fiveMinutes: candles.change(intervals: 5), oneHour: candles.change(intervals: 60), day: candles.change(intervals: 1440))
        }

        public subscript(minutes: Int) -> Double? {
            switch minutes {
            case 1: return oneMinute
            case 5: return fiveMinutes
            case 60: return oneHour
            case 1440: return day
            default: return nil
            }
        }
    }

    /// The reference coin's symbol (BTC against the session's quote currency).
    public var btcSymbol: String
    public var btc: Changes?
    /// The average over the symbols other than BTC that have traded; nil with none.
    public var market: Changes?
    /// How many symbols the market average spans.
    public var symbols: Int

    public init(btcSymbol: String = "BTCUSDT", btc: Changes? = nil, market: Changes? = nil, symbols: Int = 0) {
        self.btcSymbol = btcSymbol
        self.btc = btc
        self.market = market
        self.symbols = symbols
    }
}
