import Foundation

/// One chunk of a session on its way to the database.
public struct ChunkWrite: Sendable {
    public var session: Int64
    public var sequence: Int
    public var firstLine: Int
    public var lineCount: Int
    public var firstReceived: Int64
    public var lastReceived: Int64
    public var data: Data
    public var trades: [ApogeeDatabase.TradeRow]

    public init(session: Int64, sequence: Int, firstLine: Int, lineCount: Int, firstReceived: Int64, lastReceived: Int64, data: Data, trades: [ApogeeDatabase.TradeRow]) {
        self.session = session
        self.sequence = sequence
        self.firstLine = firstLine
        self.lineCount = lineCount
        self.firstReceived = firstReceived
        self.lastReceived = lastReceived
        self.data = data
        self.trades = trades
    }
}

/// Writes chunks on its own thread, so reading and parsing never wait on the disk.
///
/// Bounded: `append` blocks once `capacity` chunks wait, so memory stays flat however
/// fast the producer is. Batched: whatever is waiting goes in one transaction. `finish`
/// writes what is left and reports the first failure. A crash loses only what was not
/// yet handed over plus the batch in flight.
public final class Recorder: @unchecked Sendable {
    // `queue`, `failure` and `done` are guarded by `lock`; the writer thread is the only
    // one that touches the database.
    private let database: ApogeeDatabase
    private let lock = NSCondition()
    private var queue: [ChunkWrite] = []
    private var failure: StorageError?
    private var closing = false
    private var done = false
    private let capacity: Int

    public init(database: ApogeeDatabase, capacity: Int = 8) {
        self.database = database
        self.capacity = max(1, capacity)
        let thread = Thread { [self] in self.writeLoop() }
        thread.name = "apogee-recorder"
        thread.start()
    }

    /// Hands a chunk over; waits while the queue is full. Throws the writer's failure.
    public func append(_ chunk: ChunkWrite) throws(StorageError) {
        lock.lock()
        defer { lock.unlock() }
        while queue.count >= capacity, failure == nil { lock.wait() }
        if let failure { throw failure }
        queue.append(chunk)
        lock.broadcast()
    }

    /// Writes what is waiting and stops; throws the first failure.
    public func finish() throws(StorageError) {
        lock.lock()
        closing = true
        lock.broadcast()
        while !done { lock.wait() }
        let failure = self.failure
        lock.unlock()
        if let failure { throw failure }
    }

    private func writeLoop() {
        while true {
            lock.lock()
            while queue.isEmpty, !closing { lock.wait() }
            if queue.isEmpty, closing {
                done = true
                lock.broadcast()
                lock.unlock()
                return
            }
            let batch = queue
            queue.removeAll()
            lock.broadcast()
            lock.unlock()
            do {
                try database.appendChunks(batch)
            } catch {
                lock.lock()
                if failure == nil { failure = error }
                closing = true
                queue.removeAll()
                lock.broadcast()
                lock.unlock()
            }
        }
    }
}
