import Foundation
import NIOCore
import Synchronization
import Venues

/// The WebSocket connections that carry one session's market streams, handled as one:
/// a single combined stream, or on a routed venue (USD-M mainnet) one for book data
/// and one for trades. Each connection reconnects on its own (``LiveMarketFeed``);
/// REST depth snapshots go to the same venue.
public final class MarketStreamSet: @unchecked Sendable {
    public let connection: VenueConnection
    /// The symbols streamed, listings added while running included.
    public var symbols: [String] { state.withLock { $0.symbols } }
    private var feeds: [LiveMarketFeed] { state.withLock { $0.feeds } }
    /// The symbols whose diff depth is streamed (nil: every symbol's).
    public var depthSymbols: Set<String>? { state.withLock { $0.depth } }
    private let state: Mutex<(symbols: [String], feeds: [LiveMarketFeed], depth: Set<String>?)>
    private let deliver: @Sendable (String, Int64) -> Void

    /// Nothing connects until ``start()``; `deliver` gets every text frame with its
    /// local receive time (ns), on a network thread.
    /// `depth`: the symbols whose diff depth is streamed from the start (nil: all; see
    /// ``VenueConnection/marketStreams(for:depth:)``); more with ``addDepth(_:)``.
    public init(connection: VenueConnection, symbols: [String], depth: Set<String>? = nil, deliver: @escaping @Sendable (String, Int64) -> Void) {
        self.connection = connection
        self.deliver = deliver
        // Gate.io asks for its channels by message, every pair's book included.
        let depth = connection.venue.isGate ? nil : depth
        // A whole market (books only where needed) takes the 24-hour figures of every
        // symbol from the one all-market ticker stream, on a connection of its own.
        let ticker = depth == nil ? [] : [connection.dayTickerStream].compactMap { $0 }
        state = Mutex((symbols, Self.feeds(connection, connection.marketStreams(for: symbols, depth: depth) + ticker, symbols, deliver), depth))
    }

    private static func feeds(_ connection: VenueConnection, _ addresses: [ServiceAddress], _ symbols: [String], _ deliver: @escaping @Sendable (String, Int64) -> Void) -> [LiveMarketFeed] {
        let feeds = addresses.map { LiveMarketFeed(endpoint: .init($0), tls: connection.tls, deliver: deliver) }
        for feed in feeds { feed.rolloverAfter = connection.rolloverAfter }
        if connection.venue.isGate {
            for feed in feeds { feed.greeting = { connection.subscriptions(for: symbols, now: Int64(Date().timeIntervalSince1970)) } }
        }
        return feeds
    }

    /// Streams `symbols` too (a listing while running), on connections of their own:
    /// the ones already open are not disturbed. Returns the symbols added; none when a
    /// connection could not be made (the caller tries again later).
    @discardableResult
    public func add(_ symbols: [String]) -> [String] {
        let (known, depth) = state.withLock { ($0.symbols, $0.depth) }
        let new = symbols.filter { !known.contains($0) }
        guard !new.isEmpty else { return [] }
        // A listing's depth is streamed when every symbol's is; else when asked for.
        let feeds = Self.feeds(connection, connection.marketStreams(for: new, depth: depth.map { _ in [] }), new, deliver)
        guard Self.started(feeds) else { return [] }
        state.withLock { state in
            state.symbols += new
            state.feeds += feeds
        }
        return new
    }

    /// Streams the diff depth of `symbols` too, on a connection of its own (the ones
    /// open are not disturbed): the screen came to show one of their books, or a
    /// strategy to read it. Returns the symbols added; none when every one was
    /// streamed already or the connection could not be made (asked again later).
    @discardableResult
    public func addDepth(_ symbols: [String]) -> [String] {
        let new: [String] = state.withLock { state in
            guard let depth = state.depth else { return [] }
            return symbols.filter { !depth.contains($0) && state.symbols.contains($0) }
        }
        guard !new.isEmpty else { return [] }
        let feeds = Self.feeds(connection, connection.depthStreams(for: new), new, deliver)
        guard Self.started(feeds) else { return [] }
        state.withLock { state in
            state.depth?.formUnion(new)
            state.feeds += feeds
        }
        return new
    }

    /// Starts each feed; on the first that cannot connect, stops them all.
    private static func started(_ feeds: [LiveMarketFeed]) -> Bool {
        for feed in feeds {
            do {
                try feed.start()
            } catch {
                for started in feeds { started.stop() }
                return false
            }
        }
        return true
    }

    /// Connects every stream once; the first that cannot be reached ends it with a
    /// message that says so (no network fails within seconds, never hangs).
    public func start() throws(LiveFailure) {
        for feed in feeds {
            do {
                try feed.start()
            } catch {
                stop()
                throw LiveFailure(description: "exchange unreachable: \(feed.endpoint.address): \(Self.explain(error))")
            }
        }
    }

    public func stop() { for feed in feeds { feed.stop() } }

    /// All streams as one: connected when every one is; counts added up.
    public var status: LiveMarketFeed.Status {
        var total = LiveMarketFeed.Status()
        total.connected = true
        for status in feeds.map(\.status) {
            total.connected = total.connected && status.connected
            total.connections += status.connections
            total.drops += status.drops
            total.messages += status.messages
            total.rollovers += status.rollovers
            total.lastError = status.lastError ?? total.lastError
        }
        return total
    }

    /// A REST depth snapshot of `symbol` (blocking, 5 s at most): the body, or nil.
    public func depthSnapshot(of symbol: String) -> String? {
        RESTClient.depthSnapshot(connection, symbol: symbol, group: feeds[0].group)
    }

    /// The exchange's answer that states `symbol`'s order rules: Binance's
    /// exchangeInfo, Gate.io's pair or contract details (nil: not answered).
    public func exchangeInfo(of symbol: String) -> String? {
        connection.exchangeInfoPath(of: symbol).flatMap { RESTClient.publicGet(connection, path: $0, group: feeds[0].group) }
    }

    /// NIO's connection errors, in words a trader can act on.
    static func explain(_ error: Error) -> String {
        let text = "\(error)"
        if text.contains("handshakeFailed") || text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("certificate") || TLSFailureExplanation.isPlainTextServer(text) {
            return TLSFailureExplanation.explain(text)
        }
        return text
    }
}
