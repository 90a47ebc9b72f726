import MarketModel

/// An amount of the account's currency (USDT on spot and USD-M, the coin on COIN-M),
/// exact to 10⁻⁸, like prices and quantities.
///
/// Products of price and quantity carry 16 decimals; they are computed exactly in
/// `Int128` and rounded once, half away from zero, to 10⁻⁸. The same rounded amount
/// is what leaves cash and what enters the position's cost, so the books always balance.
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var units: Int64

    @inlinable public init(units: Int64) { self.units = units }
    public init(whole: Int64) { units = whole * FixedPoint.unitsPerWhole }
    /// Reads a decimal amount; unlike prices, money may be negative (a loss limit, a P&L).
    public init(parsing text: String) throws(DecimalParseError) {
        if text.hasPrefix("-") {
            units = -(try FixedPoint.parse(String(text.dropFirst())).units)
        } else {
            units = try FixedPoint.parse(text).units
        }
    }

    public static let zero = Money(units: 0)

    /// `price × quantity`, rounded to 10⁻⁸.
    public static func notional(_ price: Price, _ quantity: Quantity) -> Money {
        Money(units: rounded(Int128(price.units) * Int128(quantity.units), dividingBy: Int128(FixedPoint.unitsPerWhole)))
    }

    /// `value × numerator / denominator`, rounded half away from zero.
    public static func rounded(_ value: Int128, dividingBy divisor: Int128) -> Int64 {
        let quotient = value / divisor
        let remainder = value % divisor
        var result = quotient
        if remainder.magnitude * 2 >= divisor.magnitude {
            result += (value < 0) != (divisor < 0) ? -1 : 1
        }
        return Int64(result)
    }

    /// A share of this amount in parts per million, rounded half away from zero.
    public func scaled(partsPerMillion: Int64) -> Money {
        Money(units: Self.rounded(Int128(units) * Int128(partsPerMillion), dividingBy: 1_000_000))
    }

    /// This amount times `numerator / denominator`, rounded.
    public func scaled(by numerator: Int64, over denominator: Int64) -> Money {
        Money(units: Self.rounded(Int128(units) * Int128(numerator), dividingBy: Int128(denominator)))
    }

    public static func + (lhs: Money, rhs: Money) -> Money { Money(units: lhs.units + rhs.units) }
    public static func - (lhs: Money, rhs: Money) -> Money { Money(units: lhs.units - rhs.units) }
    public static prefix func - (value: Money) -> Money { Money(units: -value.units) }
    public static func += (lhs: inout Money, rhs: Money) { lhs.units += rhs.units }
    public static func -= (lhs: inout Money, rhs: Money) { lhs.units -= rhs.units }
    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.units < rhs.units }

    public var doubleValue: Double { Double(units) / Double(FixedPoint.unitsPerWhole) }

    /// Exact text with at least `fractionDigits` decimals.
    public func formatted(fractionDigits: Int = 2) -> String {
        FixedPoint.format(units: units, fractionDigits: fractionDigits)
    }

    public var description: String { formatted(fractionDigits: 2) }

    /// Rounded (half away from zero) to `fractionDigits` decimals, for display where
    /// a column has no room for every digit (the screen's P&L, equity and fees).
    public func roundedText(fractionDigits: Int) -> String {
        let digits = max(0, min(fractionDigits, FixedPoint.fractionDigits))
        var step: Int64 = 1
        for _ in digits..<FixedPoint.fractionDigits { step *= 10 }
        let magnitude = (units.magnitude + UInt64(step / 2)) / UInt64(step) * UInt64(step)
        let rounded = units < 0 ? -Int64(magnitude) : Int64(magnitude)
        return FixedPoint.format(units: rounded, fractionDigits: digits)
    }
}
