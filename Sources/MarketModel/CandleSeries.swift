/// One candle: open, high, low, close and volume over an interval.
public struct Candle: Hashable, Sendable {
    /// Start of the interval.
    public var start: Timestamp
    public var open: Price
    public var high: Price
    public var low: Price
    public var close: Price
    public var volume: Quantity
    /// Σ price × quantity of its trades, in the quote currency (the table's volumes).
    public var quoteVolume: Double
    public var trades: Int

    public init(start: Timestamp, price: Price, quantity: Quantity) {
        self.start = start
        open = price
        high = price
        low = price
        close = price
        volume = quantity
        quoteVolume = Double(price.units) * Double(quantity.units) / 1e16
        trades = 1
    }

    mutating func add(price: Price, quantity: Quantity) {
        if price > high { high = price }
        if price < low { low = price }
        close = price
        volume = volume + quantity
        quoteVolume += Double(price.units) * Double(quantity.units) / 1e16
        trades += 1
    }
}

/// Candles of a fixed interval built from trades, keeping the most recent `capacity`.
///
/// Also gives MoonBot's deltas: over a window, `(highest high / lowest low − 1) × 100`,
/// a range measure of volatility (reference §3). A window of N minutes uses the
/// current candle and the N − 1 before it.
public struct CandleSeries: Sendable {
    public let intervalNanoseconds: Int64
    public let capacity: Int
    private var ring: [Candle] = []
    private var head = 0
    /// MoonBot's windows past one candle (5, 15, 60, 120, 180, 1440), kept as candles close
    /// when the ring is long enough to hold them; other spans are scanned.
    private var windows: [CandleWindow] = []

    /// The spans ``delta(intervals:now:)`` and ``change(intervals:)`` answer in O(1).
    public static let trackedWindows = [5, 15, 60, 120, 180, 1440]

    public init(intervalNanoseconds: Int64 = 60_000_000_000, capacity: Int = 1440) {
        precondition(intervalNanoseconds > 0 && capacity > 0, "a candle series needs a positive interval and capacity")
        self.intervalNanoseconds = intervalNanoseconds
        self.capacity = capacity
        ring.reserveCapacity(capacity)
        windows = Self.trackedWindows.filter { $0 <= capacity }.map(CandleWindow.init)
    }

    private func window(_ intervals: Int) -> Int? {
        switch intervals {
        case 5: return windows.count > 0 ? 0 : nil
        case 15: return windows.count > 1 ? 1 : nil
        case 60: return windows.count > 2 ? 2 : nil
        case 120: return windows.count > 3 ? 3 : nil
        case 180: return windows.count > 4 ? 4 : nil
        case 1440: return windows.count > 5 ? 5 : nil
        default: return nil
        }
    }

    public var count: Int { ring.count }

    /// The candle `age` intervals back from the newest (0 = the current one).
    public subscript(age age: Int) -> Candle? {
        guard age >= 0, age < ring.count else { return nil }
        let newest = (head - 1 + ring.count) % ring.count
        return ring[(newest - age + ring.count) % ring.count]
    }

    public var last: Candle? { self[age: 0] }

    /// Adds a trade at `time`. Intervals without trades produce no candle. A trade
    /// stamped before the newest candle (a clock step, merged connections) joins it:
    /// candles only move forward.
    public mutating func add(price: Price, quantity: Quantity, at time: Timestamp) {
        let start = Timestamp(nanoseconds: time.nanoseconds - ((time.nanoseconds % intervalNanoseconds) + intervalNanoseconds) % intervalNanoseconds)
        if !ring.isEmpty {
            let newest = (head - 1 + ring.count) % ring.count
            if ring[newest].start >= start {
                ring[newest].add(price: price, quantity: quantity)
                return
            }
            for index in windows.indices {
                windows[index].closed(ring[newest])
                windows[index].expire(newestStart: start.nanoseconds, interval: intervalNanoseconds)
            }
        }
        let candle = Candle(start: start, price: price, quantity: quantity)
        if ring.count < capacity {
            ring.append(candle)
            head = ring.count % capacity
        } else {
            ring[head] = candle
            head = (head + 1) % capacity
        }
    }

    /// MoonBot's delta over the last `intervals` candles by time (not by count: a quiet
    /// minute without trades still counts), in percent; `nil` without data.
    public func delta(intervals: Int, now: Timestamp) -> Double? {
        guard let newest = last else { return nil }
        if let index = window(intervals) {
            let high = max(newest.high.units, windows[index].highestClosed ?? .min)
            let low = min(newest.low.units, windows[index].lowestClosed ?? .max)
            guard low > 0 else { return nil }
            return (Double(high) / Double(low) - 1) * 100
        }
        return scannedDelta(intervals: intervals)
    }

    /// The quote volume (Σ price × quantity) of the last `intervals` candles by time,
    /// the current one included: the hourly and 24h volumes of MoonBot's table.
    public func quoteVolume(intervals: Int) -> Double {
        guard let newest = last else { return 0 }
        if let index = window(intervals) { return newest.quoteVolume + windows[index].quoteVolumeSum }
        let windowStart = newest.start.nanoseconds - Int64(intervals - 1) * intervalNanoseconds
        var total = newest.quoteVolume
        var age = 1
        while let candle = self[age: age], candle.start.nanoseconds >= windowStart {
            total += candle.quoteVolume
            age += 1
        }
        return total
    }

    /// The same delta by walking the candles (spans not tracked, and the tests' reference).
    public func scannedDelta(intervals: Int) -> Double? {
        guard let newest = last else { return nil }
        let windowStart = newest.start.nanoseconds - Int64(intervals - 1) * intervalNanoseconds
        var high = newest.high
        var low = newest.low
        var age = 1
        while let candle = self[age: age], candle.start.nanoseconds >= windowStart {
            if candle.high > high { high = candle.high }
            if candle.low < low { low = candle.low }
            age += 1
        }
        guard low.units > 0 else { return nil }
        return (Double(high.units) / Double(low.units) - 1) * 100
    }

    /// MoonBot's signed BTC-style change over the last `intervals` candles:
    /// `(1 − mean close / current price) × 100` (10,000 on average, 10,100 now: about
    /// +1 %); the mean is over the candles with trades, the current one included.
    public func change(intervals: Int) -> Double? {
        guard let newest = last, newest.close.units > 0 else { return nil }
        var sum = Double(newest.close.units)
        var count = 1
        if let index = window(intervals) {
            sum += windows[index].closeSum
            count += windows[index].closedCount
        } else {
            let windowStart = newest.start.nanoseconds - Int64(intervals - 1) * intervalNanoseconds
            var age = 1
            while let candle = self[age: age], candle.start.nanoseconds >= windowStart {
                sum += Double(candle.close.units)
                count += 1
                age += 1
            }
        }
        return (1 - sum / Double(count) / Double(newest.close.units)) * 100
    }
}

/// MoonBot's standard delta windows.
public struct Deltas: Hashable, Sendable {
    public var oneMinute: Double?
    public var fiveMinutes: Double?
    public var fifteenMinutes: Double?
    public var oneHour: Double?
    public var threeHours: Double?
    public var day: Double?

    /// MoonBot's signed changes over the same windows (``CandleSeries/change(intervals:)``:
    /// the price against the window's mean close), which say which way each delta went.
    public init(changesOf candles: CandleSeries) {
        oneMinute = candles.change(intervals: 1)
        fiveMinutes = candles.change(intervals: 5)
        fifteenMinutes = candles.change(intervals: 15)
        oneHour = candles.change(intervals: 60)
        threeHours = candles.change(intervals: 180)
        day = candles.change(intervals: 1440)
    }

    public init(candles: CandleSeries, now: Timestamp) {
        oneMinute = candles.delta(intervals: 1, now: now)
        fiveMinutes = candles.delta(intervals: 5, now: now)
        fifteenMinutes = candles.delta(intervals: 15, now: now)
        oneHour = candles.delta(intervals: 60, now: now)
        threeHours = candles.delta(intervals: 180, now: now)
        day = candles.delta(intervals: 1440, now: now)
    }
}
