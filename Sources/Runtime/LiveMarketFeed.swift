import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Synchronization
import Venues

/// A market-data WebSocket to an exchange (Binance's combined streams), kept alive:
/// it connects, hands every text message to `deliver` with its local receive time,
/// answers pings, and reconnects with exponential backoff and jitter (100 ms doubling
/// to 5 s) whenever the connection drops, until ``stop()``. `wss://` through
/// ``TLSClient`` (mainnet, testnet, a fake exchange with a certificate), `ws://` on
/// loopback.
public final class LiveMarketFeed: @unchecked Sendable {
    public struct Endpoint: Sendable {
        public var host: String
        public var port: Int
        /// Path and query, e.g. `/stream?streams=btcusdt@depth@100ms/btcusdt@trade`.
        public var path: String
        public var tls: Bool
        public init(host: String, port: Int, path: String, tls: Bool = false) {
            self.host = host
            self.port = port
            self.path = path
            self.tls = tls
        }

        public init(_ address: ServiceAddress) {
            self.init(host: address.host, port: address.port, path: address.path.isEmpty ? "/" : address.path, tls: address.tls)
        }

        var address: ServiceAddress { ServiceAddress(tls: tls, host: host, port: port, path: path) }
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
    private let tls: TLSClient?
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let deliver: @Sendable (String, Int64) -> Void
    private let state = Mutex(Status())
    private let stopping = Atomic<Bool>(false)
    private let channel = Mutex<Channel?>(nil)
    private var backoff = Duration.milliseconds(100)

    /// `tls` is needed for a `wss://` endpoint.
    /// A text message sent first on every (re)connection: a subscription request, made
    /// fresh each time (a signed one carries its own timestamp).
    public var greeting: (@Sendable () -> [String])?

    /// The path (and query) to connect to, asked before every (re)connection, for a
    /// stream whose address changes (USD-M's `/private/ws/<listenKey>`); nil: not now.
    public var pathProvider: (@Sendable () -> String?)?

    public init(endpoint: Endpoint, tls: TLSClient? = nil, deliver: @escaping @Sendable (String, Int64) -> Void) {
        self.endpoint = endpoint
        self.tls = tls
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

    /// One attempt: TCP, TLS when asked, the WebSocket upgrade. The future completes
    /// when the stream is open (upgrade done), or fails with the reason: refused, the
    /// TLS handshake, an upgrade the server declined, or nothing within 5 s.
    private func connect() -> EventLoopFuture<Void> {
        let loop = group.next()
        let opened = OpenSignal(promise: loop.makePromise(of: Void.self))
        let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: 1 << 22, automaticErrorHandling: true) { [weak self] channel, _ in
            guard let self else { return channel.eventLoop.makeSucceededVoidFuture() }
            let greeting = self.greeting
            return channel.pipeline.addHandler(LiveFrameHandler(feed: self)).map {
                for text in greeting?() ?? [] {
                    channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: channel.allocator.buffer(string: text)), promise: nil)
                }
                opened.succeed()
            }
        }
        var resolved = self.endpoint
        if let pathProvider {
            guard let path = pathProvider() else { return loop.makeFailedFuture(LiveFailure(description: "no address for \(resolved.host) yet (no listen key)")) }
            resolved.path = path
        }
        let endpoint = resolved
        let tls = self.tls
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.seconds(3))
            .channelInitializer { channel in
                TLSClient.secure(channel, to: endpoint.address, with: tls).flatMap {
                    channel.pipeline.addHTTPClientHandlers(withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                }.flatMap {
                    channel.pipeline.addHandlers([UpgradeRequestSender(endpoint: endpoint), OpeningWatcher(opened: opened)])
                }
            }
        loop.scheduleTask(in: .seconds(5)) { opened.fail(LiveFailure(description: "no WebSocket upgrade from \(endpoint.address) within 5 s")) }
        bootstrap.connect(host: endpoint.host, port: endpoint.port).whenComplete { [weak self] result in
            switch result {
            case .success(let channel):
                guard let self else { return }
                self.channel.withLock { $0 = channel }
                opened.future.whenSuccess { [weak self] in
                    guard let self else { return }
                    self.state.withLock { status in
                        status.connected = true
                        status.connections += 1
                    }
                    self.backoff = .milliseconds(100)
                }
                opened.future.whenFailure { _ in channel.close(promise: nil) }
            case .failure(let error):
                opened.fail(error)
            }
        }
        return opened.future
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

/// Completes a connection attempt once: opened, or failed with the first reason.
final class OpenSignal: Sendable {
    private let promise: EventLoopPromise<Void>
    private let done = Atomic<Bool>(false)

    init(promise: EventLoopPromise<Void>) { self.promise = promise }

    var future: EventLoopFuture<Void> { promise.futureResult }

    func succeed() {
        if done.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged { promise.succeed() }
    }

    func fail(_ error: Error) {
        if done.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged { promise.fail(error) }
    }
}

/// Fails the attempt with the first error (a TLS handshake the certificate check
/// refused) or with the connection closing before the stream opened.
final class OpeningWatcher: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = NIOAny
    let opened: OpenSignal

    init(opened: OpenSignal) { self.opened = opened }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        opened.fail(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        opened.fail(LiveFailure(description: "the connection closed before the stream opened"))
        context.fireChannelInactive()
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
        headers.add(name: "Host", value: endpoint.address.hostHeader)
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
        let frame = unwrapInboundIn(data)
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
            // A client's frames must be masked (RFC 6455 §5.1); a server closes the
            // connection on an unmasked one.
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)), promise: nil)
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
