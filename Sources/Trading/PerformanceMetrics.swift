import MarketModel

/// The figures a backtest is judged by, from its equity curve and its round trips.
public struct PerformanceMetrics: Hashable, Sendable {
    public var netPnL: Money
    public var fees: Money
    public var trades: Int
    public var wins: Int
    /// Wins over trades, 0...1 (0 without trades).
    public var winRate: Double
    /// Gross profit over gross loss; `nil` when nothing was lost.
    public var profitFactor: Double?
    public var averageTrade: Money
    public var maxDrawdown: Money
    /// Largest fall from a peak, as a share of that peak, in %.
    public var maxDrawdownPercent: Double
    /// Annualised (√365: crypto trades every day) from daily returns, and only from
    /// ``minimumDailyReturns`` of them or more: nil ("n/a") below. Annualising five
    /// minutes of data gave figures like −632 that meant nothing.
    public var sharpe: Double?
    public var sortino: Double?
    /// Daily returns the ratios had (whole UTC days of the equity curve, less one).
    public var dailyReturns: Int
    /// Share of the span with an open position, 0...1.
    public var timeInMarket: Double
    /// Average value held in positions over the span, as a share of the starting
    /// equity (0.5: half the account was at work on average).
    public var exposure: Double
    /// The average trade in units of the average loss (an "R" multiple): 0.3 means
    /// each trade made, on average, 0.3 of what a losing trade lost. nil without losses.
    public var expectancy: Double?
    /// The most losing round trips in a row.
    public var longestLosingStreak: Int
    public var finalEquity: Money

    /// Daily returns needed for a Sharpe or Sortino ratio: a month of them.
    public static let minimumDailyReturns = 30

    /// Computes the metrics. `equity` is sampled in time order (per minute and at each
    /// trade); per-minute returns come from its samples on minute boundaries.
    public init(initialEquity: Money, equity: [(time: Timestamp, value: Money)], trades records: [TradeRecord], fees: Money, span: (start: Timestamp, end: Timestamp)) {
        let final = equity.last?.value ?? initialEquity
        finalEquity = final
        netPnL = final - initialEquity
        self.fees = fees
        trades = records.count
        wins = records.filter(\.isWin).count
        winRate = trades > 0 ? Double(wins) / Double(trades) : 0
        let grossProfit = records.filter { $0.netPnL.units > 0 }.reduce(Money.zero) { $0 + $1.netPnL }
        let grossLoss = records.filter { $0.netPnL.units < 0 }.reduce(Money.zero) { $0 - $1.netPnL }
        profitFactor = grossLoss.units > 0 ? grossProfit.doubleValue / grossLoss.doubleValue : nil
        averageTrade = trades > 0 ? Money(units: records.reduce(Money.zero) { $0 + $1.netPnL }.units / Int64(trades)) : .zero

        var peak = initialEquity
        var worst = Money.zero
        var worstPercent = 0.0
        for sample in equity {
            if sample.value > peak { peak = sample.value }
            let drawdown = peak - sample.value
            if drawdown > worst { worst = drawdown }
            if peak.units > 0 { worstPercent = max(worstPercent, drawdown.doubleValue / peak.doubleValue * 100) }
        }
        maxDrawdown = worst
        maxDrawdownPercent = worstPercent

        // Equity at the end of each UTC day: the last sample at or before midnight.
        let day: Int64 = 86_400_000_000_000
        var closes: [Money] = []
        var currentDay: Int64?
        for sample in equity {
            let index = sample.time.nanoseconds / day
            if index != currentDay {
                closes.append(sample.value)
                currentDay = index
            } else {
                closes[closes.count - 1] = sample.value
            }
        }
        var returns: [Double] = []
        for (previous, next) in zip(closes, closes.dropFirst()) where previous.units != 0 {
            returns.append(next.doubleValue / previous.doubleValue - 1)
        }
        dailyReturns = returns.count
        let annualisation = 365.0.squareRoot()
        if returns.count >= Self.minimumDailyReturns {
            let mean = returns.reduce(0, +) / Double(returns.count)
            let variance = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(returns.count - 1)
            let downside = returns.reduce(0) { $0 + min($1, 0) * min($1, 0) } / Double(returns.count)
            sharpe = variance > 0 ? mean / variance.squareRoot() * annualisation : nil
            sortino = downside > 0 ? mean / downside.squareRoot() * annualisation : nil
        } else {
            sharpe = nil
            sortino = nil
        }

        let losses = records.filter { $0.netPnL.units < 0 }
        let averageLoss = losses.isEmpty ? 0 : -losses.reduce(0.0) { $0 + $1.netPnL.doubleValue } / Double(losses.count)
        expectancy = averageLoss > 0 ? averageTrade.doubleValue / averageLoss : nil
        var streak = 0
        var longest = 0
        for record in records {
            streak = record.netPnL.units < 0 ? streak + 1 : 0
            longest = max(longest, streak)
        }
        longestLosingStreak = longest

        let total = Double(span.end.nanoseconds(since: span.start))
        let held = records.reduce(0.0) { $0 + Double($1.closedAt.nanoseconds(since: $1.openedAt)) }
        timeInMarket = total > 0 ? min(1, held / total) : 0
        let heldValue = records.reduce(0.0) { $0 + $1.quantity.doubleValue * $1.entryPrice.doubleValue * Double($1.closedAt.nanoseconds(since: $1.openedAt)) }
        exposure = total > 0 && initialEquity.units > 0 ? heldValue / total / initialEquity.doubleValue : 0
    }
}
