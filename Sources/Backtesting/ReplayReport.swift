import Feeds
import MarketModel
import OrderBook

/// A line of a recording that could not be used, and why.
public struct MalformedLine: Hashable, Sendable {
    public var file: String
    public var line: Int
    public var reason: String

    public init(file: String, line: Int, reason: String) {
        (self.file, self.line, self.reason) = (file, line, reason)
    }

    public var description: String { "\(file):\(line): \(reason)" }
}

/// The outcome of a headless replay: what was read, how the books fared, and how fast.
public struct ReplayReport: Sendable {
    public var files: [String]
    public var lines = 0

    public init(files: [String]) { self.files = files }

    public var counts = EventCounts()
    public var malformed = 0
    public var malformedSamples: [MalformedLine] = []
    public var clockSteps = ClockSteps()
    /// Trades seen twice (same symbol and id), skipped.
    public var repeatedTrades = 0
    /// Files given that held no line at all.
    public var emptyFiles: [String] = []
    /// The signal that stopped the replay early: the figures cover the events before it.
    public var interrupted: String?
    /// Per symbol, sorted by symbol.
    public var symbols: [SymbolReplay] = []
    /// Decimal places to print each symbol's prices and quantities with, as its feed does.
    public var decimals: [String: DecimalPlaces] = [:]
    public var elapsedSeconds = 0.0
    /// How the Redis mirror fared, when the replay ran with one.
    public var mirror: MirrorReport?
    /// How the live connection fared, for a live session.
    public var live: LiveFeedSummary?

    public var events: Int { counts.total }
    public var eventsPerSecond: Double { elapsedSeconds > 0 ? Double(events) / elapsedSeconds : 0 }
    public var gaps: Int { symbols.reduce(0) { $0 + ($1.book?.statistics.gaps ?? 0) } }
    public var resyncs: Int { symbols.reduce(0) { $0 + ($1.book?.statistics.resyncs ?? 0) } }
    public var auditChecks: Int { symbols.reduce(0) { $0 + $1.audit.checks } }
    public var auditMismatches: Int { symbols.reduce(0) { $0 + $1.audit.mismatches } }

    public func places(_ symbol: String) -> DecimalPlaces { decimals[symbol] ?? DecimalPlaces(price: 2, quantity: 3) }

    // MARK: - JSON

    /// The report as one JSON object (members in a fixed order).
    public var json: String {
        var out = JSONWriter()
        out.beginObject()
        out.beginArray("files")
        for file in files { out.value(nil, file) }
        out.endArray()
        out.value("events", events)
        out.value("lines", lines)
        writeCounts(counts, into: &out)
        out.value("malformed", malformed)
        out.beginArray("malformed_samples")
        for sample in malformedSamples {
            out.beginObject()
            out.value("file", sample.file)
            out.value("line", sample.line)
            out.value("reason", sample.reason)
            out.endObject()
        }
        out.endArray()
        out.value("clock_steps_back", clockSteps.count)
        out.value("repeated_trades", repeatedTrades)
        out.beginArray("empty_files")
        for file in emptyFiles { out.value(nil, file) }
        out.endArray()
        out.value("interrupted", interrupted)
        out.value("gaps", gaps)
        out.value("resyncs", resyncs)
        out.beginObject("audit")
        out.value("checks", auditChecks)
        out.value("mismatches", auditMismatches)
        out.endObject()
        if symbols.count == 1, let only = symbols.first {
            writeTrades(only, into: &out)
            writeFinalBook(only, into: &out)
        } else {
            out.null("trades")
            out.null("final_book")
        }
        out.beginObject("symbols")
        for symbol in symbols {
            out.beginObject(symbol.symbol)
            writeSymbol(symbol, into: &out)
            out.endObject()
        }
        out.endObject()
        out.value("elapsed_s", elapsedSeconds, places: 4)
        out.value("events_per_s", eventsPerSecond, places: 0)
        mirror?.write(into: &out)
        live?.write(into: &out)
        out.endObject()
        return out.text
    }

    private func writeCounts(_ counts: EventCounts, into out: inout JSONWriter) {
        out.beginObject("by_kind")
        for kind in MarketEventKind.allCases { out.value(kind.rawValue, counts[kind]) }
        out.endObject()
    }

    private func writeTrades(_ symbol: SymbolReplay, into out: inout JSONWriter) {
        let places = places(symbol.symbol)
        out.beginObject("trades")
        out.value("count", symbol.trades.count)
        out.value("volume", symbol.trades.volumeText(fractionDigits: places.quantity))
        out.value("vwap", symbol.trades.vwap?.formatted(fractionDigits: places.price))
        out.value("last_price", symbol.trades.lastPrice?.formatted(fractionDigits: places.price))
        out.endObject()
    }

    private func writeFinalBook(_ symbol: SymbolReplay, into out: inout JSONWriter) {
        let places = places(symbol.symbol)
        out.beginObject("final_book")
        let book = symbol.book
        out.value("best_bid", book?.bestBid?.price.formatted(fractionDigits: places.price))
        out.value("best_bid_qty", book?.bestBid?.quantity.formatted(fractionDigits: places.quantity))
        out.value("best_ask", book?.bestAsk?.price.formatted(fractionDigits: places.price))
        out.value("best_ask_qty", book?.bestAsk?.quantity.formatted(fractionDigits: places.quantity))
        out.value("bid_levels", book?.bids.count ?? 0)
        out.value("ask_levels", book?.asks.count ?? 0)
        out.value("state", book?.state.rawValue)
        if let id = book?.lastUpdateID { out.value("last_update_id", id) } else { out.null("last_update_id") }
        out.endObject()
    }

    private func writeSymbol(_ symbol: SymbolReplay, into out: inout JSONWriter) {
        let statistics = symbol.book?.statistics ?? BookStatistics()
        let places = places(symbol.symbol)
        out.value("events", symbol.counts.total)
        writeCounts(symbol.counts, into: &out)
        out.value("gaps", statistics.gaps)
        out.value("resyncs", statistics.resyncs)
        out.value("snapshots", statistics.snapshots)
        out.value("applied_diffs", statistics.appliedDiffs)
        out.value("stale_diffs", statistics.staleDiffs)
        out.value("stale_snapshots", statistics.staleSnapshots)
        out.value("ignored_snapshots", statistics.ignoredSnapshots)
        out.value("pruned_levels", statistics.prunedLevels)
        out.value("crossed_after_diff", symbol.crossedAfterDiff)
        out.beginObject("audit")
        out.value("checks", symbol.audit.checks)
        out.value("mismatches", symbol.audit.mismatches)
        out.value("skipped_unsynced", symbol.audit.skippedUnsynced)
        out.beginArray("first_mismatches")
        for mismatch in symbol.audit.firstMismatches {
            out.beginObject()
            out.value("line", mismatch.source)
            out.value("update_id", mismatch.updateID)
            out.value("exchange_bid", "\(mismatch.exchangeBid.quantity.formatted(fractionDigits: places.quantity)) @ \(mismatch.exchangeBid.price.formatted(fractionDigits: places.price))")
            out.value("exchange_ask", "\(mismatch.exchangeAsk.quantity.formatted(fractionDigits: places.quantity)) @ \(mismatch.exchangeAsk.price.formatted(fractionDigits: places.price))")
            out.value("book_bid", mismatch.bookBid.map { "\($0.quantity.formatted(fractionDigits: places.quantity)) @ \($0.price.formatted(fractionDigits: places.price))" })
            out.value("book_ask", mismatch.bookAsk.map { "\($0.quantity.formatted(fractionDigits: places.quantity)) @ \($0.price.formatted(fractionDigits: places.price))" })
            out.endObject()
        }
        out.endArray()
        out.endObject()
        writeTrades(symbol, into: &out)
        writeFinalBook(symbol, into: &out)
        out.value("first_received", symbol.firstReceived?.description)
        out.value("last_received", symbol.lastReceived?.description)
    }

    // MARK: - Human summary

    /// A short summary for a person at a terminal.
    public var summary: String {
        var lines: [String] = []
        let rate = eventsPerSecond >= 1 ? " (\(Int(eventsPerSecond.rounded())) events/s)" : ""
        lines.append("Replayed \(events) events from \(self.lines) lines in \(formatSeconds(elapsedSeconds))\(rate).")
        lines.append("  by kind: " + MarketEventKind.allCases.map { "\(counts[$0]) \($0.rawValue)" }.joined(separator: ", "))
        if malformed > 0 {
            lines.append("  malformed: \(malformed) line(s), first ones:")
            for sample in malformedSamples { lines.append("    \(sample.description)") }
        } else {
            lines.append("  malformed: none")
        }
        for file in emptyFiles { lines.append("  warning: \(file) is empty (no lines)") }
        if let steps = clockSteps.summary { lines.append("  clock: " + steps) }
        if repeatedTrades > 0 { lines.append("  repeated trades: \(repeatedTrades) seen twice (same symbol and id), skipped") }
        if let interrupted { lines.append("  INTERRUPTED by \(interrupted): the figures cover the first \(events) events") }
        for symbol in symbols {
            let places = places(symbol.symbol)
            lines.append("\(symbol.symbol):")
            if let book = symbol.book {
                let statistics = book.statistics
                let bid = book.bestBid.map { "\($0.quantity.formatted(fractionDigits: places.quantity)) @ \($0.price.formatted(fractionDigits: places.price))" } ?? "none"
                let ask = book.bestAsk.map { "\($0.quantity.formatted(fractionDigits: places.quantity)) @ \($0.price.formatted(fractionDigits: places.price))" } ?? "none"
                lines.append("  book: \(book.state.rawValue), \(book.bids.count) bid / \(book.asks.count) ask levels; best bid \(bid), best ask \(ask)")
                let ignored = statistics.ignoredSnapshots > 0 ? ", \(statistics.ignoredSnapshots) snapshot(s) ignored (not newer than the book)" : ""
                lines.append("  sync: \(statistics.snapshots) snapshot(s) used\(ignored), \(statistics.gaps) gap(s), \(statistics.resyncs) resync(s), \(statistics.staleDiffs) stale diff(s), \(statistics.prunedLevels) crossed level(s) pruned")
            } else {
                lines.append("  book: no depth data")
            }
            let verdict: String
            if let book = symbol.book, book.statistics.snapshots == 0 {
                verdict = "book never synced (no depth snapshot to start from): nothing to check"
            } else if symbol.audit.checks == 0 {
                verdict = "no moment to check (no ticker matched a depth update id)"
            } else if symbol.audit.mismatches == 0 {
                verdict = "book agrees with the exchange's best bid/ask at all \(symbol.audit.checks) checks"
            } else {
                verdict = "\(symbol.audit.mismatches) MISMATCH(ES) in \(symbol.audit.checks) checks"
            }
            lines.append("  audit: \(verdict)")
            if symbol.trades.count > 0 {
                let vwap = symbol.trades.vwap?.formatted(fractionDigits: places.price) ?? "-"
                lines.append("  trades: \(symbol.trades.count), volume \(symbol.trades.volumeText(fractionDigits: places.quantity)), VWAP \(vwap)")
            }
        }
        if let mirror { lines.append(mirror.summary) }
        if let live { lines.append("live \(live.endpoint): \(live.messages) messages, \(live.connections) connection(s), \(live.drops) drop(s), \(live.snapshots) REST snapshot(s)\(live.rollovers > 0 ? ", \(live.rollovers) rollover(s)" : "")\(live.lastError.map { "; last: \($0)" } ?? "")") }
        return lines.joined(separator: "\n")
    }

    private func formatSeconds(_ seconds: Double) -> String {
        seconds < 1 ? "\(Int((seconds * 1000).rounded())) ms" : "\((seconds * 100).rounded() / 100) s"
    }
}
