import Backtesting
import VenueClients
import Feeds
import Foundation
import MarketModel
import NIOCore
import NIOPosix
import OrderBook
import Synchronization
import Venues

/// What to watch live and for how long.
public struct LiveOptions: Sendable {
    public var venue: VenueID
    public var symbols: [String]
    /// The symbols whose diff depth is streamed (nil: all; the others are trades and
    /// best bid/ask only).
    public var depth: Set<String>?
    public var environment: VenueEnvironment
    /// Extra trusted certificates (PEM) for TLS: a test exchange's own certificate.
    public var caFile: String?
    /// Stop after this many seconds (nil: until `stopWhen` says so).
    public var duration: Double?
    /// Checked every few milliseconds; true stops the session (tests: the fake
    /// exchange's recording is over).
    public var stopWhen: (@Sendable () -> Bool)?
    /// Told how many messages the streams have brought so far, whenever the session
    /// has caught up with them (tests stop once every frame sent has arrived).
    public var progress: (@Sendable (Int) -> Void)?
    /// Hand each stream over to a fresh connection this often (nil: the venue's own,
    /// 23 hours on Binance; tests make it seconds).
    public var rolloverAfter: Duration?
    /// `--quote`: the quote market's listing read again this often, new listings
    /// streamed while the session runs (nil: the symbols stay as they were).
    public var listingWatch: (quote: String, every: Double)?

    public init(venue: VenueID, symbols: [String], environment: VenueEnvironment) {
        self.venue = venue
        self.symbols = symbols
        self.environment = environment
    }
}

/// A live market-data session without a screen: the exchange's streams for the symbols,
/// each book synchronised with REST snapshots by the exchange's rules (again after a
/// gap or a reconnect), audited against the exchange's best bid/ask, reported like a
/// replay. Binance spot and USD-M, over TLS or on the loopback fake exchange.
public enum HeadlessLive {
    public static func run(_ options: LiveOptions) throws(LiveFailure) -> ReplayReport {
        var connection = try VenueConnection(venue: options.venue, environment: options.environment, caFile: options.caFile)
        if let rollover = options.rolloverAfter { connection.rolloverAfter = rollover }
        let source = try LiveEventSource(connection: connection, symbols: options.symbols, depth: options.depth)
        defer { source.stop() }
        if let watch = options.listingWatch { source.watchListings(quote: watch.quote, every: watch.every) }
        let rule: BookSyncRule = connection.isFutures ? .previousID : .sequential
        var symbols: [String: SymbolReplay] = [:]
        var counts = EventCounts()
        var line = 0
        let clock = ContinuousClock()
        let started = clock.now

        while true {
            if let duration = options.duration, HeadlessReplay.seconds(clock.now - started) >= duration { break }
            let events = source.drain()
            // Market data only: a new listing's frames arrive with the rest; a status
            // change has no order to stop here.
            _ = source.takeListingChanges()
            if events.isEmpty {
                options.progress?(source.status.messages)
                if let stopWhen = options.stopWhen, stopWhen() { break }
                usleep(2_000)
            }
            for event in events {
                line += 1
                guard let symbol = event.symbol else { continue }
                counts.add(event.kind)
                symbols[symbol, default: SymbolReplay(symbol: symbol, rule: rule)].handle(event, source: line)
            }
            // A book out of sync asks for a snapshot (fetched in the background).
            for (symbol, replay) in symbols where replay.book != nil && replay.book?.state != .synced {
                source.requestSnapshot(of: symbol)
            }
        }
        let status = source.status
        var report = ReplayReport(files: ["live:\(options.venue.rawValue)@\(source.endpoint)"])
        report.lines = line + source.malformed
        report.counts = counts
        report.malformed = source.malformed
        report.malformedSamples = source.malformedSamples.enumerated().map { MalformedLine(file: "live", line: $0.offset + 1, reason: $0.element) }
        report.symbols = symbols.values.sorted { $0.symbol < $1.symbol }
        for symbol in symbols.keys { report.decimals[symbol] = source.decimals }
        report.elapsedSeconds = HeadlessReplay.seconds(clock.now - started)
        report.live = LiveFeedSummary(endpoint: source.endpoint, connections: status.connections, drops: status.drops, messages: status.messages, snapshots: source.snapshotsApplied, rollovers: status.rollovers, lastError: status.lastError)
        return report
    }
}
