import RedisMirror
import MarketModel
import Simulation
import Strategies
import Trading

/// What to backtest and under which assumptions.
public struct BacktestOptions: Sendable {
    public var files: [String]
    public var market: MarketKind?
    public var strategy: String
    /// Parameters in the order given (file first, then `--param`); later ones win.
    public var parameters: [(key: String, value: ParameterValue, source: String)] = []
    public var seed: UInt64 = 1
    public var initialCash = Money(whole: 10_000)
    /// Futures leverage (spot is always 1).
    public var leverage: Int64 = 5
    /// Order latency in milliseconds each way; `nil` fits it from the recording.
    public var latencyMilliseconds: Double?
    /// Feed latency in milliseconds (how long after the exchange the strategy sees an
    /// event); `nil` fits it from the recording, 0 turns it off.
    public var feedLatencyMilliseconds: Double?
    public var queue: QueueModel = .conservative
    public var monteCarloRuns = 0
    /// Most slippage a Monte Carlo rerun draws, in basis points per side.
    public var monteCarloSlippageBasisPoints = 5.0
    /// The risk gate's limits, global stops and protections.
    public var risk = RiskSettings()
    public var strict = false
    /// The database that `session:ID` entries of `files` come from.
    public var database: String?
    /// Mirrors the main run (not the Monte Carlo runs) to Redis.
    public var mirror: RedisMirror?
    /// A saved exchangeInfo answer (nil: `exchangeinfo.json` beside the recordings, if any).
    public var exchangeInfo: String?
    /// Asked to stop early (SIGINT, SIGTERM): the run ends at the next check and
    /// reports what it did as interrupted.
    public var stop: StopRequest?
    /// More strategies run beside `strategy` in the same kernel and account, each with
    /// its own parameters, its own ledger in the report.
    public var moreStrategies: [(name: String, parameters: [(key: String, value: ParameterValue, source: String)])] = []

    public init(files: [String], strategy: String) {
        self.files = files
        self.strategy = strategy
    }
}

/// Why a backtest could not run.
public enum BacktestFailure: Error, Sendable, CustomStringConvertible {
    case replay(ReplayFailure)
    case configuration(String)
    /// The request itself is wrong (an unknown strategy, a parameter refused).
    case usage(String)
    /// A signal stopped it (an import: nothing of it is kept).
    case interrupted(signal: Int32, what: String)

    public var description: String {
        switch self {
        case .replay(let failure): return failure.description
        case .configuration(let message), .usage(let message): return message
        case .interrupted(let signal, let what): return "interrupted by \(StopRequest.name(signal)): \(what)"
        }
    }
}
