/// How a resting limit order advances in the queue at its price.
///
/// Both models start the order behind everything resting at its price when it
/// arrives. Trades at the price consume the queue ahead first; only the part of a
/// trade beyond the queue fills the order. A trade through the price (a sell below a
/// resting buy's price, a buy above a resting sell's) or the opposite best price
/// reaching the order fills what is left, at the order's own price.
///
/// They differ in what a shrinking level means when no trade explains it
/// (cancellations):
/// - `conservative`: cancellations come from behind the order; the queue ahead only
///   shrinks when the whole level becomes smaller than it.
/// - `probabilistic(power:)`: a cancelled quantity comes from ahead of the order in
///   proportion `f(ahead) / (f(ahead) + f(behind))` with `f(x) = x^power`, the
///   power-law model that hftbacktest documents; higher powers assume cancellations
///   cluster further back.
public enum QueueModel: Hashable, Sendable {
    case conservative
    case probabilistic(power: Int)

    /// The new quantity ahead after a level went from `before` to `after` with `traded`
    /// explained by trades since the last update.
    func queueAhead(_ ahead: Int64, levelBefore before: Int64, levelAfter after: Int64, tradedSinceUpdate traded: Int64) -> Int64 {
        switch self {
        case .conservative:
            return min(ahead, max(after, 0))
        case .probabilistic(let power):
            let cancelled = max(0, before - after - traded)
            guard cancelled > 0 else { return min(ahead, max(after, 0)) }
            let behind = Double(max(0, before - ahead))
            let front = Double(max(0, ahead))
            let weightAhead = Self.power(front, power)
            let weightBehind = Self.power(behind, power)
            let share = weightAhead + weightBehind > 0 ? weightAhead / (weightAhead + weightBehind) : 0
            let fromAhead = Int64((Double(cancelled) * share).rounded())
            return max(0, min(ahead - fromAhead, after))
        }
    }

    static func power(_ base: Double, _ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<max(exponent, 0) { result *= base }
        return result
    }
}

extension QueueModel {
    /// The queue arithmetic, exposed for tests of the models themselves.
    public func queueAheadForTesting(_ ahead: Int64, before: Int64, after: Int64, traded: Int64) -> Int64 {
        queueAhead(ahead, levelBefore: before, levelAfter: after, tradedSinceUpdate: traded)
    }
}
