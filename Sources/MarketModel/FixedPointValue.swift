/// A value held as an exact count of 10⁻⁸ units (see ``FixedPoint``).
///
/// `Price` and `Quantity` are distinct types so the compiler keeps them apart; they
/// share reading, printing and ordering through this protocol.
public protocol FixedPointValue: Hashable, Comparable, Sendable, CustomStringConvertible {
    var units: Int64 { get }
    init(units: Int64)
}

extension FixedPointValue {
    public static var zero: Self { Self(units: 0) }

    /// Reads exchange text such as `"61837.63000000"`; never rounds.
    public init(parsing text: String) throws(DecimalParseError) {
        self.init(units: try FixedPoint.parse(text).units)
    }

    /// Reads exchange text from raw bytes; never rounds.
    @inlinable
    public init(parsing bytes: UnsafeRawBufferPointer) throws(DecimalParseError) {
        self.init(units: try FixedPoint.parse(bytes).units)
    }

    /// Whole units, e.g. `Price(whole: 61800)`.
    public init(whole: Int64) {
        self.init(units: whole * FixedPoint.unitsPerWhole)
    }

    public var isZero: Bool { units == 0 }

    /// The value with exactly `fractionDigits` decimal places (more if it is finer).
    public func formatted(fractionDigits: Int) -> String {
        FixedPoint.format(units: units, fractionDigits: fractionDigits)
    }

    /// The shortest exact decimal text.
    public var description: String { formatted(fractionDigits: 0) }

    /// The value as a `Double`, for statistics and display only.
    public var doubleValue: Double { Double(units) / Double(FixedPoint.unitsPerWhole) }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.units < rhs.units }
}
