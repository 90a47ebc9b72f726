@testable import Recording
import TestFixtures
import Testing

@Suite("Session chunker")
struct SessionChunkerTests {
    func add(_ chunker: inout SessionChunker, _ text: String, received: Int64?, now: Int64) {
        Array(text.utf8).withUnsafeBytes { chunker.add($0, received: received, now: now) }
    }

    @Test("a trickle of lines closes a chunk after maxAge of wall time, so a crash loses at most that much")
    func closesByAge() throws {
        var chunker = SessionChunker(session: 7)
        add(&chunker, "100 a", received: 100, now: 0)
        add(&chunker, "200 b", received: 200, now: 500_000_000)
        #expect(!chunker.isDue(now: 999_999_999))
        #expect(chunker.isDue(now: 1_000_000_000))
        let closed = chunker.close()
        let chunk = try #require(closed)
        #expect(chunk.lineCount == 2 && chunk.firstLine == 1 && chunk.sequence == 0)
        #expect(chunk.firstReceived == 100 && chunk.lastReceived == 200)
        #expect(String(decoding: chunk.data, as: UTF8.self) == "100 a\n200 b\n")
        // The next chunk's age starts with its own first line.
        add(&chunker, "300 c", received: 300, now: 5_000_000_000)
        #expect(!chunker.isDue(now: 5_900_000_000))
        let second = chunker.close()
        let next = try #require(second)
        #expect(next.sequence == 1 && next.firstLine == 3)
        let none = chunker.close()
        #expect(none == nil, "nothing left")
    }

    @Test("a burst closes by size before age matters: maxLines lines, or past maxBytes")
    func closesBySize() {
        var chunker = SessionChunker(session: 1)
        chunker.maxLines = 3
        for index in 0..<3 { add(&chunker, "\(index) x", received: Int64(index), now: 0) }
        #expect(chunker.isDue(now: 0))
        _ = chunker.close()
        chunker.maxBytes = 10
        add(&chunker, "0 0123456789", received: 0, now: 0)
        #expect(chunker.isDue(now: 0))
    }
}
