import Recording
import Feeds
import HeapModule
import MarketModel
import Storage
import Trading

/// Market events from one or more recordings, merged by local receive time (ties keep
/// file order), with every unusable line counted and described.
///
/// A REST snapshot names no symbol; it belongs to the symbol of its file's stream
/// messages and is held until the first of them names it.
public final class RecordingEventStream {
    /// One event and where it came from.
    public struct Item {
        public var event: MarketEvent
        /// The symbol's name in reports (qualified by market when files of different
        /// markets are merged, e.g. `BTCUSDT/usdm`).
        public var key: String
        public var line: Int
        public var input: Int
        public var market: MarketKind?
    }

    public let options: ReplayOptions
    public private(set) var lines = 0
    public private(set) var counts = EventCounts()
    public private(set) var malformed = 0
    public private(set) var malformedSamples: [MalformedLine] = []
    /// Lines received earlier than the line before them in their file.
    public private(set) var clockSteps = ClockSteps()
    /// Trades seen twice (same symbol, same id), skipped.
    public var repeatedTrades: Int { repeats.count }
    private var repeats = RepeatedTrades()
    /// The exchange's rules recorded in the files (an exchangeInfo answer saved as a
    /// line by `apogee record`), by symbol, as read so far.
    public private(set) var exchangeRules: [String: SymbolRules] = [:]
    public let inputs: [ReplayInput]
    private var ready: [Item] = []
    private var started = false

    public init(options: ReplayOptions) throws(ReplayFailure) {
        self.options = options
        var inputs: [ReplayInput] = []
        var database: ApogeeDatabase?
        for path in options.files {
            do throws(RecordingError) {
                if let id = ReplayOptions.sessionID(path) {
                    if database == nil {
                        do {
                            database = try ApogeeDatabase(path: options.database ?? ApogeeDatabase.defaultPath)
                        } catch {
                            throw RecordingError.cannotOpen(path: path, reason: error.description)
                        }
                    }
                    let source = try SessionLineSource(database: database!, session: id)
                    let input = ReplayInput(source: source, market: options.market ?? source.market)
                    if source.exchange == "gateio" { input.declare(source.market?.isFutures == true ? .gateFutures : .gateSpot) }
                    inputs.append(input)
                } else {
                    inputs.append(ReplayInput(source: try RecordingReader(path: path), market: options.market ?? ReplayOptions.market(fromFileName: path)))
                }
            } catch {
                throw .recording(error)
            }
        }
        // Spot and futures files of one symbol need their own books: name them apart.
        if Set(inputs.map { $0.market?.rawValue ?? "" }).count > 1 {
            for input in inputs { input.qualifier = "/" + (input.market?.rawValue ?? "unknown") }
        }
        self.inputs = inputs
    }

    public var fileBytesTotal: Int { inputs.reduce(0) { $0 + $1.reader.fileSize } }
    public var fileBytesRead: Int { inputs.reduce(0) { $0 + $1.reader.fileBytesRead } }
    public var events: Int { counts.total }

    /// The decimals each symbol's feed prints with, by report key.
    public var decimals: [String: DecimalPlaces] {
        var result: [String: DecimalPlaces] = [:]
        for input in inputs {
            guard let symbol = input.symbol else { continue }
            result[symbol + input.qualifier] = input.gate?.decimals ?? input.parser.decimals
        }
        return result
    }

    /// The inputs with a line waiting, earliest first (ties: the file given first). A
    /// heap: with hundreds of files, finding the earliest by walking them all was the
    /// whole cost of a market-wide backtest.
    private var waiting = Heap<Waiting>()

    struct Waiting: Comparable {
        var received: Timestamp
        var input: Int
        static func < (left: Waiting, right: Waiting) -> Bool {
            left.received != right.received ? left.received < right.received : left.input < right.input
        }
    }

    /// The next event in receive order, or `nil` at the end of every file.
    public func next() throws(ReplayFailure) -> Item? {
        if !started {
            started = true
            for (index, input) in inputs.enumerated() {
                try advance(input)
                if let received = input.pendingReceived { waiting.insert(Waiting(received: received, input: index)) }
            }
        }
        if !ready.isEmpty { return ready.removeFirst() }
        while true {
            guard let earliest = waiting.popMin() else {
                try finish()
                return nil
            }
            let chosen = earliest.input
            let item = try consume(inputs[chosen], index: chosen)
            try advance(inputs[chosen])
            if let received = inputs[chosen].pendingReceived { waiting.insert(Waiting(received: received, input: chosen)) }
            guard let item else {
                if !ready.isEmpty { return ready.removeFirst() }
                continue
            }
            // Snapshots held for this symbol go first.
            if !ready.isEmpty {
                ready.append(item)
                return ready.removeFirst()
            }
            return item
        }
    }

    /// Reads the input's next usable line into its pending slot, counting the bad ones.
    private func advance(_ input: ReplayInput) throws(ReplayFailure) {
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
            lines += 1
            if line.isEmpty {
                try malformed(input.reader.path, input.reader.lineNumber, "empty line")
                continue
            }
            do {
                let split = try RecordingLine.split(line)
                if let previous = input.lastReceived, split.received < previous {
                    clockSteps.record(back: previous.nanoseconds - split.received.nanoseconds, file: input.reader.path, line: input.reader.lineNumber)
                }
                input.lastReceived = split.received
                input.pendingReceived = split.received
                input.pendingMessage = split.message
                input.pendingLine = input.reader.lineNumber
                return
            } catch {
                try malformed(input.reader.path, input.reader.lineNumber, error.description)
            }
        }
    }

    /// Parses the input's pending line; snapshots waiting for their symbol are queued.
    private func consume(_ input: ReplayInput, index: Int) throws(ReplayFailure) -> Item? {
        guard let received = input.pendingReceived else { return nil }
        if !input.dialectKnown { input.declare(FrameDialect.sniff(input.pendingMessage)) }
        if Self.isExchangeInfo(input.pendingMessage) {
            do {
                for rules in try ExchangeRulesSource.parse(Array(input.pendingMessage), at: received) { exchangeRules[rules.symbol] = rules }
            } catch {
                try malformed(input.reader.path, input.pendingLine, "exchangeInfo line: \(error)")
            }
            return nil
        }
        if input.gate != nil { return try consumeGate(input, index: index, received: received) }
        let event: MarketEvent
        do {
            event = try input.parser.parse(input.pendingMessage, received: received)
        } catch {
            try malformed(input.reader.path, input.pendingLine, error.description)
            return nil
        }
        if case .trade(let trade) = event, repeats.isRepeat(trade, input: index, qualifier: input.qualifier) { return nil }
        if case .bookSnapshot(var snapshot) = event {
            // Counted once it has a symbol (in `item`): a snapshot never named is a
            // malformed line, not an event too.
            guard let symbol = input.symbol else {
                input.unassignedSnapshots.append((snapshot, input.pendingLine))
                return nil
            }
            snapshot.symbol = symbol
            return item(.bookSnapshot(snapshot), symbol: symbol, input: input, index: index, line: input.pendingLine)
        }
        let symbol = event.symbol ?? ""
        if input.symbol == nil { try name(input, symbol: symbol, index: index) }
        return item(event, symbol: symbol, input: input, index: index, line: input.pendingLine)
    }

    /// The symbol of a file's stream messages, learnt from the first: the snapshots
    /// held for it go out first.
    private func name(_ input: ReplayInput, symbol: String, index: Int) throws(ReplayFailure) {
        input.symbol = symbol
        for held in input.unassignedSnapshots {
            do {
                let snapshot = try input.gate?.named(held.snapshot, symbol: symbol) ?? { var named = held.snapshot; named.symbol = symbol; return named }()
                ready.append(item(.bookSnapshot(snapshot), symbol: symbol, input: input, index: index, line: held.line))
            } catch {
                try malformed(input.reader.path, held.line, error.description)
            }
        }
        input.unassignedSnapshots.removeAll()
    }

    /// A Gate.io line: its recorded market details, or a frame of any number of
    /// events (a futures trade frame carries several; an acknowledgement none), all
    /// queued in order.
    private func consumeGate(_ input: ReplayInput, index: Int, received: Timestamp) throws(ReplayFailure) -> Item? {
        let line = input.pendingLine
        if input.pendingMessage.starts(with: GateSymbolDetails.spotLinePrefix.utf8) || input.pendingMessage.starts(with: GateSymbolDetails.futuresLinePrefix.utf8) {
            do {
                let details = try ExchangeRulesSource.parseGate(Array(input.pendingMessage), at: received)
                exchangeRules[details.rules.symbol] = details.rules
                if let multiplier = details.multiplier { input.gate?.learn(multiplier, of: details.rules.symbol) }
            } catch {
                try malformed(input.reader.path, line, "Gate.io market details: \(error)")
            }
            return nil
        }
        var events: [MarketEvent] = []
        do {
            try input.gate!.parse(input.pendingMessage, received: received, into: &events)
        } catch {
            try malformed(input.reader.path, line, error.description)
            return nil
        }
        for event in events {
            if case .trade(let trade) = event, repeats.isRepeat(trade, input: index, qualifier: input.qualifier) { continue }
            if case .bookSnapshot(let snapshot) = event {
                guard let symbol = input.symbol else {
                    input.unassignedSnapshots.append((snapshot, line))
                    continue
                }
                do {
                    ready.append(item(.bookSnapshot(try input.gate!.named(snapshot, symbol: symbol)), symbol: symbol, input: input, index: index, line: line))
                } catch {
                    try malformed(input.reader.path, line, error.description)
                }
                continue
            }
            let symbol = event.symbol ?? ""
            if input.symbol == nil { try name(input, symbol: symbol, index: index) }
            ready.append(item(event, symbol: symbol, input: input, index: index, line: line))
        }
        return nil
    }

    /// An exchangeInfo answer (`{"timezone":…` or `{"symbols":…`) rather than a stream
    /// message or a depth snapshot.
    static func isExchangeInfo(_ message: UnsafeRawBufferPointer) -> Bool {
        // Two byte reads turn away every stream message (`{"stream"…`, `{"lastUpdateId"…`)
        // before the whole prefix is compared: this runs on every line.
        guard message.count > 11, message[0] == UInt8(ascii: "{"), message[1] == UInt8(ascii: "\""),
              message[3] == UInt8(ascii: "i") || message[3] == UInt8(ascii: "y") else { return false }
        return message.starts(with: "{\"timezone\"".utf8) || message.starts(with: "{\"symbols\"".utf8)
    }

    /// An event ready to hand out, counted here: every event is counted once, when it
    /// leaves, and a snapshot only once its symbol is known.
    private func item(_ event: MarketEvent, symbol: String, input: ReplayInput, index: Int, line: Int) -> Item {
        counts.add(event.kind)
        return Item(event: event, key: input.qualifier.isEmpty ? symbol : symbol + input.qualifier, line: line, input: index, market: input.market)
    }

    /// The inputs that held no line at all, in the order given (known at the end).
    public private(set) var emptyFiles: [String] = []

    /// Counts what the inputs left unresolved at their end.
    private func finish() throws(ReplayFailure) {
        emptyFiles = inputs.filter { $0.reader.lineNumber == 0 }.map(\.reader.path)
        for input in inputs {
            for held in input.unassignedSnapshots {
                try malformed(input.reader.path, held.line, "depth snapshot in a file with no stream message to name its symbol")
            }
            input.unassignedSnapshots.removeAll()
        }
    }

    private func malformed(_ file: String, _ line: Int, _ reason: String) throws(ReplayFailure) {
        let entry = MalformedLine(file: file, line: line, reason: reason)
        if options.strict { throw .malformed(entry) }
        malformed += 1
        if malformedSamples.count < options.malformedSamples {
            malformedSamples.append(entry)
        }
    }
}

/// One recording being read: its reader, its parser, and the line waiting its turn.
public final class ReplayInput {
    public let reader: any LineSource
    /// Binance's frames are read by this parser.
    public var parser: BinanceFeedParser
    /// Gate.io's frames are read by this one (nil: the recording is Binance's).
    public var gate: VenueFrameParser?
    /// Whether the recording's exchange is known: declared by its session, or read
    /// from its first message (``FrameDialect/sniff(_:)``).
    public private(set) var dialectKnown = false
    /// The symbol this file's stream messages name: REST snapshots in the file belong to it.
    public var symbol: String?
    /// Snapshots read before any message named the symbol.
    public var unassignedSnapshots: [(snapshot: BookSnapshot, line: Int)] = []
    public var pendingReceived: Timestamp?
    public var pendingMessage = UnsafeRawBufferPointer(start: nil, count: 0)
    public var pendingLine = 0
    /// The receive time of the last usable line read.
    public var lastReceived: Timestamp?
    /// Appended to symbol names when files of different markets are replayed together.
    public var qualifier = ""

    public init(source: any LineSource, market: MarketKind?) {
        reader = source
        parser = BinanceFeedParser(market: market)
    }

    /// The market the recording comes from, when known.
    public var market: MarketKind? { gate?.market ?? parser.market }

    /// Settles the recording's exchange; Gate.io's frames then go to its parser.
    func declare(_ dialect: FrameDialect) {
        dialectKnown = true
        guard dialect != .binance else { return }
        gate = VenueFrameParser(dialect)
    }
}
