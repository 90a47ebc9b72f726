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
    public var environment: VenueEnvironment
    /// Stop after this many seconds (nil: until `stopWhen` says so).
    public var duration: Double?
    /// Checked every few milliseconds; true stops the session (tests: the fake
    /// exchange's recording is over).
    public var stopWhen: (@Sendable () -> Bool)?

    public init(venue: VenueID, symbols: [String], environment: VenueEnvironment) {
        self.venue = venue
        self.symbols = symbols
        self.environment = environment
    }
}

/// Why a live session could not run.
public struct LiveFailure: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// How the live connection fared, beside the replay-style report of the books.
public struct LiveFeedSummary: Sendable, Equatable {
    public var endpoint: String
    public var connections: Int
    public var drops: Int
    public var messages: Int
    public var snapshots: Int
    public var lastError: String?

    func write(into out: inout JSONWriter) {
        out.beginObject("live")
        out.value("endpoint", endpoint)
        out.value("connections", connections)
        out.value("drops", drops)
        out.value("messages", messages)
        out.value("snapshots", snapshots)
        out.value("last_error", lastError)
        out.endObject()
    }
}

/// A live market-data session without a screen: the exchange's streams for the symbols,
/// each book synchronised with REST snapshots by the exchange's rules (again after a
/// gap or a reconnect), audited against the exchange's best bid/ask, reported like a
/// replay. Binance spot and USD-M market data today, on the loopback fake exchange.
public enum HeadlessLive {
    public static func run(_ options: LiveOptions) throws(LiveFailure) -> ReplayReport {
        guard options.venue == .binance || options.venue == .binanceFutures else {
            throw LiveFailure(description: "live market data for \(options.venue.rawValue) is not built yet (Binance spot and USD-M are); see issue #7")
        }
        guard !options.symbols.isEmpty else { throw LiveFailure(description: "name at least one symbol with --symbols") }
        let endpoints = VenueEndpoints.of(options.venue, in: options.environment)
        guard case .loopback(let port) = options.environment else {
            throw unreachableOrTLS(endpoints.marketStream)
        }
        let futures = options.venue.isFutures
        let streams = options.symbols.flatMap { symbol -> [String] in
            let lower = symbol.lowercased()
            return ["\(lower)@depth@\(futures ? "0ms" : "100ms")", "\(lower)@trade", "\(lower)@bookTicker"]
        }
        let queue = Mutex<[(String, Int64)]>([])
        let feed = LiveMarketFeed(endpoint: .init(host: "127.0.0.1", port: port, path: "/stream?streams=" + streams.joined(separator: "/"))) { text, received in
            queue.withLock { $0.append((text, received)) }
        }
        do {
            try feed.start()
        } catch {
            throw LiveFailure(description: "exchange unreachable: ws://127.0.0.1:\(port): \(error)")
        }
        defer { feed.stop() }

        var parser = BinanceFeedParser(market: futures ? .usdMargined : .spot)
        var symbols: [String: SymbolReplay] = [:]
        var lastSnapshotTry: [String: Int64] = [:]
        var snapshots = 0
        var counts = EventCounts()
        var malformed = 0
        var samples: [MalformedLine] = []
        var line = 0
        let clock = ContinuousClock()
        let started = clock.now

        while true {
            if let duration = options.duration, HeadlessReplay.seconds(clock.now - started) >= duration { break }
            if let stopWhen = options.stopWhen, stopWhen(), queue.withLock({ $0.isEmpty }) { break }
            let batch = queue.withLock { items in
                defer { items.removeAll(keepingCapacity: true) }
                return items
            }
            if batch.isEmpty { usleep(2_000) }
            for (text, received) in batch {
                line += 1
                do throws(FeedError) {
                    let event = try parser.parse(text, received: Timestamp(nanoseconds: received))
                    guard let symbol = event.symbol else { continue }
                    counts.add(event.kind)
                    symbols[symbol, default: SymbolReplay(symbol: symbol, rule: futures ? .previousID : .sequential)].handle(event, source: line)
                } catch {
                    malformed += 1
                    if samples.count < 5 { samples.append(MalformedLine(file: "live", line: line, reason: error.description)) }
                }
            }
            // A book without a synced state asks for a snapshot, at most once a second.
            let now = Int64(Date().timeIntervalSince1970 * 1e9)
            for (symbol, replay) in symbols where replay.book != nil && replay.book?.state != .synced {
                if let last = lastSnapshotTry[symbol], now - last < 1_000_000_000 { continue }
                lastSnapshotTry[symbol] = now
                guard let body = RESTClient.depthSnapshot(port: port, symbol: symbol, futures: futures, group: feed.group),
                      case .bookSnapshot(var snapshot)? = try? parser.parse(body, received: Timestamp(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9))) else { continue }
                snapshot.symbol = symbol
                snapshots += 1
                counts.add(.snapshot)
                symbols[symbol]!.handle(.bookSnapshot(snapshot), source: line)
            }
        }
        let status = feed.status
        var report = ReplayReport(files: ["live:\(options.venue.rawValue)@127.0.0.1:\(port)"])
        report.lines = line
        report.counts = counts
        report.malformed = malformed
        report.malformedSamples = samples
        report.symbols = symbols.values.sorted { $0.symbol < $1.symbol }
        for symbol in symbols.keys { report.decimals[symbol] = parser.decimals }
        report.elapsedSeconds = HeadlessReplay.seconds(clock.now - started)
        report.live = LiveFeedSummary(endpoint: "ws://127.0.0.1:\(port)", connections: status.connections, drops: status.drops, messages: status.messages, snapshots: snapshots, lastError: status.lastError)
        return report
    }

    /// A `wss://` endpoint: say whether the exchange can be reached at all (no network
    /// gives that answer within seconds), and that TLS is not built yet.
    public static func unreachableOrTLS(_ url: String) -> LiveFailure {
        let host = url.replacingOccurrences(of: "wss://", with: "").split(separator: "/").first.map { String($0.split(separator: ":").first ?? "") } ?? url
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        do {
            let channel = try ClientBootstrap(group: group).connectTimeout(.seconds(3)).connect(host: host, port: 443).wait()
            channel.close(promise: nil)
        } catch {
            return LiveFailure(description: "exchange unreachable: \(host):443 (\(error)); check the network, or use --endpoint loopback:PORT with `apogee fake-exchange`")
        }
        return LiveFailure(description: "\(host) answers, but TLS (wss://, https://) is not built into Apogee yet: live sessions run against the loopback fake exchange for now (issue #7)")
    }
}
