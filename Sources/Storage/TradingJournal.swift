import Foundation
import GRDB

/// The order journal of one trading session: order intents, every state change the
/// venue reports, fills and position snapshots, in the order they happened.
///
/// An order's intent must be durable before the order leaves for the venue, so a crash
/// can never leave an order nobody knows about: ``writeNow(_:)`` commits before it
/// returns, and ``writeIntent(_:)`` — the live path, where this is on the way from a
/// market frame to the order — appends the intent to the session's ``IntentLog`` with
/// one `write(2)` (durable against a crash of the process on return) and queues the
/// row, which a restart imports from the log if the crash came first. Everything else
/// goes through ``append(_:)``: a writer thread commits it in batches every
/// `flushInterval`, so a crash loses at most that much, never what was committed.
/// Entries keep their order across the paths (one lock covers taking a batch and
/// writing it).
public final class TradingJournal: @unchecked Sendable {
    /// Imports the intents crashed sessions left only in their intent logs; a live
    /// session calls it before it reconciles. Returns how many were imported.
    @discardableResult
    public static func recoverIntents(database: ApogeeDatabase) throws(StorageError) -> Int {
        try IntentLog.recover(database: database)
    }

    public let database: ApogeeDatabase
    public let sessionID: Int64
    private let flushInterval: TimeInterval
    private let capacity: Int
    // `pending`, `failure`, `closing` and `done` are guarded by `lock`; `writeLock`
    // makes "take a batch and write it" one step, whichever thread does it.
    private let lock = NSCondition()
    private let writeLock = NSLock()
    private var pending: [JournalRow] = []
    private var failure: StorageError?
    private var closing = false
    private var done = false
    /// Used under `writeLock` only.
    private let writer: JournalWriter
    /// Opened at the first intent; removed once the session's rows are all written.
    private var intentLog: IntentLog?

    /// Starts the session's record (incomplete until ``finish(complete:)``).
    public init(database: ApogeeDatabase, session: TradingSessionRecord, flushInterval: TimeInterval = 0.2, capacity: Int = 10_000) throws(StorageError) {
        self.database = database
        self.flushInterval = flushInterval
        self.capacity = max(1, capacity)
        sessionID = try database.startTradingSession(session)
        writer = try JournalWriter(path: database.path)
        let thread = Thread { [self] in self.writeLoop() }
        thread.name = "apogee-journal"
        thread.start()
    }

    /// Commits `rows` (after anything queued before them) before returning.
    public func writeNow(_ rows: [JournalRow]) throws(StorageError) {
        writeLock.lock()
        defer { writeLock.unlock() }
        lock.lock()
        if let failure {
            lock.unlock()
            throw failure
        }
        let batch = pending + rows
        pending.removeAll()
        lock.broadcast()
        lock.unlock()
        do {
            try writer.write(batch, session: sessionID)
        } catch {
            fail(error)
            throw error
        }
    }

    /// Makes an order's intent durable now (the intent log) and queues its journal row:
    /// a few µs instead of a transaction. The row reaches the database within
    /// `flushInterval`, or from the log at the next start if the process dies first.
    /// Called from one thread (the session's).
    /// Opens the intent log now (a live session, at its start), so the first order does
    /// not pay for making and mapping the file.
    public func openIntentLog() throws(StorageError) {
        if intentLog == nil { intentLog = try IntentLog(database: database.path, session: sessionID) }
    }

    public func writeIntent(_ row: OrderJournalRow) throws(StorageError) {
        try openIntentLog()
        try intentLog!.append(row)
        try append(.order(row))
    }

    /// Queues a row for the writer thread; waits only if `capacity` rows are pending.
    public func append(_ row: JournalRow) throws(StorageError) {
        lock.lock()
        defer { lock.unlock() }
        while pending.count >= capacity, failure == nil { lock.wait() }
        if let failure { throw failure }
        pending.append(row)
    }

    /// Writes what is queued, marks the session complete (or not), stops the writer.
    public func finish(complete: Bool = true) throws(StorageError) {
        lock.lock()
        closing = true
        lock.broadcast()
        while !done { lock.wait() }
        let failure = self.failure
        lock.unlock()
        if let failure { throw failure }
        // Every intent is in the database now: the log has done its work.
        intentLog?.remove()
        intentLog = nil
        try database.finishTradingSession(sessionID, complete: complete)
    }

    private func fail(_ error: StorageError) {
        lock.lock()
        if failure == nil { failure = error }
        lock.broadcast()
        lock.unlock()
    }

    private func writeLoop() {
        while true {
            lock.lock()
            if pending.isEmpty, !closing { _ = lock.wait(until: Date(timeIntervalSinceNow: flushInterval)) }
            let stop = closing
            lock.unlock()
            writeLock.lock()
            lock.lock()
            let batch = pending
            pending.removeAll()
            lock.broadcast()
            lock.unlock()
            if !batch.isEmpty {
                do {
                    try writer.write(batch, session: sessionID)
                } catch {
                    fail(error)
                }
            }
            writeLock.unlock()
            if stop {
                lock.lock()
                done = true
                lock.broadcast()
                lock.unlock()
                return
            }
        }
    }
}

extension ApogeeDatabase {
    public func startTradingSession(_ record: TradingSessionRecord) throws(StorageError) -> Int64 {
        do {
            return try pool.write { db in
                try record.insert(db)
                return db.lastInsertedRowID
            }
        } catch let error as DatabaseError {
            throw Self.explain(error, path: path)
        } catch {
            throw StorageError("cannot start a trading session in \(path): \(error)")
        }
    }

    public func finishTradingSession(_ id: Int64, complete: Bool) throws(StorageError) {
        do {
            try pool.write { db in
                try db.execute(sql: "UPDATE trading_session SET complete = ? WHERE id = ?", arguments: [complete, id])
            }
        } catch let error as DatabaseError {
            throw Self.explain(error, path: path)
        } catch {
            throw StorageError("cannot close trading session \(id) in \(path): \(error)")
        }
    }

    /// Every trading session, oldest first, with its order and fill counts.
    public func tradingSessions() throws(StorageError) -> [(session: TradingSessionRecord, orders: Int, fills: Int)] {
        do {
            return try pool.read { db in
                try TradingSessionRecord.order(Column("id")).fetchAll(db).map { session in
                    let orders = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT client_order_id) FROM order_journal WHERE trading_session_id = ?", arguments: [session.id]) ?? 0
                    let fills = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM fill WHERE trading_session_id = ?", arguments: [session.id]) ?? 0
                    return (session, orders, fills)
                }
            }
        } catch {
            throw StorageError("cannot list the trading sessions of \(path): \(error)")
        }
    }

    /// Adds order entries to an earlier session's journal (what a restart found and did
    /// about that session's orders), in one transaction.
    public func appendToEarlierSession(_ rows: [OrderJournalRow]) throws(StorageError) {
        guard !rows.isEmpty else { return }
        do {
            try pool.write { db in
                for row in rows { try row.insert(db) }
            }
        } catch {
            throw StorageError("cannot add the reconciliation's entries to the journal of \(path): \(error)")
        }
    }

    /// One session's journal: order entries, fills and position snapshots, each in
    /// the order written.
    public func journal(session: Int64) throws(StorageError) -> (session: TradingSessionRecord, orders: [OrderJournalRow], fills: [FillRow], positions: [PositionSnapshotRow])? {
        do {
            return try pool.read { db in
                guard let record = try TradingSessionRecord.fetchOne(db, key: session) else { return nil }
                let orders = try OrderJournalRow.filter(Column("trading_session_id") == session).order(Column("id")).fetchAll(db)
                let fills = try FillRow.filter(Column("trading_session_id") == session).order(Column("id")).fetchAll(db)
                let positions = try PositionSnapshotRow.filter(Column("trading_session_id") == session).order(Column("id")).fetchAll(db)
                return (record, orders, fills, positions)
            }
        } catch {
            throw StorageError("cannot read trading session \(session) of \(path): \(error)")
        }
    }
}
