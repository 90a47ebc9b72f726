import Venues

/// The addresses one live session talks to, resolved from the venue and the
/// environment (mainnet, testnet, the loopback fake exchange, or one custom address),
/// with TLS set up when any of them is `https`/`wss`.
public struct VenueConnection: Sendable {
    public let venue: VenueID
    public let environment: VenueEnvironment
    /// REST base (`https://api.binance.com`).
    public let rest: ServiceAddress
    /// Market-stream base (`wss://stream.binance.com:9443`).
    public let streams: ServiceAddress
    public let tls: TLSClient?
    /// Where pushed order updates come from: Binance spot's WebSocket API, USD-M's
    /// listen-key streams (the key is added per connection), Gate.io's v4 spot and
    /// futures WebSockets.
    public let userData: ServiceAddress?

    public init(venue: VenueID, environment: VenueEnvironment, caFile: String? = nil) throws(LiveFailure) {
        self.venue = venue
        self.environment = environment
        var userData: ServiceAddress?
        switch environment {
        case .loopback(let port):
            streams = ServiceAddress(tls: false, host: "127.0.0.1", port: port)
            rest = venue.isGate ? streams.appending("/api/v4") : streams
            userData = streams.appending("/ws-api/v3")
        case .custom(let address):
            rest = venue.isGate ? address.appending("/api/v4") : address
            streams = address
            userData = address.appending("/ws-api/v3")
        case .mainnet, .testnet:
            let endpoints = VenueEndpoints.of(venue, in: environment)
            do {
                rest = try ServiceAddress(parsing: endpoints.rest)
                streams = try ServiceAddress(parsing: endpoints.marketStream)
                userData = try ServiceAddress(parsing: endpoints.privateStream)
            } catch {
                throw LiveFailure(description: "endpoint of \(venue.rawValue): \(error)")
            }
        }
        switch venue {
        case .binance: self.userData = userData
        // Gate.io's private channels are on the same WebSocket as its market data.
        case .gate: self.userData = streams.path.isEmpty ? streams.appending("/ws/v4/") : streams.appending("/")
        // USD-M's listen-key stream: `/private/ws/<key>` on mainnet's routed host (and
        // on the fake exchange, which mirrors it), `/ws/<key>` on the testnet.
        case .binanceFutures: self.userData = environment == .testnet ? streams : streams.appending("/private")
        // Gate.io futures' private channels share the futures WebSocket too.
        case .gateFutures: self.userData = streams.path.isEmpty ? streams.appending("/v4/ws/usdt") : streams
        }
        tls = rest.tls || streams.tls ? try TLSClient(caFile: caFile) : nil
        rolloverAfter = venue.isGate ? nil : .seconds(23 * 3600)
    }

    /// The plain fake exchange on 127.0.0.1 (tests, benchmarks).
    public static func loopback(port: Int, venue: VenueID = .binance) -> VenueConnection {
        VenueConnection(venue: venue, port: port)
    }

    private init(venue: VenueID, port: Int) {
        self.venue = venue
        environment = .loopback(port: port)
        streams = ServiceAddress(tls: false, host: "127.0.0.1", port: port)
        rest = venue.isGate ? streams.appending("/api/v4") : streams
        switch venue {
        case .binance: userData = streams.appending("/ws-api/v3")
        case .gate: userData = streams.appending("/ws/v4/")
        case .binanceFutures: userData = streams.appending("/private")
        case .gateFutures: userData = streams.appending("/v4/ws/usdt")
        }
        tls = nil
        rolloverAfter = venue.isGate ? nil : .seconds(23 * 3600)
    }

    public var isFutures: Bool { venue.isFutures }

    /// When a stream is handed over to a fresh connection: Binance cuts every
    /// WebSocket connection at 24 hours, so at 23 (an hour to retry if the new one
    /// fails). Gate.io has no such cut.
    public var rolloverAfter: Duration? = nil

    /// USD-M splits its streams by route since 2026-04-23: book data on `/public`,
    /// trades on `/market` (exchanges.md); the unrouted URLs were retired. Every USD-M
    /// endpoint is asked on the routed paths (the fake exchange serves them too).
    public var routedStreams: Bool { venue == .binanceFutures }

    /// The WebSocket addresses (path and query) that carry the symbols' diff depth,
    /// trades and best bid/ask: one combined stream, or two on a routed venue.
    ///
    /// `depth`: the symbols whose diff depth is streamed (nil: all of them). A whole
    /// quote market needs every symbol's trades (its deltas, its detectors) and best
    /// bid/ask (its orders), but a full book only where a strategy or the screen reads
    /// one: the depth diffs are most of the traffic. Binance only; Gate.io streams all.
    public func marketStreams(for symbols: [String], depth: Set<String>? = nil) -> [ServiceAddress] {
        if venue == .gate {
            // One connection; the channels are asked for by `subscriptions(for:)`.
            return [streams.path.isEmpty ? streams.appending("/ws/v4/") : streams.appending("/")]
        }
        if venue == .gateFutures {
            return [streams.path.isEmpty ? streams.appending("/v4/ws/usdt") : streams]
        }
        let withDepth = { (symbol: String) in depth?.contains(symbol) ?? true }
        if routedStreams {
            return connections("/public/stream?streams=", symbols.map { symbol in (withDepth(symbol) ? [depthStream(symbol)] : []) + [bookTickerStream(symbol)] })
                + connections("/market/stream?streams=", symbols.map { [tradeStream($0)] })
        }
        return connections("/stream?streams=", symbols.map { symbol in (withDepth(symbol) ? [depthStream(symbol)] : []) + [tradeStream(symbol), bookTickerStream(symbol)] })
    }

    /// The addresses that carry only the diff depth of `symbols` (Binance): a symbol
    /// streamed without its depth gets it on a connection of its own when the screen
    /// or a strategy comes to need its book.
    public func depthStreams(for symbols: [String]) -> [ServiceAddress] {
        guard !venue.isGate else { return [] }
        return connections(routedStreams ? "/public/stream?streams=" : "/stream?streams=", symbols.map { [depthStream($0)] })
    }

    /// The address of Binance's all-market mini-ticker stream (`!miniTicker@arr`: every
    /// symbol's 24-hour figures once a second, one stream for the whole market); nil
    /// on Gate.io.
    public var dayTickerStream: ServiceAddress? {
        guard !venue.isGate else { return nil }
        return streams.appending((routedStreams ? "/market/stream?streams=" : "/stream?streams=") + "!miniTicker@arr")
    }

    private func depthStream(_ symbol: String) -> String { "\(symbol.lowercased())@depth@\(isFutures ? "0ms" : "100ms")" }
    private func tradeStream(_ symbol: String) -> String { "\(symbol.lowercased())@trade" }
    private func bookTickerStream(_ symbol: String) -> String { "\(symbol.lowercased())@bookTicker" }

    /// Binance takes at most 1,024 streams on one connection: the streams are spread
    /// over as many connections as they need, a symbol's streams together.
    private func connections(_ path: String, _ perSymbol: [[String]]) -> [ServiceAddress] {
        var addresses: [ServiceAddress] = []
        var current: [String] = []
        for group in perSymbol where !group.isEmpty {
            if current.count + group.count > Self.maxStreamsPerConnection {
                addresses.append(streams.appending(path + current.joined(separator: "/")))
                current = []
            }
            current += group
        }
        if !current.isEmpty { addresses.append(streams.appending(path + current.joined(separator: "/"))) }
        return addresses
    }

    /// Binance's limit of streams on one WebSocket connection.
    public static let maxStreamsPerConnection = 1024

    /// Gate.io (spot and USDT futures): the subscribe messages for the pairs' trades,
    /// best bid/ask and 100 ms book diffs, sent on every (re)connection. Binance names
    /// its streams in the URL.
    public func subscriptions(for symbols: [String], now seconds: Int64) -> [String] {
        let pairs = symbols.map { "\"\($0)\"" }.joined(separator: ",")
        if venue == .gateFutures {
            // Gate.io futures: 100 ms book diffs of the top 100 levels.
            return ["{\"time\":\(seconds),\"channel\":\"futures.trades\",\"event\":\"subscribe\",\"payload\":[\(pairs)]}",
                    "{\"time\":\(seconds),\"channel\":\"futures.book_ticker\",\"event\":\"subscribe\",\"payload\":[\(pairs)]}"]
                + symbols.map { "{\"time\":\(seconds),\"channel\":\"futures.order_book_update\",\"event\":\"subscribe\",\"payload\":[\"\($0)\",\"100ms\",\"100\"]}" }
        }
        guard venue == .gate else { return [] }
        return ["{\"time\":\(seconds),\"channel\":\"spot.trades\",\"event\":\"subscribe\",\"payload\":[\(pairs)]}",
                "{\"time\":\(seconds),\"channel\":\"spot.book_ticker\",\"event\":\"subscribe\",\"payload\":[\(pairs)]}"]
            + symbols.map { "{\"time\":\(seconds),\"channel\":\"spot.order_book_update\",\"event\":\"subscribe\",\"payload\":[\"\($0)\",\"100ms\"]}" }
    }

    /// The REST depth snapshot request of `symbol`.
    public func depthSnapshotPath(of symbol: String) -> String {
        if venue == .gate { return rest.path + "/spot/order_book?currency_pair=\(symbol)&limit=100&with_id=true" }
        if venue == .gateFutures { return rest.path + "/futures/usdt/order_book?contract=\(symbol)&limit=100&with_id=true" }
        return rest.path + (isFutures ? "/fapi/v1/depth" : "/api/v3/depth") + "?symbol=\(symbol)&limit=1000"
    }

    /// Where the exchange states `symbol`'s order rules: Binance's exchangeInfo (USD-M
    /// lists every symbol), Gate.io's pair or contract details.
    public func exchangeInfoPath(of symbol: String) -> String? {
        if venue == .gate { return rest.path + "/spot/currency_pairs/" + symbol }
        if venue == .gateFutures { return rest.path + "/futures/usdt/contracts/" + symbol }
        return rest.path + (isFutures ? "/fapi/v1/exchangeInfo" : "/api/v3/exchangeInfo?symbol=\(symbol)")
    }

    /// How the journal names the venue (`binance@127.0.0.1:18080`): a new session
    /// reconciles the crashed sessions of the same label.
    public var label: String { "\(venue.rawValue)@\(rest.host):\(rest.port)" }
}
