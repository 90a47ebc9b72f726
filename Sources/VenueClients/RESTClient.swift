import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Venues

/// A minimal HTTP/1.1 client, over TLS (``TLSClient``) or plain TCP (the loopback fake
/// exchange): one request per connection, status, headers and body back, with a
/// timeout.
enum RESTClient {
    struct Response: Sendable {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: String
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func get(host: String, port: Int, path: String, group: EventLoopGroup, tls: TLSClient? = nil, timeout: TimeAmount = .seconds(5)) throws -> Response {
        try send(.GET, host: host, port: port, path: path, headers: [], group: group, tls: tls, timeout: timeout)
    }

    /// A venue's REST depth snapshot of `symbol`: the body, or nil when it did not
    /// answer 200.
    static func depthSnapshot(_ connection: VenueConnection, symbol: String, group: EventLoopGroup) -> String? {
        guard let response = try? get(host: connection.rest.host, port: connection.rest.port, path: connection.depthSnapshotPath(of: symbol), group: group, tls: connection.rest.tls ? connection.tls : nil),
              response.status == 200 else { return nil }
        return response.body
    }

    /// A public GET on the connection's REST host: the body, or nil unless it answered 200.
    static func publicGet(_ connection: VenueConnection, path: String, group: EventLoopGroup) -> String? {
        guard let response = try? get(host: connection.rest.host, port: connection.rest.port, path: path, group: group, tls: connection.rest.tls ? connection.tls : nil),
              response.status == 200 else { return nil }
        return response.body
    }

    /// `onWritten` is called with the wall time (ns) the request was handed to the socket.
    /// Binance's REST depth snapshot of `symbol` (spot or USD-M) from the exchange on
    /// loopback `port`: the body, or nil when it did not answer 200.
    static func depthSnapshot(port: Int, symbol: String, futures: Bool, group: EventLoopGroup) -> String? {
        let path = "\(futures ? "/fapi/v1/depth" : "/api/v3/depth")?symbol=\(symbol)&limit=1000"
        guard let response = try? get(host: "127.0.0.1", port: port, path: path, group: group), response.status == 200 else { return nil }
        return response.body
    }

    /// With `tls`, the request goes over TLS to `host` (its certificate checked).
    static func send(_ method: HTTPMethod, host: String, port: Int, path: String, headers: [(name: String, value: String)], group: EventLoopGroup, tls: TLSClient? = nil, timeout: TimeAmount = .seconds(5), onWritten: (@Sendable (Int64) -> Void)? = nil) throws -> Response {
        let address = ServiceAddress(tls: tls != nil, host: host, port: port)
        let promise = group.next().makePromise(of: Response.self)
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                TLSClient.secure(channel, to: address, with: tls).flatMap {
                    channel.pipeline.addHTTPClientHandlers()
                }.flatMap {
                    channel.pipeline.addHandler(ResponseCollector(method: method, host: host, port: port, path: path, headers: headers, timeout: timeout, promise: promise, onWritten: onWritten))
                }
            }
        let channel: Channel
        do {
            channel = try bootstrap.connect(host: host, port: port).wait()
        } catch {
            // The handler never ran: complete the promise so nothing is left dangling.
            promise.fail(error)
            throw Failure(description: "\(host):\(port) is unreachable: \(error)")
        }
        defer { channel.close(promise: nil) }
        do {
            return try promise.futureResult.wait()
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "\(method) \(path) to \(host):\(port) failed: \(error)")
        }
    }
}

/// Sends one GET on activation and completes the promise with the whole response.
final class ResponseCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart
    let method: HTTPMethod
    let host: String
    let port: Int
    let path: String
    let extraHeaders: [(name: String, value: String)]
    let timeout: TimeAmount
    let promise: EventLoopPromise<RESTClient.Response>
    private var head: HTTPResponseHead?
    private var body = ByteBuffer()
    // Everything below runs on the channel's event loop: a plain flag keeps the
    // promise from completing twice (answer, timeout, close).
    private var done = false
    let onWritten: (@Sendable (Int64) -> Void)?

    init(method: HTTPMethod, host: String, port: Int, path: String, headers: [(name: String, value: String)], timeout: TimeAmount, promise: EventLoopPromise<RESTClient.Response>, onWritten: (@Sendable (Int64) -> Void)? = nil) {
        self.onWritten = onWritten
        self.method = method
        self.extraHeaders = headers
        self.host = host
        self.port = port
        self.path = path
        self.timeout = timeout
        self.promise = promise
    }

    private func complete(_ result: Result<RESTClient.Response, Error>) {
        guard !done else { return }
        done = true
        promise.completeWith(result)
    }

    func channelActive(context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: port == 443 || port == 80 ? host : "\(host):\(port)")
        headers.add(name: "Content-Length", value: "0")
        for header in extraHeaders { headers.add(name: header.name, value: header.value) }
        context.write(wrapOutboundOut(.head(HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        onWritten?(Int64(Date().timeIntervalSince1970 * 1e9))
        let limit = timeout
        context.eventLoop.scheduleTask(in: limit) { [self] in
            complete(.failure(RESTClient.Failure(description: "no answer from \(host):\(port)\(path) within \(limit.nanoseconds / 1_000_000) ms")))
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body(var part): body.writeBuffer(&part)
        case .end:
            guard let head else { return }
            complete(.success(RESTClient.Response(status: Int(head.status.code), headers: head.headers.map { ($0.name, $0.value) }, body: body.readString(length: body.readableBytes) ?? "")))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        complete(.failure(error))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        complete(.failure(RESTClient.Failure(description: "\(host):\(port) closed the connection before answering \(path)")))
        context.fireChannelInactive()
    }
}
