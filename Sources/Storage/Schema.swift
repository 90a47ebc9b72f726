import GRDB

/// The schema, as named migrations. A shipped migration never changes; changes come as
/// new ones. `docs/storage.md` describes every table.
enum Schema {
    static let migrationNames: Set<String> = ["v1-sessions-and-recordings", "v2-backtest-runs", "v3-trades-and-candles", "v4-order-journal", "v5-fill-fee-in-base", "v6-sharpe-may-be-unknown", "v7-run-interrupted"]

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
        migrator.registerMigration("v3-trades-and-candles") { db in
            try db.create(table: "trade") { table in
                table.column("session_id", .integer).notNull().references("session", onDelete: .cascade)
                table.column("symbol", .text).notNull()
                table.column("trade_id", .integer).notNull()
                table.column("time_ns", .integer).notNull()        // exchange trade time
                table.column("price", .integer).notNull()          // 10⁻⁸ units
                table.column("quantity", .integer).notNull()       // 10⁻⁸ units
                table.column("aggressor", .text).notNull()         // buy / sell
            }
            try db.create(index: "trade_by_symbol_time", on: "trade", columns: ["symbol", "time_ns"])
            try db.create(index: "trade_by_session", on: "trade", columns: ["session_id"])
            try db.create(table: "candle_1m") { table in
                table.column("session_id", .integer).notNull().references("session", onDelete: .cascade)
                table.column("symbol", .text).notNull()
                table.column("start_ns", .integer).notNull()
                table.column("open", .integer).notNull()
                table.column("high", .integer).notNull()
                table.column("low", .integer).notNull()
                table.column("close", .integer).notNull()
                table.column("volume", .integer).notNull()
                table.column("trades", .integer).notNull()
                table.primaryKey(["session_id", "symbol", "start_ns"])
            }
        }
        migrator.registerMigration("v4-order-journal") { db in
            try db.create(table: "trading_session") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("kind", .text).notNull()          // replay / paper / live
                table.column("venue", .text).notNull()         // simulator, or the exchange
                table.column("source", .text).notNull()        // recordings replayed, or exchange and symbols
                table.column("strategies", .text).notNull()    // comma-separated
                table.column("first_ns", .integer)             // engine time of the first entry
                table.column("last_ns", .integer)
                table.column("complete", .boolean).notNull().defaults(to: false)
                table.column("created_at", .text).notNull()
            }
            try db.create(table: "order_journal") { table in
                table.autoIncrementedPrimaryKey("id")          // the order entries were written in
                table.column("trading_session_id", .integer).notNull().references("trading_session", onDelete: .cascade)
                table.column("client_order_id", .text).notNull()
                table.column("event", .text).notNull()         // intent / accepted / filled / cancel-requested / cancelled / rejected / expired / denied
                table.column("symbol", .text).notNull()
                table.column("side", .text).notNull()          // buy / sell
                table.column("order_kind", .text).notNull()    // limit / market / …
                table.column("price", .integer)                // 10⁻⁸ units; null for market orders
                table.column("quantity", .integer).notNull()   // 10⁻⁸ units
                table.column("reduce_only", .boolean).notNull()
                table.column("origin", .text).notNull()        // the strategy, "user", or the exits
                table.column("reason", .text)                  // why it was cancelled, rejected, denied
                table.column("time_ns", .integer).notNull()    // engine time
            }
            try db.create(index: "order_journal_by_order", on: "order_journal", columns: ["trading_session_id", "client_order_id"])
            try db.create(table: "fill") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("trading_session_id", .integer).notNull().references("trading_session", onDelete: .cascade)
                table.column("client_order_id", .text).notNull()
                table.column("symbol", .text).notNull()
                table.column("side", .text).notNull()
                table.column("price", .integer).notNull()
                table.column("quantity", .integer).notNull()
                table.column("fee", .integer).notNull()        // 10⁻⁸ of the account currency
                table.column("liquidity", .text).notNull()     // maker / taker
                table.column("liquidation", .boolean).notNull()
                table.column("time_ns", .integer).notNull()
            }
            try db.create(index: "fill_by_session", on: "fill", columns: ["trading_session_id"])
            try db.create(table: "position_snapshot") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("trading_session_id", .integer).notNull().references("trading_session", onDelete: .cascade)
                table.column("symbol", .text).notNull()
                table.column("quantity", .integer).notNull()   // signed: negative is short
                table.column("entry_price", .integer)
                table.column("realized_pnl", .integer).notNull()
                table.column("unrealized_pnl", .integer)
                table.column("reason", .text).notNull()        // fill / end
                table.column("time_ns", .integer).notNull()
            }
            try db.create(index: "position_snapshot_by_session", on: "position_snapshot", columns: ["trading_session_id"])
        }
        migrator.registerMigration("v5-fill-fee-in-base") { db in
            // The part of a fill's fee the exchange took out of the coin bought (spot
            // buys): the holding grew by quantity - fee_in_base. 10⁻⁸ units.
            try db.alter(table: "fill") { table in
                table.add(column: "fee_in_base", .integer).notNull().defaults(to: 0)
            }
        }
        migrator.registerMigration("v6-sharpe-may-be-unknown") { db in
            // Sharpe is n/a (NULL) below a month of daily returns. SQLite cannot drop a
            // NOT NULL in place: the table is rebuilt with the same columns and rows.
            try db.create(table: "backtest_run_v6") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("created_at", .text).notNull()
                table.column("strategy", .text).notNull()
                table.column("data", .text).notNull()
                table.column("seed", .integer).notNull()
                table.column("parameters", .text).notNull()
                table.column("events", .integer).notNull()
                table.column("trades", .integer).notNull()
                table.column("net_pnl", .double).notNull()
                table.column("fees", .double).notNull()
                table.column("win_rate", .double).notNull()
                table.column("max_drawdown", .double).notNull()
                table.column("sharpe", .double)
                table.column("report", .text).notNull()
            }
            try db.execute(sql: """
                INSERT INTO backtest_run_v6 (id, created_at, strategy, data, seed, parameters, events, trades, net_pnl, fees, win_rate, max_drawdown, sharpe, report)
                SELECT id, created_at, strategy, data, seed, parameters, events, trades, net_pnl, fees, win_rate, max_drawdown, sharpe, report FROM backtest_run
                """)
            try db.drop(table: "backtest_run")
            try db.rename(table: "backtest_run_v6", to: "backtest_run")
        }
        migrator.registerMigration("v7-run-interrupted") { db in
            // A run stopped by SIGINT or SIGTERM is saved with what it did and the
            // signal's name here; NULL for a run that went through its data.
            try db.alter(table: "backtest_run") { table in
                table.add(column: "interrupted", .text)
            }
        }
        return migrator
    }
}
