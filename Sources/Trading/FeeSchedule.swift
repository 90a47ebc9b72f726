import MarketModel

/// Who provided liquidity in a fill.
public enum Liquidity: String, Sendable, Hashable {
    /// The order rested in the book and was hit.
    case maker
    /// The order took liquidity that was resting.
    case taker
}

/// Maker and taker fee rates, in parts per million of the notional
/// (Binance spot's 0.1 % is 1000; USD-M's 0.02 % / 0.05 % are 200 / 500).
public struct FeeSchedule: Hashable, Sendable {
    public var makerPartsPerMillion: Int64
    public var takerPartsPerMillion: Int64

    public init(makerPartsPerMillion: Int64, takerPartsPerMillion: Int64) {
        self.makerPartsPerMillion = makerPartsPerMillion
        self.takerPartsPerMillion = takerPartsPerMillion
    }

    public static let binanceSpot = FeeSchedule(makerPartsPerMillion: 1000, takerPartsPerMillion: 1000)
    public static let binanceUSDM = FeeSchedule(makerPartsPerMillion: 200, takerPartsPerMillion: 500)

    /// The fee on `notional` for the given side of the liquidity.
    public func fee(on notional: Money, as liquidity: Liquidity) -> Money {
        notional.scaled(partsPerMillion: liquidity == .maker ? makerPartsPerMillion : takerPartsPerMillion)
    }

    /// The fee on a spot buy of `quantity` taken out of the coin bought, rounded up to
    /// 10⁻⁸: an estimate never smaller than the exchange's, so a sell of what is left
    /// never exceeds what is held.
    public func feeInCoin(on quantity: Quantity, as liquidity: Liquidity) -> Quantity {
        let rate = liquidity == .maker ? makerPartsPerMillion : takerPartsPerMillion
        return Quantity(units: Int64((Int128(quantity.units) * Int128(rate) + 999_999) / 1_000_000))
    }
}
