import MarketModel
import Trading

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

    /// A named figure. It keeps the number and writes it out when read: a detect that
    /// trades is on the path from the market frame to the order, and its text is not
    /// needed before the order is out. Two figures are equal when they read the same.
    public struct Figure: Hashable, Sendable {
        public var name: String
        private var amount: Amount

        private enum Amount: Sendable {
            case text(String)
            /// Rounded to `places` decimals, as detects print them.
            case rounded(Double, places: Int)
            /// A count of 10⁻⁸ units (a price, an amount of money), with at least
            /// `fractionDigits` decimals.
            case fixedPoint(Int64, fractionDigits: Int)
            case integer(Int)
        }

        public init(_ name: String, _ value: String) {
            (self.name, amount) = (name, .text(value))
        }

        public init(_ name: String, rounding value: Double, places: Int) {
            (self.name, amount) = (name, .rounded(value, places: places))
        }

        public init(_ name: String, price: Price, fractionDigits: Int = 0) {
            (self.name, amount) = (name, .fixedPoint(price.units, fractionDigits: fractionDigits))
        }

        public init(_ name: String, money: Money, fractionDigits: Int) {
            (self.name, amount) = (name, .fixedPoint(money.units, fractionDigits: fractionDigits))
        }

        public init(_ name: String, integer: Int) {
            (self.name, amount) = (name, .integer(integer))
        }

        public var value: String {
            switch amount {
            case .text(let text):
                return text
            case .rounded(let value, let places):
                var scale = 1.0
                for _ in 0..<places { scale *= 10 }
                return "\((value * scale).rounded() / scale)"
            case .fixedPoint(let units, let fractionDigits):
                return FixedPoint.format(units: units, fractionDigits: fractionDigits)
            case .integer(let value):
                return String(value)
            }
        }

        public static func == (left: Figure, right: Figure) -> Bool {
            left.name == right.name && left.value == right.value
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(name)
            hasher.combine(value)
        }
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
