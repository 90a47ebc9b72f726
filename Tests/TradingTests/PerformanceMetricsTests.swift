import MarketModel
import Testing
import Trading

@Suite("Performance metrics: no ratio without a sample, streaks, expectancy, exposure")
struct PerformanceMetricsTests {
    static let day: Int64 = 86_400_000_000_000
    static func money(_ value: Double) -> Money { Money(units: Int64((value * 1e8).rounded())) }

    static func trade(_ net: Double, from: Int64, to: Int64, quantity: String = "1", price: String = "100") -> TradeRecord {
        TradeRecord(symbol: "BTCUSDT", direction: .buy, openedAt: Timestamp(nanoseconds: from), closedAt: Timestamp(nanoseconds: to),
                    entryPrice: try! Price(parsing: price), exitPrice: try! Price(parsing: price), quantity: try! Quantity(parsing: quantity),
                    netPnL: money(net), fees: .zero, exitReason: "test")
    }

    @Test("five minutes of minute samples: Sharpe and Sortino are n/a (nil), with 0 daily returns")
    func shortRunHasNoRatios() {
        let equity = (0...5).map { (time: Timestamp(nanoseconds: Int64($0) * 60_000_000_000), value: Self.money(10_000 + Double($0 % 2) * 3)) }
        let metrics = PerformanceMetrics(initialEquity: Self.money(10_000), equity: equity, trades: [], fees: .zero, span: (equity.first!.time, equity.last!.time))
        #expect(metrics.sharpe == nil)
        #expect(metrics.sortino == nil)
        #expect(metrics.dailyReturns == 0)
    }

    @Test("sixty days with hourly samples: 59 daily returns from the last sample of each day, annualised by √365")
    func dailyReturns() throws {
        var equity: [(time: Timestamp, value: Money)] = []
        var value = 10_000.0
        for day in 0..<60 {
            for hour in 0..<24 {
                // Intraday noise that must not count: only each day's close does.
                let close = value * (day % 3 == 0 ? 0.999 : 1.002)
                equity.append((Timestamp(nanoseconds: Int64(day) * Self.day + Int64(hour) * 3_600_000_000_000), Self.money(hour == 23 ? close : close * (hour % 2 == 0 ? 1.01 : 0.99))))
                if hour == 23 { value = close }
            }
        }
        let metrics = PerformanceMetrics(initialEquity: Self.money(10_000), equity: equity, trades: [], fees: .zero, span: (equity.first!.time, equity.last!.time))
        #expect(metrics.dailyReturns == 59)
        // The same figure computed here from the closes.
        var closes: [Double] = []
        for day in 0..<60 { closes.append(equity[day * 24 + 23].value.doubleValue) }
        let returns = zip(closes, closes.dropFirst()).map { $1 / $0 - 1 }
        let mean = returns.reduce(0, +) / Double(returns.count)
        let deviation = (returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(returns.count - 1)).squareRoot()
        let sharpe = try #require(metrics.sharpe)
        #expect(abs(sharpe - mean / deviation * 365.0.squareRoot()) < 1e-9)
        #expect(metrics.sortino != nil)
    }

    @Test("longest losing streak, expectancy in R and exposure from the round trips")
    func tradeFigures() throws {
        let minute: Int64 = 60_000_000_000
        let trades = [
            Self.trade(5, from: 0, to: minute),
            Self.trade(-2, from: minute, to: 2 * minute),
            Self.trade(-2, from: 2 * minute, to: 3 * minute),
            Self.trade(-2, from: 3 * minute, to: 4 * minute),
            Self.trade(3, from: 4 * minute, to: 5 * minute),
            Self.trade(-4, from: 5 * minute, to: 6 * minute),
        ]
        let equity = [(time: Timestamp(nanoseconds: 0), value: Self.money(1_000)), (time: Timestamp(nanoseconds: 10 * minute), value: Self.money(998))]
        let metrics = PerformanceMetrics(initialEquity: Self.money(1_000), equity: equity, trades: trades, fees: .zero, span: (Timestamp(nanoseconds: 0), Timestamp(nanoseconds: 10 * minute)))
        #expect(metrics.longestLosingStreak == 3)
        // Average trade −2/6, average loss 2.5: −0.1333 R.
        let expectancy = try #require(metrics.expectancy)
        #expect(abs(expectancy - (-2.0 / 6) / 2.5) < 1e-6)
        // 100 USDT held for 6 of 10 minutes, on 1,000 of equity: 6 %.
        #expect(abs(metrics.exposure - 0.06) < 1e-9)
        let winsOnly = PerformanceMetrics(initialEquity: Self.money(1_000), equity: equity, trades: [trades[0]], fees: .zero, span: (Timestamp(nanoseconds: 0), Timestamp(nanoseconds: 10 * minute)))
        #expect(winsOnly.expectancy == nil)
        #expect(winsOnly.longestLosingStreak == 0)
    }
}
