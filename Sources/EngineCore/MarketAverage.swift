import MarketModel

/// The market delta kept as a running sum: each symbol's latest changes are in it once,
/// replaced when that symbol trades, so the average costs O(1) per trade however many
/// symbols there are (issue 18: hundreds of them).
struct MarketAverage: Sendable {
    private var oneMinute = Tally()
    private var fiveMinutes = Tally()
    private var oneHour = Tally()
    private var day = Tally()

    struct Tally: Sendable {
        var sum = 0.0
        var count = 0
        mutating func replace(_ old: Double?, with new: Double?) {
            if let old {
                sum -= old
                count -= 1
            }
            if let new {
                sum += new
                count += 1
            }
            // With nothing left the sum is exactly zero again (no rounding carried on).
            if count == 0 { sum = 0 }
        }
        var mean: Double? { count > 0 ? sum / Double(count) : nil }
    }

    /// One symbol's changes went from `old` to `new`.
    mutating func replace(_ old: MarketContext.Changes?, with new: MarketContext.Changes) {
        oneMinute.replace(old?.oneMinute, with: new.oneMinute)
        fiveMinutes.replace(old?.fiveMinutes, with: new.fiveMinutes)
        oneHour.replace(old?.oneHour, with: new.oneHour)
        day.replace(old?.day, with: new.day)
    }

    var changes: MarketContext.Changes? {
        guard oneMinute.count > 0 else { return nil }
        return MarketContext.Changes(oneMinute: oneMinute.mean, fiveMinutes: fiveMinutes.mean, oneHour: oneHour.mean, day: day.mean)
    }

    var symbols: Int { oneMinute.count }
}
