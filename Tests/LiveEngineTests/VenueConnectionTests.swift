import VenueClients
import LiveEngine
import Testing
import Venues

@Suite("Venue connections")
struct VenueConnectionTests {
    @Test("Binance spot mainnet: one combined TLS stream on stream.binance.com:9443, REST on api.binance.com")
    func spotMainnet() throws {
        let connection = try VenueConnection(venue: .binance, environment: .mainnet)
        #expect(connection.tls != nil)
        #expect(connection.rest == ServiceAddress(tls: true, host: "api.binance.com", port: 443))
        let streams = connection.marketStreams(for: ["BTCUSDT", "ETHUSDT"])
        #expect(streams.map(\.description) == ["wss://stream.binance.com:9443/stream?streams=btcusdt@depth@100ms/btcusdt@trade/btcusdt@bookTicker/ethusdt@depth@100ms/ethusdt@trade/ethusdt@bookTicker"])
        #expect(connection.depthSnapshotPath(of: "BTCUSDT") == "/api/v3/depth?symbol=BTCUSDT&limit=1000")
    }

    @Test("a whole quote market is spread over connections of at most 1,024 streams, each symbol's streams together and every one once", arguments: [1, 341, 342, 700, 2_000])
    func wholeMarketShards(count: Int) throws {
        let symbols = (0..<count).map { "S\($0)USDT" }
        for venue in [VenueID.binance, .binanceFutures] {
            let connection = try VenueConnection(venue: venue, environment: .mainnet)
            var seen: [String] = []
            for address in connection.marketStreams(for: symbols) {
                let streams = address.description.split(separator: "=", maxSplits: 1)[1].split(separator: "/").map(String.init)
                #expect(streams.count <= VenueConnection.maxStreamsPerConnection, "\(venue): \(streams.count) streams on one connection")
                seen += streams
            }
            #expect(seen.count == count * 3, "\(venue): every stream once")
            #expect(Set(seen).count == seen.count)
            for symbol in symbols.prefix(3) { #expect(seen.contains("\(symbol.lowercased())@trade")) }
        }
    }

    @Test("a whole market without its books: every symbol's trades and best bid/ask, depth only for the symbols named; a book added later comes on a connection of its own")
    func depthOnlyWhereNeeded() throws {
        let spot = try VenueConnection(venue: .binance, environment: .mainnet)
        #expect(spot.marketStreams(for: ["BTCUSDT", "ETHUSDT"], depth: ["ETHUSDT"]).map(\.description) == [
            "wss://stream.binance.com:9443/stream?streams=btcusdt@trade/btcusdt@bookTicker/ethusdt@depth@100ms/ethusdt@trade/ethusdt@bookTicker",
        ])
        #expect(spot.depthStreams(for: ["BTCUSDT"]).map(\.description) == ["wss://stream.binance.com:9443/stream?streams=btcusdt@depth@100ms"])
        let futures = try VenueConnection(venue: .binanceFutures, environment: .mainnet)
        #expect(futures.marketStreams(for: ["BTCUSDT", "ETHUSDT"], depth: []).map(\.description) == [
            "wss://fstream.binance.com:443/public/stream?streams=btcusdt@bookTicker/ethusdt@bookTicker",
            "wss://fstream.binance.com:443/market/stream?streams=btcusdt@trade/ethusdt@trade",
        ])
        #expect(futures.depthStreams(for: ["ETHUSDT"]).map(\.description) == ["wss://fstream.binance.com:443/public/stream?streams=ethusdt@depth@0ms"])
        // 2,000 symbols without books: two streams each, 512 symbols a connection.
        let symbols = (0..<2_000).map { "S\($0)USDT" }
        let addresses = spot.marketStreams(for: symbols, depth: [])
        let counts = addresses.map { $0.description.split(separator: "=", maxSplits: 1)[1].split(separator: "/").count }
        #expect(counts == [1024, 1024, 1024, 928])
        let gate = try VenueConnection(venue: .gate, environment: .mainnet)
        #expect(gate.depthStreams(for: ["ETH_USDT"]).isEmpty, "Gate.io asks for every pair's book by message")
    }

    @Test("USD-M mainnet: book data on the /public route, trades on /market (the 2026 routed paths)")
    func futuresMainnetRouted() throws {
        let connection = try VenueConnection(venue: .binanceFutures, environment: .mainnet)
        #expect(connection.routedStreams)
        #expect(connection.marketStreams(for: ["BTCUSDT"]).map(\.description) == [
            "wss://fstream.binance.com:443/public/stream?streams=btcusdt@depth@0ms/btcusdt@bookTicker",
            "wss://fstream.binance.com:443/market/stream?streams=btcusdt@trade",
        ])
        #expect(connection.depthSnapshotPath(of: "BTCUSDT") == "/fapi/v1/depth?symbol=BTCUSDT&limit=1000")
    }

    @Test("loopback is plain (USD-M routed as everywhere); a custom https address serves everything with TLS; Gate.io spot on /ws/v4/ with subscribe messages; Gate.io USDT futures on /v4/ws/usdt with its contract order book")
    func loopbackCustomGate() throws {
        let loopback = try VenueConnection(venue: .binanceFutures, environment: .loopback(port: 18080))
        #expect(loopback.tls == nil && loopback.routedStreams, "USD-M is asked on the routed paths on every endpoint")
        #expect(loopback.marketStreams(for: ["BTCUSDT"]).map(\.description) == [
            "ws://127.0.0.1:18080/public/stream?streams=btcusdt@depth@0ms/btcusdt@bookTicker",
            "ws://127.0.0.1:18080/market/stream?streams=btcusdt@trade",
        ])
        #expect(loopback.label == "binance-futures@127.0.0.1:18080")
        let custom = try VenueConnection(venue: .binance, environment: .custom(try ServiceAddress(parsing: "https://127.0.0.1:8443")))
        #expect(custom.tls != nil && custom.streams.tls && custom.rest.port == 8443)
        let gate = try VenueConnection(venue: .gate, environment: .mainnet)
        #expect(gate.marketStreams(for: ["ETH_USDT"]).map(\.description) == ["wss://api.gateio.ws:443/ws/v4/"])
        #expect(gate.depthSnapshotPath(of: "ETH_USDT") == "/api/v4/spot/order_book?currency_pair=ETH_USDT&limit=100&with_id=true")
        #expect(gate.subscriptions(for: ["ETH_USDT"], now: 1).count == 3)
        #expect(gate.userData?.description == "wss://api.gateio.ws:443/ws/v4/", "spot.orders comes on the market data's WebSocket")
        let futures = try VenueConnection(venue: .gateFutures, environment: .mainnet)
        #expect(futures.marketStreams(for: ["BTC_USDT"]).map(\.description) == ["wss://fx-ws.gateio.ws:443/v4/ws/usdt"])
        #expect(futures.depthSnapshotPath(of: "BTC_USDT") == "/api/v4/futures/usdt/order_book?contract=BTC_USDT&limit=100&with_id=true")
        #expect(futures.subscriptions(for: ["BTC_USDT"], now: 1).contains { $0.contains("futures.order_book_update") && $0.contains("[\"BTC_USDT\",\"100ms\",\"100\"]") })
        let futuresLoopback = VenueConnection.loopback(port: 18080, venue: .gateFutures)
        #expect(futuresLoopback.marketStreams(for: ["BTC_USDT"]).map(\.description) == ["ws://127.0.0.1:18080/v4/ws/usdt"])
        #expect(futuresLoopback.rest.path == "/api/v4")
    }
}
