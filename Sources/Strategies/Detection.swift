import MarketModel

/// A detector firing: what it saw and the figures that made it fire, in a fixed order
/// (for the log, the strategy panel and the events channel).
public struct Detection: Hashable, Sendable {
    public var strategy: String
    public var symbol: String
    public var time: Timestamp
    /// Name and value of each figure, e.g. `("price_delta_pct", "3.21")`.
    public var figures: [Figure]
    /// Whether the strategy will trade it (`AutoBuy`) or only reports it.
    public var trades: Bool

    public struct Figure: Hashable, Sendable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// A figure rounded to `places` decimals, as detects print them.
    static func figure(_ value: Double, places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return "\((value * scale).rounded() / scale)"
    }

    public init(strategy: String, symbol: String, time: Timestamp, figures: [Figure], trades: Bool) {
        self.strategy = strategy
        self.symbol = symbol
        self.time = time
        self.figures = figures
        self.trades = trades
    }

    /// `detect drops BTCUSDT: price_delta_pct 3.21, high 61000, low 59040 (detect only)`.
    public var summary: String {
        "detect \(strategy) \(symbol): " + figures.map { "\($0.name) \($0.value)" }.joined(separator: ", ") + (trades ? "" : " (detect only)")
    }
}
