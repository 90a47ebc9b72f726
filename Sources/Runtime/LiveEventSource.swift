import Dispatch
import Feeds
import Foundation
import MarketModel
import Synchronization
import Venues

/// A live exchange's market events for a session that pulls them (the paper terminal,
/// headless paper trading): the streams' frames parsed in arrival order, stamped with
/// their local receive time, and REST depth snapshots fetched in the background when
/// the session says a book needs one, so the engine never waits on the network.
///
/// Binance spot and USD-M (`/stream?streams=` combined streams), plain `ws://` on the
/// loopback fake exchange.
public final class LiveEventSource: @unchecked Sendable {
    public let venue: VenueID
    public let symbols: [String]
    public let port: Int
    private let feed: LiveMarketFeed
    private let inbox = CommandQueue<(String, Int64)>()
    private let snapshots = CommandQueue<(symbol: String, body: String)>()
    private let fetching = SharedKeys()
    private var lastSnapshotTry: [String: Int64] = [:]
    private var parser: BinanceFeedParser
    public private(set) var malformed = 0
    public private(set) var snapshotsApplied = 0

    /// Connects (throws `LiveFailure` saying the exchange is unreachable when the first
    /// attempt fails) and starts streaming.
    public init(venue: VenueID, symbols: [String], port: Int) throws(LiveFailure) {
        guard venue == .binance || venue == .binanceFutures else {
            throw LiveFailure(description: "live market data for \(venue.rawValue) is not built yet (Binance spot and USD-M are); see issue #7")
        }
        guard !symbols.isEmpty else { throw LiveFailure(description: "name at least one symbol with --symbols") }
        self.venue = venue
        self.symbols = symbols
        self.port = port
        parser = BinanceFeedParser(market: venue.isFutures ? .usdMargined : .spot)
        let streams = symbols.flatMap { symbol -> [String] in
            let lower = symbol.lowercased()
            return ["\(lower)@depth@\(venue.isFutures ? "0ms" : "100ms")", "\(lower)@trade", "\(lower)@bookTicker"]
        }
        let inbox = self.inbox
        feed = LiveMarketFeed(endpoint: .init(host: "127.0.0.1", port: port, path: "/stream?streams=" + streams.joined(separator: "/"))) { text, received in
            inbox.post((text, received))
        }
        do {
            try feed.start()
        } catch {
            throw LiveFailure(description: "exchange unreachable: ws://127.0.0.1:\(port): \(error)")
        }
    }

    deinit { feed.stop() }

    public func stop() { feed.stop() }

    public var market: MarketKind { venue.isFutures ? .usdMargined : .spot }
    public var endpoint: String { "ws://127.0.0.1:\(port)" }
    public var status: LiveMarketFeed.Status { feed.status }

    /// The header's feed field: `up`, `down`, with the drops so far.
    public var headerText: String {
        let status = feed.status
        let state = status.connected ? "up" : "down"
        return status.drops == 0 ? state : "\(state) (\(status.drops) drop\(status.drops == 1 ? "" : "s"))"
    }

    /// Everything that arrived since the last call: the stream's frames in arrival
    /// order, then any snapshot fetched meanwhile, stamped now (the book keeps the
    /// deltas it buffered while waiting and drops those the snapshot already holds).
    /// Frames that do not parse are counted and skipped.
    public func drain() -> [MarketEvent] {
        var events: [MarketEvent] = []
        let frames = inbox.takeAll()
        events.reserveCapacity(frames.count + 1)
        for (text, received) in frames {
            do throws(FeedError) {
                events.append(try parser.parse(text, received: Timestamp(nanoseconds: received)))
            } catch {
                malformed += 1
            }
        }
        let fetched = snapshots.takeAll()
        for (symbol, body) in fetched {
            guard case .bookSnapshot(var snapshot)? = try? parser.parse(body, received: Timestamp(nanoseconds: LiveMarketFeed.now())) else {
                malformed += 1
                continue
            }
            snapshot.symbol = symbol
            snapshotsApplied += 1
            events.append(.bookSnapshot(snapshot))
        }
        return events
    }

    /// Asks for a REST snapshot of `symbol` in the background, at most once a second
    /// per symbol; it arrives through ``drain()``.
    public func requestSnapshot(of symbol: String) {
        let now = LiveMarketFeed.now()
        if let last = lastSnapshotTry[symbol], now - last < 1_000_000_000 { return }
        guard fetching.insert(symbol) else { return }
        lastSnapshotTry[symbol] = now
        let port = self.port
        let futures = venue.isFutures
        let group = feed.group
        let snapshots = self.snapshots
        let fetching = self.fetching
        DispatchQueue.global().async {
            if let body = RESTClient.depthSnapshot(port: port, symbol: symbol, futures: futures, group: group) {
                snapshots.post((symbol, body))
            }
            fetching.remove(symbol)
        }
    }
}
