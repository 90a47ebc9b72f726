import Foundation
import GRDB

/// Market data stored as the raw recording lines, in chunks of a few thousand lines:
/// a replay reads them in order with one query per chunk.
extension ApogeeDatabase {
    /// A session already imported from content with this hash, if any.
    public func importedSession(hash: String) throws(StorageError) -> SessionRecord? {
        do {
            return try pool.read { try SessionRecord.filter(Column("source_hash") == hash && Column("complete") == true).fetchOne($0) }
        } catch {
            throw StorageError("cannot read \(path): \(error)")
        }
    }

    /// Starts a session (not complete until `finishSession`).
    public func startSession(_ record: SessionRecord) throws(StorageError) -> Int64 {
        do {
            return try pool.write { db in
                try record.insert(db)
                return db.lastInsertedRowID
            }
        } catch let error as DatabaseError {
            throw Self.explain(error, path: path)
        } catch {
            throw StorageError("cannot write \(path): \(error)")
        }
    }

    /// A trade as the `trade` table keeps it.
    public struct TradeRow: Sendable {
        public var symbol: String
        public var tradeID: Int64
        public var timeNanoseconds: Int64
        public var price: Int64
        public var quantity: Int64
        public var aggressor: String

        public init(symbol: String, tradeID: Int64, timeNanoseconds: Int64, price: Int64, quantity: Int64, aggressor: String) {
            self.symbol = symbol
            self.tradeID = tradeID
            self.timeNanoseconds = timeNanoseconds
            self.price = price
            self.quantity = quantity
            self.aggressor = aggressor
        }
    }

    /// A one-minute candle as the `candle_1m` table keeps it (prices and volume in 10⁻⁸).
    public struct CandleRow: Sendable {
        public var symbol: String
        public var start: Int64
        public var open: Int64
        public var high: Int64
        public var low: Int64
        public var close: Int64
        public var volume: Int64
        public var trades: Int

        public init(symbol: String, start: Int64, open: Int64, high: Int64, low: Int64, close: Int64, volume: Int64, trades: Int) {
            self.symbol = symbol
            self.start = start
            self.open = open
            self.high = high
            self.low = low
            self.close = close
            self.volume = volume
            self.trades = trades
        }
    }

    /// Appends several chunks in one transaction (the recorder's batches).
    public func appendChunks(_ chunks: [ChunkWrite]) throws(StorageError) {
        do {
            try pool.write { db in
                let chunkInsert = try db.cachedStatement(sql: "INSERT INTO recording_chunk (session_id, sequence, first_line, line_count, first_received_ns, last_received_ns, data) VALUES (?, ?, ?, ?, ?, ?, ?)")
                let tradeInsert = try db.cachedStatement(sql: "INSERT INTO trade (session_id, symbol, trade_id, time_ns, price, quantity, aggressor) VALUES (?, ?, ?, ?, ?, ?, ?)")
                for chunk in chunks {
                    chunkInsert.setUncheckedArguments([chunk.session, chunk.sequence, chunk.firstLine, chunk.lineCount, chunk.firstReceived, chunk.lastReceived, chunk.data])
                    try chunkInsert.execute()
                    for trade in chunk.trades {
                        tradeInsert.setUncheckedArguments([chunk.session, trade.symbol, trade.tradeID, trade.timeNanoseconds, trade.price, trade.quantity, trade.aggressor])
                        try tradeInsert.execute()
                    }
                }
            }
        } catch let error as DatabaseError {
            throw Self.explain(error, path: path)
        } catch {
            throw StorageError("cannot write \(path): \(error)")
        }
    }

    /// Marks a session complete with what it turned out to hold, with its candles.
    /// `exchange`, when given, corrects the exchange the session was started with (an
    /// import learns it from the file's first message).
    public func finishSession(_ id: Int64, symbols: [String], market: String?, firstReceived: Int64?, lastReceived: Int64?, lines: Int, candles: [CandleRow] = [], exchange: String? = nil) throws(StorageError) {
        do {
            try pool.write { db in
                let insert = try db.cachedStatement(sql: "INSERT INTO candle_1m (session_id, symbol, start_ns, open, high, low, close, volume, trades) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                for candle in candles {
                    insert.setUncheckedArguments([id, candle.symbol, candle.start, candle.open, candle.high, candle.low, candle.close, candle.volume, candle.trades])
                    try insert.execute()
                }
                try db.execute(
                    sql: "UPDATE session SET symbols = ?, market = ?, first_received_ns = ?, last_received_ns = ?, lines = ?, complete = 1 WHERE id = ?",
                    arguments: [symbols.joined(separator: ","), market, firstReceived, lastReceived, lines, id])
                if let exchange { try db.execute(sql: "UPDATE session SET exchange = ? WHERE id = ?", arguments: [exchange, id]) }
            }
        } catch {
            throw StorageError("cannot write \(path): \(error)")
        }
    }

    /// The one-minute candles of a session, by symbol and time.
    public func candles(session: Int64) throws(StorageError) -> [CandleRow] {
        do {
            return try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT symbol, start_ns, open, high, low, close, volume, trades FROM candle_1m WHERE session_id = ? ORDER BY symbol, start_ns", arguments: [session]).map {
                    CandleRow(symbol: $0[0], start: $0[1], open: $0[2], high: $0[3], low: $0[4], close: $0[5], volume: $0[6], trades: $0[7])
                }
            }
        } catch {
            throw StorageError("cannot read the candles of session \(session) from \(path): \(error)")
        }
    }

    /// Number of trades stored for a session.
    public func tradeCount(session: Int64) throws(StorageError) -> Int {
        do {
            return try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM trade WHERE session_id = ?", arguments: [session]) ?? 0 }
        } catch {
            throw StorageError("cannot read the trades of session \(session) from \(path): \(error)")
        }
    }

    /// Removes a session that will never complete (an import that failed).
    public func deleteSession(_ id: Int64) {
        _ = try? pool.write { db in try db.execute(sql: "DELETE FROM session WHERE id = ?", arguments: [id]) }
    }

    /// Removes a session, complete or not (an import killed halfway leaves one behind),
    /// with its lines, trades and candles. Returns false if there was none by that id.
    public func removeSession(_ id: Int64) throws(StorageError) -> Bool {
        do {
            return try pool.write { db in
                try db.execute(sql: "DELETE FROM session WHERE id = ?", arguments: [id])
                return db.changesCount > 0
            }
        } catch let error as DatabaseError {
            throw Self.explain(error, path: path)
        } catch {
            throw StorageError("cannot write \(path): \(error)")
        }
    }

    /// The raw lines of one chunk, or `nil` past the last.
    public func chunk(session: Int64, sequence: Int) throws(StorageError) -> Data? {
        do {
            return try pool.read { db in
                try Data.fetchOne(db, sql: "SELECT data FROM recording_chunk WHERE session_id = ? AND sequence = ?", arguments: [session, sequence])
            }
        } catch {
            throw StorageError("cannot read session \(session) from \(path): \(error)")
        }
    }

    /// Total bytes of a session's chunks (for progress).
    public func storedBytes(session: Int64) throws(StorageError) -> Int {
        do {
            return try pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(LENGTH(data)), 0) FROM recording_chunk WHERE session_id = ?", arguments: [session]) ?? 0
            }
        } catch {
            throw StorageError("cannot read session \(session) from \(path): \(error)")
        }
    }
}
