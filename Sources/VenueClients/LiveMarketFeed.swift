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
///
/// With ``rolloverAfter`` set (Binance cuts every connection at 24 hours), the feed
/// opens a fresh connection before the cut and switches to it without a gap or a
/// duplicate: the old connection keeps delivering for a second while the new one's
/// frames are held; then the old closes and the held frames it had not delivered
/// follow in order. A rollover is not a drop.
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
        /// Connections handed over to a fresh one before the exchange's cut.
        public var rollovers = 0
        public var lastError: String?
    }

    public let endpoint: Endpoint
    private let tls: TLSClient?
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let deliver: @Sendable (String, Int64) -> Void
    private let state = Mutex(Status())
    private let stopping = Atomic<Bool>(false)
    /// Open connections by generation (each attempt takes the next number).
    private let channels = Mutex<[Int: Channel]>([:])
    private let handover = Mutex(Handover())
    private var backoff = Duration.milliseconds(100)

    /// Open a fresh connection after this long and hand over to it (nil: never).
    public var rolloverAfter: Duration?
    /// Hand-overs done (for the status line and tests).
    public var rollovers: Int { handover.withLock { $0.completed } }

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

    public var status: Status {
        var status = state.withLock { $0 }
        status.rollovers = rollovers
        return status
    }

    /// Connects once (throws if the first attempt fails: the exchange is unreachable),
    /// then stays connected in the background.
    public func start() throws {
        try connect().wait()
    }

    public func stop() {
        stopping.store(true, ordering: .relaxed)
        let open = channels.withLock { Array($0.values) }
        for channel in open { try? channel.close().wait() }
    }

    static func now() -> Int64 { WallClock.now() }

    /// One attempt: TCP, TLS when asked, the WebSocket upgrade. The future completes
    /// when the stream is open (upgrade done), or fails with the reason: refused, the
    /// TLS handshake, an upgrade the server declined, or nothing within 5 s.
    private func connect(rollover: Bool = false) -> EventLoopFuture<Void> {
        let loop = group.next()
        let generation = handover.withLock { state in
            state.lastGeneration += 1
            if rollover {
                state.transfer = Handover.Transfer(retiring: state.current, incoming: state.lastGeneration)
            } else {
                state.current = state.lastGeneration
                state.transfer = nil
            }
            return state.lastGeneration
        }
        let opened = OpenSignal(promise: loop.makePromise(of: Void.self))
        let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: 1 << 22, automaticErrorHandling: true) { [weak self] channel, _ in
            guard let self else { return channel.eventLoop.makeSucceededVoidFuture() }
            let greeting = self.greeting
            return channel.pipeline.addHandler(LiveFrameHandler(feed: self, generation: generation)).map {
                for text in greeting?() ?? [] {
                    channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: channel.allocator.buffer(string: text)), promise: nil)
                }
                opened.succeed()
            }
        }
        var resolved = self.endpoint
        if let pathProvider {
            guard let path = pathProvider() else {
                // Completed here: a promise left pending would be a leak (and a trap).
                opened.fail(LiveFailure(description: "no address for \(resolved.host) yet (no listen key)"))
                return opened.future
            }
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
                self.channels.withLock { $0[generation] = channel }
                opened.future.whenSuccess { [weak self] in
                    guard let self else { return }
                    self.state.withLock { status in
                        status.connected = true
                        status.connections += 1
                    }
                    self.backoff = .milliseconds(100)
                    if rollover {
                        // Both streams run for a second; then the old one goes.
                        loop.scheduleTask(in: .seconds(1)) { [weak self] in self?.finishHandover() }
                    }
                    self.scheduleRollover(on: loop, generation: generation)
                }
                opened.future.whenFailure { [weak self] _ in
                    channel.close(promise: nil)
                    _ = self?.channels.withLock { $0.removeValue(forKey: generation) }
                }
            case .failure(let error):
                opened.fail(error)
            }
        }
        return opened.future
    }

    func received(_ text: String, generation: Int) {
        let now = Self.now()
        let pass: Bool = handover.withLock { state in
            guard var transfer = state.transfer else {
                guard generation == state.current else { return false }
                // Just handed over, the new stream may still be catching up with what
                // the old one delivered: skip those frames until the first new one.
                if state.trailing != nil {
                    if state.trailing!.remove(text) != nil { return false }
                    state.trailing = nil
                }
                return true
            }
            defer { state.transfer = transfer }
            if generation == transfer.retiring {
                // The retiring stream may be one still catching up with the stream it
                // took over from (the rollovers came close together on a loaded
                // machine): what that one delivered is skipped here too, or it goes
                // out twice.
                if state.trailing != nil {
                    if state.trailing!.remove(text) != nil { return false }
                    state.trailing = nil
                }
                transfer.delivered.insert(text)
                return true
            }
            if generation == transfer.incoming { transfer.held.append((text, now)) }
            return false
        }
        guard pass else { return }
        state.withLock { $0.messages += 1 }
        deliver(text, now)
    }

    /// After `rolloverAfter`, a new connection; the current one keeps streaming until
    /// the new one is open.
    private func scheduleRollover(on loop: EventLoop, generation: Int) {
        guard let after = rolloverAfter else { return }
        let nanos = after.components.seconds * 1_000_000_000 + after.components.attoseconds / 1_000_000_000
        loop.scheduleTask(in: .nanoseconds(nanos)) { [weak self] in self?.attemptRollover(on: loop, from: generation) }
    }

    private func attemptRollover(on loop: EventLoop, from generation: Int) {
        guard !stopping.load(ordering: .relaxed), handover.withLock({ $0.current == generation && $0.transfer == nil }) else { return }
        connect(rollover: true).whenFailure { [weak self] error in
            guard let self else { return }
            let incoming = self.handover.withLock { $0.lastGeneration }
            // Still on the old connection: keep it and try again in a minute. Already
            // handed over (the old one dropped meanwhile): this is a lost connection.
            let handedOver: Bool = self.handover.withLock { state in
                if state.transfer?.incoming == incoming {
                    state.transfer = nil
                    return false
                }
                return state.current == incoming
            }
            self.state.withLock { $0.lastError = "rollover failed: \(error)" }
            if handedOver {
                self.connectionLost("the new connection of a rollover failed: \(error)", generation: incoming)
            } else {
                loop.scheduleTask(in: .seconds(60)) { [weak self] in self?.attemptRollover(on: loop, from: generation) }
            }
        }
    }

    /// The new connection takes over: the held frames the old one had not delivered
    /// follow in order, and the old connection closes (not a drop).
    private func finishHandover() {
        let (held, retiring): ([(String, Int64)], Int?) = handover.withLock { state in
            guard let transfer = state.transfer else { return ([], nil) }
            state.transfer = nil
            state.current = transfer.incoming
            state.completed += 1
            let fresh = transfer.held.filter { !transfer.delivered.contains($0.0) }
            // The new stream is behind the old one when everything it brought so far
            // was delivered already: its next frames may be too.
            state.trailing = fresh.isEmpty ? transfer.delivered.subtracting(transfer.held.map(\.0)) : nil
            return (fresh, transfer.retiring)
        }
        guard let retiring else { return }
        for (text, received) in held {
            state.withLock { $0.messages += 1 }
            deliver(text, received)
        }
        let old = channels.withLock { $0.removeValue(forKey: retiring) }
        old?.close(promise: nil)
    }

    /// A connection closed. The current one: note it and, unless stopping, try again
    /// after the backoff. One being retired by a rollover: the new one takes over now.
    func connectionLost(_ reason: String?, generation: Int) {
        let role: Int = handover.withLock { state in
            if let transfer = state.transfer, transfer.retiring == generation { return 1 }
            if let transfer = state.transfer, transfer.incoming == generation {
                // The new connection died before taking over: the old one goes on.
                state.transfer = nil
                return 3
            }
            return state.current == generation ? 0 : 2
        }
        _ = channels.withLock { $0.removeValue(forKey: generation) }
        if role == 1 { finishHandover() }
        if role == 3, let current = handover.withLock({ Optional($0.current) }) {
            group.next().scheduleTask(in: .seconds(60)) { [weak self] in
                guard let self else { return }
                self.attemptRollover(on: self.group.next(), from: current)
            }
        }
        guard role == 0 else { return }
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

/// Which connection is live, and a rollover's hand-over in progress.
struct Handover {
    struct Transfer {
        var retiring: Int
        var incoming: Int
        /// What the retiring connection delivered during the hand-over.
        var delivered: Set<String> = []
        /// The incoming connection's frames, held until the old one closes.
        var held: [(String, Int64)] = []
    }

    var current = 0
    var lastGeneration = 0
    var transfer: Transfer?
    var completed = 0
    /// After a hand-over to a stream that was behind: what the old one delivered and
    /// the new one has not sent yet (skipped when it comes, until a frame that is new).
    var trailing: Set<String>?
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
    let generation: Int
    private var partial: ByteBuffer?
    private var closeReason: String?

    init(feed: LiveMarketFeed, generation: Int) {
        self.feed = feed
        self.generation = generation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .continuation:
            var data = frame.unmaskedData
            if frame.opcode == .text { partial = nil }
            if partial == nil { partial = data } else { partial!.writeBuffer(&data) }
            if frame.fin, var whole = partial {
                partial = nil
                feed?.received(whole.readString(length: whole.readableBytes) ?? "", generation: generation)
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
        feed?.connectionLost(closeReason ?? "the connection dropped", generation: generation)
        context.fireChannelInactive()
    }
}
