import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal HTTP/1.1 GET over plain TCP (the loopback fake exchange): status, headers
/// and body, with a timeout. TLS and signed requests come with the live driver.
enum RESTClient {
    struct Response: Sendable {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: String
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func get(host: String, port: Int, path: String, group: EventLoopGroup, timeout: TimeAmount = .seconds(5)) throws -> Response {
        let promise = group.next().makePromise(of: Response.self)
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.pipeline.addHTTPClientHandlers().flatMap {
                    channel.pipeline.addHandler(ResponseCollector(host: host, port: port, path: path, timeout: timeout, promise: promise))
                }
            }
        let channel: Channel
        do {
            channel = try bootstrap.connect(host: host, port: port).wait()
        } catch {
            throw Failure(description: "\(host):\(port) is unreachable: \(error)")
        }
        defer { channel.close(promise: nil) }
        do {
            return try promise.futureResult.wait()
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "GET \(path) from \(host):\(port) failed: \(error)")
        }
    }
}

/// Sends one GET on activation and completes the promise with the whole response.
final class ResponseCollector: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart
    let host: String
    let port: Int
    let path: String
    let timeout: TimeAmount
    let promise: EventLoopPromise<RESTClient.Response>
    private var head: HTTPResponseHead?
    private var body = ByteBuffer()
    // Everything below runs on the channel's event loop: a plain flag keeps the
    // promise from completing twice (answer, timeout, close).
    private var done = false

    init(host: String, port: Int, path: String, timeout: TimeAmount, promise: EventLoopPromise<RESTClient.Response>) {
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
        headers.add(name: "Host", value: "\(host):\(port)")
        context.write(wrapOutboundOut(.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
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
