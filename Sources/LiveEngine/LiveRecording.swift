import Recording
import VenueClients
import Feeds
import Foundation
import MarketModel
import Storage
import Synchronization
import Venues

/// `apogee record`: the exchange's raw frames, each with its local receive time, into
/// database sessions (kind `recorded`), in the format of `../shared/data`, so they
/// replay and backtest like an imported file. One connection carries every symbol;
/// each symbol gets a session of its own (a REST snapshot line names no symbol, as in
/// `../shared/data`, so a recording holds one), its frames routed there by their
/// stream name (Binance) or the symbol in their result (Gate.io, whose frames are
/// stored as they came, in Gate's own format). A REST snapshot per symbol is recorded at the start and after every
/// reconnect, as a line of its own, so the books of a replay sync. Chunks close every
/// second (``SessionChunker``): a crash loses at most the last second, and leaves the
/// sessions incomplete.
public enum LiveRecording {
    public struct Outcome: Sendable {
        /// The sessions, in the order of the symbols.
        public var sessions: [(symbol: String, session: Int64)]
        public var lines: Int
        public var snapshots: Int
        public var reconnects: Int
        /// The first symbol's session.
        public var session: Int64 { sessions[0].session }
    }

    /// One symbol's session being written.
    private struct Track {
        var symbol: String
        var chunker: SessionChunker
        var lines = 0
        var first: Int64?
        var last: Int64?
    }

    /// `progress` hears the count of stream frames recorded so far (not snapshots, not
    /// the rules lines),
    /// after each batch.
    public static func run(connection: VenueConnection, symbols: [String], database: ApogeeDatabase, progress: (@Sendable (Int) -> Void)? = nil, stopWhen: @escaping @Sendable () -> Bool) throws(LiveFailure) -> Outcome {
        let venue = connection.venue
        guard !symbols.isEmpty, Set(symbols).count == symbols.count else { throw LiveFailure(description: "name each symbol to record once with --symbols") }
        let futures = venue.isFutures
        let market = futures ? "usdm" : "spot"
        let exchange = venue.isGate ? "gateio" : "binance"
        // Gate.io futures sizes are contracts: the parser that files trades needs each
        // contract's size (unknown contracts end the recording before it starts).
        var parser = VenueFrameParser.of(connection, multipliers: try GateContracts.multipliers(connection, symbols: symbols))
        let queue = CommandQueue<(String, Int64)>()
        let feed = MarketStreamSet(connection: connection, symbols: symbols) { text, received in
            queue.post((text, received))
        }
        // Connected before the sessions exist: an unreachable exchange leaves no empty
        // session behind.
        try feed.start()
        defer { feed.stop() }
        var tracks: [Track] = []
        for symbol in symbols {
            let record = SessionRecord(kind: "recorded", source: connection.label, sourceHash: nil, exchange: exchange, market: market, symbols: symbol, createdAt: Timestamp(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9)).description)
            do { tracks.append(Track(symbol: symbol, chunker: SessionChunker(session: try database.startSession(record)))) } catch { throw LiveFailure(description: "cannot start the recording of \(symbol): \(error)") }
        }
        // `ethusdt@depth@100ms` → the track of ETHUSDT; on Gate.io the frame's own
        // symbol (its result's `s`, `currency_pair` or `contract`).
        var trackOfStream: [String: Int] = [:]
        var events: [MarketEvent] = []
        /// Parses a frame into `events` once: they route it (Gate.io) and file its trades.
        func parse(_ text: String, received: Int64) {
            events.removeAll(keepingCapacity: true)
            try? parser.parse(text, received: Timestamp(nanoseconds: received), into: &events)
        }
        func track(of text: String) -> Int? {
            if venue.isGate {
                guard let symbol = events.first?.symbol else { return tracks.count == 1 ? 0 : nil }
                return tracks.firstIndex { $0.symbol == symbol }
            }
            guard text.hasPrefix("{\"stream\":\""), let end = text.dropFirst(11).firstIndex(of: "\"") else { return tracks.count == 1 ? 0 : nil }
            let stream = String(text[text.index(text.startIndex, offsetBy: 11)..<end])
            if let known = trackOfStream[stream] { return known }
            let symbol = String(stream.split(separator: "@").first ?? "").uppercased()
            let index = tracks.firstIndex { $0.symbol == symbol }
            trackOfStream[stream] = index
            return index
        }

        let recorder = Recorder(database: database)
        var lines = 0
        var snapshots = 0
        // The rules lines written first: neither they nor snapshots are stream frames.
        var rulesLines = 0
        var snapshotsTakenAt = 0
        var needSnapshot: Set<Int> = []
        var lastSnapshotTry: Int64 = 0
        func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1e9) }

        /// Appends a line to a symbol's session; a stream frame's trades (`events`, parsed
        /// by ``parse``) are filed with it.
        func append(_ text: String, received: Int64, to index: Int, frame: Bool = false) throws(StorageError) {
            lines += 1
            tracks[index].lines += 1
            tracks[index].first = tracks[index].first ?? received
            tracks[index].last = received
            let line = "\(received) \(text)"
            Array(line.utf8).withUnsafeBytes { tracks[index].chunker.add($0, received: received, now: now()) }
            for case .trade(let trade) in frame ? events : [] {
                tracks[index].chunker.add(ApogeeDatabase.TradeRow(symbol: trade.symbol, tradeID: Int64(bitPattern: trade.id), timeNanoseconds: trade.tradeTime.nanoseconds, price: trade.price.units, quantity: trade.quantity.units, aggressor: trade.aggressor.rawValue))
            }
            if tracks[index].chunker.isDue(now: now()), let chunk = tracks[index].chunker.close() { try recorder.append(chunk) }
        }
        func closeDueChunks() throws(StorageError) {
            for index in tracks.indices where tracks[index].chunker.isDue(now: now()) {
                if let chunk = tracks[index].chunker.close() { try recorder.append(chunk) }
            }
        }

        do {
            // The exchange's filters in force, first in each session: a replay and a
            // backtest of it fit their orders to them. A session without them falls back
            // to inferring tick and lot, and its report says so.
            for index in tracks.indices {
                if let answer = feed.exchangeInfo(of: tracks[index].symbol), let line = Self.rulesLine(answer, symbol: tracks[index].symbol, venue: venue) {
                    try append(line, received: now(), to: index)
                    rulesLines += 1
                }
            }
            while !stopWhen() {
                let batch = queue.takeAll()
                if batch.isEmpty {
                    usleep(2_000)
                    try closeDueChunks()
                }
                for (text, received) in batch {
                    parse(text, received: received)
                    guard let index = track(of: text) else { continue }
                    try append(text, received: received, to: index, frame: true)
                }
                if !batch.isEmpty { progress?(lines - snapshots - rulesLines) }
                // A snapshot per symbol once the stream flows, and again after a reconnect;
                // one that failed (a timeout, a 5xx) is tried again a second later.
                let connections = feed.status.connections
                if lines > 0, connections > snapshotsTakenAt {
                    snapshotsTakenAt = connections
                    needSnapshot = Set(tracks.indices)
                }
                if !needSnapshot.isEmpty, now() - lastSnapshotTry >= 1_000_000_000 {
                    lastSnapshotTry = now()
                    for index in needSnapshot.sorted() {
                        guard let body = feed.depthSnapshot(of: tracks[index].symbol) else { continue }
                        try append(body, received: now(), to: index)
                        snapshots += 1
                        needSnapshot.remove(index)
                    }
                }
            }
            // What arrived before the stop is kept too.
            for (text, received) in queue.takeAll() {
                parse(text, received: received)
                guard let index = track(of: text) else { continue }
                try append(text, received: received, to: index, frame: true)
            }
            for index in tracks.indices {
                if let chunk = tracks[index].chunker.close() { try recorder.append(chunk) }
            }
            try recorder.finish()
            for track in tracks {
                try database.finishSession(track.chunker.session, symbols: [track.symbol], market: market, firstReceived: track.first, lastReceived: track.last, lines: track.lines)
            }
        } catch {
            try? recorder.finish()
            throw LiveFailure(description: "recording sessions \(tracks.map { String($0.chunker.session) }.joined(separator: ", ")): \(error); what was written is kept, the sessions stay incomplete")
        }
        return Outcome(sessions: tracks.map { ($0.symbol, $0.chunker.session) }, lines: lines, snapshots: snapshots, reconnects: max(0, feed.status.connections - 1))
    }

    /// The exchange's rules answer as a session's line: Binance's exchangeInfo cut to
    /// the symbol; Gate.io's pair or contract details wrapped so a replay knows them
    /// (``GateSymbolDetails``); nil when the answer is not about `symbol`.
    static func rulesLine(_ answer: String, symbol: String, venue: VenueID) -> String? {
        guard venue.isGate else { return exchangeInfoLine(answer, symbol: symbol) }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(answer.utf8))) as? [String: Any],
              GateSymbolDetails.symbol(object) == symbol,
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return nil }
        let prefix = venue == .gateFutures ? GateSymbolDetails.futuresLinePrefix : GateSymbolDetails.spotLinePrefix
        return prefix + String(decoding: data, as: UTF8.self) + "}"
    }

    /// The answer cut to `symbol`'s entry, on one line (USD-M lists every symbol: a
    /// megabyte per session otherwise); nil when the answer does not list it.
    static func exchangeInfoLine(_ answer: String, symbol: String) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(answer.utf8))) as? [String: Any],
              let symbols = object["symbols"] as? [[String: Any]],
              let entry = symbols.first(where: { $0["symbol"] as? String == symbol }) else { return nil }
        // `{"symbols":[…]}`: how a replay tells the line from a stream message.
        guard let data = try? JSONSerialization.data(withJSONObject: ["symbols": [entry]], options: [.sortedKeys]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
