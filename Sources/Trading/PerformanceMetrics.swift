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
    /// Annualised from per-minute returns (√525 600).
    public var sharpe: Double
    public var sortino: Double
    /// Share of the span with an open position, 0...1.
    public var timeInMarket: Double
    public var finalEquity: Money

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

        var returns: [Double] = []
        var previous: Money?
        for sample in equity where sample.time.nanoseconds % 60_000_000_000 == 0 {
            if let previous, previous.units != 0 { returns.append(sample.value.doubleValue / previous.doubleValue - 1) }
            previous = sample.value
        }
        let annualisation = 525_600.0.squareRoot()
        if returns.count > 1 {
            let mean = returns.reduce(0, +) / Double(returns.count)
            let variance = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(returns.count - 1)
            let downside = returns.reduce(0) { $0 + min($1, 0) * min($1, 0) } / Double(returns.count)
            sharpe = variance > 0 ? mean / variance.squareRoot() * annualisation : 0
            sortino = downside > 0 ? mean / downside.squareRoot() * annualisation : 0
        } else {
            sharpe = 0
            sortino = 0
        }

        let total = Double(span.end.nanoseconds(since: span.start))
        let held = records.reduce(0.0) { $0 + Double($1.closedAt.nanoseconds(since: $1.openedAt)) }
        timeInMarket = total > 0 ? min(1, held / total) : 0
    }
}
