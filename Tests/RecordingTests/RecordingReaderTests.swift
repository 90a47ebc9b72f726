import TestFixtures
import Recording
import Foundation
import Testing

@Suite("Recording reader")
struct RecordingReaderTests {
    func readAll(_ path: String, bufferSize: Int = 1 << 18) throws -> [String] {
        let reader = try RecordingReader(path: path, bufferSize: bufferSize)
        var lines: [String] = []
        while let line = try reader.nextLine() { lines.append(String(decoding: line, as: UTF8.self)) }
        return lines
    }

    @Test("plain text: line breaks, CRLF, blank lines, a last line without a break")
    func plain() throws {
        let directory = try Support.scratchDirectory()
        let path = directory + "/plain.txt"
        try "one\r\ntwo\n\nthree".write(toFile: path, atomically: true, encoding: .utf8)
        let reader = try RecordingReader(path: path)
        #expect(!reader.isCompressed)
        #expect(try readAll(path) == ["one", "two", "", "three"])
    }

    @Test("gzip gives the same lines as gzip -dc, whatever the buffer size")
    func gzipMatchesGzip() throws {
        let directory = try Support.scratchDirectory()
        try Support.shell("gzip -dc '\(Support.spotETH)' > '\(directory)/eth.txt'")
        let expected = try readAll(directory + "/eth.txt")
        #expect(expected.count == 33_618)
        let reader = try RecordingReader(path: Support.spotETH)
        #expect(reader.isCompressed)
        #expect(try readAll(Support.spotETH) == expected)
        // A tiny buffer must grow to hold the 50 KB snapshot line.
        #expect(try readAll(Support.spotETH, bufferSize: 4096) == expected)
    }

    @Test("a gzip file of several members reads like gzip -dc reads it")
    func multiMember() throws {
        let directory = try Support.scratchDirectory()
        try "a\nb\n".write(toFile: directory + "/1.txt", atomically: true, encoding: .utf8)
        try "c\nd\n".write(toFile: directory + "/2.txt", atomically: true, encoding: .utf8)
        try Support.shell("cd '\(directory)' && gzip -c 1.txt > both.gz && gzip -c 2.txt >> both.gz")
        #expect(try readAll(directory + "/both.gz") == ["a", "b", "c", "d"])
    }

    @Test("a truncated gzip yields its complete lines, then says it is truncated")
    func truncated() throws {
        let directory = try Support.scratchDirectory()
        let path = directory + "/cut.gz"
        try Support.shell("head -c 300000 '\(Support.spotBTC)' > '\(path)'")
        let reader = try RecordingReader(path: path)
        var count = 0
        do {
            while let line = try reader.nextLine() {
                #expect(line.first == UInt8(ascii: "1"))
                #expect(line.last == UInt8(ascii: "}"))
                count += 1
            }
            Issue.record("a truncated file read to its end without complaint")
        } catch {
            guard case .truncated(_, let line, let lost) = error else {
                Issue.record("expected truncation, got \(error)")
                return
            }
            #expect(line == count + 1)
            #expect(lost > 0)
            #expect(error.description.contains("truncated"))
        }
        #expect(count > 1000)
        #expect(try reader.nextLine() == nil)
    }

    @Test("damaged compressed data is reported at the line reading stopped at, not where the inflater was")
    func damageNamesTheRightLine() throws {
        let directory = try Support.scratchDirectory()
        let path = directory + "/damaged.gz"
        // Bytes overwritten well inside the stream: zlib decompresses ahead of the lines
        // handed out, so a line number taken when it failed would be far too early.
        try Support.shell("cp '\(Support.spotBTC)' '\(path)' && printf 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX' | dd of='\(path)' bs=1 seek=600000 conv=notrunc 2>/dev/null")
        let reader = try RecordingReader(path: path)
        var count = 0
        do {
            while try reader.nextLine() != nil { count += 1 }
            Issue.record("a damaged file read to its end without complaint")
        } catch {
            guard case .corrupt(_, let line, _) = error else {
                Issue.record("expected damage, got \(error)")
                return
            }
            #expect(count > 1000)
            #expect(line == count + 1)
            #expect(error.description.contains("damaged after line \(count)"))
        }
    }

    @Test("a gzip file cut exactly at a member boundary is complete")
    func exactEnd() throws {
        let directory = try Support.scratchDirectory()
        try "x\ny\n".write(toFile: directory + "/small.txt", atomically: true, encoding: .utf8)
        try Support.shell("cd '\(directory)' && gzip -c small.txt > small.gz")
        #expect(try readAll(directory + "/small.gz") == ["x", "y"])
    }

    @Test("damaged compressed data is an error, not silence")
    func corrupt() throws {
        let directory = try Support.scratchDirectory()
        let path = directory + "/damaged.gz"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: Support.spotETH))
        for offset in stride(from: 200_000, to: 200_400, by: 7) { bytes[offset] ^= 0x5A }
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try readAll(path)
        } throws: { error in
            guard let error = error as? RecordingError else { return false }
            switch error {
            case .corrupt, .truncated: return true
            default: return false
            }
        }
    }

    @Test("a missing file or a directory is a clear error")
    func missing() throws {
        #expect(throws: RecordingError.cannotOpen(path: "/nonexistent/x.gz", reason: "No such file or directory")) {
            _ = try RecordingReader(path: "/nonexistent/x.gz")
        }
        let directory = try Support.scratchDirectory()
        #expect(throws: RecordingError.cannotOpen(path: directory, reason: "it is a directory")) {
            _ = try RecordingReader(path: directory)
        }
    }
}
