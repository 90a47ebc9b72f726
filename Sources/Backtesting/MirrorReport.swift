import RedisMirror

/// How the Redis mirror fared during a run, for reports (the URL without password).
public struct MirrorReport: Sendable, Equatable {
    public var url: String
    public var instance: String
    public var status: MirrorStatus

    public init(url: String, instance: String, status: MirrorStatus) {
        self.url = url
        self.instance = instance
        self.status = status
    }

    public func write(into out: inout JSONWriter) {
        out.beginObject("redis")
        out.value("url", url)
        out.value("instance", instance)
        out.value("state", status.state.rawValue)
        out.value("writes", status.writes)
        out.value("trades_written", status.tradesWritten)
        out.value("events_published", status.eventsPublished)
        out.value("events_dropped", status.eventsDropped)
        out.value("outages", status.outages)
        out.value("reconnects", status.reconnects)
        out.value("error_replies", status.errorReplies)
        out.value("last_error", status.lastError)
        out.endObject()
    }

    /// What a trader must hear on stderr when the mirror did not keep up: Redis went
    /// away (the run itself carried on), or answered with errors. Nil when all went well.
    public var warning: String? {
        guard status.outages > 0 || status.errorReplies > 0 || status.eventsDropped > 0 || status.state != .connected else { return nil }
        var parts: [String] = []
        if status.outages > 0 { parts.append("lost its connection \(status.outages) time(s), reconnected \(status.reconnects) time(s)") }
        if status.state != .connected { parts.append("was not connected at the end (the final state was not written)") }
        if status.eventsDropped > 0 { parts.append("dropped \(status.eventsDropped) event(s)") }
        if status.errorReplies > 0 { parts.append("got \(status.errorReplies) error reply(ies)") }
        let last = status.lastError.map { "; last error: \($0)" } ?? ""
        return "the Redis mirror at \(url) " + parts.joined(separator: ", ") + last + "; the run's own results are unaffected, but Redis may hold stale state"
    }

    /// One line for the text report.
    public var summary: String {
        var text = "redis \(url) (instance \(instance)): \(status.state.rawValue), \(status.writes) pipelines, \(status.tradesWritten) trades, \(status.eventsPublished) events published, \(status.eventsDropped) dropped"
        if status.outages > 0 { text += ", \(status.outages) outage(s), \(status.reconnects) reconnect(s)" }
        if let error = status.lastError { text += "; last error: \(error)" }
        return text
    }
}
