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

    /// Appends one chunk of lines, in its own transaction: a crash loses at most the
    /// chunk being written.
    public func appendChunk(session: Int64, sequence: Int, firstLine: Int, lineCount: Int, firstReceived: Int64, lastReceived: Int64, data: Data) throws(StorageError) {
        do {
            try pool.write { db in
                try db.execute(
                    sql: "INSERT INTO recording_chunk (session_id, sequence, first_line, line_count, first_received_ns, last_received_ns, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [session, sequence, firstLine, lineCount, firstReceived, lastReceived, data])
            }
        } catch let error as DatabaseError {
            throw Self.explain(error, path: path)
        } catch {
            throw StorageError("cannot write \(path): \(error)")
        }
    }

    /// Marks a session complete with what it turned out to hold.
    public func finishSession(_ id: Int64, symbols: [String], market: String?, firstReceived: Int64?, lastReceived: Int64?, lines: Int) throws(StorageError) {
        do {
            try pool.write { db in
                try db.execute(
                    sql: "UPDATE session SET symbols = ?, market = ?, first_received_ns = ?, last_received_ns = ?, lines = ?, complete = 1 WHERE id = ?",
                    arguments: [symbols.joined(separator: ","), market, firstReceived, lastReceived, lines, id])
            }
        } catch {
            throw StorageError("cannot write \(path): \(error)")
        }
    }

    /// Removes a session that will never complete (an import that failed).
    public func deleteSession(_ id: Int64) {
        _ = try? pool.write { db in try db.execute(sql: "DELETE FROM session WHERE id = ?", arguments: [id]) }
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
