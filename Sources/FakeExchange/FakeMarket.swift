import Recording
import Feeds
import Foundation
import MarketModel
import OrderBook
import Synchronization

/// A recording played as a live market: its stream messages go out at the recorded
/// pace (times `speed`) to whoever subscribed, and the market keeps its own book so
/// the REST depth endpoint answers with the book as it stands, as Binance's does.
final class FakeMarket: @unchecked Sendable {
    struct Message: Sendable {
        var received: Int64
        var text: String
        /// `btcusdt@depth@100ms`, or nil for the REST snapshot line.
        var stream: String?
        /// `BTCUSDT`: the stream's symbol, or for a snapshot line its file's.
        var symbol: String = ""
    }

    let messages: [Message]
    /// The recording's symbols (`BTCUSDT`), from its stream names.
    let symbols: Set<String>
    let speed: Double
    let faults: FakeExchangeFaults
    /// Send today's exchange times instead of the recorded ones (see `ExchangeTimeShift`).
    var shiftTimesToNow = false
    private let state = Mutex(State())
    private let started = Mutex(false)

    struct State {
        /// The market's own book per symbol, from the recording's snapshot and diffs.
        var books: [String: OrderBook] = [:]
        var recordingSnapshots: [String: String] = [:]
        var sent = 0
        var finished = false
        var droppedOnce = false
        var gapOnce = false
        var depthSeen = 0
    }

    /// Called with each public trade as it plays (the account's orders match against it).
    var onTrade: (@Sendable (TradePrint) -> Void)?
    /// Called with each message to broadcast, its stream name, and the event it holds
    /// (the Gate.io dialect re-words the event).
    var broadcast: (@Sendable (String, String, MarketEvent?) -> Void)?
    /// Called once to close every subscriber's connection (a fault), or at the end.
    var closeAll: (@Sendable (String) -> Void)?

    /// Several recordings (one symbol each) play as one market, merged by receive time.
    init(recordings: [String], speed: Double, faults: FakeExchangeFaults) throws {
        var merged: [(message: Message, file: Int, line: Int)] = []
        for (file, path) in recordings.enumerated() {
            let reader = try RecordingReader(path: path)
            var messages: [Message] = []
            while let raw = try reader.nextLine() {
                guard let split = try? RecordingLine.split(raw) else { continue }
                let text = String(decoding: split.message, as: UTF8.self)
                let stream = Self.streamName(text)
                messages.append(Message(received: split.received.nanoseconds, text: text, stream: stream, symbol: stream.map(Self.symbol(ofStream:)) ?? ""))
            }
            // A snapshot line names no symbol: it is its file's.
            let fileSymbol = messages.first { $0.stream != nil }.map(\.symbol) ?? ""
            for (line, message) in messages.enumerated() {
                var named = message
                if named.stream == nil { named.symbol = fileSymbol }
                merged.append((named, file, line))
            }
        }
        messages = merged.sorted { ($0.message.received, $0.file, $0.line) < ($1.message.received, $1.file, $1.line) }.map(\.message)
        symbols = Set(messages.map(\.symbol).filter { !$0.isEmpty })
        self.speed = speed
        self.faults = faults
    }

    static func symbol(ofStream stream: String) -> String {
        String(stream.split(separator: "@").first ?? "").uppercased()
    }

    /// `"stream":"<name>"` of a combined-stream message.
    static func streamName(_ text: String) -> String? {
        guard text.hasPrefix("{\"stream\":\""), let end = text.dropFirst(11).firstIndex(of: "\"") else { return nil }
        return String(text[text.index(text.startIndex, offsetBy: 11)..<end])
    }

    var finished: Bool { state.withLock { $0.finished } }
    var sent: Int { state.withLock { $0.sent } }

    /// The playback thread's nice value (0: the process's own).
    let niceness = Atomic<Int32>(0)

    /// Starts the playback once (on the first subscriber).
    func startIfNeeded() {
        let first = started.withLock { started in
            defer { started = true }
            return !started
        }
        guard first else { return }
        let niceness = self.niceness.load(ordering: .relaxed)
        let thread = Thread { [self] in
            if niceness != 0 { setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness) }
            self.play()
        }
        thread.name = "fake-exchange-market"
        thread.start()
    }

    private func play() {
        guard let origin = messages.first?.received else { return }
        let clock = ContinuousClock()
        let start = clock.now
        var parser = BinanceFeedParser()
        // A depth message held back to be sent after the next one (a swap fault).
        var held: (String, String, MarketEvent?)?
        for message in messages {
            if speed > 0 {
                let due = start + .nanoseconds(Int64(Double(message.received - origin) / speed))
                let wait = due - clock.now
                if wait > .milliseconds(1) { Thread.sleep(forTimeInterval: Double(wait.components.attoseconds) / 1e18 + Double(wait.components.seconds)) }
            }
            let event = try? parser.parse(message.text, received: Timestamp(nanoseconds: message.received))
            guard let stream = message.stream else {
                // The recording's own REST snapshot: its symbol's book starts from it.
                state.withLock { state in
                    state.recordingSnapshots[message.symbol] = message.text
                    if case .bookSnapshot(let snapshot)? = event {
                        state.books[message.symbol, default: OrderBook(symbol: message.symbol, rule: .previousID)].apply(snapshot)
                    }
                }
                continue
            }
            if case .trade(let trade)? = event { onTrade?(trade) }
            var skip = false
            var drop = false
            state.withLock { state in
                if case .bookDelta(let delta)? = event {
                    state.books[delta.symbol, default: OrderBook(symbol: delta.symbol, rule: delta.previousFinalUpdateID != nil ? .previousID : .sequential)].apply(delta)
                    state.depthSeen += 1
                    if let gap = faults.gapAtDepthMessage, state.depthSeen == gap, !state.gapOnce {
                        state.gapOnce = true
                        skip = true
                    }
                }
                if !skip { state.sent += 1 }
                if let after = faults.dropAfterMessages, state.sent == after, !state.droppedOnce {
                    state.droppedOnce = true
                    drop = true
                }
            }
            if !skip {
                var text = message.text
                if shiftTimesToNow {
                    text = ExchangeTimeShift.shifted(text, byMilliseconds: Int64(Date().timeIntervalSince1970 * 1000) - message.received / 1_000_000)
                }
                if case .bookDelta? = event {
                    let number = state.withLock { $0.depthSeen }
                    if number == faults.swapDepthMessageWithNext {
                        held = (text, stream, event)
                        continue
                    }
                    broadcast?(text, stream, event)
                    if number == faults.duplicateDepthMessage { broadcast?(text, stream, event) }
                    if let (heldText, heldStream, heldEvent) = held {
                        held = nil
                        broadcast?(heldText, heldStream, heldEvent)
                    }
                } else {
                    broadcast?(text, stream, event)
                }
            }
            if drop { closeAll?("fault: connection dropped") }
        }
        state.withLock { $0.finished = true }
        closeAll?("end of recording")
    }

    /// The best price a new order of `side` would meet (the best ask for a BUY), or nil
    /// before the book of `symbol` is known.
    func bestPrice(of symbol: String, against side: String) -> Price? {
        state.withLock { state in
            let book = state.books[symbol]
            return side == "BUY" ? book?.bestAsk?.price : book?.bestBid?.price
        }
    }

    /// The levels a new order of `side` at `limit` reaches, best first (the asks at or
    /// below a buy's limit), at most 20.
    func reachableLevels(of symbol: String, against side: String, through limit: Price) -> [BookLevel] {
        state.withLock { state in
            guard let book = state.books[symbol] else { return [] }
            var levels: [BookLevel] = []
            (side == "BUY" ? book.asks : book.bids).forEachFromBest { level in
                guard levels.count < 20, side == "BUY" ? level.price <= limit : level.price >= limit else { return false }
                levels.append(level)
                return true
            }
            return levels
        }
    }

    /// The book of `symbol` (nil: the only one, when the market has one symbol).
    private func book(_ state: State, _ symbol: String?) -> OrderBook? {
        if let symbol { return state.books[symbol] }
        return state.books.count == 1 ? state.books.first?.value : nil
    }

    /// The book as Gate.io's `GET /spot/order_book?…&with_id=true` answers, once synced.
    func gateDepthResponse(limit: Int, pair: String) -> String? {
        state.withLock { state in
            guard let book = book(state, symbols.first { GateDialect.pair($0) == pair }), book.state == .synced, let id = book.lastUpdateID else { return nil }
            func levels(_ side: BookSide) -> String {
                side.top(limit).map { "[\"\($0.price)\",\"\($0.quantity)\"]" }.joined(separator: ",")
            }
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            return "{\"id\":\(id),\"current\":\(now),\"update\":\(now),\"asks\":[\(levels(book.asks))],\"bids\":[\(levels(book.bids))]}"
        }
    }

    /// Gate.io USDT futures' `GET /futures/usdt/order_book?...&with_id=true`: levels
    /// `{p, s}` in contracts, `current` in seconds with a fraction.
    func gateFuturesDepthResponse(limit: Int, contract: String) -> String? {
        state.withLock { state in
            guard let book = book(state, symbols.first { GateDialect.pair($0) == contract }), book.state == .synced, let id = book.lastUpdateID else { return nil }
            func levels(_ side: BookSide) -> String {
                side.top(limit).map { "{\"p\":\"\($0.price)\",\"s\":\(GateDialect.contracts($0.quantity))}" }.joined(separator: ",")
            }
            let now = Date().timeIntervalSince1970
            return "{\"id\":\(id),\"current\":\(String(format: "%.3f", now)),\"update\":\(String(format: "%.3f", now)),\"asks\":[\(levels(book.asks))],\"bids\":[\(levels(book.bids))]}"
        }
    }

    /// The REST depth answer of `symbol` (nil: the only one): the market's own book
    /// once it is synced, else the recording's snapshot (a client then waits for the
    /// diff that straddles it).
    func depthResponse(limit: Int, symbol: String?) -> String? {
        state.withLock { state in
            if let book = book(state, symbol), book.state == .synced, let id = book.lastUpdateID {
                func levels(_ side: BookSide) -> String {
                    side.top(limit).map { "[\"\($0.price.formatted(fractionDigits: 2))\",\"\($0.quantity.formatted(fractionDigits: 3))\"]" }.joined(separator: ",")
                }
                return "{\"lastUpdateId\":\(id),\"bids\":[\(levels(book.bids))],\"asks\":[\(levels(book.asks))]}"
            }
            let name = symbol ?? (symbols.count == 1 ? symbols.first : nil)
            return name.flatMap { name in state.recordingSnapshots[name] ?? messages.first { $0.stream == nil && $0.symbol == name }?.text }
        }
    }
}

/// Faults the fake exchange injects on demand.
public struct FakeExchangeFaults: Sendable {
    /// Close every connection once, after this many messages went out.
    public var dropAfterMessages: Int?
    /// Leave out the depth message with this number (1-based) once: a sequence gap.
    public var gapAtDepthMessage: Int?
    /// Take the order with this number (1-based) but lose the answer: the connection
    /// closes before the response, as when a network drops mid-request.
    public var loseResponseOfOrder: Int?
    /// Answer the order with this number 429 with `Retry-After: 1`, not carrying it out.
    public var rateLimitOrder: Int?
    /// The same for the n-th SELL order (on a spot account, the first take profit).
    public var rateLimitSell: Int?
    /// Carry out the order with this number but answer 503 (the outcome unknown to the
    /// client, as Binance documents for 5xx).
    public var serverErrorOfOrder: Int?
    /// Send the depth message with this number twice in a row.
    public var duplicateDepthMessage: Int?
    /// Send the depth message with this number after the one that follows it.
    public var swapDepthMessageWithNext: Int?
    /// Each public trade fills at most half of what is left of an order: every order
    /// that fills does so in parts.
    public var partialFills = false
    /// Hold every REST answer this long.
    public var restDelayMilliseconds: Int?
    /// Close a REST connection once it has been idle this long, as servers and load
    /// balancers do: a client's kept connection is gone when its next order goes.
    public var closeIdleRESTAfterMilliseconds: Int?
    /// Send REST answers with `Transfer-Encoding: chunked` (in two chunks) instead of a
    /// `Content-Length`.
    public var chunkedRESTAnswers = false
    /// The answers to the first cancel requests, one each (429 and 418: not carried
    /// out, with `Retry-After`; 503: not carried out; anything else: answered as usual):
    /// `[429, 503]` fails the first two cancels and lets the third through.
    public var failCancels: [Int] = []
    /// The share (0…1) of order, cancel and query requests hit by a random fault: a
    /// quarter each 429 (not carried out), 503 (not carried out), carried out but
    /// answered 503, carried out with the answer lost. Seeded: the same run, the same
    /// faults.
    public var randomFaultRate = 0.0
    /// Binance spot's user-data reports each sent twice.
    public var duplicateUserData = false
    /// Binance spot's user-data reports swapped in pairs (the first of each pair sent
    /// after the second).
    public var reorderUserData = false

    public init(dropAfterMessages: Int? = nil, gapAtDepthMessage: Int? = nil, loseResponseOfOrder: Int? = nil) {
        self.dropAfterMessages = dropAfterMessages
        self.gapAtDepthMessage = gapAtDepthMessage
        self.loseResponseOfOrder = loseResponseOfOrder
    }
}
