import Foundation
import NIOHTTP1
import Venues

/// One HTTP/1.1 connection to an exchange's REST host, kept open between requests and
/// written by the calling thread itself (a ``DirectSocket``): an order pays neither a
/// connect and TLS handshake nor an event loop's wake-up. Requests go one at a time,
/// which is how a trading session sends them; the caller waits for the answer, as it
/// would have on an event loop's future.
///
/// A request that could not be written because the kept connection had closed (the
/// server's idle timeout) is sent again on a new one; it never reached the exchange.
/// Once any byte is written, a lost connection or a timeout is an unknown outcome:
/// `send` throws ``Unanswered`` and the caller decides (an order is looked up by its
/// client id).
final class DirectHTTPConnection: @unchecked Sendable {
    /// Written, but no answer came.
    struct Unanswered: Error, CustomStringConvertible {
        var description: String
    }

    let address: ServiceAddress
    private let caFile: String?
    private var tls: DirectTLSContext?
    private var socket: DirectSocket?
    private var parser = HTTPResponseParser()
    /// The request being written (reused: its bytes are built in place).
    private var request: [UInt8] = []
    /// Serialises requests from any thread (the session's, a keep-alive timer's).
    private let lock = NSLock()

    init(address: ServiceAddress, caFile: String?) {
        self.address = address
        self.caFile = caFile
    }

    /// Closes the kept connection (the next request opens a new one).
    func close() {
        lock.lock()
        defer { lock.unlock() }
        socket = nil
    }

    /// Sends one request (with `body`, a JSON body) and waits for its answer.
    /// `onWritten` gets the wall time (ns) the whole request was handed to the socket.
    /// `query`, if any, follows `path` after a `?` (kept apart so a long signed query
    /// is copied once, into the request's bytes).
    func send(_ method: HTTPMethod, path: String, query: String = "", headers extra: [(name: String, value: String)], body: String = "", timeout: Duration, onWritten: (@Sendable (Int64) -> Void)? = nil) throws -> RESTClient.Response {
        lock.lock()
        defer { lock.unlock() }
        Self.encode(method, path: path, query: query, host: address.hostHeader, headers: extra, body: body, into: &request)
        // Only on a failure: describing a request costs more than writing it.
        let what = { "\(method.rawValue) \(path) to \(self.address.host):\(self.address.port)" }
        // A connection kept from before may have been closed by the server meanwhile:
        // then the request was not written, and goes out once more on a fresh one.
        for attempt in 0..<2 {
            let socket = try open(timeout: timeout)
            do throws(DirectSocket.WriteFailure) {
                try socket.write(request)
            } catch {
                self.socket = nil
                if error.sentBytes == 0, attempt == 0 { continue }
                throw Unanswered(description: "\(what()): the connection failed while the request was written (\(error.reason))")
            }
            onWritten?(Int64(Date().timeIntervalSince1970 * 1e9))
            do {
                return try answer(on: socket, timeout: timeout)
            } catch {
                self.socket = nil
                throw Unanswered(description: "\(what()): \(error)")
            }
        }
        throw Unanswered(description: "\(what()): not sent")
    }

    /// Reads until the response is complete; a connection the server ends is dropped.
    private func answer(on socket: DirectSocket, timeout: Duration) throws -> RESTClient.Response {
        parser.reset()
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout.milliseconds) * 1_000_000
        while true {
            let open = try socket.read(into: &parser, deadline: deadline)
            if let parsed = try parser.parse(closed: !open) {
                if !parsed.keepAlive || !open { self.socket = nil }
                return parsed.response
            }
        }
    }

    private func open(timeout: Duration) throws -> DirectSocket {
        if let socket, !socket.isStale { return socket }
        socket = nil
        do throws(DirectSocket.Failure) {
            if address.tls, tls == nil { tls = try DirectTLSContext(caFile: caFile) }
            let socket = try DirectSocket(to: address, tls: address.tls ? tls : nil, timeout: min(timeout, .seconds(3)))
            self.socket = socket
            return socket
        } catch {
            throw RESTClient.Failure(description: error.description.contains("unreachable") ? error.description : "\(address.host):\(address.port) is unreachable: \(error.description)")
        }
    }

    /// The request's bytes, head and body, for one write: appended in place, since
    /// this is on every order's path.
    static func encode(_ method: HTTPMethod, path: String, query: String, host: String, headers: [(name: String, value: String)], body: String, into bytes: inout [UInt8]) {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: method.rawValue.utf8)
        bytes.append(UInt8(ascii: " "))
        bytes.append(contentsOf: path.utf8)
        if !query.isEmpty {
            bytes.append(UInt8(ascii: "?"))
            bytes.append(contentsOf: query.utf8)
        }
        bytes.append(contentsOf: " HTTP/1.1\r\nHost: ".utf8)
        bytes.append(contentsOf: host.utf8)
        bytes.append(contentsOf: "\r\nContent-Length: ".utf8)
        bytes.appendDecimal(Int64(body.utf8.count))
        bytes.append(contentsOf: "\r\n".utf8)
        if !body.isEmpty { bytes.append(contentsOf: "Content-Type: application/json\r\n".utf8) }
        bytes.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        for header in headers {
            bytes.append(contentsOf: header.name.utf8)
            bytes.append(contentsOf: ": ".utf8)
            bytes.append(contentsOf: header.value.utf8)
            bytes.append(contentsOf: "\r\n".utf8)
        }
        bytes.append(contentsOf: "\r\n".utf8)
        bytes.append(contentsOf: body.utf8)
    }
}
