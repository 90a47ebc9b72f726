import Recording
import MarketModel

/// What to replay and how.
public struct ReplayOptions: Sendable {
    public var files: [String]
    /// The market the recordings come from. `nil` reads it off each file's name
    /// (`spot_…`, `usdm_…`, `coinm_…`) or, failing that, accepts every Binance shape and
    /// infers each book's sync rule from its first diff.
    public var market: MarketKind?
    /// Stop at the first malformed line instead of counting it.
    public var strict = false
    /// How many malformed lines to describe in the report.
    public var malformedSamples = 5
    /// The database that `session:ID` entries of `files` come from (default path if nil).
    public var database: String?
    /// Asked to stop early: the replay ends at the next check, its report marked.
    public var stop: StopRequest?

    /// The session id of a `session:ID` entry (or a bare number), if it is one.
    public static func sessionID(_ entry: String) -> Int64? {
        if entry.hasPrefix("session:") { return Int64(entry.dropFirst(8)) }
        return nil
    }

    public init(files: [String], market: MarketKind? = nil, strict: Bool = false) {
        self.files = files
        self.market = market
        self.strict = strict
    }

    /// The market a recording's file name announces, if any.
    public static func market(fromFileName path: String) -> MarketKind? {
        let name = path.split(separator: "/").last.map(String.init)?.lowercased() ?? ""
        if name.hasPrefix("spot_") || name.hasPrefix("spot-") { return .spot }
        if name.hasPrefix("usdm_") || name.hasPrefix("usdm-") || name.hasPrefix("um_") { return .usdMargined }
        if name.hasPrefix("coinm_") || name.hasPrefix("coinm-") || name.hasPrefix("cm_") { return .coinMargined }
        return nil
    }
}

/// Where a replay stands, for a progress line.
public struct ReplayProgress: Sendable {
    public var fileBytesRead: Int
    public var fileBytesTotal: Int
    public var lines: Int
    public var events: Int
    public var elapsedSeconds: Double

    public var fraction: Double { fileBytesTotal > 0 ? min(1, Double(fileBytesRead) / Double(fileBytesTotal)) : 0 }
}

/// Why a replay stopped before the end.
public enum ReplayFailure: Error, Sendable, CustomStringConvertible {
    /// A file could not be opened or read at all.
    case recording(RecordingError)
    /// `--strict`: the first malformed line.
    case malformed(MalformedLine)
    /// The exchange's rules saved beside the recordings could not be read.
    case exchangeRules(String)

    public var description: String {
        switch self {
        case .recording(let error): return error.description
        case .malformed(let line): return "\(line.description) (stopped: --strict)"
        case .exchangeRules(let message): return message
        }
    }
}
