/// A quantity (base asset, or contracts on COIN-M), exact to 10⁻⁸.
public struct Quantity: FixedPointValue {
    public var units: Int64
    @inlinable public init(units: Int64) { self.units = units }

    public static func + (lhs: Quantity, rhs: Quantity) -> Quantity { Quantity(units: lhs.units + rhs.units) }
    public static func - (lhs: Quantity, rhs: Quantity) -> Quantity { Quantity(units: lhs.units - rhs.units) }
}
