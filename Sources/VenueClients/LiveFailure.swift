/// Why a live session, or its connection to the exchange, could not start: the
/// endpoint, the TLS set-up, the exchange's refusal, in a trader's words.
public struct LiveFailure: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(description: String) { self.description = description }
}
