import Foundation

/// How the live connection fared, beside the replay-style report of the books.
public struct LiveFeedSummary: Sendable, Equatable {
    public var endpoint: String
    public var connections: Int
    public var drops: Int
    public var messages: Int
    public var snapshots: Int
    /// Connections handed over before the exchange's 24-hour cut.
    public var rollovers = 0
    public var lastError: String?

    public init(endpoint: String, connections: Int, drops: Int, messages: Int, snapshots: Int, rollovers: Int = 0, lastError: String? = nil) {
        (self.endpoint, self.connections, self.drops, self.messages, self.snapshots, self.rollovers, self.lastError) = (endpoint, connections, drops, messages, snapshots, rollovers, lastError)
    }

    public func write(into out: inout JSONWriter) {
        out.beginObject("live")
        out.value("endpoint", endpoint)
        out.value("connections", connections)
        out.value("drops", drops)
        out.value("messages", messages)
        out.value("snapshots", snapshots)
        out.value("rollovers", rollovers)
        out.value("last_error", lastError)
        out.endObject()
    }
}
