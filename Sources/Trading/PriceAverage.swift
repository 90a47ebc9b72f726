import MarketModel

/// The mean of the trade prints within a time window: the "average line" MoonBot's
/// stop loss is measured against, so one stray print in a thin book does not sell a
/// position (MoonBot's FastStopLoss is the single-print alternative).
///
/// Prints are kept in arrival order; those older than the window are dropped from the
/// front as new ones come. Prints stamped earlier than the last (clocks stepping back)
/// are taken at the last one's time, so the window never runs backwards.
public struct PriceAverage: Sendable {
    public let windowNanoseconds: Int64
    private var times: [Int64] = []
    private var prices: [Int64] = []
    private var head = 0
    private var sum: Int128 = 0

    public init(windowSeconds: Double) {
        windowNanoseconds = Int64(max(0, windowSeconds) * 1e9)
    }

    /// The mean of the prints in the window ending at the last print, on the tick grid
    /// of the units (truncated); nil before the first print.
    public var value: Price? {
        let count = times.count - head
        guard count > 0 else { return nil }
        return Price(units: Int64(sum / Int128(count)))
    }

    public mutating func add(_ price: Price, at time: Timestamp) {
        let now = max(time.nanoseconds, times.last ?? .min)
        times.append(now)
        prices.append(price.units)
        sum += Int128(price.units)
        while head < times.count - 1, now - times[head] > windowNanoseconds {
            sum -= Int128(prices[head])
            head += 1
        }
        // Drop the consumed front now and then, not on every print.
        if head > 1_024, head * 2 > times.count {
            times.removeFirst(head)
            prices.removeFirst(head)
            head = 0
        }
    }
}
