@testable import VenueClients
import Testing

/// The order path's HTTP/1.1 answer reader, fed byte by byte as a socket may deliver.
@Suite("HTTP answers read off a kept connection")
struct HTTPResponseParserTests {
    /// Feeds `text` one byte at a time; the answer must appear exactly at the last byte.
    func parseByteByByte(_ text: String, closed: Bool = false) throws -> HTTPResponseParser.Parsed? {
        var parser = HTTPResponseParser()
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() {
            [byte].withUnsafeBytes { parser.append($0) }
            if index < bytes.count - 1 {
                #expect(try parser.parse() == nil, "complete too early, at byte \(index) of \(bytes.count)")
            }
        }
        return try parser.parse(closed: closed)
    }

    @Test("Content-Length: the body is exactly that many bytes; the connection is kept")
    func contentLength() throws {
        let parsed = try #require(try parseByteByByte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-MBX-USED-WEIGHT-1M: 7\r\nContent-Length: 12\r\n\r\n{\"a\":\"b€\"}"))
        #expect(parsed.response.status == 200)
        #expect(parsed.response.body == "{\"a\":\"b€\"}")
        #expect(parsed.response.headers.first { $0.name == "X-MBX-USED-WEIGHT-1M" }?.value == "7")
        #expect(parsed.keepAlive)
    }

    @Test("chunked, with a chunk extension and a trailer: the chunks joined")
    func chunked() throws {
        let text = "HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n5;name=x\r\n{\"cod\r\nB\r\ne\":-1022}  \r\n0\r\nX-Trailer: 1\r\n\r\n"
        let parsed = try #require(try parseByteByByte(text))
        #expect(parsed.response.status == 400)
        #expect(parsed.response.body == "{\"code\":-1022}  ")
        #expect(parsed.keepAlive)
    }

    @Test("Connection: close, and HTTP/1.0 without keep-alive: the connection is not reused")
    func close() throws {
        let closing = try #require(try parseByteByByte("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}"))
        #expect(closing.response.status == 503 && !closing.keepAlive)
        let old = try #require(try parseByteByByte("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"))
        #expect(!old.keepAlive)
    }

    @Test("no length stated: the body runs to the server's close")
    func untilClose() throws {
        var parser = HTTPResponseParser()
        Array("HTTP/1.1 200 OK\r\n\r\n[1,2]".utf8).withUnsafeBytes { parser.append($0) }
        #expect(try parser.parse() == nil, "more may come until the close")
        let parsed = try #require(try parser.parse(closed: true))
        #expect(parsed.response.body == "[1,2]" && !parsed.keepAlive)
    }

    @Test("cut short by a close, or not HTTP: an error that says which")
    func malformed() throws {
        var cut = HTTPResponseParser()
        Array("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{\"a\"".utf8).withUnsafeBytes { cut.append($0) }
        #expect(throws: HTTPResponseParser.Malformed.self) { try cut.parse(closed: true) }
        do {
            _ = try cut.parse(closed: true)
        } catch {
            #expect(error.description.contains("4 of 10"), "\(error)")
        }
        var empty = HTTPResponseParser()
        #expect(throws: HTTPResponseParser.Malformed.self) { try empty.parse(closed: true) }
        empty.reset()
        Array("SSH-2.0-OpenSSH\r\n\r\n".utf8).withUnsafeBytes { empty.append($0) }
        #expect(throws: HTTPResponseParser.Malformed.self) { try empty.parse() }
    }
}
