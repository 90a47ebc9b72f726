/// How the mirror is doing, for the status bar and the reports.
public struct MirrorStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Writing.
        case connected
        /// Redis is away; the mirror keeps the state and reconnects with backoff.
        case down
        /// Given up for good (wrong password, stopped).
        case stopped
    }

    public var state: State = .down
    /// Pipelines sent successfully.
    public var writes = 0
    public var tradesWritten = 0
    public var eventsPublished = 0
    /// Events not published: the queue was full or Redis was away.
    public var eventsDropped = 0
    /// Times a working connection was lost.
    public var outages = 0
    /// Times the connection came back after being lost.
    public var reconnects = 0
    /// Error replies Redis gave to mirror commands.
    public var errorReplies = 0
    public var lastError: String?

    public init() {}

    /// Short text for the header: `ok`, `down (3 dropped)`, `stopped`.
    public var headerText: String {
        switch state {
        case .connected: return eventsDropped > 0 ? "ok (\(eventsDropped) dropped)" : "ok"
        case .down: return "down (\(eventsDropped) dropped)"
        case .stopped: return "stopped"
        }
    }
}
