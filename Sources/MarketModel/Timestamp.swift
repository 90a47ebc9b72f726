/// A point in time as nanoseconds since the Unix epoch (UTC).
///
/// Pure code never reads a clock: timestamps arrive inside events, from the exchange
/// (its event or trade time) or from the receiving host (its local receive time).
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// Exchange times come in milliseconds (Binance `E`, `T`).
    @inlinable public static func milliseconds(_ value: Int64) -> Timestamp {
        Timestamp(nanoseconds: value &* 1_000_000)
    }

    public var milliseconds: Int64 { nanoseconds / 1_000_000 }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// Nanoseconds from `other` to `self`.
    public func nanoseconds(since other: Timestamp) -> Int64 { nanoseconds - other.nanoseconds }

    /// ISO 8601 in UTC with milliseconds, e.g. `2024-08-09T00:54:15.208Z`.
    public var description: String { UTCDateTime(self).iso8601 }
}
