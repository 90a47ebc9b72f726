/// Running totals of trades: count, volume and the volume-weighted average price,
/// all exact (sums in `Int128`, so a day of prints cannot overflow).
public struct TradeTally: Hashable, Sendable {
    public private(set) var count: Int = 0
    /// Sum of quantities, in 10⁻⁸ units.
    public private(set) var volumeUnits: Int128 = 0
    /// Sum of price × quantity, in 10⁻¹⁶ units.
    public private(set) var notionalUnits: Int128 = 0
    public private(set) var lastPrice: Price?

    public init() {}

    public mutating func add(_ trade: TradePrint) {
        count += 1
        volumeUnits += Int128(trade.quantity.units)
        notionalUnits += Int128(trade.price.units) * Int128(trade.quantity.units)
        lastPrice = trade.price
    }

    /// Volume as exact decimal text.
    public func volumeText(fractionDigits: Int) -> String {
        Self.format(units: volumeUnits, fractionDigits: fractionDigits)
    }

    /// Volume-weighted average price, truncated toward zero to 10⁻⁸; `nil` without volume.
    public var vwap: Price? {
        guard volumeUnits > 0 else { return nil }
        return Price(units: Int64(notionalUnits / volumeUnits))
    }

    static func format(units: Int128, fractionDigits: Int) -> String {
        let whole = units / Int128(FixedPoint.unitsPerWhole)
        let fraction = Int64(units % Int128(FixedPoint.unitsPerWhole))
        let fractionText = FixedPoint.format(units: fraction, fractionDigits: fractionDigits)
        // fractionText is "0", or "0.xxx"; keep what follows the "0".
        return String(whole) + fractionText.dropFirst()
    }
}
