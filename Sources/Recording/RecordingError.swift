/// Why a recording file could not be read (as opposed to a line in it that could not be
/// parsed, which is a ``Feeds/FeedError``).
public enum RecordingError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case readFailed(path: String, reason: String)
    /// The gzip stream stops inside compressed data: the file was cut short.
    case truncated(path: String, line: Int, lostBytes: Int)
    /// The compressed data is damaged.
    case corrupt(path: String, line: Int, reason: String)
    case lineTooLong(path: String, line: Int, limit: Int)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "cannot open \(path): \(reason)"
        case .readFailed(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .truncated(let path, let line, let lostBytes):
            let lost = lostBytes > 0 ? "; the \(lostBytes) bytes of its incomplete line \(line) were dropped" : ""
            return "\(path): the gzip stream is truncated (the file ends inside compressed data)\(lost)"
        case .corrupt(let path, let line, let reason):
            return "\(path): compressed data is damaged after line \(line - 1): \(reason)"
        case .lineTooLong(let path, let line, let limit):
            return "\(path):\(line): line is longer than \(limit / 1_048_576) MiB"
        }
    }

    /// The line the problem concerns.
    public var line: Int? {
        switch self {
        case .cannotOpen, .readFailed: return nil
        case .truncated(_, let line, _), .corrupt(_, let line, _), .lineTooLong(_, let line, _): return line
        }
    }
}
