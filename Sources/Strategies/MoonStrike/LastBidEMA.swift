/// MoonStrike's smoothed bid (moonbot.md §1.2): an EMA over 2-second ticks of the best
/// bid, α = 2 / (4 + 1), except that a tick whose bid is below the EMA sets the EMA to
/// it. Falling, it hugs the lowest recent bid; rising, it is a smooth EMA(4). A short
/// uses the mirror image over the best ask (a tick above the EMA sets it).
struct LastBidEMA: Sendable, Equatable {
    static let tickNanoseconds: Int64 = 2_000_000_000
    static let alpha = 2.0 / 5.0
    let mirrored: Bool
    private(set) var value: Double?
    private var tick: Int64?
    private var tickBid: Double?

    init(mirrored: Bool) { self.mirrored = mirrored }

    /// Notes the best bid (ask, mirrored) at `now`; a finished tick folds into the EMA.
    mutating func observe(_ bid: Double, at now: Int64) {
        let current = now / Self.tickNanoseconds
        if let tick, current != tick, let closed = tickBid { fold(closed) }
        tick = current
        tickBid = bid
    }

    private mutating func fold(_ bid: Double) {
        guard let ema = value else {
            value = bid
            return
        }
        let beyond = mirrored ? bid > ema : bid < ema
        value = beyond ? bid : ema + Self.alpha * (bid - ema)
    }
}
