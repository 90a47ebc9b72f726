import MarketModel

/// One line of a recording: `<local receive time, ns since epoch> <raw message>`,
/// the format of `../shared/data` (hftbacktest's collector).
public struct RecordingLine {
    public var received: Timestamp
    public var message: UnsafeRawBufferPointer

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
        return RecordingLine(
            received: Timestamp(nanoseconds: nanoseconds),
            message: UnsafeRawBufferPointer(rebasing: line[(index + 1)...]))
    }
}
