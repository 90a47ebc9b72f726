import Feeds
import MarketModel
import OrderBook

/// Replays recordings flat out, without a screen, and reports.
///
/// Several files are merged by local receive time (ties keep file order), as they
/// were received side by side; every symbol gets its own book and audit.
public enum HeadlessReplay {
    public static func run(_ options: ReplayOptions, progress: ((ReplayProgress) -> Void)? = nil) throws(ReplayFailure) -> ReplayReport {
        let clock = ContinuousClock()
        let started = clock.now
        var inputs: [ReplayInput] = []
        for path in options.files {
            do {
                inputs.append(try ReplayInput(path: path, market: options.market ?? ReplayOptions.market(fromFileName: path)))
            } catch {
                throw .recording(error)
            }
        }
        // Spot and futures files of one symbol need their own books: name them apart.
        let markets = inputs.map { $0.parser.market?.rawValue ?? "" }
        if Set(markets).count > 1 {
            for input in inputs { input.qualifier = "/" + (input.parser.market?.rawValue ?? "unknown") }
        }
        var state = ReplayState(options: options)
        let totalBytes = inputs.reduce(0) { $0 + $1.reader.fileSize }

        for input in inputs { try state.advance(input) }
        var nextProgressCheck = 16_384
        var lastProgress = started
        while true {
            // Pick the input whose pending line was received first.
            var chosen: ReplayInput?
            for input in inputs {
                guard let received = input.pendingReceived else { continue }
                if let best = chosen, let bestReceived = best.pendingReceived, bestReceived <= received { continue }
                chosen = input
            }
            guard let input = chosen else { break }
            try state.consume(input)
            try state.advance(input)

            if let progress, state.report.lines >= nextProgressCheck {
                nextProgressCheck = state.report.lines + 16_384
                let now = clock.now
                if now - lastProgress >= .milliseconds(200) {
                    lastProgress = now
                    progress(ReplayProgress(
                        fileBytesRead: inputs.reduce(0) { $0 + $1.reader.fileBytesRead },
                        fileBytesTotal: totalBytes,
                        lines: state.report.lines,
                        events: state.report.events,
                        elapsedSeconds: seconds(now - started)))
                }
            }
        }
        for input in inputs { try state.finish(input) }
        var report = state.finishedReport(inputs: inputs)
        report.elapsedSeconds = seconds(clock.now - started)
        return report
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

/// One recording being replayed: its reader, its parser, and the line waiting its turn.
final class ReplayInput {
    let reader: RecordingReader
    var parser: BinanceFeedParser
    /// The symbol this file's stream messages name: REST snapshots in the file belong to it.
    var symbol: String?
    /// Snapshots read before any message named the symbol.
    var unassignedSnapshots: [(snapshot: BookSnapshot, line: Int)] = []
    var pendingReceived: Timestamp?
    var pendingMessage = UnsafeRawBufferPointer(start: nil, count: 0)
    var pendingLine = 0
    /// Appended to symbol names when files of different markets are replayed together.
    var qualifier = ""

    init(path: String, market: MarketKind?) throws(RecordingError) {
        reader = try RecordingReader(path: path)
        parser = BinanceFeedParser(market: market)
    }
}

/// The replay's running state: the report under construction and the symbols' books.
struct ReplayState {
    let options: ReplayOptions
    var report: ReplayReport
    var symbols: [SymbolReplay] = []
    private var symbolIndex: [String: Int] = [:]
    private var lastSymbol = ""
    private var lastIndex = -1

    init(options: ReplayOptions) {
        self.options = options
        report = ReplayReport(files: options.files)
    }

    /// Reads the input's next usable line into its pending slot, counting the bad ones.
    mutating func advance(_ input: ReplayInput) throws(ReplayFailure) {
        input.pendingReceived = nil
        while true {
            let line: UnsafeRawBufferPointer?
            do {
                line = try input.reader.nextLine()
            } catch {
                try malformed(input.reader.path, error.line ?? input.reader.lineNumber + 1, error.description)
                return
            }
            guard let line else { return }
            report.lines += 1
            if line.isEmpty {
                try malformed(input.reader.path, input.reader.lineNumber, "empty line")
                continue
            }
            do {
                let split = try RecordingLine.split(line)
                input.pendingReceived = split.received
                input.pendingMessage = split.message
                input.pendingLine = input.reader.lineNumber
                return
            } catch {
                try malformed(input.reader.path, input.reader.lineNumber, error.description)
            }
        }
    }

    /// Parses and applies the input's pending line.
    mutating func consume(_ input: ReplayInput) throws(ReplayFailure) {
        guard let received = input.pendingReceived else { return }
        let event: MarketEvent
        do {
            event = try input.parser.parse(input.pendingMessage, received: received)
        } catch {
            try malformed(input.reader.path, input.pendingLine, error.description)
            return
        }
        report.counts.add(event.kind)
        if case .bookSnapshot(var snapshot) = event {
            guard let symbol = input.symbol else {
                input.unassignedSnapshots.append((snapshot, input.pendingLine))
                return
            }
            snapshot.symbol = symbol
            handle(.bookSnapshot(snapshot), input: input, line: input.pendingLine)
            return
        }
        let symbol = event.symbol ?? ""
        if input.symbol == nil {
            input.symbol = symbol
            for held in input.unassignedSnapshots {
                var snapshot = held.snapshot
                snapshot.symbol = symbol
                handle(.bookSnapshot(snapshot), input: input, line: held.line)
            }
            input.unassignedSnapshots.removeAll()
        }
        handle(event, input: input, line: input.pendingLine)
    }

    /// Counts what an input left unresolved at its end.
    mutating func finish(_ input: ReplayInput) throws(ReplayFailure) {
        for held in input.unassignedSnapshots {
            try malformed(input.reader.path, held.line, "depth snapshot in a file with no stream message to name its symbol")
        }
        input.unassignedSnapshots.removeAll()
    }

    private mutating func handle(_ event: MarketEvent, input: ReplayInput, line: Int) {
        let symbol = input.qualifier.isEmpty ? event.symbol ?? "" : (event.symbol ?? "") + input.qualifier
        let index: Int
        if symbol == lastSymbol, lastIndex >= 0 {
            index = lastIndex
        } else if let known = symbolIndex[symbol] {
            index = known
        } else {
            index = symbols.count
            symbolIndex[symbol] = index
            symbols.append(SymbolReplay(symbol: symbol, rule: input.parser.market.map(BookSyncRule.init(for:))))
        }
        lastSymbol = symbol
        lastIndex = index
        symbols[index].handle(event, source: line)
    }

    private mutating func malformed(_ file: String, _ line: Int, _ reason: String) throws(ReplayFailure) {
        let entry = MalformedLine(file: file, line: line, reason: reason)
        if options.strict { throw .malformed(entry) }
        report.malformed += 1
        if report.malformedSamples.count < options.malformedSamples {
            report.malformedSamples.append(entry)
        }
    }

    func finishedReport(inputs: [ReplayInput]) -> ReplayReport {
        var report = report
        report.symbols = symbols.sorted { $0.symbol < $1.symbol }
        for input in inputs {
            guard let symbol = input.symbol else { continue }
            report.decimals[symbol + input.qualifier] = input.parser.decimals
        }
        return report
    }
}
