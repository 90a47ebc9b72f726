/// Where a recording's bytes come from: a plain file, or a gzip file decompressed on
/// the fly.
public protocol ByteSource: AnyObject {
    /// Fills the front of `buffer` with the next bytes; returns how many (0 at the end).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(RecordingError) -> Int
    /// Bytes consumed from the file itself (compressed bytes for gzip), for progress.
    var fileBytesRead: Int { get }
}
