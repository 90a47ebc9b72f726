import Foundation
import NIOCore
import Venues

/// The WebSocket connections that carry one session's market streams, handled as one:
/// a single combined stream, or on a routed venue (USD-M mainnet) one for book data
/// and one for trades. Each connection reconnects on its own (``LiveMarketFeed``);
/// REST depth snapshots go to the same venue.
public final class MarketStreamSet: @unchecked Sendable {
    public let connection: VenueConnection
    public let symbols: [String]
    private let feeds: [LiveMarketFeed]

    /// Nothing connects until ``start()``; `deliver` gets every text frame with its
    /// local receive time (ns), on a network thread.
    public init(connection: VenueConnection, symbols: [String], deliver: @escaping @Sendable (String, Int64) -> Void) {
        self.connection = connection
        self.symbols = symbols
        feeds = connection.marketStreams(for: symbols).map { LiveMarketFeed(endpoint: .init($0), tls: connection.tls, deliver: deliver) }
        for feed in feeds { feed.rolloverAfter = connection.rolloverAfter }
        if connection.venue.isGate {
            for feed in feeds { feed.greeting = { connection.subscriptions(for: symbols, now: Int64(Date().timeIntervalSince1970)) } }
        }
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
