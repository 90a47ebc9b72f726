import MarketModel

/// One line of a recording: `<local receive time, ns since epoch> <raw message>`,
/// the format of `../shared/data` (hftbacktest's collector).
public struct RecordingLine {
    public var received: Timestamp
    public var message: UnsafeRawBufferPointer

    /// 2009-01-01T00:00:00Z in nanoseconds: no receive time is earlier.
    public static let earliest: Int64 = 1_230_768_000_000_000_000

    /// Splits a line into its receive time and message, without copying.
    public static func split(_ line: UnsafeRawBufferPointer) throws(FeedError) -> RecordingLine {
        var nanoseconds: Int64 = 0
        var index = 0
        while index < line.count {
            let digit = line[index] &- 0x30
            guard digit < 10 else { break }
            let (shifted, overflowA) = nanoseconds.multipliedReportingOverflow(by: 10)
            let (added, overflowB) = shifted.addingReportingOverflow(Int64(digit))
            if overflowA || overflowB { throw FeedError("receive time is too large", offset: index) }
            nanoseconds = added
            index += 1
        }
        guard index > 0 else { throw FeedError("line does not start with a receive time in nanoseconds", offset: 0) }
        guard index < line.count, line[index] == UInt8(ascii: " ") else {
            throw FeedError("expected a space after the receive time", offset: index)
        }
        // Nothing was recorded before 2009 (Bitcoin's first block): a smaller number is
        // a lost or wrong clock, or seconds or milliseconds where nanoseconds belong.
        guard nanoseconds >= earliest else {
            throw FeedError("receive time \(nanoseconds) is before 2009: not nanoseconds since 1970", offset: 0)
        }
        return RecordingLine(
            received: Timestamp(nanoseconds: nanoseconds),
            message: UnsafeRawBufferPointer(rebasing: line[(index + 1)...]))
    }
}
