/// The addresses of one venue in one environment (`../shared/reference/exchanges.md`),
/// every one of them overridable from the config file.
public struct VenueEndpoints: Sendable, Equatable {
    /// REST base, with Gate's `/api/v4` prefix included.
    public var rest: String
    /// Public market-data WebSocket.
    public var marketStream: String
    /// WebSocket API (Binance: trading and spot user data) or private channels (Gate).
    public var privateStream: String

    public init(rest: String, marketStream: String, privateStream: String) {
        self.rest = rest
        self.marketStream = marketStream
        self.privateStream = privateStream
    }

    public static func of(_ venue: VenueID, in environment: VenueEnvironment) -> VenueEndpoints {
        switch (venue, environment) {
        case (.binance, .mainnet):
            return VenueEndpoints(rest: "https://api.binance.com", marketStream: "wss://stream.binance.com:9443", privateStream: "wss://ws-api.binance.com:443/ws-api/v3")
        case (.binance, .testnet):
            return VenueEndpoints(rest: "https://testnet.binance.vision", marketStream: "wss://stream.testnet.binance.vision", privateStream: "wss://ws-api.testnet.binance.vision/ws-api/v3")
        case (.binanceFutures, .mainnet):
            // Since 2025 USD-M streams are routed: /public for book data, /market for
            // trades, /private for user data.
            return VenueEndpoints(rest: "https://fapi.binance.com", marketStream: "wss://fstream.binance.com", privateStream: "wss://fstream.binance.com/private")
        case (.binanceFutures, .testnet):
            return VenueEndpoints(rest: "https://testnet.binancefuture.com", marketStream: "wss://fstream.binancefuture.com", privateStream: "wss://fstream.binancefuture.com/private")
        case (.gate, .mainnet):
            return VenueEndpoints(rest: "https://api.gateio.ws/api/v4", marketStream: "wss://api.gateio.ws/ws/v4/", privateStream: "wss://api.gateio.ws/ws/v4/")
        case (.gate, .testnet):
            // The reference documents the spot testnet's WebSocket and only the futures
            // testnet's REST host; override `rest` in the config if your testnet differs.
            return VenueEndpoints(rest: "https://fx-api-testnet.gateio.ws/api/v4", marketStream: "wss://ws-testnet.gate.io/v4/ws/spot", privateStream: "wss://ws-testnet.gate.io/v4/ws/spot")
        case (.gateFutures, .mainnet):
            return VenueEndpoints(rest: "https://api.gateio.ws/api/v4", marketStream: "wss://fx-ws.gateio.ws/v4/ws/usdt", privateStream: "wss://fx-ws.gateio.ws/v4/ws/usdt")
        case (.gateFutures, .testnet):
            return VenueEndpoints(rest: "https://fx-api-testnet.gateio.ws/api/v4", marketStream: "wss://fx-ws-testnet.gateio.ws/v4/ws/usdt", privateStream: "wss://fx-ws-testnet.gateio.ws/v4/ws/usdt")
        case (_, .custom(let address)):
            let prefix = venue == .gate || venue == .gateFutures ? "/api/v4" : ""
            return VenueEndpoints(rest: address.httpDescription + prefix, marketStream: address.description, privateStream: address.description + "/private")
        case (_, .loopback(let port)):
            let prefix = venue == .gate || venue == .gateFutures ? "/api/v4" : ""
            return VenueEndpoints(rest: "http://127.0.0.1:\(port)\(prefix)", marketStream: "ws://127.0.0.1:\(port)/\(venue.rawValue)/stream", privateStream: "ws://127.0.0.1:\(port)/\(venue.rawValue)/private")
        }
    }
}
