import COpenSSL
import Foundation
import Venues

/// A TCP connection (TLS through the system's libssl when the address asks for it),
/// driven with blocking calls by whichever thread uses it. The order path writes on it
/// straight from the session thread: no event loop to wake between a decision and the
/// bytes leaving, which on a 2-core machine was most of the frame-to-order time.
final class DirectSocket {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let descriptor: Int32
    private var tls: UnsafeMutableRawPointer?

    /// Connects within `timeout`, then finishes the TLS handshake when `context` is given.
    init(to address: ServiceAddress, tls context: DirectTLSContext?, timeout: Duration) throws(Failure) {
        let place = "\(address.host):\(address.port)"
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var found: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(address.host, String(address.port), &hints, &found)
        guard resolved == 0, let first = found else {
            throw Failure(description: "\(place) is unreachable: cannot resolve \(address.host) (\(String(cString: gai_strerror(resolved))))")
        }
        defer { freeaddrinfo(found) }
        var lastError = "no address"
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        var connected: Int32 = -1
        while let entry = candidate, connected < 0 {
            candidate = entry.pointee.ai_next
            let socket = Glibc.socket(entry.pointee.ai_family, entry.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), entry.pointee.ai_protocol)
            guard socket >= 0 else { lastError = String(cString: strerror(errno)); continue }
            if let error = Self.connect(socket, to: entry.pointee.ai_addr, length: entry.pointee.ai_addrlen, timeout: timeout) {
                lastError = error
                Glibc.close(socket)
                continue
            }
            connected = socket
        }
        guard connected >= 0 else { throw Failure(description: "\(place) is unreachable: \(lastError)") }
        descriptor = connected
        var on: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        // Every read is bounded even inside a TLS record (poll alone cannot see a record's end).
        var limit = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        if let context {
            do throws(Failure) {
                tls = try context.secure(descriptor, to: address)
            } catch {
                Glibc.close(descriptor)
                throw Failure(description: "\(place): TLS handshake failed: \(TLSFailureExplanation.isPlainTextServer(error.description) ? TLSFailureExplanation.explain(error.description) : error.description)")
            }
        }
    }

    deinit {
        if let tls { cossl_tls_free(tls) }
        Glibc.close(descriptor)
    }

    /// A non-blocking connect waited for with poll, so an unreachable host fails within `timeout`.
    private static func connect(_ socket: Int32, to address: UnsafeMutablePointer<sockaddr>?, length: socklen_t, timeout: Duration) -> String? {
        let flags = fcntl(socket, F_GETFL)
        _ = fcntl(socket, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(socket, F_SETFL, flags) }
        if Glibc.connect(socket, address, length) == 0 { return nil }
        guard errno == EINPROGRESS else { return String(cString: strerror(errno)) }
        var waiting = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
        let ready = poll(&waiting, 1, Int32(timeout.milliseconds))
        if ready == 0 { return "no connection within \(timeout.milliseconds) ms" }
        if ready < 0 { return String(cString: strerror(errno)) }
        var error: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &size)
        return error == 0 ? nil : String(cString: strerror(error))
    }

    /// Writes every byte. Throws with how many bytes left before the failure: none
    /// means the peer never saw any of the request.
    func write(_ bytes: [UInt8]) throws(WriteFailure) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { buffer -> Int in
                let start = buffer.baseAddress! + sent
                if let tls { return Int(cossl_tls_write(tls, start, Int32(buffer.count - sent))) }
                return Glibc.send(descriptor, start, buffer.count - sent, Int32(MSG_NOSIGNAL))
            }
            if count < 0, tls == nil, errno == EINTR { continue }
            guard count > 0 else { throw WriteFailure(sentBytes: sent, reason: tls == nil ? String(cString: strerror(errno)) : "TLS write failed") }
            sent += count
        }
    }

    struct WriteFailure: Error {
        var sentBytes: Int
        var reason: String
    }

    /// Reads what has arrived (waiting until `deadline`, a monotonic time in ns) into
    /// `parser`. False when the peer closed.
    func read(into parser: inout HTTPResponseParser, deadline: UInt64) throws(Failure) -> Bool {
        if tls == nil || cossl_tls_pending(tls) == 0 {
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline else { throw Failure(description: "no answer in time") }
            var waiting = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&waiting, 1, Int32(min(Int(Int32.max), Int((deadline - now + 999_999) / 1_000_000))))
            if ready == 0 { throw Failure(description: "no answer in time") }
            if ready < 0, errno != EINTR { throw Failure(description: String(cString: strerror(errno))) }
        }
        return try withUnsafeTemporaryAllocation(byteCount: 16_384, alignment: 1) { buffer throws(Failure) -> Bool in
            let count: Int
            if let tls {
                count = Int(cossl_tls_read(tls, buffer.baseAddress, Int32(buffer.count)))
                if count == -2 { return true }
                if count < 0 { throw Failure(description: "TLS read failed") }
            } else {
                count = Glibc.recv(descriptor, buffer.baseAddress, buffer.count, 0)
                if count < 0 {
                    if errno == EINTR || errno == EAGAIN { return true }
                    throw Failure(description: String(cString: strerror(errno)))
                }
            }
            if count == 0 { return false }
            parser.append(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            return true
        }
    }

    /// Whether the kept connection can no longer carry a request: the server closed it
    /// (idle timeout) or sent something unasked. Costs one poll when nothing is waiting,
    /// which is the usual case. Over TLS, post-handshake messages (session tickets) are
    /// consumed here rather than mistaken for an answer.
    var isStale: Bool {
        var waiting = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&waiting, 1, 0) > 0 else { return tls.map { cossl_tls_pending($0) > 0 } ?? false }
        if waiting.revents & Int16(POLLERR | POLLHUP) != 0 { return true }
        // Plain: readable with nothing asked is the server's close or stray bytes.
        guard let tls else { return true }
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(descriptor, F_SETFL, flags) }
        var byte: UInt8 = 0
        // -2: only handshake messages were waiting, and nothing is left to read.
        return cossl_tls_read(tls, &byte, 1) != -2
    }
}

/// A system-OpenSSL client context for ``DirectSocket``: TLS 1.2+, peers verified
/// against the system's roots plus the session's `--ca-file`.
final class DirectTLSContext: @unchecked Sendable {
    private let context: UnsafeMutableRawPointer

    init(caFile: String?) throws(DirectSocket.Failure) {
        // libssl writes with write(2): a peer gone mid-order must be an error, not SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        var error = [CChar](repeating: 0, count: 256)
        let made = error.withUnsafeMutableBufferPointer { cossl_tls_context(caFile, $0.baseAddress, $0.count) }
        guard let made else {
            throw DirectSocket.Failure(description: "TLS: cannot set up the client context\(caFile.map { " with --ca-file \($0)" } ?? ""): \(Self.text(error))")
        }
        context = made
    }

    deinit { cossl_tls_context_free(context) }

    /// The C string OpenSSL wrote into `buffer`.
    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func secure(_ descriptor: Int32, to address: ServiceAddress) throws(DirectSocket.Failure) -> UnsafeMutableRawPointer {
        var error = [CChar](repeating: 0, count: 256)
        let made = error.withUnsafeMutableBufferPointer { cossl_tls_connect(context, descriptor, address.host, address.hostIsIPAddress ? 1 : 0, $0.baseAddress, $0.count) }
        guard let made else { throw DirectSocket.Failure(description: Self.text(error)) }
        return made
    }
}

extension Duration {
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
