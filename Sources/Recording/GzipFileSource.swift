import CompressNIO
import NIOCore

/// Bytes of a gzip file, inflated as they are read, in constant memory.
///
/// Uses compress-nio's raw `inflate(from:to:)` loop rather than its window helper, which
/// hands bytes over twice and hangs on files of several gzip members (see
/// `../shared/reference/toolchain.md`). Several members (`cat a.gz b.gz`) are read like
/// `gzip -dc` reads them. A file that ends inside compressed data is reported as
/// truncated, never passed off as a short recording.
public final class GzipFileSource: ByteSource {
    private enum MemberState {
        /// zlib wants more input, or has more output.
        case inside
        /// The last call consumed all input without error: the member may or may not be
        /// complete; only the end of the file tells.
        case undecided
    }

    private let file: FileDescriptor
    private let decompressor: ZlibDecompressor
    private var input: ByteBuffer
    private var output: ByteBuffer
    private var state = MemberState.inside
    private var endOfFile = false
    public private(set) var fileBytesRead = 0
    /// Set once the end of the data is known; reads after it return 0 or rethrow. Its
    /// errors carry no line: the reader, which counts lines, fills it in.
    private var finished: Result<Void, RecordingError>?

    public init(file: FileDescriptor) throws(RecordingError) {
        self.file = file
        do {
            decompressor = try ZlibDecompressor(algorithm: .gzip)
        } catch {
            throw .cannotOpen(path: file.path, reason: "zlib could not start: \(error)")
        }
        let allocator = ByteBufferAllocator()
        input = allocator.buffer(capacity: 1 << 17)
        output = allocator.buffer(capacity: 1 << 18)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(RecordingError) -> Int {
        while true {
            if output.readableBytes > 0 {
                let count = min(output.readableBytes, buffer.count)
                output.withUnsafeReadableBytes { bytes in
                    buffer.baseAddress!.copyMemory(from: bytes.baseAddress!, byteCount: count)
                }
                output.moveReaderIndex(forwardBy: count)
                return count
            }
            if let finished {
                try finished.get()
                return 0
            }
            if input.readableBytes == 0, !endOfFile {
                try refillInput()
            }
            if input.readableBytes == 0 {
                finished = endOfData()
                continue
            }
            output.clear()
            do {
                try decompressor.inflate(from: &input, to: &output)
                if input.readableBytes > 0 {
                    // The member ended with input left over: another member follows.
                    try decompressor.reset()
                    state = .inside
                } else {
                    state = .undecided
                }
            } catch let error as CompressNIOError where error == .bufferOverflow || error == .inputBufferOverflow {
                state = .inside
            } catch {
                finished = .failure(.corrupt(path: file.path, line: 0, reason: "\(error)"))
            }
        }
    }

    private func refillInput() throws(RecordingError) {
        input.clear()
        var failure: RecordingError?
        let file = self.file
        input.writeWithUnsafeMutableBytes(minimumWritableBytes: 1 << 16) { bytes in
            do {
                return try file.read(into: bytes)
            } catch let error as RecordingError {
                failure = error
                return 0
            } catch {
                return 0
            }
        }
        if let failure { throw failure }
        fileBytesRead += input.readableBytes
        if input.readableBytes == 0 { endOfFile = true }
    }

    /// At the end of the file: was the last gzip member complete?
    private func endOfData() -> Result<Void, RecordingError> {
        if fileBytesRead == 0 { return .success(()) }
        if state == .undecided {
            // Offer zlib one more byte. A finished member takes none and reports its
            // end; a member still open swallows it or rejects it.
            var probe = ByteBufferAllocator().buffer(capacity: 1)
            probe.writeInteger(UInt8(0))
            var scratch = ByteBufferAllocator().buffer(capacity: 64)
            do {
                try decompressor.inflate(from: &probe, to: &scratch)
                if probe.readableBytes == 1 { return .success(()) }
            } catch {}
        }
        return .failure(.truncated(path: file.path, line: 0, lostBytes: 0))
    }
}
