import MarketModel
import Trading

/// Who put what into one entry lot. Each entry normally has a lot of its own (see
/// ``EntryLot``); a lot too small to sell alone joins another lot on the coin, and then
/// both entries leave with one exit. Each strategy's ledger gets the part of the result
/// its own entries earned, and the parts sum to the lot's net P&L exactly.
struct TradeShares: Sendable {
    struct Share: Sendable {
        var origin: String
        /// Quantity units this origin's entries added.
        var quantity: Int64
        /// Σ price units × quantity units of those entries.
        var cost: Int128
    }

    private(set) var shares: [Share] = []

    var origins: [String] { shares.map(\.origin) }

    /// An entry of `origin` filled `quantity` at `price`.
    mutating func add(origin: String, quantity: Quantity, price: Price) {
        let cost = Int128(price.units) * Int128(quantity.units)
        if let index = shares.firstIndex(where: { $0.origin == origin }) {
            shares[index].quantity += quantity.units
            shares[index].cost += cost
        } else {
            shares.append(Share(origin: origin, quantity: quantity.units, cost: cost))
        }
    }

    /// `other`'s entries join these (a lot too small to sell alone joined another).
    mutating func merge(_ other: TradeShares) {
        for share in other.shares {
            if let index = shares.firstIndex(where: { $0.origin == share.origin }) {
                shares[index].quantity += share.quantity
                shares[index].cost += share.cost
            } else {
                shares.append(share)
            }
        }
    }

    /// Splits `net` (realized − fees) of a trade whose entries were `shares`: each share
    /// gets its quantity's part of the result, plus what its entry price was better
    /// (or worse) than the average entry; fees go by quantity. The last share takes the
    /// rounding, so the parts sum to `net`.
    func split(realized: Money, fees: Money, long: Bool) -> [(origin: String, net: Money)] {
        let total = shares.reduce(Int128(0)) { $0 + Int128($1.quantity) }
        guard shares.count > 1, total > 0 else { return shares.map { ($0.origin, realized - fees) } }
        let totalCost = shares.reduce(Int128(0)) { $0 + $1.cost }
        var parts: [(origin: String, net: Money)] = []
        var given = Int128(0)
        let net = Int128((realized - fees).units)
        for (index, share) in shares.enumerated() {
            guard index < shares.count - 1 else {
                parts.append((share.origin, Money(units: Int64(net - given))))
                break
            }
            let quantity = Int128(share.quantity)
            // The share's part of the result at the average entry.
            var part = (Int128(realized.units) - Int128(fees.units)) * quantity / total
            // Its own entry against the average: cost at the average minus its cost
            // (price × quantity carries 10⁻¹⁶; back to money's 10⁻⁸).
            let atAverage = totalCost * quantity / total
            let edge = (atAverage - share.cost) / Int128(FixedPoint.unitsPerWhole)
            part += long ? edge : -edge
            parts.append((share.origin, Money(units: Int64(part))))
            given += part
        }
        return parts
    }
}
