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

    /// One line for the text report.
    public var summary: String {
        var text = "redis \(url) (instance \(instance)): \(status.state.rawValue), \(status.writes) pipelines, \(status.tradesWritten) trades, \(status.eventsPublished) events published, \(status.eventsDropped) dropped"
        if status.outages > 0 { text += ", \(status.outages) outage(s), \(status.reconnects) reconnect(s)" }
        if let error = status.lastError { text += "; last error: \(error)" }
        return text
    }
}
