import MarketModel

/// Lines whose receive time is earlier than the line before them in the same file: a
/// clock stepped back, or connections merged out of order. They are replayed (every
/// window downstream clamps negative spans), and counted here so the report says so.
public struct ClockSteps: Sendable, Equatable {
    public private(set) var count = 0
    /// The largest step back, in nanoseconds.
    public private(set) var largestNanoseconds: Int64 = 0
    /// Where the first one is (`file:line`).
    public private(set) var first: String?

    public init() {}

    mutating func record(back nanoseconds: Int64, file: String, line: Int) {
        count += 1
        largestNanoseconds = max(largestNanoseconds, nanoseconds)
        if first == nil { first = "\(file):\(line)" }
    }

    /// The report's line, or nil when time never went back.
    public var summary: String? {
        guard count > 0, let first else { return nil }
        let milliseconds = Double(largestNanoseconds) / 1e6
        return "\(count) line(s) received earlier than the line before (largest step back \(milliseconds.formatted2) ms, first at \(first)); replayed in file order"
    }
}

private extension Double {
    var formatted2: String {
        let scaled = (self * 100).rounded() / 100
        return scaled == scaled.rounded() ? String(Int64(scaled)) : String(scaled)
    }
}
