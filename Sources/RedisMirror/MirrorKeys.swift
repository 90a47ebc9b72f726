/// The Redis keys of one Apogee instance (documented in docs/redis.md).
public struct MirrorKeys: Sendable, Hashable {
    public let instance: String

    public init(instance: String) { self.instance = instance }

    var prefix: String { "apogee:\(instance):" }
    /// List of the last trades of a symbol, newest first.
    public func ticks(_ symbol: String) -> String { prefix + "ticks:" + symbol }
    /// String: the top levels of a symbol's book, as JSON.
    public func book(_ symbol: String) -> String { prefix + "book:" + symbol }
    /// Hash: symbol → position JSON.
    public var positions: String { prefix + "positions" }
    /// Hash: client order id → open order JSON.
    public var orders: String { prefix + "orders" }
    /// Hash: metric name → value.
    public var metrics: String { prefix + "metrics" }
    /// Pub/sub channel of events (JSON).
    public var events: String { prefix + "events" }
}
