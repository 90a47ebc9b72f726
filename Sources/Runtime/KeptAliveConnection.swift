import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Venues

/// One HTTP/1.1 connection to an exchange's REST host, kept open between requests:
/// an order does not pay for a TCP connect (and over TLS, a handshake of a few round
/// trips) each time. Requests go one at a time, which is how a trading session sends
/// them.
///
/// A request that could not be written because the kept connection had closed (the
/// server's idle timeout) is sent again on a new one; it never reached the exchange.
/// Once written, a lost connection or a timeout is an unknown outcome: `send` throws
/// ``Unanswered`` and the caller decides (an order is looked up by its client id).
final class KeptAliveConnection: @unchecked Sendable {
    /// Written, but no answer came.
    struct Unanswered: Error, CustomStringConvertible {
        var description: String
    }

    let address: ServiceAddress
    private let tls: TLSClient?
    private let group: EventLoopGroup
    private var channel: Channel?
    private var handler: KeptAliveHandler?
    /// Serialises requests from any thread.
    private let lock = NSLock()

    init(address: ServiceAddress, tls: TLSClient?, group: EventLoopGroup) {
        self.address = address
        self.tls = address.tls ? tls : nil
        self.group = group
    }

    deinit { close() }

    /// Closes the kept connection (the next request opens a new one).
    func close() {
        lock.lock()
        defer { lock.unlock() }
        channel?.close(promise: nil)
        channel = nil
        handler = nil
    }

    /// Sends one request (with `body`, a JSON body) and waits for its answer.
    /// `onWritten` gets the wall time (ns) the request was handed to the socket.
    func send(_ method: HTTPMethod, path: String, headers extra: [(name: String, value: String)], body: String = "", timeout: TimeAmount, onWritten: (@Sendable (Int64) -> Void)? = nil) throws -> RESTClient.Response {
        lock.lock()
        defer { lock.unlock() }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: address.hostHeader)
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        if !body.isEmpty { headers.add(name: "Content-Type", value: "application/json") }
        headers.add(name: "Connection", value: "keep-alive")
        for header in extra { headers.add(name: header.name, value: header.value) }
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers)
        // A connection kept from before may have been closed by the server meanwhile:
        // then the request was not written, and goes out once more on a fresh one.
        for attempt in 0..<2 {
            let (channel, handler) = try open()
            let promise = channel.eventLoop.makePromise(of: RESTClient.Response.self)
            let written = Atomic<Bool>(false)
            channel.eventLoop.execute {
                handler.start(head, body: body, promise: promise, context: channel, timeout: timeout) { time in
                    written.store(true, ordering: .relaxed)
                    onWritten?(time)
                }
            }
            do {
                return try promise.futureResult.wait()
            } catch {
                self.channel = nil
                self.handler = nil
                channel.close(promise: nil)
                if !written.load(ordering: .relaxed), attempt == 0 { continue }
                throw Unanswered(description: "\(method) \(path.split(separator: "?").first ?? "") to \(address.host):\(address.port): \(error)")
            }
        }
        throw Unanswered(description: "\(method) to \(address.host):\(address.port): not sent")
    }

    private func open() throws -> (Channel, KeptAliveHandler) {
        if let channel, channel.isActive, let handler { return (channel, handler) }
        let handler = KeptAliveHandler()
        let address = self.address
        let tls = self.tls
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.seconds(3))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                TLSClient.secure(channel, to: address, with: tls).flatMap {
                    channel.pipeline.addHTTPClientHandlers()
                }.flatMap {
                    channel.pipeline.addHandler(handler)
                }
            }
        do {
            let channel = try bootstrap.connect(host: address.host, port: address.port).wait()
            self.channel = channel
            self.handler = handler
            return (channel, handler)
        } catch {
            throw RESTClient.Failure(description: "\(address.host):\(address.port) is unreachable: \(error)")
        }
    }
}

/// Collects the answer to the one request in flight on a kept connection.
final class KeptAliveHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart
    // Everything below runs on the channel's event loop.
    private var promise: EventLoopPromise<RESTClient.Response>?
    private var head: HTTPResponseHead?
    private var body = ByteBuffer()
    private var timeoutTask: NIOCore.Scheduled<Void>?

    func start(_ request: HTTPRequestHead, body requestBody: String, promise: EventLoopPromise<RESTClient.Response>, context channel: Channel, timeout: TimeAmount, written: @escaping @Sendable (Int64) -> Void) {
        guard channel.isActive else {
            promise.fail(RESTClient.Failure(description: "the kept connection had closed"))
            return
        }
        self.promise = promise
        head = nil
        body.clear()
        timeoutTask = channel.eventLoop.scheduleTask(in: timeout) { [self] in
            fail(RESTClient.Failure(description: "no answer within \(timeout.nanoseconds / 1_000_000) ms"))
            channel.close(promise: nil)
        }
        channel.write(HTTPClientRequestPart.head(request), promise: nil)
        if !requestBody.isEmpty { channel.write(HTTPClientRequestPart.body(.byteBuffer(channel.allocator.buffer(string: requestBody))), promise: nil) }
        let flushed = channel.eventLoop.makePromise(of: Void.self)
        flushed.futureResult.whenSuccess { written(Int64(Date().timeIntervalSince1970 * 1e9)) }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: flushed)
    }

    private func fail(_ error: Error) {
        timeoutTask?.cancel()
        timeoutTask = nil
        promise?.fail(error)
        promise = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body(var part): body.writeBuffer(&part)
        case .end:
            guard let head, let promise else { return }
            timeoutTask?.cancel()
            timeoutTask = nil
            self.promise = nil
            promise.succeed(RESTClient.Response(status: Int(head.status.code), headers: head.headers.map { ($0.name, $0.value) }, body: body.readString(length: body.readableBytes) ?? ""))
            if head.headers[canonicalForm: "connection"].contains(where: { $0.lowercased() == "close" }) { context.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(RESTClient.Failure(description: "the connection closed before the answer"))
        context.fireChannelInactive()
    }
}
