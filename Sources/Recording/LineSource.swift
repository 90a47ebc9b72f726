/// Where a replay's lines come from: a recording file, or a session in the database.
public protocol LineSource: AnyObject {
    /// How reports name it: a file path, or `session:ID`.
    var path: String { get }
    /// Size of the source, and how much of it was consumed (for progress).
    var fileSize: Int { get }
    var fileBytesRead: Int { get }
    /// Number of the line last returned (1-based).
    var lineNumber: Int { get }
    /// The next line without its line break, valid until the next call; `nil` at the end.
    func nextLine() throws(RecordingError) -> UnsafeRawBufferPointer?
}

extension RecordingReader: LineSource {}
