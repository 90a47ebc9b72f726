/// The corridor a MoonShot-style order lives in, and when it moves.
///
/// The order rests `distance` % from the reference price. The near bound is `near` %
/// from the price, the far bound `2 × distance − near` (symmetric around the order).
/// While the price stays inside, nothing moves. Closer than the near bound (the price
/// falling towards a long's order) for `replaceDelay` seconds: re-place at `distance`.
/// Beyond the far bound (the price running away) for `raiseWait` seconds: re-place.
/// The waits must hold without a break; leaving the condition resets them.
///
/// Shared by the entries that follow the price (MoonShot, MoonHook) and by SellShot's
/// take profit.
public struct ShotCorridor: Sendable, Equatable {
    public var distance: Double
    public var near: Double
    public var replaceDelay: Int64
    public var raiseWait: Int64
    public private(set) var closeSince: Int64?
    public private(set) var farSince: Int64?

    public init(distance: Double, near: Double, replaceDelaySeconds: Double, raiseWaitSeconds: Double) {
        self.distance = distance
        self.near = min(near, distance)
        replaceDelay = Int64(replaceDelaySeconds * 1e9)
        raiseWait = Int64(raiseWaitSeconds * 1e9)
    }

    public var far: Double { 2 * distance - near }

    public enum Move: Equatable {
        case stay
        /// The price came nearer than the near bound.
        case tooClose
        /// The price ran beyond the far bound.
        case tooFar
    }

    /// Where the order stands with the order `orderDistance` % from the price at `now`
    /// (nanoseconds); `.tooClose`/`.tooFar` once the wait has passed.
    public mutating func check(orderDistance: Double, now: Int64) -> Move {
        if orderDistance < near {
            farSince = nil
            let since = closeSince ?? now
            closeSince = since
            return now - since >= replaceDelay ? .tooClose : .stay
        }
        closeSince = nil
        if orderDistance > far {
            let since = farSince ?? now
            farSince = since
            return now - since >= raiseWait ? .tooFar : .stay
        }
        farSince = nil
        return .stay
    }

    public mutating func reset() {
        closeSince = nil
        farSince = nil
    }
}
