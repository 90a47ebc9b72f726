import Foundation
import GRDB

/// The durable record of order intents on the path from a market frame to the order:
/// one line per intent copied into a memory-mapped file of its own before the order is
/// sent; the SQLite row follows from the journal's writer thread.
///
/// A line stored into a shared file mapping is in the kernel's page cache at once, so
/// it survives the process being killed — the same guarantee as the journal's WAL with
/// `synchronous = NORMAL` (neither survives a power cut without an fsync). The file is
/// sized and its pages touched when it opens, so an intent costs a copy, not a
/// `write(2)` (on ext4 an append took 30–50 µs of the frame-to-order time: the inode's
/// size changes with every line). Unused space reads as zero bytes.
///
/// A session that finishes removes its log; a log left behind by a crash is imported
/// into the journal by ``recover(database:)`` when the next live session starts, before
/// it reconciles, so no order the exchange saw is missing from the journal. The writer
/// holds an exclusive `flock` on its file, so a recovery never takes the log of a
/// session still running in another process.
final class IntentLog {
    let path: String
    private let descriptor: Int32
    private var mapping: UnsafeMutableRawPointer
    private var capacity: Int
    private var used = 0
    /// The line being appended (reused: an intent allocates nothing here).
    private var line: [UInt8] = []

    /// `<database>-intents-<session>.log`.
    static func path(database: String, session: Int64) -> String { "\(database)-intents-\(session).log" }

    init(database: String, session: Int64, capacity: Int = 1 << 20) throws(StorageError) {
        path = Self.path(database: database, session: session)
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StorageError("cannot open the intent log \(path): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw StorageError("the intent log \(path) is held by another process")
        }
        do throws(StorageError) {
            self.capacity = capacity
            mapping = try Self.map(descriptor, path: path, size: capacity)
        } catch {
            close(descriptor)
            throw error
        }
    }

    deinit {
        munmap(mapping, capacity)
        close(descriptor)
    }

    /// Sizes the file to `size` bytes (blocks allocated: no disk-full surprise on a
    /// store) and maps it, every page touched now rather than on an order's path.
    private static func map(_ descriptor: Int32, path: String, size: Int) throws(StorageError) -> UnsafeMutableRawPointer {
        let reserved = posix_fallocate(descriptor, 0, off_t(size))
        guard reserved == 0 else { throw StorageError("cannot reserve \(size / 1024) KiB for the intent log \(path): \(String(cString: strerror(reserved)))") }
        guard let mapped = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, descriptor, 0), mapped != MAP_FAILED else {
            throw StorageError("cannot map the intent log \(path): \(String(cString: strerror(errno)))")
        }
        // Make each page writable and dirty before the first order needs it.
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        var offset = 0
        while offset < size {
            let byte = mapped.load(fromByteOffset: offset, as: UInt8.self)
            mapped.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self)
            offset += page
        }
        return mapped
    }

    /// Appends one intent; it is durable against a crash of this process on return.
    func append(_ row: OrderJournalRow) throws(StorageError) {
        line.removeAll(keepingCapacity: true)
        Self.encode(row, into: &line)
        let count = line.count
        if used + count > capacity { try grow(toHold: count) }
        line.withUnsafeBytes { mapping.advanced(by: used).copyMemory(from: $0.baseAddress!, byteCount: count) }
        used += count
    }

    /// A bigger file (double, or enough for `count` more bytes): rare, off the usual path.
    private func grow(toHold count: Int) throws(StorageError) {
        let size = max(capacity * 2, used + count)
        let bigger = try Self.map(descriptor, path: path, size: size)
        munmap(mapping, capacity)
        mapping = bigger
        capacity = size
    }

    /// Removes the file (the session's rows are all in the journal).
    func remove() { unlink(path) }

    /// The whole lines of a log: up to its unused (zero) space, and without a last line
    /// a crash cut short (its order was never sent: the send waits for the copy).
    static func completeLines(_ data: Data) -> [Substring] {
        let written = data.prefix(while: { $0 != 0 })
        guard let lastNewline = written.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
        let text = String(decoding: written[..<lastNewline], as: UTF8.self)
        return text.split(separator: "\n")
    }

    /// One intent per line: ten fields separated by tabs (never inside a field: ids,
    /// symbols and origins hold none, and any tab or newline becomes a space), written
    /// as bytes: it is on every order's path.
    static func encode(_ row: OrderJournalRow, into line: inout [UInt8]) {
        func text(_ value: String) {
            for byte in value.utf8 { line.append(byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") ? UInt8(ascii: " ") : byte) }
            line.append(UInt8(ascii: "\t"))
        }
        // Storage depends on none of Apogee's modules, so it has its own digits.
        func digits(_ value: UInt64) {
            if value >= 10 { digits(value / 10) }
            line.append(UInt8(ascii: "0") + UInt8(value % 10))
        }
        func number(_ value: Int64) {
            if value < 0 { line.append(UInt8(ascii: "-")) }
            digits(value.magnitude)
            line.append(UInt8(ascii: "\t"))
        }
        number(row.tradingSessionID)
        text(row.clientOrderID)
        text(row.symbol)
        text(row.side)
        text(row.orderKind)
        if let price = row.price { number(price) } else { text("-") }
        number(row.quantity)
        text(row.reduceOnly ? "1" : "0")
        text(row.origin)
        number(row.timeNanoseconds)
        line[line.count - 1] = UInt8(ascii: "\n")
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
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let rows = completeLines(data).compactMap(decode)
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
