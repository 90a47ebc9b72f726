import GRDB

/// The schema, as named migrations. A shipped migration never changes; changes come as
/// new ones. `docs/storage.md` describes every table.
enum Schema {
    static let migrationNames: Set<String> = ["v1-sessions-and-recordings", "v2-backtest-runs"]

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-sessions-and-recordings") { db in
            try db.create(table: "session") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("kind", .text).notNull()          // recorded / imported / backtest / live
                table.column("source", .text).notNull()        // file path, or where it was recorded
                table.column("source_hash", .text)             // content hash of an imported file
                table.column("exchange", .text).notNull()
                table.column("market", .text)                  // spot / usdm / coinm
                table.column("symbols", .text).notNull()       // comma-separated
                table.column("first_received_ns", .integer)
                table.column("last_received_ns", .integer)
                table.column("lines", .integer).notNull().defaults(to: 0)
                table.column("complete", .boolean).notNull().defaults(to: false)
                table.column("created_at", .text).notNull()
            }
            try db.create(index: "session_source_hash", on: "session", columns: ["source_hash"])
            try db.create(table: "recording_chunk") { table in
                table.column("session_id", .integer).notNull().references("session", onDelete: .cascade)
                table.column("sequence", .integer).notNull()
                table.column("first_line", .integer).notNull()
                table.column("line_count", .integer).notNull()
                table.column("first_received_ns", .integer).notNull()
                table.column("last_received_ns", .integer).notNull()
                table.column("data", .blob).notNull()          // the raw lines, "\n"-separated
                table.primaryKey(["session_id", "sequence"])
            }
        }
        migrator.registerMigration("v2-backtest-runs") { db in
            try db.create(table: "backtest_run") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("created_at", .text).notNull()
                table.column("strategy", .text).notNull()
                table.column("data", .text).notNull()          // files and sessions, comma-separated
                table.column("seed", .integer).notNull()
                table.column("parameters", .text).notNull()    // JSON object
                table.column("events", .integer).notNull()
                table.column("trades", .integer).notNull()
                table.column("net_pnl", .double).notNull()
                table.column("fees", .double).notNull()
                table.column("win_rate", .double).notNull()
                table.column("max_drawdown", .double).notNull()
                table.column("sharpe", .double).notNull()
                table.column("report", .text).notNull()        // the full JSON report: metrics, equity curve, trades
            }
        }
        return migrator
    }
}
