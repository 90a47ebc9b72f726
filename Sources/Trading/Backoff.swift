/// A wait that doubles with each failure in a row, up to a cap: how long to wait before
/// the next try after `failures` failures (the first wait after the first failure).
/// Nanoseconds.
public struct Backoff: Hashable, Sendable {
    public var first: Int64
    public var longest: Int64

    public init(first: Int64, longest: Int64) {
        self.first = first
        self.longest = longest
    }

    /// The wait after `failures` failures in a row (1 or more).
    public func delay(after failures: Int) -> Int64 {
        min(first << min(max(failures - 1, 0), 30), longest)
    }

    /// Refused orders, exits and entries alike: 1 s, 2 s, 4 s … 30 s.
    public static let refusedOrder = Backoff(first: 1_000_000_000, longest: 30_000_000_000)
}
