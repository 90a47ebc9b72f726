import MarketModel
import OrderBook
import RedisMirror

/// Feeds a headless replay's state to the Redis mirror: trades, book tops (only when
/// the mirror is ready for one), metrics, and events when a book's sync state changes.
/// Costs the replay a lock per event at most; everything else happens on the mirror's
/// own thread.
public struct ReplayMirrorFeed {
    public let mirror: RedisMirror
    private var handles: [Int] = []
    private var bookRounds: [Int] = []
    private var states: [BookSyncState?] = []
    private var gaps: [Int] = []
    private var events = 0
    private var nextMetricsCheck = 0
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant

    public init(mirror: RedisMirror, files: [String]) {
        self.mirror = mirror
        started = clock.now
        var event = JSONWriter()
        event.beginObject()
        event.value("type", "state")
        event.value("state", "replay_started")
        event.beginArray("files")
        for file in files { event.value(nil, file) }
        event.endArray()
        event.endObject()
        mirror.publish(event.text)
    }

    public mutating func observe(_ event: MarketEvent, slot: Int, symbol: SymbolReplay) {
        events += 1
        while handles.count <= slot {
            handles.append(-1)
            bookRounds.append(0)
            states.append(nil)
            gaps.append(0)
        }
        if handles[slot] < 0 { handles[slot] = mirror.symbol(symbol.symbol) }
        let handle = handles[slot]
        switch event {
        case .trade(let trade):
            mirror.trade(trade, symbol: handle)
        case .bookDelta, .bookSnapshot:
            guard let book = symbol.book else { break }
            noteState(of: book, slot: slot, time: event.time.received)
            let round = mirror.bookRound
            if round != bookRounds[slot] {
                bookRounds[slot] = round
                mirror.book(Self.top(of: book, time: event.time.received), symbol: handle)
            }
        case .bestBidAsk:
            break
        }
        if events >= nextMetricsCheck {
            nextMetricsCheck = events + 1024
            if mirror.wantsMetrics { mirror.metrics(metrics(audit: nil)) }
        }
    }

    /// Writes the final books and metrics and says the replay is over.
    public mutating func finish(_ report: ReplayReport) {
        for symbol in report.symbols {
            guard let book = symbol.book else { continue }
            mirror.book(Self.top(of: book, time: symbol.lastReceived ?? Timestamp(nanoseconds: 0)), symbol: mirror.symbol(symbol.symbol))
        }
        mirror.metrics(metrics(audit: report))
        var event = JSONWriter()
        event.beginObject()
        event.value("type", "state")
        event.value("state", "replay_finished")
        event.value("events", report.events)
        event.value("gaps", report.gaps)
        event.value("audit_mismatches", report.auditMismatches)
        event.endObject()
        mirror.publish(event.text)
    }

    private mutating func noteState(of book: OrderBook, slot: Int, time: Timestamp) {
        let state = book.state
        let gapCount = book.statistics.gaps
        guard state != states[slot] || gapCount != gaps[slot] else { return }
        let before = states[slot]
        states[slot] = state
        gaps[slot] = gapCount
        // The first book state is not news; a change, or a new gap, is.
        guard before != nil else { return }
        var event = JSONWriter()
        event.beginObject()
        event.value("type", "book_state")
        event.value("symbol", book.symbol)
        event.value("state", state.rawValue)
        event.value("gaps", gapCount)
        event.value("time_ns", Int(time.nanoseconds))
        event.endObject()
        mirror.publish(event.text)
    }

    private func metrics(audit report: ReplayReport?) -> [(String, String)] {
        let elapsed = HeadlessReplay.seconds(clock.now - started)
        var fields: [(String, String)] = [
            ("mode", "replay"),
            ("events", String(events)),
            ("events_per_s", String(Int(elapsed > 0 ? Double(events) / elapsed : 0))),
            ("latency_ns_per_event", String(Int(events > 0 ? elapsed * 1e9 / Double(events) : 0))),
        ]
        if let report {
            fields.append(("gaps", String(report.gaps)))
            fields.append(("resyncs", String(report.resyncs)))
            fields.append(("audit_checks", String(report.auditChecks)))
            fields.append(("audit_mismatches", String(report.auditMismatches)))
            fields.append(("finished", "1"))
        }
        return fields
    }

    public static func top(of book: OrderBook, time: Timestamp, levels: Int = 20) -> MirrorBook {
        MirrorBook(bids: book.bids.top(levels), asks: book.asks.top(levels), updateID: book.lastUpdateID, time: time, state: book.state.rawValue)
    }
}
