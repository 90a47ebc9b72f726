import Feeds
import Foundation
import MarketModel
import Storage
import Synchronization
import Venues

/// `apogee record`: the exchange's raw frames, each with its local receive time, into
/// a database session (kind `recorded`), in the format of `../shared/data`, so it
/// replays and backtests like an imported file. A REST snapshot per symbol is recorded
/// at the start and after every reconnect, as a line of its own, so the books of a
/// replay sync. Chunks close every second (``SessionChunker``): a crash loses at most
/// the last second, and leaves the session incomplete.
public enum LiveRecording {
    public struct Outcome: Sendable {
        public var session: Int64
        public var lines: Int
        public var snapshots: Int
        public var reconnects: Int
    }

    public static func run(connection: VenueConnection, symbols: [String], database: ApogeeDatabase, stopWhen: @escaping @Sendable () -> Bool) throws(LiveFailure) -> Outcome {
        let venue = connection.venue
        guard venue == .binance || venue == .binanceFutures else {
            throw LiveFailure(description: "recording \(venue.rawValue) is not built yet (Binance spot and USD-M are; a recording is Binance's frame format)")
        }
        // A REST snapshot line names no symbol (as in ../shared/data), so a replay can
        // tell whose it is only when the session holds one symbol.
        guard symbols.count == 1 else { throw LiveFailure(description: "record one symbol per session (a REST snapshot names no symbol); run one `apogee record` per symbol") }
        let futures = venue.isFutures
        let queue = CommandQueue<(String, Int64)>()
        let feed = MarketStreamSet(connection: connection, symbols: symbols) { text, received in
            queue.post((text, received))
        }
        // Connected before the session exists: an unreachable exchange leaves no empty
        // session behind.
        try feed.start()
        defer { feed.stop() }
        let record = SessionRecord(kind: "recorded", source: connection.label, sourceHash: nil, exchange: "binance", market: futures ? "usdm" : "spot", symbols: symbols.joined(separator: ","), createdAt: Timestamp(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9)).description)
        let session: Int64
        do { session = try database.startSession(record) } catch { throw LiveFailure(description: "cannot start the recording: \(error)") }

        let recorder = Recorder(database: database)
        var chunker = SessionChunker(session: session)
        var parser = BinanceFeedParser(market: futures ? .usdMargined : .spot)
        var lines = 0
        var first: Int64?
        var last: Int64?
        var snapshots = 0
        var snapshotsTakenAt = 0
        func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1e9) }

        func append(_ text: String, received: Int64) throws(StorageError) {
            lines += 1
            first = first ?? received
            last = received
            let line = "\(received) \(text)"
            Array(line.utf8).withUnsafeBytes { chunker.add($0, received: received, now: now()) }
            if case .trade(let trade)? = try? parser.parse(text, received: Timestamp(nanoseconds: received)) {
                chunker.add(ApogeeDatabase.TradeRow(symbol: trade.symbol, tradeID: Int64(bitPattern: trade.id), timeNanoseconds: trade.tradeTime.nanoseconds, price: trade.price.units, quantity: trade.quantity.units, aggressor: trade.aggressor.rawValue))
            }
            if chunker.isDue(now: now()), let chunk = chunker.close() { try recorder.append(chunk) }
        }

        do {
            while !stopWhen() {
                let batch = queue.takeAll()
                if batch.isEmpty {
                    usleep(2_000)
                    if chunker.isDue(now: now()), let chunk = chunker.close() { try recorder.append(chunk) }
                }
                for (text, received) in batch { try append(text, received: received) }
                // A snapshot per symbol once the stream flows, and again after a reconnect.
                let connections = feed.status.connections
                if lines > 0, connections > snapshotsTakenAt {
                    snapshotsTakenAt = connections
                    for symbol in symbols {
                        guard let body = feed.depthSnapshot(of: symbol) else { continue }
                        try append(body, received: now())
                        snapshots += 1
                    }
                }
            }
            if let chunk = chunker.close() { try recorder.append(chunk) }
            try recorder.finish()
            try database.finishSession(session, symbols: symbols, market: futures ? "usdm" : "spot", firstReceived: first, lastReceived: last, lines: lines)
        } catch {
            try? recorder.finish()
            throw LiveFailure(description: "recording session \(session): \(error); what was written is kept, the session stays incomplete")
        }
        return Outcome(session: session, lines: lines, snapshots: snapshots, reconnects: max(0, feed.status.connections - 1))
    }
}
