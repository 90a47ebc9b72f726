#if canImport(Glibc)
import Glibc
#endif

/// Reads a recording line by line, gzip or plain (told apart by the gzip magic bytes),
/// in constant memory: one buffer that grows only to the longest line.
///
/// `nextLine()` returns a view into that buffer, valid until the next call. No line is
/// copied on its way to the parser.
public final class RecordingReader {
    public let path: String
    /// Size of the file on disk.
    public let fileSize: Int
    /// Whether the file is gzip-compressed.
    public let isCompressed: Bool
    /// Number of the line last returned (1-based).
    public private(set) var lineNumber = 0
    /// The longest line allowed before the file is declared broken.
    public static let lineLimit = 64 << 20

    private let source: ByteSource
    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    private var start = 0
    private var scanFrom = 0
    private var end = 0
    private var exhausted = false

    public init(path: String, bufferSize: Int = 1 << 18) throws(RecordingError) {
        self.path = path
        let file = try FileDescriptor(path: path)
        fileSize = file.size
        var magic = (UInt8(0), UInt8(0))
        let sniffed = withUnsafeMutableBytes(of: &magic) { bytes in
            pread(file.fd, bytes.baseAddress, 2, 0)
        }
        isCompressed = sniffed == 2 && magic.0 == 0x1F && magic.1 == 0x8B
        if isCompressed {
            source = try GzipFileSource(file: file)
        } else {
            source = PlainFileSource(file: file)
        }
        capacity = max(bufferSize, 4096)
        storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    /// Bytes of the file consumed so far (compressed bytes for gzip), for progress.
    public var fileBytesRead: Int { source.fileBytesRead }

    /// The next line without its line break, or `nil` at the end. Blank lines are
    /// returned too (the caller decides what they mean), except a final empty line.
    public func nextLine() throws(RecordingError) -> UnsafeRawBufferPointer? {
        while true {
            if scanFrom < end, let newline = memchr(storage + scanFrom, 0x0A, end - scanFrom) {
                let newlineIndex = storage.distance(to: newline)
                var lineEnd = newlineIndex
                if lineEnd > start, storage.load(fromByteOffset: lineEnd - 1, as: UInt8.self) == 0x0D { lineEnd -= 1 }
                let line = UnsafeRawBufferPointer(start: storage + start, count: lineEnd - start)
                start = newlineIndex + 1
                scanFrom = start
                lineNumber += 1
                return line
            }
            scanFrom = end
            if exhausted {
                guard start < end else { return nil }
                // A last line without a line break.
                let line = UnsafeRawBufferPointer(start: storage + start, count: end - start)
                start = end
                lineNumber += 1
                return line
            }
            try refill()
        }
    }

    private func refill() throws(RecordingError) {
        if start > 0 {
            // Move the incomplete line to the front.
            let remaining = end - start
            if remaining > 0 { memmove(storage, storage + start, remaining) }
            scanFrom -= start
            end = remaining
            start = 0
        }
        if end == capacity {
            guard capacity < Self.lineLimit else {
                throw .lineTooLong(path: path, line: lineNumber + 1, limit: Self.lineLimit)
            }
            let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
            grown.copyMemory(from: storage, byteCount: end)
            storage.deallocate()
            storage = grown
            capacity *= 2
        }
        let count: Int
        do {
            count = try source.read(into: UnsafeMutableRawBufferPointer(start: storage + end, count: capacity - end))
        } catch {
            // What is left is an incomplete line of a broken file: drop it. The inflater
            // found the damage while decompressing ahead, lines before the ones handed
            // out since: the message names the line reading really stopped at.
            let dropped = end - start
            exhausted = true
            start = end
            scanFrom = end
            switch error {
            case .corrupt(let path, _, let reason): throw .corrupt(path: path, line: lineNumber + 1, reason: reason)
            case .truncated(let path, _, _): throw .truncated(path: path, line: lineNumber + 1, lostBytes: dropped)
            default: throw error
            }
        }
        if count == 0 { exhausted = true }
        end += count
    }
}
