import EngineCore
import MarketModel
import Simulation
import Strategies
import Trading

/// What a backtest found, printed as one JSON object or a summary.
public struct BacktestReport: Sendable {
    public var strategy: String
    public var files: [String]
    public var seed: UInt64
    public var market: MarketKind
    public var parameters: ParameterSet
    public var latency: LatencyModel
    public var queue: QueueModel
    public var events: Int
    public var lines: Int
    public var malformed: Int
    /// Lines received earlier than the line before them (replayed; see ClockSteps).
    public var clockSteps: ClockSteps
    /// Trades seen twice (same symbol and id), skipped.
    public var repeatedTrades: Int
    public var orders: Int
    public var fills: Int
    /// Detector firings (Drops, Pump), traded or not.
    public var detects: Int
    public var metrics: PerformanceMetrics
    public var equity: [(time: Timestamp, value: Money)]
    public var trades: [TradeRecord]
    public var log: [LogLine]
    public var tradingState: TradingState
    public var openPosition: Bool
    /// Wall time of the whole command, and of the main run alone.
    public var elapsedSeconds: Double
    public var runSeconds: Double
    public var monteCarlo: MonteCarloSummary?
    /// The signal that stopped the run early ("SIGINT", "SIGTERM"): the figures cover
    /// the data up to then (and the Monte Carlo reruns that finished).
    public var interrupted: String?
    /// How the Redis mirror fared, when the run had one.
    public var mirror: MirrorReport?
    /// What the orders were fitted to: ``ExchangeRulesSource/summary``.
    public var exchangeRules = ""
    /// Each strategy's own ledger, in the order given: orders, detects, round trips and
    /// net P&L of the trades it opened. They sum to the whole.
    public var ledgers: [KernelSnapshot.StrategyLine] = []

    public init(options: BacktestOptions, parameters: ParameterSet, market: MarketKind, latency: LatencyModel, run: BacktestRun, stream: RecordingEventStream, elapsedSeconds: Double) {
        strategy = ([options.strategy] + options.moreStrategies.map(\.name)).joined(separator: "+")
        ledgers = run.kernel.strategyLines
        files = options.files
        seed = options.seed
        self.market = market
        self.parameters = parameters
        self.latency = latency
        queue = options.queue
        events = run.events
        lines = stream.lines
        malformed = stream.malformed
        clockSteps = stream.clockSteps
        repeatedTrades = stream.repeatedTrades
        orders = run.kernel.orderCount
        fills = run.fills
        detects = run.detects
        equity = run.equity
        trades = run.kernel.journal
        log = Array(run.logTail)
        tradingState = run.kernel.risk.state
        openPosition = !run.kernel.account.openPositions.isEmpty
        metrics = PerformanceMetrics(initialEquity: options.initialCash, equity: run.equity, trades: run.kernel.journal, fees: run.kernel.account.fees, span: (run.firstTime ?? run.lastTime, run.lastTime))
        self.elapsedSeconds = elapsedSeconds
        runSeconds = elapsedSeconds
    }

    /// Throughput of the main run (Monte Carlo runs excluded).
    public var eventsPerSecond: Double { runSeconds > 0 ? Double(events) / runSeconds : 0 }

    /// The equity curve on minute boundaries (and the final value).
    public var minuteEquity: [(time: Timestamp, value: Money)] {
        var points = equity.filter { $0.time.nanoseconds % 60_000_000_000 == 0 }
        if let last = equity.last { points.append(last) }
        return points
    }

    public var json: String {
        var out = JSONWriter()
        out.beginObject()
        out.value("strategy", strategy)
        out.beginArray("files")
        for file in files { out.value(nil, file) }
        out.endArray()
        out.value("market", market.rawValue)
        out.value("seed", seed)
        out.beginObject("parameters")
        for name in parameters.names { out.value(name, parameters.values[name]?.description) }
        out.endObject()
        out.beginObject("assumptions")
        out.value("order_entry_ms", Double(latency.orderEntryNanoseconds) / 1e6, places: 3)
        out.value("response_ms", Double(latency.responseNanoseconds) / 1e6, places: 3)
        out.value("feed_ms", Double(latency.marketDataNanoseconds) / 1e6, places: 3)
        out.value("latency_jitter", latency.jitter, places: 3)
        out.value("queue", queueName)
        out.value("exchange_rules", exchangeRules)
        out.endObject()
        out.value("events", events)
        out.value("malformed", malformed)
        out.value("clock_steps_back", clockSteps.count)
        out.value("repeated_trades", repeatedTrades)
        out.value("interrupted", interrupted)
        out.value("orders", orders)
        out.value("fills", fills)
        out.value("detects", detects)
        out.value("trades", metrics.trades)
        out.value("net_pnl", metrics.netPnL.doubleValue, places: 8)
        out.value("fees", metrics.fees.doubleValue, places: 8)
        out.value("win_rate", metrics.winRate, places: 4)
        if let factor = metrics.profitFactor { out.value("profit_factor", factor, places: 4) } else { out.null("profit_factor") }
        out.value("avg_trade", metrics.averageTrade.doubleValue, places: 8)
        out.value("max_drawdown", metrics.maxDrawdown.doubleValue, places: 8)
        out.value("max_drawdown_pct", metrics.maxDrawdownPercent, places: 4)
        // null below a month of daily returns (see PerformanceMetrics.sharpe).
        out.value("sharpe", metrics.sharpe ?? .nan, places: 4)
        out.value("sortino", metrics.sortino ?? .nan, places: 4)
        out.value("daily_returns", metrics.dailyReturns)
        out.value("time_in_market", metrics.timeInMarket, places: 4)
        out.value("exposure", metrics.exposure, places: 4)
        out.value("expectancy_r", metrics.expectancy ?? .nan, places: 4)
        out.value("longest_losing_streak", metrics.longestLosingStreak)
        out.value("final_equity", metrics.finalEquity.doubleValue, places: 8)
        out.beginArray("strategies")
        for ledger in ledgers {
            out.beginObject()
            out.value("name", ledger.name)
            out.value("orders", ledger.ordersPlaced)
            out.value("denied", ledger.ordersDenied)
            out.value("detects", ledger.detects)
            out.value("trades", ledger.trades)
            out.value("net_pnl", ledger.netPnL.doubleValue, places: 8)
            out.endObject()
        }
        out.endArray()
        out.value("trading_state", tradingState.rawValue)
        out.value("open_position_at_end", openPosition)
        out.beginArray("equity")
        for point in minuteEquity {
            out.beginArray()
            out.value(nil, Int(point.time.milliseconds))
            out.value(nil, point.value.doubleValue, places: 8)
            out.endArray()
        }
        out.endArray()
        out.beginArray("trade_list")
        for trade in trades.prefix(100) {
            out.beginObject()
            out.value("symbol", trade.symbol)
            out.value("side", trade.direction == .buy ? "long" : "short")
            out.value("opened", trade.openedAt.description)
            out.value("closed", trade.closedAt.description)
            out.value("entry", trade.entryPrice.description)
            out.value("exit", trade.exitPrice.description)
            out.value("quantity", trade.quantity.description)
            out.value("net_pnl", trade.netPnL.doubleValue, places: 8)
            out.value("exit_reason", trade.exitReason)
            out.endObject()
        }
        out.endArray()
        out.beginArray("log_tail")
        for line in log { out.value(nil, line.description) }
        out.endArray()
        if let monteCarlo {
            out.beginObject("monte_carlo")
            out.value("runs", monteCarlo.runs)
            out.value("runs_requested", monteCarlo.requested)
            writePercentiles("net_pnl", monteCarlo.netPnL, into: &out)
            writePercentiles("max_drawdown", monteCarlo.maxDrawdown, into: &out)
            out.value("slippage_bps_max", monteCarlo.slippageBasisPoints, places: 4)
            writePercentiles("net_pnl_after_slippage", monteCarlo.netPnLAfterSlippage, into: &out)
            out.beginObject("bootstrap")
            writePercentiles("net_pnl", monteCarlo.bootstrapNetPnL, into: &out)
            writePercentiles("max_drawdown", monteCarlo.bootstrapMaxDrawdown, into: &out)
            out.endObject()
            out.endObject()
        }
        out.value("elapsed_s", elapsedSeconds, places: 4)
        out.value("run_s", runSeconds, places: 4)
        out.value("events_per_s", eventsPerSecond, places: 0)
        mirror?.write(into: &out)
        out.endObject()
        return out.text
    }

    private func writePercentiles(_ key: String, _ values: [Double], into out: inout JSONWriter) {
        out.beginObject(key)
        for p in [5.0, 50.0, 95.0] {
            out.value("p\(Int(p))", MonteCarloSummary.percentile(values, p), places: 8)
        }
        out.endObject()
    }

    public var queueName: String {
        switch queue {
        case .conservative: return "conservative"
        case .probabilistic(let power): return "probabilistic(power \(power))"
        }
    }

    public var summary: String {
        var lines: [String] = []
        lines.append("Backtest of \(strategy) on \(events) events (\(market.rawValue)) in \(round(runSeconds, 2)) s (\(Int(eventsPerSecond)) events/s)")
        lines.append("  orders \(orders), fills \(fills), detects \(detects), trades \(metrics.trades), win rate \(round(metrics.winRate * 100, 1))%")
        lines.append("  net P&L \(metrics.netPnL.formatted(fractionDigits: 2)) after fees \(metrics.fees.formatted(fractionDigits: 2)); profit factor \(metrics.profitFactor.map { String(round($0, 2)) } ?? "-")")
        let ratios = metrics.sharpe.map { "Sharpe \(round($0, 2)), Sortino \(metrics.sortino.map { String(round($0, 2)) } ?? "n/a")" }
            ?? "Sharpe and Sortino n/a (\(metrics.dailyReturns) daily return\(metrics.dailyReturns == 1 ? "" : "s"), \(PerformanceMetrics.minimumDailyReturns) needed)"
        lines.append("  max drawdown \(metrics.maxDrawdown.formatted(fractionDigits: 2)) (\(round(metrics.maxDrawdownPercent, 3))%), \(ratios)")
        lines.append("  average trade \(metrics.averageTrade.formatted(fractionDigits: 2)), expectancy \(metrics.expectancy.map { "\(round($0, 2)) R" } ?? "n/a (no loss)"), longest losing streak \(metrics.longestLosingStreak), time in market \(round(metrics.timeInMarket * 100, 1))%, exposure \(round(metrics.exposure * 100, 1))% of equity")
        lines.append("  assumptions: feed \(round(Double(latency.marketDataNanoseconds) / 1e6, 2)) ms, order entry \(round(Double(latency.orderEntryNanoseconds) / 1e6, 2)) ms, response \(round(Double(latency.responseNanoseconds) / 1e6, 2)) ms, queue \(queueName), seed \(seed)")
        if !exchangeRules.isEmpty { lines.append("  exchange rules: \(exchangeRules)") }
        if let steps = clockSteps.summary { lines.append("  clock: " + steps) }
        if repeatedTrades > 0 { lines.append("  repeated trades: \(repeatedTrades) seen twice (same symbol and id), skipped") }
        if ledgers.count > 1 {
            for ledger in ledgers {
                lines.append("  \(ledger.name): \(ledger.ordersPlaced) orders, \(ledger.detects) detects, \(ledger.trades) trades, net P&L \(ledger.netPnL.formatted(fractionDigits: 2))")
            }
        }
        if let monteCarlo {
            let pnl = [5.0, 50.0, 95.0].map { round(MonteCarloSummary.percentile(monteCarlo.netPnL, $0), 2) }
            let drawdown = [5.0, 50.0, 95.0].map { round(MonteCarloSummary.percentile(monteCarlo.maxDrawdown, $0), 2) }
            lines.append("  monte carlo (\(monteCarlo.runs) runs): net P&L p5/p50/p95 \(pnl[0]) / \(pnl[1]) / \(pnl[2]); max drawdown \(drawdown[0]) / \(drawdown[1]) / \(drawdown[2])")
            let slipped = [5.0, 50.0, 95.0].map { round(MonteCarloSummary.percentile(monteCarlo.netPnLAfterSlippage, $0), 2) }
            let bootstrapped = [5.0, 50.0, 95.0].map { round(MonteCarloSummary.percentile(monteCarlo.bootstrapNetPnL, $0), 2) }
            let bootstrapDrawdown = [5.0, 50.0, 95.0].map { round(MonteCarloSummary.percentile(monteCarlo.bootstrapMaxDrawdown, $0), 2) }
            lines.append("    with slippage up to \(round(monteCarlo.slippageBasisPoints, 2)) bp a side: net P&L \(slipped[0]) / \(slipped[1]) / \(slipped[2]); trades resampled: net P&L \(bootstrapped[0]) / \(bootstrapped[1]) / \(bootstrapped[2]), max drawdown \(bootstrapDrawdown[0]) / \(bootstrapDrawdown[1]) / \(bootstrapDrawdown[2])")
        }
        if tradingState != .active { lines.append("  trading ended \(tradingState.rawValue)") }
        if let interrupted {
            let reruns = monteCarlo.map { " and \($0.runs) of \($0.requested) Monte Carlo reruns" } ?? ""
            lines.append("  INTERRUPTED by \(interrupted): the figures cover the first \(events) events\(reruns)")
        }
        if let mirror { lines.append("  " + mirror.summary) }
        return lines.joined(separator: "\n")
    }

    private func round(_ value: Double, _ places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (value * scale).rounded() / scale
    }
}
