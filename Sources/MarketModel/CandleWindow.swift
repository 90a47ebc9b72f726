/// The closed candles of one delta window (the last `intervals` candles by time,
/// not counting the one being built), kept so the window's highest high, lowest low
/// and mean close are read in O(1) and updated in amortised O(1) as candles close:
/// monotonic queues for the extremes, a running sum for the closes.
///
/// Deltas are read on every trade of every symbol; rescanning up to 1,440 candles each
/// time was the cost that did not scale to a whole market (issue 18).
struct CandleWindow: Sendable {
    let intervals: Int
    /// Candles whose high no later candle in the window beats, oldest first
    /// (`highHead` is the front: popping from the front moves it, not the array).
    private var highs: [(start: Int64, price: Int64)] = []
    private var highHead = 0
    private var lows: [(start: Int64, price: Int64)] = []
    private var lowHead = 0
    private var closes: [(start: Int64, price: Int64, quoteVolume: Double)] = []
    private var closeHead = 0
    private(set) var closeSum: Double = 0
    /// The closed candles' quote volume.
    private(set) var quoteVolumeSum: Double = 0

    init(intervals: Int) { self.intervals = intervals }

    var closedCount: Int { closes.count - closeHead }
    var highestClosed: Int64? { highHead < highs.count ? highs[highHead].price : nil }
    var lowestClosed: Int64? { lowHead < lows.count ? lows[lowHead].price : nil }

    /// A candle closed (the next one starts): it joins the window.
    mutating func closed(_ candle: Candle) {
        let start = candle.start.nanoseconds
        while highs.count > highHead, highs[highs.count - 1].price <= candle.high.units { highs.removeLast() }
        highs.append((start, candle.high.units))
        while lows.count > lowHead, lows[lows.count - 1].price >= candle.low.units { lows.removeLast() }
        lows.append((start, candle.low.units))
        closes.append((start, candle.close.units, candle.quoteVolume))
        closeSum += Double(candle.close.units)
        quoteVolumeSum += candle.quoteVolume
    }

    /// The candle starting at `newestStart` is being built: candles before the window's
    /// first start leave it.
    mutating func expire(newestStart: Int64, interval: Int64) {
        let windowStart = newestStart - Int64(intervals - 1) * interval
        while highHead < highs.count, highs[highHead].start < windowStart { highHead += 1 }
        while lowHead < lows.count, lows[lowHead].start < windowStart { lowHead += 1 }
        while closeHead < closes.count, closes[closeHead].start < windowStart {
            closeSum -= Double(closes[closeHead].price)
            quoteVolumeSum -= closes[closeHead].quoteVolume
            closeHead += 1
        }
        // Drop the spent fronts now and then, so the arrays stay as long as the window.
        if highHead > 64, highHead * 2 > highs.count { highs.removeFirst(highHead); highHead = 0 }
        if lowHead > 64, lowHead * 2 > lows.count { lows.removeFirst(lowHead); lowHead = 0 }
        if closeHead > 64, closeHead * 2 > closes.count {
            closes.removeFirst(closeHead)
            closeHead = 0
            // Re-add from scratch so rounding in the running sum never accumulates.
            closeSum = closes.reduce(0) { $0 + Double($1.price) }
            quoteVolumeSum = closes.reduce(0) { $0 + $1.quoteVolume }
        }
    }
}
