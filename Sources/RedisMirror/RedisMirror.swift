import DequeModule
import Foundation
import MarketModel
import Synchronization

/// Mirrors the engine's hot state to Redis without ever making the engine wait.
///
/// The engine thread hands values over under a short lock and returns at once; a
/// writer thread wakes every ``MirrorSettings/flushInterval``, takes what gathered and
/// sends it as one pipeline. Book tops, positions, orders and metrics coalesce (the
/// latest wins), trades keep only what the ticks list keeps, events queue up to a
/// bound and beyond it are dropped and counted. When Redis goes away the writer keeps
/// the state it should hold (``MirrorImage``), reconnects with backoff and rewrites it,
/// so dashboards see the state again as soon as Redis is back.
public final class RedisMirror: @unchecked Sendable {
    public let settings: MirrorSettings
    public let keys: MirrorKeys

    // Guarded by `lock`: everything below up to `done`.
    private let lock = NSCondition()
    private var symbolIndex: [String: Int] = [:]
    private var pending = MirrorBatch()
    /// Bumped each time the writer takes book tops (at most every `bookInterval`):
    /// the engine builds a new top only when it moved on, with no lock per event.
    private let bookGeneration = Atomic<Int>(1)
    private var metricsWanted = true
    private var currentStatus = MirrorStatus()
    private var stopping = false
    private var done = false

    /// Connects once before returning, so a wrong password or database is an error
    /// here; Redis being unreachable is not (the mirror reconnects in the background
    /// and ``status`` says so).
    public init(settings: MirrorSettings) throws(RedisError) {
        self.settings = settings
        keys = MirrorKeys(instance: settings.instance)
        var connection: RedisConnection?
        do {
            let opened = try RedisConnection(url: settings.url, connectTimeout: settings.connectTimeout, timeout: settings.commandTimeout)
            try Self.clearInstance(keys, on: opened)
            connection = opened
            currentStatus.state = .connected
        } catch {
            guard error.isTransient else { throw error }
            currentStatus.lastError = error.description
        }
        let writer = MirrorWriter(mirror: self, connection: connection)
        let thread = Thread { writer.run() }
        thread.name = "apogee-redis"
        thread.start()
    }

    // MARK: - Engine side (never blocks)

    /// The handle of a symbol for ``trade(_:symbol:)`` and ``book(_:symbol:)``.
    public func symbol(_ name: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        if let index = symbolIndex[name] { return index }
        let index = pending.symbols.count
        symbolIndex[name] = index
        pending.symbols.append(name)
        pending.trades.append([])
        pending.books.append(nil)
        return index
    }

    public func trade(_ print: TradePrint, symbol: Int) {
        lock.lock()
        pending.trades[symbol].append(print)
        // Older trades would be trimmed from the list anyway: drop them here.
        if pending.trades[symbol].count >= 2 * settings.ticksKept {
            pending.trades[symbol].removeFirst(pending.trades[symbol].count - settings.ticksKept)
        }
        lock.unlock()
    }

    /// Changes when the writer is ready for new book tops (at most once per
    /// ``MirrorSettings/bookInterval``): build a symbol's top only when this differs
    /// from the round its last top was built in. One atomic load, no lock.
    public var bookRound: Int { bookGeneration.load(ordering: .relaxed) }

    public func book(_ book: MirrorBook, symbol: Int) {
        lock.lock()
        pending.books[symbol] = book
        lock.unlock()
    }

    /// Sets (or with `nil` removes) a symbol's position JSON.
    public func position(_ symbol: String, json: String?) {
        lock.lock()
        pending.positions[symbol] = .some(json)
        lock.unlock()
    }

    /// Sets (or with `nil` removes, when it is no longer open) an order's JSON.
    public func order(_ clientID: String, json: String?) {
        lock.lock()
        pending.orders[clientID] = .some(json)
        lock.unlock()
    }

    /// Whether fresh metrics are due (at most one set per ``MirrorSettings/metricsInterval``).
    public var wantsMetrics: Bool {
        lock.lock()
        defer { lock.unlock() }
        return metricsWanted
    }

    public func metrics(_ fields: [(String, String)]) {
        lock.lock()
        for (name, value) in fields { pending.metrics[name] = value }
        metricsWanted = false
        lock.unlock()
    }

    /// Publishes an event (JSON) on the events channel, or counts it dropped.
    public func publish(_ json: String) {
        lock.lock()
        if pending.events.count < settings.eventCapacity {
            pending.events.append(json)
        } else {
            currentStatus.eventsDropped += 1
        }
        lock.unlock()
    }

    public var status: MirrorStatus {
        lock.lock()
        defer { lock.unlock() }
        return currentStatus
    }

    /// Sends what is left (trying once to reconnect if Redis is away), stops the
    /// writer and returns the final status. Waits at most about `connectTimeout` plus
    /// `commandTimeout`.
    @discardableResult
    public func finish() -> MirrorStatus {
        lock.lock()
        stopping = true
        lock.broadcast()
        while !done { lock.wait() }
        let status = currentStatus
        lock.unlock()
        return status
    }

    // MARK: - Writer side

    /// Takes what gathered. `books`: also the book tops, and ask for new ones.
    func take(books: Bool, metricsDue: Bool) -> (batch: MirrorBatch, stopping: Bool) {
        lock.lock()
        defer { lock.unlock() }
        var batch = MirrorBatch()
        batch.symbols = pending.symbols
        batch.trades = pending.trades
        for index in pending.trades.indices { pending.trades[index].removeAll(keepingCapacity: true) }
        if books || stopping {
            batch.books = pending.books
            for index in pending.books.indices { pending.books[index] = nil }
            bookGeneration.wrappingAdd(1, ordering: .relaxed)
        }
        if metricsDue { metricsWanted = true }
        swap(&batch.positions, &pending.positions)
        swap(&batch.orders, &pending.orders)
        swap(&batch.metrics, &pending.metrics)
        swap(&batch.events, &pending.events)
        return (batch, stopping)
    }

    func wait(_ interval: Duration) {
        lock.lock()
        if !stopping {
            let parts = interval.components
            _ = lock.wait(until: Date(timeIntervalSinceNow: Double(parts.seconds) + Double(parts.attoseconds) / 1e18))
        }
        lock.unlock()
    }

    func update(_ change: (inout MirrorStatus) -> Void) {
        lock.lock()
        change(&currentStatus)
        lock.unlock()
    }

    func finished() {
        lock.lock()
        done = true
        lock.broadcast()
        lock.unlock()
    }

    /// Removes what an earlier run of this instance left, so the keys describe this run.
    static func clearInstance(_ keys: MirrorKeys, on connection: RedisConnection) throws(RedisError) {
        var cursor = "0"
        repeat {
            let reply = try connection.command(["SCAN", cursor, "MATCH", keys.prefix + "*", "COUNT", "1000"])
            if case .error(let message) = reply { throw .reply(command: "SCAN", message: message) }
            let parts = reply.elements
            guard parts.count == 2, let next = parts[0].text else { break }
            cursor = next
            let found = parts[1].elements.compactMap(\.text)
            if !found.isEmpty { try connection.command(["DEL"] + found) }
        } while cursor != "0"
    }
}
