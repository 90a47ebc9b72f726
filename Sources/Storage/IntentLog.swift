import Foundation
import GRDB

/// The durable record of order intents on the path from a market frame to the order:
/// one line per intent appended to a file of its own with a single `write(2)`, before
/// the order is sent; the SQLite row follows from the journal's writer thread.
///
/// A written line is in the kernel's page cache when `write` returns, so it survives
/// the process being killed — the same guarantee as the journal's WAL with
/// `synchronous = NORMAL` (neither survives a power cut without an fsync). A session
/// that finishes removes its log; a log left behind by a crash is imported into the
/// journal by ``recover(database:)`` when the next live session starts, before it
/// reconciles, so no order the exchange saw is missing from the journal. The writer
/// holds an exclusive `flock` on its file, so a recovery never takes the log of a
/// session still running in another process.
final class IntentLog {
    let path: String
    private let descriptor: Int32

    /// `<database>-intents-<session>.log`.
    static func path(database: String, session: Int64) -> String { "\(database)-intents-\(session).log" }

    init(database: String, session: Int64) throws(StorageError) {
        path = Self.path(database: database, session: session)
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StorageError("cannot open the intent log \(path): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw StorageError("the intent log \(path) is held by another process")
        }
    }

    deinit { close(descriptor) }

    /// Appends one intent; it is durable against a crash of this process on return.
    func append(_ row: OrderJournalRow) throws(StorageError) {
        var line = Self.encode(row)
        let written = line.withUTF8 { write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.utf8.count else { throw StorageError("cannot write the intent of \(row.clientOrderID) to \(path): \(String(cString: strerror(errno)))") }
    }

    /// Removes the file (the session's rows are all in the journal).
    func remove() { unlink(path) }

    /// Fields separated by tabs (never inside a field: ids, symbols and origins hold
    /// none, and any would be replaced by a space), one intent per line.
    static func encode(_ row: OrderJournalRow) -> String {
        func clean(_ text: String) -> String { text.contains("\t") || text.contains("\n") ? text.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") : text }
        return [String(row.tradingSessionID), clean(row.clientOrderID), clean(row.symbol), clean(row.side), clean(row.orderKind), row.price.map(String.init) ?? "-", String(row.quantity), row.reduceOnly ? "1" : "0", clean(row.origin), String(row.timeNanoseconds)].joined(separator: "\t") + "\n"
    }

    static func decode(_ line: Substring) -> OrderJournalRow? {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count == 10, let session = Int64(fields[0]), let quantity = Int64(fields[6]), let time = Int64(fields[9]) else { return nil }
        return OrderJournalRow(tradingSessionID: session, clientOrderID: String(fields[1]), event: "intent", symbol: String(fields[2]), side: String(fields[3]), orderKind: String(fields[4]), price: fields[5] == "-" ? nil : Int64(fields[5]), quantity: quantity, reduceOnly: fields[7] == "1", origin: String(fields[8]), reason: nil, timeNanoseconds: time)
    }

    /// Imports the intents that crashed sessions left only in their logs (those not
    /// in the journal already), then removes those logs. Logs another process holds
    /// are left alone. Returns how many intents were imported.
    @discardableResult
    static func recover(database: ApogeeDatabase) throws(StorageError) -> Int {
        let folder = (database.path as NSString).deletingLastPathComponent
        let prefix = (database.path as NSString).lastPathComponent + "-intents-"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []).filter { $0.hasPrefix(prefix) && $0.hasSuffix(".log") }.sorted()
        var imported = 0
        for name in names {
            let path = (folder.isEmpty ? "." : folder) + "/" + name
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            defer { close(descriptor) }
            // Held: its session is still running somewhere.
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { continue }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            let rows = text.split(separator: "\n").compactMap(decode)
            do {
                try database.pool.write { db in
                    for row in rows {
                        let known = try OrderJournalRow.filter(Column("trading_session_id") == row.tradingSessionID && Column("client_order_id") == row.clientOrderID && Column("event") == "intent").fetchCount(db)
                        guard known == 0 else { continue }
                        try row.insert(db)
                        imported += 1
                    }
                }
            } catch {
                throw StorageError("cannot import the intents of \(path): \(error)")
            }
            unlink(path)
        }
        return imported
    }
}
