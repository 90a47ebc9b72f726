/// The venues Apogee trades, as `--exchange` names them.
public enum VenueID: String, Sendable, CaseIterable {
    case binance
    case binanceFutures = "binance-futures"
    case gate
    case gateFutures = "gate-futures"

    /// The prefix of its environment variables: `APOGEE_BINANCE_FUTURES_KEY`, …
    var environmentName: String { rawValue.uppercased().replacingOccurrences(of: "-", with: "_") }

    /// The venue whose keys serve this one when it has none of its own (one account
    /// trades spot and futures on both exchanges).
    var sharesKeysWith: VenueID? {
        switch self {
        case .binanceFutures: return .binance
        case .gateFutures: return .gate
        case .binance, .gate: return nil
        }
    }

    public var isFutures: Bool { self == .binanceFutures || self == .gateFutures }
    public var isGate: Bool { self == .gate || self == .gateFutures }
}

/// Where a venue is reached.
public enum VenueEnvironment: Sendable, Equatable {
    case mainnet
    case testnet
    /// A fake exchange on 127.0.0.1 (tests, `apogee fake-exchange`): plain HTTP and WS.
    case loopback(port: Int)
    /// Everything at one address (a fake exchange over TLS, a proxy): REST under its
    /// http(s) form, the streams under its ws(s) form.
    case custom(ServiceAddress)
}
