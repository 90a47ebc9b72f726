/// Why one message from a feed or a recording could not be read.
///
/// `offset` is the byte in the message where reading stopped (0-based), so a report can
/// point at it; the driver adds file and line.
public struct FeedError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public var offset: Int?

    public init(_ reason: String, offset: Int? = nil) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String {
        guard let offset else { return reason }
        return "\(reason) (at byte \(offset + 1))"
    }
}
