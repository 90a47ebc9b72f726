import Foundation

/// The wall clock, in nanoseconds since 1970: read only at the edges (sockets, the
/// live shells, the journal's session records), never in the pure core.
public enum WallClock {
    public static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1e9) }
}
