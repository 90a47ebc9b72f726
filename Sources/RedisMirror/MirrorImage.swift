import DequeModule

/// What Redis should hold for one instance, kept by the writer thread.
///
/// Each batch is folded in and turned into the commands that bring Redis up to date;
/// after a reconnect ``rewrite()`` writes the whole image again, so an outage loses
/// only the pub/sub events sent while Redis was away, never the state.
struct MirrorImage {
    let keys: MirrorKeys
    let ticksKept: Int
    private(set) var symbols: [String] = []
    private var ticks: [Deque<String>] = []
    private var books: [String?] = []
    private var positions: [String: String] = [:]
    private var orders: [String: String] = [:]
    private var metrics: [String: String] = [:]

    init(keys: MirrorKeys, ticksKept: Int) {
        self.keys = keys
        self.ticksKept = ticksKept
    }

    /// Folds `batch` in; returns the commands for the change (events not included).
    mutating func apply(_ batch: MirrorBatch) -> [[String]] {
        var commands: [[String]] = []
        while symbols.count < batch.symbols.count {
            symbols.append(batch.symbols[symbols.count])
            ticks.append([])
            books.append(nil)
        }
        for (index, trades) in batch.trades.enumerated() where !trades.isEmpty {
            let encoded = trades.suffix(ticksKept).map { $0.mirrorJSON() }
            ticks[index].append(contentsOf: encoded)
            if ticks[index].count > ticksKept { ticks[index].removeFirst(ticks[index].count - ticksKept) }
            // LPUSH puts each value at the head in turn: the last (newest) ends up first.
            commands.append(["LPUSH", keys.ticks(symbols[index])] + encoded)
            commands.append(["LTRIM", keys.ticks(symbols[index]), "0", String(ticksKept - 1)])
        }
        for (index, book) in batch.books.enumerated() {
            guard let book else { continue }
            let json = book.json(symbol: symbols[index])
            books[index] = json
            commands.append(["SET", keys.book(symbols[index]), json])
        }
        Self.merge(batch.positions, into: &positions, key: keys.positions, commands: &commands)
        Self.merge(batch.orders, into: &orders, key: keys.orders, commands: &commands)
        if !batch.metrics.isEmpty {
            metrics.merge(batch.metrics) { _, new in new }
            commands.append(Self.hset(keys.metrics, batch.metrics))
        }
        return commands
    }

    /// Commands that write the whole image over whatever Redis holds.
    func rewrite() -> [[String]] {
        var commands: [[String]] = []
        for (index, symbol) in symbols.enumerated() {
            commands.append(["DEL", keys.ticks(symbol)])
            if !ticks[index].isEmpty { commands.append(["RPUSH", keys.ticks(symbol)] + ticks[index].reversed()) }
            if let book = books[index] { commands.append(["SET", keys.book(symbol), book]) }
        }
        for (key, fields) in [(keys.positions, positions), (keys.orders, orders), (keys.metrics, metrics)] {
            commands.append(["DEL", key])
            if !fields.isEmpty { commands.append(Self.hset(key, fields)) }
        }
        return commands
    }

    private static func merge(_ changes: [String: String?], into fields: inout [String: String], key: String, commands: inout [[String]]) {
        guard !changes.isEmpty else { return }
        var set: [String: String] = [:]
        var removed: [String] = []
        for (field, value) in changes {
            if let value {
                fields[field] = value
                set[field] = value
            } else {
                fields[field] = nil
                removed.append(field)
            }
        }
        if !set.isEmpty { commands.append(hset(key, set)) }
        if !removed.isEmpty { commands.append(["HDEL", key] + removed.sorted()) }
    }

    /// `HSET key field value …`, fields sorted so the same state sends the same bytes.
    private static func hset(_ key: String, _ fields: [String: String]) -> [String] {
        var command = ["HSET", key]
        for field in fields.keys.sorted() {
            command.append(field)
            command.append(fields[field]!)
        }
        return command
    }
}
