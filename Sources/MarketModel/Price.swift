/// A price, exact to 10⁻⁸ of the quote currency.
public struct Price: FixedPointValue {
    public var units: Int64
    @inlinable public init(units: Int64) { self.units = units }
}
