import Recording
import Feeds
import Foundation
import MarketModel
import Storage

/// `apogee import`: a recording file into a database session, chunk by chunk.
public enum RecordingImport {
    public struct Outcome: Sendable {
        public var file: String
        public var session: Int64
        public var lines: Int
        public var alreadyThere: Bool
        public var seconds: Double
    }

    /// Lines per chunk: big enough that a replay makes few queries, small enough that a
    /// crash loses little (each chunk is its own transaction).

    public static func run(file: String, database: ApogeeDatabase, progress: ((String) -> Void)? = nil, stop: StopRequest? = nil) throws(BacktestFailure) -> Outcome {
        let clock = ContinuousClock()
        let started = clock.now
        let hash: String
        do {
            hash = try contentHash(file)
        } catch {
            throw .replay(.recording(error))
        }
        do {
            if let existing = try database.importedSession(hash: hash) {
                return Outcome(file: file, session: existing.id ?? 0, lines: existing.lines, alreadyThere: true, seconds: 0)
            }
        } catch {
            throw .configuration(error.description)
        }
        let csv = BinanceCSV.recognise(file)
        if csv == nil, BinanceCSV.isCSVName(file) {
            // Read as a recording, every row would be a malformed line and the import a
            // "success" of nothing.
            throw .replay(.recording(.readFailed(path: file, reason: "a CSV file is imported only as one of Binance's public-data files, named SYMBOL-trades-DATE.csv or SYMBOL-aggTrades-DATE.csv (.gz allowed) with a symbol of letters and digits; rename it so its kind and symbol are known. Nothing was imported")))
        }
        let reader: RecordingReader
        do {
            reader = try RecordingReader(path: file)
        } catch {
            throw .replay(.recording(error))
        }
        let record = SessionRecord(id: nil, kind: "imported", source: file, sourceHash: hash, exchange: "binance", market: (ReplayOptions.market(fromFileName: file) ?? BinanceCSV.market(path: file))?.rawValue, symbols: "", firstReceivedNs: nil, lastReceivedNs: nil, lines: 0, complete: false, createdAt: Timestamp(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9)).description)
        let session: Int64
        do {
            session = try database.startSession(record)
        } catch {
            throw .configuration(error.description)
        }
        // The file's exchange is read from its first message (Binance's or Gate.io's
        // frames); Gate.io futures learn their contract sizes from the recorded details.
        var parser: VenueFrameParser?
        var events: [MarketEvent] = []
        var symbols: [String] = []
        var market = record.market
        var chunker = SessionChunker(session: session)
        var first: Int64?
        var last: Int64?
        var lines = 0
        // Writes go through the recorder's thread: reading and parsing never wait on disk.
        let recorder = Recorder(database: database)
        var candles: [String: [ApogeeDatabase.CandleRow]] = [:]
        func note(_ trade: TradePrint) {
            chunker.add(ApogeeDatabase.TradeRow(symbol: trade.symbol, tradeID: Int64(bitPattern: trade.id), timeNanoseconds: trade.tradeTime.nanoseconds, price: trade.price.units, quantity: trade.quantity.units, aggressor: trade.aggressor.rawValue))
            let minute = trade.tradeTime.nanoseconds - ((trade.tradeTime.nanoseconds % 60_000_000_000) + 60_000_000_000) % 60_000_000_000
            // In place: the dictionary's array is not copied for each trade.
            Self.add(trade, minute: minute, to: &candles[trade.symbol, default: []])
        }
        func flush() throws(StorageError) {
            if let chunk = chunker.close() { try recorder.append(chunk) }
        }
        func wallNow() -> Int64 { Int64(HeadlessReplay.seconds(clock.now - started) * 1e9) }
        var eventCount = 0
        func take(_ line: UnsafeRawBufferPointer) throws {
            lines += 1
            let split = try? RecordingLine.split(line)
            let now = wallNow()
            chunker.add(line, received: split?.received.nanoseconds, now: now)
            if let split {
                first = first ?? split.received.nanoseconds
                last = split.received.nanoseconds
                if parser == nil {
                    let dialect = FrameDialect.sniff(split.message)
                    parser = VenueFrameParser(dialect)
                    if dialect != .binance { market = dialect.market?.rawValue }
                }
                if split.message.starts(with: GateSymbolDetails.futuresLinePrefix.utf8), let details = try? ExchangeRulesSource.parseGate(Array(split.message), at: split.received), let multiplier = details.multiplier {
                    parser!.learn(multiplier, of: details.rules.symbol)
                }
                events.removeAll(keepingCapacity: true)
                try? parser!.parse(split.message, received: split.received, into: &events)
                eventCount += events.count
                for event in events {
                    if let symbol = event.symbol, !symbols.contains(symbol) { symbols.append(symbol) }
                    switch event {
                    case .trade(let trade): note(trade)
                    case .bookDelta(let delta) where market == nil: market = delta.previousFinalUpdateID == nil ? "spot" : "usdm"
                    default: break
                    }
                }
            }
            if chunker.isDue(now: now) {
                try flush()
                progress?("import \(file): \(Int(Double(reader.fileBytesRead) / Double(max(reader.fileSize, 1)) * 100))%  \(lines) lines")
            }
        }
        do {
            while let raw = try reader.nextLine() {
                // An interrupted import keeps nothing: a session that stops halfway
                // would replay as if the market had gone quiet.
                if reader.lineNumber & 4095 == 0, let signal = stop?.signal {
                    throw BacktestFailure.interrupted(signal: signal, what: "import of \(file) stopped at line \(reader.lineNumber) (\(Int(Double(reader.fileBytesRead) / Double(max(reader.fileSize, 1)) * 100))%); the partial session \(session) was removed, nothing was kept")
                }
                guard let csv else {
                    try take(raw)
                    continue
                }
                // A Binance CSV row becomes a recording line of the same trade.
                let row = Substring(String(decoding: raw, as: UTF8.self))
                let made: (received: Int64, text: String, columns: Int)?
                do {
                    made = try BinanceCSV.line(row, kind: csv.kind, symbol: csv.symbol)
                } catch {
                    throw RecordingError.readFailed(path: file, reason: "line \(reader.lineNumber) is not a Binance \(csv.kind == .trades ? "trades" : "aggTrades") row: \(error.reason)")
                }
                guard let made else {
                    // Only futures files have a header row.
                    if market == nil { market = MarketKind.usdMargined.rawValue }
                    continue
                }
                if market == nil { market = BinanceCSV.market(columns: made.columns, kind: csv.kind)?.rawValue }
                try Array("\(made.received) \(made.text)".utf8).withUnsafeBytes { try take($0) }
            }
            try flush()
            guard eventCount > 0 else {
                throw RecordingError.readFailed(path: file, reason: lines == 0 ? "the file is empty; nothing was imported" : "none of its \(lines) line(s) is a market event Apogee reads (a Binance or Gate.io recording, or a Binance public-data CSV); nothing was imported")
            }
            try recorder.finish()
            try database.finishSession(session, symbols: symbols, market: market, firstReceived: first, lastReceived: last, lines: lines, candles: candles.keys.sorted().flatMap { candles[$0]! }, exchange: parser.map { $0.dialect == .binance ? "binance" : "gateio" })
        } catch let error as RecordingError {
            try? recorder.finish()
            database.deleteSession(session)
            throw .replay(.recording(error))
        } catch let error as StorageError {
            try? recorder.finish()
            database.deleteSession(session)
            throw .configuration(error.description)
        } catch let error as BacktestFailure {
            try? recorder.finish()
            database.deleteSession(session)
            throw error
        } catch {
            try? recorder.finish()
            database.deleteSession(session)
            throw .configuration("\(error)")
        }
        return Outcome(file: file, session: session, lines: lines, alreadyThere: false, seconds: HeadlessReplay.seconds(clock.now - started))
    }

    /// Adds a trade to its minute's candle in `rows` (oldest first).
    ///
    /// Trades come in time order but not always (a late print, merged connections):
    /// the minute is looked for from the newest back, so a late trade joins its own
    /// minute instead of opening a second one, which the table's
    /// one-candle-per-minute key refused ("UNIQUE constraint failed: candle_1m").
    static func add(_ trade: TradePrint, minute: Int64, to rows: inout [ApogeeDatabase.CandleRow]) {
        var index = rows.count - 1
        while index >= 0, rows[index].start > minute { index -= 1 }
        guard index >= 0, rows[index].start == minute else {
            rows.insert(ApogeeDatabase.CandleRow(symbol: trade.symbol, start: minute, open: trade.price.units, high: trade.price.units, low: trade.price.units, close: trade.price.units, volume: trade.quantity.units, trades: 1), at: index + 1)
            return
        }
        rows[index].high = max(rows[index].high, trade.price.units)
        rows[index].low = min(rows[index].low, trade.price.units)
        // The newest minute's close follows its trades; an older minute's close stays
        // with the trades that came in order.
        if index == rows.count - 1 { rows[index].close = trade.price.units }
        rows[index].volume += trade.quantity.units
        rows[index].trades += 1
    }

    /// FNV-1a over the file's bytes, with its size: the same content is the same import.
    public static func contentHash(_ path: String) throws(RecordingError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .cannotOpen(path: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot read it" : "No such file or directory")
        }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        data.withUnsafeBytes { bytes in
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01B3
            }
        }
        return String(hash, radix: 16) + "-" + String(data.count)
    }
}
