import MarketModel
import Simulation
import Testing

/// Deltas are read on every trade of every symbol: they are kept as candles close
/// (issue 18), and must equal what walking the candles gives, for any market.
@Suite("Candle deltas kept incrementally")
struct CandleDeltaTests {
    /// A trade every 0.1–400 s (so minutes and hours without trades happen), now and
    /// then stamped up to 2 minutes back; prices a random walk with jumps.
    static func trades(seed: UInt64, count: Int) -> [(price: Price, time: Timestamp)] {
        var random = SeededGenerator(seed: seed)
        var time: Int64 = 1_700_000_000_000_000_000
        var price = 1_000_000_000.0
        var out: [(Price, Timestamp)] = []
        for _ in 0..<count {
            let quiet = random.next() % 50 == 0
            time += Int64((quiet ? Double.random(in: 60...400, using: &random) : Double.random(in: 0.1...20, using: &random)) * 1e9)
            let stamped = random.next() % 30 == 0 ? time - Int64(Double.random(in: 1...120, using: &random) * 1e9) : time
            price = max(1_000, price * (1 + Double.random(in: -0.004...0.004, using: &random) + (random.next() % 100 == 0 ? Double.random(in: -0.05...0.05, using: &random) : 0)))
            out.append((Price(units: Int64(price)), Timestamp(nanoseconds: stamped)))
        }
        return out
    }

    /// The signed change by walking the candles: (1 − mean close / current) × 100.
    static func scannedChange(_ candles: CandleSeries, intervals: Int) -> Double? {
        guard let newest = candles.last else { return nil }
        let windowStart = newest.start.nanoseconds - Int64(intervals - 1) * candles.intervalNanoseconds
        var closes: [Double] = []
        var age = 0
        while let candle = candles[age: age], candle.start.nanoseconds >= windowStart {
            closes.append(Double(candle.close.units))
            age += 1
        }
        return (1 - closes.reduce(0, +) / Double(closes.count) / Double(newest.close.units)) * 100
    }

    @Test("after every trade, each window's delta equals the scan and its change equals the mean of the closes", arguments: 0..<12)
    func incrementalEqualsScan(seed: UInt64) {
        var candles = CandleSeries()
        var checked = 0
        for (index, trade) in Self.trades(seed: seed, count: 3_000).enumerated() {
            candles.add(price: trade.price, quantity: Quantity(units: 100), at: trade.time)
            guard index % 7 == 0 else { continue }
            for window in [1] + CandleSeries.trackedWindows {
                let kept = candles.delta(intervals: window, now: trade.time)
                #expect(kept == candles.scannedDelta(intervals: window), "seed \(seed), trade \(index), \(window)m delta")
                let change = candles.change(intervals: window)!
                let scanned = Self.scannedChange(candles, intervals: window)!
                #expect(abs(change - scanned) < 1e-9, "seed \(seed), trade \(index), \(window)m change \(change) vs \(scanned)")
                // The table's volume over the window: the running sum equals the candles' own.
                let volume = candles.quoteVolume(intervals: window)
                let windowStart = candles.last!.start.nanoseconds - Int64(window - 1) * candles.intervalNanoseconds
                var summed = 0.0
                var age = 0
                while let candle = candles[age: age], candle.start.nanoseconds >= windowStart {
                    summed += candle.quoteVolume
                    age += 1
                }
                #expect(abs(volume - summed) <= 1e-9 * max(1, summed), "seed \(seed), trade \(index), \(window)m volume \(volume) vs \(summed)")
                checked += 1
            }
        }
        #expect(checked > 2_000)
    }

    @Test("a trade stamped before the newest candle joins it: candles never go back in time")
    func backwardTradeJoinsNewest() {
        var candles = CandleSeries()
        candles.add(price: Price(units: 100), quantity: Quantity(units: 1), at: Timestamp(nanoseconds: 120_000_000_000))
        candles.add(price: Price(units: 90), quantity: Quantity(units: 1), at: Timestamp(nanoseconds: 30_000_000_000))
        #expect(candles.count == 1)
        #expect(candles.last?.low == Price(units: 90))
        #expect(candles.last?.start == Timestamp(nanoseconds: 120_000_000_000))
    }

    @Test("BTC-style change: 10,000 on average over the hour, 10,100 now is about +1 %")
    func signedChange() {
        var candles = CandleSeries()
        let base: Int64 = 1_700_000_000 * 1_000_000_000 / 60_000_000_000 * 60_000_000_000
        for minute in 0..<59 { candles.add(price: Price(units: 10_000), quantity: Quantity(units: 1), at: Timestamp(nanoseconds: base + Int64(minute) * 60_000_000_000)) }
        candles.add(price: Price(units: 10_100), quantity: Quantity(units: 1), at: Timestamp(nanoseconds: base + 59 * 60_000_000_000))
        let change = candles.change(intervals: 60)!
        // Mean close 10,001.67; (1 − 10,001.67 / 10,100) × 100 = 0.974 %.
        #expect(abs(change - 0.9736) < 0.001)
    }
}
