/// How the mirror writes. The defaults suit a dashboard reading a live session.
public struct MirrorSettings: Sendable {
    public var url: RedisURL
    /// The `{instance}` part of every key, so several Apogees can share one Redis.
    public var instance: String
    /// Trades kept per symbol in the ticks list.
    public var ticksKept = 1000
    /// Levels per side in the book key.
    public var bookLevels = 20
    /// At most one book write per symbol per interval.
    public var bookInterval: Duration = .milliseconds(100)
    /// How often the engine is asked for fresh metrics.
    public var metricsInterval: Duration = .milliseconds(500)
    /// How often the writer wakes to send what has gathered (one pipeline per wake).
    public var flushInterval: Duration = .milliseconds(20)
    /// Events waiting beyond this many are dropped and counted.
    public var eventCapacity = 10_000
    public var connectTimeout: Duration = .seconds(1)
    public var commandTimeout: Duration = .seconds(2)
    /// Reconnect backoff: doubles from `backoffStart` up to `backoffLimit`, with jitter.
    public var backoffStart: Duration = .milliseconds(100)
    public var backoffLimit: Duration = .seconds(5)

    public init(url: RedisURL, instance: String = "default") {
        self.url = url
        self.instance = instance
    }
}
