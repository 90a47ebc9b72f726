import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Synchronization

/// A market-data WebSocket to an exchange (Binance's combined streams), kept alive:
/// it connects, hands every text message to `deliver` with its local receive time,
/// answers pings, and reconnects with exponential backoff and jitter (100 ms doubling
/// to 5 s) whenever the connection drops, until ``stop()``. Plain `ws://` only: the
/// loopback fake exchange; TLS for mainnet comes with the live driver (issue #7).
public final class LiveMarketFeed: @unchecked Sendable {
    public struct Endpoint: Sendable {
        public var host: String
        public var port: Int
        /// Path and query, e.g. `/stream?streams=btcusdt@depth@100ms/btcusdt@trade`.
        public var path: String
        public init(host: String, port: Int, path: String) {
            self.host = host
            self.port = port
            self.path = path
        }
    }

    /// What the feed is doing, for the status bar and the report.
    public struct Status: Sendable, Equatable {
        public var connected = false
        public var connections = 0
        public var drops = 0
        public var messages = 0
        public var lastError: String?
    }

    public let endpoint: Endpoint
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let deliver: @Sendable (String, Int64) -> Void
    private let state = Mutex(Status())
    private let stopping = Atomic<Bool>(false)
    private let channel = Mutex<Channel?>(nil)
    private var backoff = Duration.milliseconds(100)

    public init(endpoint: Endpoint, deliver: @escaping @Sendable (String, Int64) -> Void) {
        self.endpoint = endpoint
        self.deliver = deliver
    }

    // Not syncShutdownGracefully: the last reference may drop on one of the group's own
    // threads (a reconnect task), where NIO forbids a blocking shutdown.
    deinit { group.shutdownGracefully(queue: .global()) { _ in } }

    public var status: Status { state.withLock { $0 } }

    /// Connects once (throws if the first attempt fails: the exchange is unreachable),
    /// then stays connected in the background.
    public func start() throws {
        try connect().wait()
    }

    public func stop() {
        stopping.store(true, ordering: .relaxed)
        let open = channel.withLock { $0 }
        try? open?.close().wait()
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1e9) }

    private func connect() -> EventLoopFuture<Void> {
        let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: 1 << 22, automaticErrorHandling: true) { [weak self] channel, _ in
            guard let self else { return channel.eventLoop.makeSucceededVoidFuture() }
            return channel.pipeline.addHandler(LiveFrameHandler(feed: self))
        }
        let endpoint = self.endpoint
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.seconds(3))
            .channelInitializer { channel in
                channel.pipeline.addHTTPClientHandlers(withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in })).flatMap {
                    channel.pipeline.addHandler(UpgradeRequestSender(endpoint: endpoint))
                }
            }
        return bootstrap.connect(host: endpoint.host, port: endpoint.port).map { [weak self] channel in
            guard let self else { return }
            self.channel.withLock { $0 = channel }
            self.state.withLock { status in
                status.connected = true
                status.connections += 1
            }
            self.backoff = .milliseconds(100)
        }
    }

    func received(_ text: String) {
        state.withLock { $0.messages += 1 }
        deliver(text, Self.now())
    }

    /// The connection closed: note it and, unless stopping, try again after the backoff.
    func connectionLost(_ reason: String?) {
        state.withLock { status in
            if status.connected { status.drops += 1 }
            status.connected = false
            if let reason { status.lastError = reason }
        }
        scheduleReconnect()
    }

    private func scheduleReconnect() {
        guard !stopping.load(ordering: .relaxed) else { return }
        let jitter = Double.random(in: 0.8...1.2)
        let delay = backoff * jitter
        backoff = min(backoff * 2, .seconds(5))
        let nanos = delay.components.seconds * 1_000_000_000 + delay.components.attoseconds / 1_000_000_000
        group.next().scheduleTask(in: .nanoseconds(nanos)) { [weak self] in
            guard let self, !self.stopping.load(ordering: .relaxed) else { return }
            self.connect().whenFailure { [weak self] error in
                self?.state.withLock { $0.lastError = "reconnect failed: \(error)" }
                self?.scheduleReconnect()
            }
        }
    }
}

/// Sends the upgrade request when the connection opens.
final class UpgradeRequestSender: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = NIOAny
    typealias OutboundOut = HTTPClientRequestPart
    let endpoint: LiveMarketFeed.Endpoint

    init(endpoint: LiveMarketFeed.Endpoint) { self.endpoint = endpoint }

    func channelActive(context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(endpoint.host):\(endpoint.port)")
        headers.add(name: "Content-Length", value: "0")
        context.write(wrapOutboundOut(.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: endpoint.path, headers: headers))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }
}

/// Reads frames: text to the feed (continuations joined), pings answered, close noted.
final class LiveFrameHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame
    weak var feed: LiveMarketFeed?
    private var partial: ByteBuffer?
    private var closeReason: String?

    init(feed: LiveMarketFeed) { self.feed = feed }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .continuation:
            var data = frame.unmaskedData
            if frame.opcode == .text { partial = nil }
            if partial == nil { partial = data } else { partial!.writeBuffer(&data) }
            if frame.fin, var whole = partial {
                partial = nil
                feed?.received(whole.readString(length: whole.readableBytes) ?? "")
            }
        case .ping:
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .connectionClose:
            var data = frame.unmaskedData
            _ = data.readWebSocketErrorCode()
            closeReason = data.readString(length: data.readableBytes).map { "the exchange closed the stream: \($0)" }
            context.close(promise: nil)
        default:
            _ = frame
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        feed?.connectionLost(closeReason ?? "the connection dropped")
        context.fireChannelInactive()
    }
}
