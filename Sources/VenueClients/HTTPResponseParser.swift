/// Reads one HTTP/1.1 response out of the bytes received so far on a kept connection:
/// the status line, the headers, and a body sized by `Content-Length`, sent in chunks
/// (`Transfer-Encoding: chunked`), or running to the connection's close. Bytes are
/// appended as they arrive; `parse` answers nil until the whole response is there.
struct HTTPResponseParser {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    /// A complete response, and whether the connection may carry the next request.
    struct Parsed {
        var response: RESTClient.Response
        var keepAlive: Bool
    }

    private(set) var bytes: [UInt8] = []

    mutating func append(_ received: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: received)
    }

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
    }

    /// The response, once complete. `closed`: the peer has closed, so a body with no
    /// stated length ends here (and an incomplete one is an error).
    func parse(closed: Bool = false) throws(Malformed) -> Parsed? {
        guard let headEnd = Self.find([13, 10, 13, 10], in: bytes[...]) else {
            if closed { throw Malformed(description: bytes.isEmpty ? "the connection closed before the answer" : "the connection closed in the middle of the answer's head") }
            return nil
        }
        let headText = String(decoding: bytes[..<headEnd], as: UTF8.self)
        var lines = headText.split(separator: "\r\n", omittingEmptySubsequences: false)[...]
        guard let statusLine = lines.popFirst() else { throw Malformed(description: "no status line") }
        let statusParts = statusLine.split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw Malformed(description: "not an HTTP/1.x status line: \(statusLine.prefix(60))")
        }
        var headers: [(name: String, value: String)] = []
        var contentLength: Int?
        var chunked = false
        var keepAlive = statusParts[0] == "HTTP/1.1"
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw Malformed(description: "header line without a colon: \(line.prefix(60))") }
            let name = String(line[..<colon])
            let value = String(line[line.index(after: colon)...].drop(while: { $0 == " " || $0 == "\t" }))
            headers.append((name, value))
            switch name.lowercased() {
            case "content-length":
                guard let length = Int(value), length >= 0 else { throw Malformed(description: "Content-Length \(value)") }
                contentLength = length
            case "transfer-encoding":
                chunked = value.lowercased().contains("chunked")
            case "connection":
                let token = value.lowercased()
                if token.contains("close") { keepAlive = false }
                if token.contains("keep-alive") { keepAlive = true }
            default:
                break
            }
        }
        let bodyStart = headEnd + 4
        let body: [UInt8]
        if chunked {
            guard let decoded = try Self.dechunk(bytes[bodyStart...]) else {
                if closed { throw Malformed(description: "the connection closed in the middle of a chunked answer") }
                return nil
            }
            body = decoded
        } else if let contentLength {
            guard bytes.count - bodyStart >= contentLength else {
                if closed { throw Malformed(description: "the connection closed after \(bytes.count - bodyStart) of \(contentLength) body bytes") }
                return nil
            }
            body = Array(bytes[bodyStart..<(bodyStart + contentLength)])
        } else if status == 204 || status == 304 || (100..<200).contains(status) {
            body = []
        } else {
            // No length given: the body runs until the server closes.
            guard closed else { return nil }
            body = Array(bytes[bodyStart...])
            keepAlive = false
        }
        return Parsed(response: RESTClient.Response(status: status, headers: headers, body: String(decoding: body, as: UTF8.self)), keepAlive: keepAlive)
    }

    /// The body of a chunked message, or nil while its last chunk has not arrived.
    private static func dechunk(_ encoded: ArraySlice<UInt8>) throws(Malformed) -> [UInt8]? {
        var body: [UInt8] = []
        var index = encoded.startIndex
        while true {
            guard let lineEnd = find([13, 10], in: encoded[index...]) else { return nil }
            let sizeText = String(decoding: encoded[index..<lineEnd], as: UTF8.self)
            let sizeField = sizeText.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            guard let size = Int(sizeField.trimmingSpaces, radix: 16), size >= 0 else {
                throw Malformed(description: "chunk size \(sizeText.prefix(20))")
            }
            let dataStart = lineEnd + 2
            if size == 0 {
                // The last chunk, then optional trailers and an empty line.
                guard find([13, 10], in: encoded[dataStart...]) != nil else { return nil }
                if encoded[dataStart...].starts(with: [13, 10]) { return body }
                guard find([13, 10, 13, 10], in: encoded[dataStart...]) != nil else { return nil }
                return body
            }
            guard encoded.endIndex - dataStart >= size + 2 else { return nil }
            body.append(contentsOf: encoded[dataStart..<(dataStart + size)])
            index = dataStart + size + 2
        }
    }

    /// Where `pattern` first starts in `haystack`.
    private static func find(_ pattern: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= pattern.count else { return nil }
        var index = haystack.startIndex
        let last = haystack.endIndex - pattern.count
        while index <= last {
            if haystack[index] == pattern[0], haystack[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
            index += 1
        }
        return nil
    }
}

private extension String {
    var trimmingSpaces: Substring {
        let start = firstIndex(where: { $0 != " " && $0 != "\t" }) ?? endIndex
        let end = lastIndex(where: { $0 != " " && $0 != "\t" }).map { index(after: $0) } ?? start
        return self[start..<max(start, end)]
    }
}
