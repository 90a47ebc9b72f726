import Foundation
import Storage

/// Cuts a session's lines into the chunks the recorder writes.
///
/// A chunk closes at `maxLines` lines, past `maxBytes` (snapshot lines are long), or
/// once its first line has waited `maxAge` by the clock the caller passes (wall time),
/// so a recording that trickles in is on disk within that long: with the recorder
/// committing every chunk handed over, a crash loses at most `maxAge` of data.
public struct SessionChunker {
    public let session: Int64
    public var maxLines = 4096
    public var maxBytes = 2_000_000
    public var maxAge: Int64 = 1_000_000_000
    private(set) var buffer = Data()
    private(set) var lines = 0
    private(set) var sequence = 0
    private var firstLine = 1
    private var firstReceived: Int64?
    private var lastReceived: Int64 = 0
    private var openedAt: Int64?
    private var trades: [ApogeeDatabase.TradeRow] = []

    public init(session: Int64) { self.session = session }

    /// Adds one line (without its newline). `received` is its receive time when it has
    /// one; `now` is the wall clock in nanoseconds.
    public mutating func add(_ line: UnsafeRawBufferPointer, received: Int64?, now: Int64) {
        if lines == 0 {
            openedAt = now
            firstReceived = received ?? (lastReceived == 0 ? nil : lastReceived)
        }
        if let received {
            if firstReceived == nil { firstReceived = received }
            lastReceived = received
        }
        buffer.append(contentsOf: line)
        buffer.append(0x0A)
        lines += 1
    }

    /// Notes a trade of the line just added, for the `trade` table.
    public mutating func add(_ trade: ApogeeDatabase.TradeRow) { trades.append(trade) }

    /// Whether the open chunk should close now.
    public func isDue(now: Int64) -> Bool {
        guard lines > 0 else { return false }
        return lines >= maxLines || buffer.count > maxBytes || now - (openedAt ?? now) >= maxAge
    }

    /// Closes the open chunk and returns it (nil when it holds no line).
    public mutating func close() -> ChunkWrite? {
        guard lines > 0 else { return nil }
        let chunk = ChunkWrite(session: session, sequence: sequence, firstLine: firstLine, lineCount: lines, firstReceived: firstReceived ?? lastReceived, lastReceived: lastReceived, data: buffer, trades: trades)
        sequence += 1
        firstLine += lines
        lines = 0
        openedAt = nil
        buffer.removeAll(keepingCapacity: true)
        trades.removeAll(keepingCapacity: true)
        return chunk
    }
}
