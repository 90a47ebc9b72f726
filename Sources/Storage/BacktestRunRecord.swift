import GRDB

/// A saved backtest: its inputs, its headline metrics, and the full report.
public struct BacktestRunRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    public static let databaseTableName = "backtest_run"

    public var id: Int64?
    public var createdAt: String
    public var strategy: String
    public var data: String
    public var seed: Int64
    public var parameters: String
    public var events: Int
    public var trades: Int
    public var netPnL: Double
    public var fees: Double
    public var winRate: Double
    public var maxDrawdown: Double
    /// nil below a month of daily returns (the report says n/a).
    public var sharpe: Double?
    public var report: String
    /// The signal that stopped the run early ("SIGINT", "SIGTERM"), nil if it finished.
    public var interrupted: String?

    enum CodingKeys: String, CodingKey {
        case id, strategy, data, seed, parameters, events, trades, fees, sharpe, report, interrupted
        case createdAt = "created_at"
        case netPnL = "net_pnl"
        case winRate = "win_rate"
        case maxDrawdown = "max_drawdown"
    }

    public init(createdAt: String, strategy: String, data: String, seed: Int64, parameters: String, events: Int, trades: Int, netPnL: Double, fees: Double, winRate: Double, maxDrawdown: Double, sharpe: Double?, report: String, interrupted: String? = nil) {
        self.createdAt = createdAt
        self.strategy = strategy
        self.data = data
        self.seed = seed
        self.parameters = parameters
        self.events = events
        self.trades = trades
        self.netPnL = netPnL
        self.fees = fees
        self.winRate = winRate
        self.maxDrawdown = maxDrawdown
        self.sharpe = sharpe
        self.interrupted = interrupted
        self.report = report
    }
}

extension ApogeeDatabase {
    /// Saves a run; returns its id.
    public func save(_ run: BacktestRunRecord) throws(StorageError) -> Int64 {
        do {
            return try pool.write { db in
                try run.insert(db)
                return db.lastInsertedRowID
            }
        } catch let error as DatabaseError {
            throw Self.explain(error, path: path)
        } catch {
            throw StorageError("cannot save the run in \(path): \(error)")
        }
    }

    public func runs() throws(StorageError) -> [BacktestRunRecord] {
        do {
            return try pool.read { try BacktestRunRecord.order(Column("id")).fetchAll($0) }
        } catch {
            throw StorageError("cannot list the runs of \(path): \(error)")
        }
    }

    public func run(_ id: Int64) throws(StorageError) -> BacktestRunRecord? {
        do {
            return try pool.read { try BacktestRunRecord.fetchOne($0, key: id) }
        } catch {
            throw StorageError("cannot read run \(id) of \(path): \(error)")
        }
    }
}
