import GRDBSQLite

/// The order journal's own SQLite connection, written on the caller's thread with
/// prepared statements: committing an order's intent before the order is sent is on
/// the path from a market frame to the order, and through the database pool it cost
/// ~450 µs (a hop to the pool's writer queue, Codable encoding, per-write overhead);
/// here it is a few tens of µs. Same file, same WAL mode and `synchronous = NORMAL`
/// as the pool (a crashed process loses nothing committed); SQLite serialises it with
/// the pool's writers, waiting up to 5 s for a busy database.
final class JournalWriter {
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    let path: String

    private static let insertOrder = "INSERT INTO order_journal (trading_session_id, client_order_id, event, symbol, side, order_kind, price, quantity, reduce_only, origin, reason, time_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    private static let insertFill = "INSERT INTO fill (trading_session_id, client_order_id, symbol, side, price, quantity, fee, liquidity, liquidation, time_ns, fee_in_base) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    private static let insertPosition = "INSERT INTO position_snapshot (trading_session_id, symbol, quantity, entry_price, realized_pnl, unrealized_pnl, reason, time_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    private static let touchSession = "UPDATE trading_session SET first_ns = COALESCE(first_ns, ?), last_ns = MAX(COALESCE(last_ns, ?), ?) WHERE id = ?"

    init(path: String) throws(StorageError) {
        self.path = path
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            handle = nil
            throw StorageError("cannot open the order journal's connection to \(path): \(message)")
        }
        sqlite3_busy_timeout(handle, 5000)
        try execute("PRAGMA synchronous = NORMAL")
        try execute("PRAGMA foreign_keys = ON")
        for sql in [Self.insertOrder, Self.insertFill, Self.insertPosition, Self.touchSession, "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"] {
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else { throw failure("prepare \(sql.prefix(40))") }
            statements[sql] = statement
        }
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    /// Writes the rows and moves the session's time span, in one transaction.
    func write(_ rows: [JournalRow], session: Int64) throws(StorageError) {
        guard !rows.isEmpty else { return }
        try run("BEGIN IMMEDIATE")
        do {
            for row in rows {
                switch row {
                case .order(let entry):
                    try step(Self.insertOrder, [.integer(entry.tradingSessionID), .text(entry.clientOrderID), .text(entry.event), .text(entry.symbol), .text(entry.side), .text(entry.orderKind), entry.price.map { .integer($0) } ?? .null, .integer(entry.quantity), .integer(entry.reduceOnly ? 1 : 0), .text(entry.origin), entry.reason.map { .text($0) } ?? .null, .integer(entry.timeNanoseconds)])
                case .fill(let entry):
                    try step(Self.insertFill, [.integer(entry.tradingSessionID), .text(entry.clientOrderID), .text(entry.symbol), .text(entry.side), .integer(entry.price), .integer(entry.quantity), .integer(entry.fee), .text(entry.liquidity), .integer(entry.liquidation ? 1 : 0), .integer(entry.timeNanoseconds), .integer(entry.feeInBase)])
                case .position(let entry):
                    try step(Self.insertPosition, [.integer(entry.tradingSessionID), .text(entry.symbol), .integer(entry.quantity), entry.entryPrice.map { .integer($0) } ?? .null, .integer(entry.realizedPnL), entry.unrealizedPnL.map { .integer($0) } ?? .null, .text(entry.reason), .integer(entry.timeNanoseconds)])
                }
            }
            var first = Int64.max
            var last = Int64.min
            for row in rows {
                first = min(first, row.time)
                last = max(last, row.time)
            }
            try step(Self.touchSession, [.integer(first), .integer(last), .integer(last), .integer(session)])
            try run("COMMIT")
        } catch {
            _ = try? run("ROLLBACK")
            throw error
        }
    }

    private enum Value {
        case integer(Int64)
        case text(String)
        case null
    }

    private func step(_ sql: String, _ values: [Value]) throws(StorageError) {
        guard let statement = statements[sql] else { throw StorageError("the order journal has no statement for \(sql.prefix(40))") }
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .integer(let number): sqlite3_bind_int64(statement, index, number)
            case .text(let text): sqlite3_bind_text(statement, index, text, -1, Self.transient)
            case .null: sqlite3_bind_null(statement, index)
            }
        }
        guard sqlite3_step(statement) == SQLITE_DONE else { throw failure(String(sql.prefix(40))) }
    }

    private func run(_ sql: String) throws(StorageError) { try step(sql, []) }

    private func execute(_ sql: String) throws(StorageError) {
        guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else { throw failure(sql) }
    }

    private func failure(_ what: String) -> StorageError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "no connection"
        return StorageError("cannot write the order journal to \(path) (\(what)): \(message)")
    }

    /// SQLite copies the text before `bind` returns (SQLITE_TRANSIENT).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
