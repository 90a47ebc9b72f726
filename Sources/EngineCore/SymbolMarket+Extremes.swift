import MarketModel

extension SymbolMarket {
    /// The highest and lowest print of the last `seconds` before `now`, for the
    /// take-profit movers (``RecentExtremes``). Exact over the trades the ring keeps
    /// (the last 256); beyond them, from the one-minute candles, a candle that overlaps
    /// the window counting whole. Costs at most the ring plus the window's candles, and
    /// is asked only when a mover is due.
    func extremes(overLast seconds: Double, now: Timestamp) -> (high: Price, low: Price)? {
        let start = now.nanoseconds - Int64(min(seconds, 86_400 * 7) * 1e9)
        var high: Price?
        var low: Price?
        func include(_ top: Price, _ bottom: Price) {
            if high.map({ top > $0 }) ?? true { high = top }
            if low.map({ bottom < $0 }) ?? true { low = bottom }
        }
        var age = 0
        var oldestIncluded = now.nanoseconds
        var reachedStart = false
        while let trade = recentTrades[age: age] {
            let time = trade.time.received.nanoseconds
            if time < start {
                reachedStart = true
                break
            }
            include(trade.price, trade.price)
            oldestIncluded = min(oldestIncluded, time)
            age += 1
        }
        // The ring dropped trades still inside the window: the candles cover them.
        if !reachedStart, recentTrades.count == recentTrades.capacity {
            var candleAge = 0
            while let candle = candles[age: candleAge], candle.start.nanoseconds + candles.intervalNanoseconds > start {
                if candle.start.nanoseconds <= oldestIncluded { include(candle.high, candle.low) }
                candleAge += 1
            }
        }
        guard let high, let low else { return nil }
        return (high, low)
    }
}
