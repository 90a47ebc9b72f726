import Processes
import Foundation
import MarketModel
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import Synchronization
import Venues

/// A fake Binance (spot and USD-M market data) on 127.0.0.1, playing a recording as
/// the live feed: `GET /api/v3/time`, `GET /api/v3/depth` (and `/fapi/v1/…`), and the
/// combined stream `ws://127.0.0.1:PORT/stream?streams=a/b/c`. Faults on demand
/// (``FakeExchangeFaults``). For the tests of the live path and `apogee fake-exchange`.
public final class FakeExchange: @unchecked Sendable {
    let market: FakeMarket
    let orders: FakeOrders
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var serverChannel: Channel?
    private var countdownTask: RepeatedTask?
    private var dayTickerTask: RepeatedTask?
    private let dayTickers = FakeDayTickers()
    private let subscribers = Mutex<[ObjectIdentifier: (channel: Channel, streams: Set<String>)]>([:])
    public private(set) var port = 0

    /// `account`: the API key and secret the order endpoints accept (none: they refuse).
    /// `shiftTimesToNow`: the messages carry today's exchange times (the recording's
    /// own delays kept), as a live exchange's do; otherwise the recorded ones.
    /// Whose wire format the fake speaks: Binance's (the recording as it is) or Gate.io
    /// v4 spot's (the same events re-worded, at `/ws/v4/` and `/api/v4`).
    /// `gateFutures`: Gate.io v4 USDT futures market data (a USD-M recording, at
    /// `/v4/ws/usdt` and `/api/v4/futures/usdt`); it takes no orders.
    public enum Dialect: Sendable { case binance, gate, gateFutures }
    public let dialect: Dialect

    public convenience init(recording: String, speed: Double = 1, faults: FakeExchangeFaults = FakeExchangeFaults(), account: APICredentials? = nil, shiftTimesToNow: Bool = false, dialect: Dialect = .binance, rules: FakeExchangeRules = FakeExchangeRules()) throws {
        try self.init(recordings: [recording], speed: speed, faults: faults, account: account, shiftTimesToNow: shiftTimesToNow, dialect: dialect, rules: rules)
    }

    /// Several recordings, one symbol each, played as one market (merged by receive
    /// time): every stream, book and order endpoint serves each symbol.
    /// `rules`: the filters, commission rates and balance of the Binance dialect (Gate's
    /// orders are not held to them yet).
    public init(recordings: [String], speed: Double = 1, faults: FakeExchangeFaults = FakeExchangeFaults(), account: APICredentials? = nil, shiftTimesToNow: Bool = false, dialect: Dialect = .binance, rules: FakeExchangeRules = FakeExchangeRules()) throws {
        self.dialect = dialect
        market = try FakeMarket(recordings: recordings, speed: speed, faults: faults)
        market.shiftTimesToNow = shiftTimesToNow
        var rules = rules
        if dialect != .binance { rules.enforced = false }
        orders = FakeOrders(credentials: account, faults: faults, rules: rules)
        let dayTickers = self.dayTickers
        market.onTrade = { [orders] trade in
            dayTickers.record(trade)
            // Gate's orders name the pair as Gate spells it.
            var trade = trade
            if dialect != .binance { trade.symbol = GateDialect.pair(trade.symbol) }
            orders.match(trade)
        }
        market.broadcast = { [weak self] text, stream, event in
            guard let self else { return }
            if self.dialect == .gate {
                guard let event, let (channel, frame) = GateDialect.frame(for: event) else { return }
                self.send(frame, on: channel)
            } else if self.dialect == .gateFutures {
                guard let event, let (channel, frame) = GateDialect.futuresFrame(for: event) else { return }
                self.send(frame, on: channel)
            } else {
                self.send(text, on: stream)
            }
        }
        market.closeAll = { [weak self] reason in self?.closeAll(reason) }
        orders.onExecution = { [weak self] order, type, last, price in self?.pushExecution(order, type: type, last: last, price: price) }
        let market = self.market
        // The books are kept under the recording's names (ETHUSDT for Gate's ETH_USDT).
        orders.lastPrice = { symbol in market.bestPrice(of: symbol, against: "BUY") }
        orders.bestOpposite = { symbol, side in
            market.bestPrice(of: dialect == .binance ? symbol : symbol.replacingOccurrences(of: "_", with: ""), against: side)
        }
        orders.reachableLevels = { symbol, side, limit in
            market.reachableLevels(of: dialect == .binance ? symbol : symbol.replacingOccurrences(of: "_", with: ""), against: side, through: limit)
        }
    }

    // Not syncShutdownGracefully: the last reference may drop on one of the group's own
    // threads (a reconnect task), where NIO forbids a blocking shutdown.
    deinit { group.shutdownGracefully(queue: .global()) { _ in } }

    let changes = StateChanges()

    /// Waits until `condition` (on this exchange's state: its orders, countdowns,
    /// messages) holds, looking again each time the exchange's clock ticks (20 ms);
    /// false if `seconds` pass first.
    @discardableResult
    public func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
        changes.wait(until: Date().addingTimeInterval(seconds), for: condition)
    }

    /// Messages sent so far, and whether the recording is over.
    /// Takes `symbol` out of exchangeInfo (not listed yet, or delisted); ``list(_:)``
    /// puts it back. A test lists a coin while a session runs this way.
    public func unlist(_ symbol: String) { listing.withLock { _ = $0.hidden.insert(symbol) } }
    public func list(_ symbol: String) { listing.withLock { _ = $0.hidden.remove(symbol) } }
    /// The status exchangeInfo gives `symbol` (TRADING unless set: BREAK, HALT, …).
    public func setStatus(_ symbol: String, _ status: String) { listing.withLock { $0.status[symbol] = status } }
    private let listing = Mutex<(hidden: Set<String>, status: [String: String])>(([], [:]))

    /// The symbols exchangeInfo lists now, with their status.
    func listed(_ symbols: [String]) -> [(symbol: String, status: String)] {
        let (hidden, status) = listing.withLock { ($0.hidden, $0.status) }
        return symbols.filter { !hidden.contains($0) }.map { ($0, status[$0] ?? "TRADING") }
    }

    /// Every market stream the connected clients asked for, sorted (tests check which
    /// books a session streams).
    public var subscribedStreams: [String] {
        subscribers.withLock { Set($0.values.flatMap(\.streams)) }.sorted()
    }
    public var messagesSent: Int { market.sent }
    public var finished: Bool { market.finished }
    public var messageCount: Int { market.messages.count }
    /// Every order the fake exchange accepted, with its state now: what tests compare
    /// Apogee's journal against.
    public var acceptedOrders: [(clientOrderID: String, status: String, executed: String)] {
        orders.all.map { ($0.clientOrderID, $0.status, $0.executed.formatted(fractionDigits: 0)) }
    }

    /// Each order's fills as the exchange booked them: the quantity, the quote amount
    /// they came to (10⁻⁸ units), the order's limit, and whether it crossed the market
    /// when it arrived (then it filled at the prints' prices, not its limit).
    public var executions: [(clientOrderID: String, executed: Quantity, quote: Int64, limit: Price, taker: Bool)] {
        orders.all.map { ($0.clientOrderID, $0.executed, $0.executedQuote, $0.price, $0.taker) }
    }

    /// Each order's commission as the exchange charged it (10⁻⁸ units of `asset`: the
    /// coin for a spot buy, USDT otherwise).
    public var commissions: [(clientOrderID: String, amount: Int64, asset: String)] {
        orders.all.map { ($0.clientOrderID, $0.commission, $0.commissionAsset) }
    }

    /// How long the recording plays at 1x, in seconds.
    public var recordingSeconds: Double {
        guard let first = market.messages.first?.received, let last = market.messages.last?.received else { return 0 }
        return Double(last - first) / 1e9
    }

    /// Requests the random faults hit.
    public var faultsInjected: Int { orders.state.withLock { $0.faultsInjected } }

    /// The account's USDT, free and locked (10⁻⁸ units), as the exchange has it.
    public var quoteBalance: (free: Int64, locked: Int64) { orders.state.withLock { orders.quoteBalance(in: $0) } }

    /// Client ids of the orders the rate-limit faults answered 429 (not carried out).
    public var rateLimitedOrders: [String] { orders.state.withLock { $0.rateLimited } }

    /// Listens on 127.0.0.1 (`port` 0: a free one); returns the port. With `tls`, REST
    /// and streams are served over TLS with that certificate (https, wss).
    @discardableResult
    public func start(port: Int = 0, tls: FakeExchangeTLS? = nil) throws -> Int {
        let tlsContext = try tls.map { files in
            let chain = try NIOSSLCertificate.fromPEMFile(files.certificateChain).map { NIOSSLCertificateSource.certificate($0) }
            return try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: files.privateKey, format: .pem))))
        }
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: 1 << 20,
            shouldUpgrade: { [weak self] channel, head in
                // A listen-key stream needs a key the exchange gave out.
                if head.uri.hasPrefix("/private/ws/") {
                    let known = self?.listenKeys.withLock { $0.contains(String(head.uri.dropFirst("/private/ws/".count))) } ?? false
                    return channel.eventLoop.makeSucceededFuture(known ? HTTPHeaders() : nil)
                }
                // USD-M retired its unrouted stream URLs on 2026-04-23: its streams (depth
                // at 0ms) are served on /public and /market only, as the exchange does.
                if head.uri.hasPrefix("/stream"), head.uri.contains("@depth@0ms") {
                    return channel.eventLoop.makeSucceededFuture(nil)
                }
                let routed = head.uri.hasPrefix("/public/stream") || head.uri.hasPrefix("/market/stream")
                return channel.eventLoop.makeSucceededFuture(routed || head.uri.hasPrefix("/stream") || head.uri.hasPrefix("/ws") || head.uri.hasPrefix("/v4/ws/usdt") ? HTTPHeaders() : nil)
            },
            upgradePipelineHandler: { [weak self] channel, head in
                guard let self else { return channel.eventLoop.makeSucceededVoidFuture() }
                if head.uri.hasPrefix("/ws-api") {
                    return channel.pipeline.addHandler(FakePeerHandler(exchange: self, role: .webSocketAPI))
                }
                if head.uri.hasPrefix("/private/ws/") {
                    return channel.pipeline.addHandler(FakePeerHandler(exchange: self, role: .futuresUserData)).map {
                        channel.eventLoop.scheduleTask(in: .milliseconds(20)) {
                            self.futuresUserChannels.withLock { $0[ObjectIdentifier(channel)] = channel }
                            self.userDataCount.add(1, ordering: .relaxed)
                        }
                    }
                }
                if head.uri.hasPrefix("/ws/v4") || head.uri.hasPrefix("/v4/ws/usdt") {
                    // Gate.io: channels come by subscribe messages, not in the URL.
                    return channel.pipeline.addHandler(FakePeerHandler(exchange: self, role: .gateStreams))
                }
                let streams = Self.streams(in: head.uri)
                return channel.pipeline.addHandler(FakePeerHandler(exchange: self, role: .binanceStreams)).map {
                    // NIO takes the HTTP handlers out of the pipeline after this returns;
                    // a frame written before that would meet the HTTP encoder and be lost.
                    // Streaming starts once the upgrade has settled.
                    channel.eventLoop.scheduleTask(in: .milliseconds(20)) {
                        self.subscribers.withLock { $0[ObjectIdentifier(channel)] = (channel, streams) }
                        if self.playsOnSubscribe { self.market.startIfNeeded() }
                    }
                }
            })
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [weak self] channel in
                let handler = RESTHandler(exchange: self)
                let secured: EventLoopFuture<Void> = tlsContext.map { context in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context)) }
                } ?? channel.eventLoop.makeSucceededVoidFuture()
                return secured.flatMap {
                    channel.pipeline.configureHTTPServerPipeline(withServerUpgrade: (upgraders: [upgrader], completionHandler: { context in
                        context.pipeline.removeHandler(name: "apogee-rest", promise: nil)
                    }))
                }.flatMap {
                    channel.pipeline.addHandler(handler, name: "apogee-rest")
                }
            }
        let channel = try bootstrap.bind(host: "127.0.0.1", port: port).wait()
        // The countdowns run out whether or not anyone calls.
        let orders = self.orders
        let changes = self.changes
        countdownTask = group.next().scheduleRepeatedTask(initialDelay: .milliseconds(20), delay: .milliseconds(20)) { _ in
            orders.expireCountdowns(now: Int64(Date().timeIntervalSince1970 * 1000))
            changes.broadcast()
        }
        // Binance's all-market mini tickers, once a second, to those who asked for them.
        if dialect == .binance {
            let dayTickers = self.dayTickers
            dayTickerTask = group.next().scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { [weak self] _ in
                guard let self, let frame = dayTickers.frame(eventTimeMilliseconds: Int64(Date().timeIntervalSince1970 * 1000)) else { return }
                self.send(frame, on: "!miniTicker@arr", onlyToThoseNamingIt: true)
            }
        }
        serverChannel = channel
        self.port = channel.localAddress?.port ?? port
        return self.port
    }

    /// The first subscriber starts the playback (false: only ``startPlayback()`` does,
    /// and until then the market is quiet).
    public var playsOnSubscribe: Bool {
        get { playsOnSubscribeFlag.load(ordering: .relaxed) }
        set { playsOnSubscribeFlag.store(newValue, ordering: .relaxed) }
    }
    private let playsOnSubscribeFlag = Atomic<Bool>(true)

    /// Runs the fake's threads (its event loop and the playback) at nice 19, so that on a
    /// small machine the exchange's side takes the CPU only when the trading session
    /// leaves it, as a real exchange (another machine) never takes it at all. For
    /// latency benchmarks; call after ``start(port:tls:)``.
    public func yieldCPUToClients() throws {
        market.niceness.store(19, ordering: .relaxed)
        _ = try group.next().submit {
            // Linux: 0 is the calling thread alone (nice values are per thread).
            setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
        }.wait()
    }

    /// Starts playing the recording without waiting for a subscriber.
    public func startPlayback() { market.startIfNeeded() }

    public func stop() {
        countdownTask?.cancel()
        dayTickerTask?.cancel()
        closeAll("server stopping")
        try? serverChannel?.close().wait()
    }

    /// Blocks until the recording has played (or `timeout` seconds pass).
    public func waitUntilFinished(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !finished, Date() < deadline { usleep(10_000) }
        return finished
    }

    static func streams(in uri: String) -> Set<String> {
        guard let query = uri.split(separator: "?", maxSplits: 1).dropFirst().first else { return [] }
        for pair in query.split(separator: "&") where pair.hasPrefix("streams=") {
            // Stream names are case-sensitive (`ethusdt@bookTicker`), as Binance's are.
            return Set(pair.dropFirst(8).split(separator: "/").map(String.init))
        }
        return []
    }

    /// `onlyToThoseNamingIt`: not to a connection that subscribed to every stream by
    /// naming none (an all-market stream is asked for by name).
    private func send(_ text: String, on stream: String, onlyToThoseNamingIt: Bool = false) {
        let targets = subscribers.withLock { $0.values.filter { (!onlyToThoseNamingIt && $0.streams.isEmpty) || $0.streams.contains(stream) }.map(\.channel) }
        for channel in targets {
            var buffer = channel.allocator.buffer(capacity: text.utf8.count)
            buffer.writeString(text)
            channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, data: buffer), promise: nil)
        }
    }

    private func closeAll(_ reason: String) {
        let channels = subscribers.withLock { subscribers in
            defer { subscribers.removeAll() }
            return subscribers.values.map(\.channel)
        }
        for channel in channels {
            var data = channel.allocator.buffer(capacity: 2 + reason.utf8.count)
            data.write(webSocketErrorCode: .goingAway)
            data.writeString(reason)
            channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)).whenComplete { _ in
                channel.close(promise: nil)
            }
        }
    }

    /// Subscriptions to the user-data stream the fake took (signature checked).
    public var userDataSubscriptions: Int { userDataCount.load(ordering: .relaxed) }
    let userDataCount = Atomic<Int>(0)
    private let userDataChannels = Mutex<[ObjectIdentifier: Channel]>([:])
    /// A report held back by the reorder fault.
    private let heldUserData = Mutex<String?>(nil)

    /// A trade made outside Apogee (the exchange's website): a filled order no journal
    /// knows, which changes what the account holds.
    public func tradeOutside(symbol: String, side: String, quantity: Quantity, price: Price) {
        orders.tradeOutside(symbol: symbol, side: side, quantity: quantity, price: price, futures: dialect == .gateFutures)
    }

    /// What the account holds of `symbol` (executed buys less sells).
    public func holding(of symbol: String) -> Quantity { orders.holding(of: symbol).quantity }

    /// Cancels every open order of the symbol from "outside" (the exchange's website).
    public func cancelAllOrders(symbol: String) { orders.cancelAll(symbol: symbol) }

    func subscribeUserData(_ channel: Channel) {
        userDataChannels.withLock { $0[ObjectIdentifier(channel)] = channel }
        userDataCount.add(1, ordering: .relaxed)
    }

    func unsubscribeUserData(_ channel: Channel) {
        _ = userDataChannels.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// An `executionReport` to every user-data subscriber, as Binance's WebSocket API
    /// sends it (a cancel's `c` names the cancel request, `C` the order); on Gate.io, a
    /// `spot.orders` update (put, update, finish).
    private func pushExecution(_ order: FakeOrders.Order, type: String, last: Quantity, price: Price) {
        if dialect == .gateFutures {
            // futures.orders: the order object itself (no put/update/finish event).
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            send("{\"time\":\(now / 1000),\"time_ms\":\(now),\"channel\":\"futures.orders\",\"event\":\"update\",\"result\":[\(order.gateFuturesJSON)]}", on: "futures.orders")
            return
        }
        if dialect == .gate {
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let event = type == "NEW" ? "put" : (order.status == "NEW" || order.status == "PARTIALLY_FILLED") ? "update" : "finish"
            let item = String(order.gateJSON.dropLast()) + ",\"event\":\"\(event)\"}"
            send("{\"time\":\(now / 1000),\"time_ms\":\(now),\"channel\":\"spot.orders\",\"event\":\"update\",\"result\":[\(item)]}", on: "spot.orders")
            return
        }
        if order.futures {
            pushFuturesUpdate(order, type: type, last: last, price: price)
            return
        }
        let channels = userDataChannels.withLock { Array($0.values) }
        guard !channels.isEmpty else { return }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let cancel = type == "CANCELED"
        let report = "{\"subscriptionId\":1,\"event\":{\"e\":\"executionReport\",\"E\":\(now),\"s\":\"\(order.symbol)\",\"c\":\"\(cancel ? "web_cancel" : order.clientOrderID)\",\"S\":\"\(order.side)\",\"o\":\"\(order.type)\",\"f\":\"GTC\",\"q\":\"\(order.quantity.formatted(fractionDigits: 8))\",\"p\":\"\(order.price.formatted(fractionDigits: 8))\",\"C\":\"\(cancel ? order.clientOrderID : "")\",\"x\":\"\(type)\",\"X\":\"\(order.status)\",\"r\":\"NONE\",\"i\":\(order.orderID),\"l\":\"\(last.formatted(fractionDigits: 8))\",\"z\":\"\(order.executed.formatted(fractionDigits: 8))\",\"L\":\"\(type == "TRADE" ? price.formatted(fractionDigits: 8) : "0.00000000")\",\"Z\":\"\(order.executedQuoteText)\",\"n\":\"\(Quantity(units: type == "TRADE" ? order.lastCommission : 0).formatted(fractionDigits: 8))\",\"N\":\(type == "TRADE" ? "\"\(order.commissionAsset)\"" : "null"),\"T\":\(now),\"m\":\(!order.taker)}}"
        for text in userDataFaults(report) {
            for channel in channels {
                channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, data: channel.allocator.buffer(string: text)), promise: nil)
            }
        }
    }

    /// The user-data faults on one report: what goes out now, in order. Duplicated:
    /// the report twice. Reordered: every other report is held back and sent after the
    /// one that follows it.
    private func userDataFaults(_ report: String) -> [String] {
        let faults = market.faults
        var out: [String] = []
        if faults.reorderUserData {
            let held = heldUserData.withLock { held -> String? in
                defer { held = held == nil ? report : nil }
                return held
            }
            guard let held else { return [] }
            out = [report, held]
        } else {
            out = [report]
        }
        return faults.duplicateUserData ? out.flatMap { [$0, $0] } : out
    }

    /// Answers a WebSocket API request: only `userDataStream.subscribe.signature`,
    /// its signature checked by the WebSocket API's rule (parameters sorted by name).
    func answerWebSocketAPI(_ text: String, channel: Channel) -> String {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            return "{\"id\":null,\"status\":400,\"error\":{\"code\":-1100,\"msg\":\"Malformed request.\"}}"
        }
        let id = (object["id"] as? String).map { "\"\($0)\"" } ?? (object["id"] as? Int).map(String.init) ?? "null"
        guard object["method"] as? String == "userDataStream.subscribe.signature", let params = object["params"] as? [String: Any] else {
            return "{\"id\":\(id),\"status\":400,\"error\":{\"code\":-1100,\"msg\":\"The fake exchange's WebSocket API serves userDataStream.subscribe.signature only.\"}}"
        }
        let fields = params.filter { $0.key != "signature" }.map { ($0.key, "\($0.value)") }.sorted { $0.0 < $1.0 }
        let payload = fields.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        guard let credentials = orders.credentials, params["apiKey"] as? String == credentials.key,
              let signature = params["signature"] as? String, credentials.verifiesBinance(signature: signature, payload: payload) else {
            return "{\"id\":\(id),\"status\":400,\"error\":{\"code\":-1022,\"msg\":\"Signature for this request is not valid.\"}}"
        }
        subscribeUserData(channel)
        return "{\"id\":\(id),\"status\":200,\"result\":{\"subscriptionId\":1}}"
    }

    /// Pongs the subscribers sent back to ``pingSubscribers()``; client frames that came
    /// unmasked (each one closed its connection).
    public var pongs: Int { pongsReceived.load(ordering: .relaxed) }
    public var unmaskedFrames: Int { unmaskedClientFrames.load(ordering: .relaxed) }
    let pongsReceived = Atomic<Int>(0)
    let unmaskedClientFrames = Atomic<Int>(0)

    /// Pings every stream subscriber, as Binance does every 20 s.
    public func pingSubscribers() {
        let channels = subscribers.withLock { $0.values.map(\.channel) }
        for channel in channels {
            channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .ping, data: channel.allocator.buffer(string: "apogee-ping")), promise: nil)
        }
    }

    /// USD-M leverage and margin type per symbol, as set by the client.
    public var futuresSettings: [String: (leverage: Int?, marginType: String?)] { orders.futuresSettings }
    /// Symbols whose countdown cancel-all ran out (their orders were cancelled).
    public var countdownsFired: [String] { orders.countdownsFired }
    /// Symbols with a countdown armed now.
    public var countdownsArmed: [String] { orders.countdownsArmed }

    /// Connections that carried at least one REST request (a client that keeps its
    /// connection alive makes one).
    public var restConnectionsServed: Int { restConnections.load(ordering: .relaxed) }
    let restConnections = Atomic<Int>(0)
    /// Kept REST connections the exchange closed for idleness (`closeIdleRESTAfterMilliseconds`).
    public var idleRESTConnectionsClosed: Int { idleRESTClosures.load(ordering: .relaxed) }
    let idleRESTClosures = Atomic<Int>(0)

    /// REST requests in the last minute: the fake's `X-MBX-USED-WEIGHT-1M` (weight 1
    /// each).
    func countRequest() -> Int {
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        return requestTimes.withLock { times in
            times.append(now)
            while let first = times.first, now - first > 60_000_000_000 { times.removeFirst() }
            return times.count
        }
    }
    private let requestTimes = Mutex<[Int64]>([])

    /// Answers a Gate.io client's message: a subscription (acknowledged as Gate does;
    /// the first starts the playback) or `spot.ping`; nil for anything else.
    func answerGate(_ text: String, channel: Channel) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
              let name = object["channel"] as? String else { return nil }
        let now = Int64(Date().timeIntervalSince1970)
        if name == "spot.ping" || name == "futures.ping" {
            return "{\"time\":\(now),\"channel\":\"\(name.replacingOccurrences(of: "ping", with: "pong"))\",\"event\":\"\",\"result\":null}"
        }
        guard object["event"] as? String == "subscribe" else { return nil }
        if name == "futures.orders", ((object["payload"] as? [Any])?.first as? String) != String(FakeOrders.futuresUserID) {
            return "{\"time\":\(now),\"channel\":\"\(name)\",\"event\":\"subscribe\",\"error\":{\"code\":2,\"message\":\"the payload must start with the user id\"},\"result\":null}"
        }
        if name == "spot.orders" || name == "futures.orders" {
            // A private channel: `auth` signs `channel=…&event=…&time=…` with the secret.
            let auth = object["auth"] as? [String: Any]
            let time = (object["time"] as? NSNumber)?.int64Value ?? 0
            guard let credentials = orders.credentials, auth?["method"] as? String == "api_key", auth?["KEY"] as? String == credentials.key,
                  let signature = auth?["SIGN"] as? String,
                  credentials.verifiesGate(signature: signature, message: "channel=\(name)&event=subscribe&time=\(time)") else {
                return "{\"time\":\(now),\"channel\":\"\(name)\",\"event\":\"subscribe\",\"error\":{\"code\":2,\"message\":\"Invalid key provided\"},\"result\":null}"
            }
            userDataCount.add(1, ordering: .relaxed)
        }
        subscribe(channel, to: name)
        return "{\"time\":\(now),\"channel\":\"\(name)\",\"event\":\"subscribe\",\"result\":{\"status\":\"success\"}}"
    }

    /// A connection is gone: out of every list it was on.
    func forget(_ channel: Channel) {
        unsubscribe(channel)
        unsubscribeUserData(channel)
        _ = futuresUserChannels.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// USD-M listen keys given out and not closed or expired.
    let listenKeys = Mutex<[String]>([])
    let futuresUserChannels = Mutex<[ObjectIdentifier: Channel]>([:])

    /// `POST/PUT/DELETE /fapi/v1/listenKey`: the API-key header only, no signature. A
    /// POST while a key is active returns that key, as Binance does.
    func answerListenKey(method: HTTPMethod, apiKey: String?) -> FakeOrders.Answer {
        guard let credentials = orders.credentials, apiKey == credentials.key else {
            return .respond(401, "{\"code\":-2015,\"msg\":\"Invalid API-key, IP, or permissions for action.\"}")
        }
        switch method {
        case .POST:
            let key = listenKeys.withLock { keys in
                if keys.isEmpty { keys.append("fakeListenKey" + String(UInt64.random(in: 1...UInt64.max), radix: 36)) }
                return keys[0]
            }
            return .respond(200, "{\"listenKey\":\"\(key)\"}")
        case .PUT:
            let alive = listenKeys.withLock { !$0.isEmpty }
            return alive ? .respond(200, "{}") : .respond(400, "{\"code\":-1125,\"msg\":\"This listenKey does not exist.\"}")
        case .DELETE:
            listenKeys.withLock { $0.removeAll() }
            return .respond(200, "{}")
        default:
            return .respond(405, "{\"code\":-1,\"msg\":\"method not allowed\"}")
        }
    }

    /// Lets every listen key expire, as Binance does after 60 minutes without a
    /// keep-alive: `listenKeyExpired` on each stream, which then closes.
    public func expireListenKeys() {
        let expired = listenKeys.withLock { keys in
            defer { keys.removeAll() }
            return keys
        }
        let channels = futuresUserChannels.withLock { Array($0.values) }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        for channel in channels {
            let text = "{\"e\":\"listenKeyExpired\",\"E\":\(now),\"listenKey\":\"\(expired.first ?? "")\"}"
            channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, data: channel.allocator.buffer(string: text))).whenComplete { _ in
                channel.close(promise: nil)
            }
        }
    }

    /// USD-M's `ORDER_TRADE_UPDATE` to every listen-key stream.
    private func pushFuturesUpdate(_ order: FakeOrders.Order, type: String, last: Quantity, price: Price) {
        let channels = futuresUserChannels.withLock { Array($0.values) }
        guard !channels.isEmpty else { return }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let text = "{\"e\":\"ORDER_TRADE_UPDATE\",\"E\":\(now),\"T\":\(now),\"o\":{\"s\":\"\(order.symbol)\",\"c\":\"\(order.clientOrderID)\",\"S\":\"\(order.side)\",\"o\":\"LIMIT\",\"f\":\"GTC\",\"q\":\"\(order.quantity.formatted(fractionDigits: 3))\",\"p\":\"\(order.price.formatted(fractionDigits: 2))\",\"ap\":\"\(order.averagePrice.formatted(fractionDigits: 8))\",\"sp\":\"0\",\"x\":\"\(type)\",\"X\":\"\(order.status)\",\"i\":\(order.orderID),\"l\":\"\(last.formatted(fractionDigits: 3))\",\"z\":\"\(order.executed.formatted(fractionDigits: 3))\",\"L\":\"\(type == "TRADE" ? price.formatted(fractionDigits: 2) : "0")\",\"n\":\"\(Quantity(units: type == "TRADE" ? order.lastCommission : 0).formatted(fractionDigits: 8))\",\"N\":\"USDT\",\"T\":\(now),\"t\":0,\"b\":\"0\",\"a\":\"0\",\"m\":\(!order.taker),\"R\":false,\"wt\":\"CONTRACT_PRICE\",\"ot\":\"LIMIT\",\"ps\":\"BOTH\",\"cp\":false,\"rp\":\"0\"}}"
        for channel in channels {
            channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, data: channel.allocator.buffer(string: text)), promise: nil)
        }
    }

    /// A Gate.io subscriber adds a channel; the first one starts the playback.
    func subscribe(_ channel: Channel, to name: String) {
        subscribers.withLock { subscribers in
            var entry = subscribers[ObjectIdentifier(channel)] ?? (channel, [])
            entry.streams.insert(name)
            subscribers[ObjectIdentifier(channel)] = entry
        }
        if playsOnSubscribe { market.startIfNeeded() }
    }

    func unsubscribe(_ channel: Channel) {
        _ = subscribers.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// `headers` by lower-cased name.
    func restAnswer(method: HTTPMethod, uri: String, headers: [String: String], body: String) -> FakeOrders.Answer {
        let path = String(uri.split(separator: "?").first ?? "")
        let query = uri.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        let gateFuturesPrivate = path.hasPrefix("/api/v4/futures/usdt/") && !path.hasPrefix("/api/v4/futures/usdt/order_book") && !path.hasPrefix("/api/v4/futures/usdt/contracts")
        if path.hasPrefix("/api/v4/spot/orders") || path == "/api/v4/spot/countdown_cancel_all" || path == "/api/v4/spot/accounts" || path == "/api/v4/spot/fee" || gateFuturesPrivate {
            return orders.handleGate(method: method.rawValue, path: path, query: query, body: body, headers: headers)
        }
        let apiKey = headers["x-mbx-apikey"]
        if path == "/fapi/v1/listenKey" { return answerListenKey(method: method, apiKey: apiKey) }
        if path == "/api/v3/exchangeInfo" || path == "/fapi/v1/exchangeInfo" {
            // Spot lists the symbol asked for; USD-M lists every symbol.
            let futures = path.hasPrefix("/fapi")
            let asked = query.split(separator: "&").first { $0.hasPrefix("symbol=") }.map { String($0.dropFirst(7)) }
            let symbols = listed(futures ? market.symbols.sorted() : asked.map { [$0] } ?? market.symbols.sorted())
            if let asked, !futures, !symbols.contains(where: { $0.symbol == asked }) { return .respond(400, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}") }
            return .respond(200, orders.rules.exchangeInfo(symbols: symbols, futures: futures, now: Int64(Date().timeIntervalSince1970 * 1000)))
        }
        if path.hasSuffix("/order") || path.hasSuffix("/openOrders") || ["/fapi/v1/leverage", "/fapi/v1/marginType", "/fapi/v1/countdownCancelAll", "/fapi/v3/positionRisk", "/api/v3/account", "/api/v3/account/commission", "/fapi/v1/commissionRate"].contains(path) {
            return orders.handle(method: method.rawValue, path: path, query: query, apiKey: apiKey)
        }
        let (status, body) = publicAnswer(method: method, uri: uri, path: path)
        return .respond(Int(status.code), body)
    }

    func publicAnswer(method: HTTPMethod, uri: String, path: String) -> (HTTPResponseStatus, String) {
        switch (method, path) {
        case (.GET, "/api/v3/time"), (.GET, "/fapi/v1/time"):
            return (.ok, "{\"serverTime\":\(Int64(Date().timeIntervalSince1970 * 1000))}")
        case (.GET, "/api/v4/spot/time"):
            return (.ok, "{\"server_time\":\(Int64(Date().timeIntervalSince1970 * 1000))}")
        case (.GET, "/api/v4/spot/order_book"):
            let query = uri.split(separator: "?").dropFirst().first ?? ""
            let pair = query.split(separator: "&").first { $0.hasPrefix("currency_pair=") }.map { String($0.dropFirst(14)) } ?? ""
            guard let body = market.gateDepthResponse(limit: 100, pair: pair) else { return (.serviceUnavailable, "{\"label\":\"SERVER_ERROR\",\"message\":\"no book yet\"}") }
            return (.ok, body)
        case (.GET, "/api/v4/futures/usdt/order_book"):
            let query = uri.split(separator: "?").dropFirst().first ?? ""
            let contract = query.split(separator: "&").first { $0.hasPrefix("contract=") }.map { String($0.dropFirst(9)) } ?? ""
            guard let body = market.gateFuturesDepthResponse(limit: 100, contract: contract) else { return (.serviceUnavailable, "{\"label\":\"SERVER_ERROR\",\"message\":\"no book yet\"}") }
            return (.ok, body)
        case (.GET, _) where path.hasPrefix("/api/v4/spot/currency_pairs/"):
            // Gate.io's ETH_USDT: prices to 2 decimals, amounts to 4, at least 0.0001
            // ETH and 1 USDT an order.
            let pair = String(path.dropFirst("/api/v4/spot/currency_pairs/".count))
            guard market.symbols.contains(where: { GateDialect.pair($0) == pair }) else {
                return (.badRequest, "{\"label\":\"INVALID_CURRENCY_PAIR\",\"message\":\"Invalid currency pair \(pair)\"}")
            }
            let base = pair.split(separator: "_").first.map(String.init) ?? pair
            return (.ok, "{\"id\":\"\(pair)\",\"base\":\"\(base)\",\"quote\":\"USDT\",\"fee\":\"0.2\",\"min_base_amount\":\"0.0001\",\"min_quote_amount\":\"1\",\"amount_precision\":4,\"precision\":2,\"trade_status\":\"tradable\",\"sell_start\":0,\"buy_start\":0}")
        case (.GET, _) where path.hasPrefix("/api/v4/futures/usdt/contracts/"):
            let contract = String(path.dropFirst("/api/v4/futures/usdt/contracts/".count))
            guard market.symbols.contains(where: { GateDialect.pair($0) == contract }) else {
                return (.notFound, "{\"label\":\"CONTRACT_NOT_FOUND\",\"message\":\"Contract \(contract) not found\"}")
            }
            return (.ok, "{\"name\":\"\(contract)\",\"type\":\"direct\",\"quanto_multiplier\":\"\(GateDialect.futuresMultiplier)\",\"order_price_round\":\"0.1\",\"order_size_min\":1,\"leverage_min\":\"1\",\"leverage_max\":\"125\"}")
        case (.GET, "/api/v3/depth"), (.GET, "/fapi/v1/depth"):
            let fields = uri.split(separator: "?").dropFirst().first?.split(separator: "&") ?? []
            let limit = fields.first { $0.hasPrefix("limit=") }.flatMap { Int($0.dropFirst(6)) } ?? 1000
            let symbol = fields.first { $0.hasPrefix("symbol=") }.map { String($0.dropFirst(7)).uppercased() }
            guard let body = market.depthResponse(limit: limit, symbol: symbol) else { return (.serviceUnavailable, "{\"code\":-1,\"msg\":\"no book yet\"}") }
            return (.ok, body)
        default:
            return (.notFound, "{\"code\":-1,\"msg\":\"\(path) is not served by the fake exchange\"}")
        }
    }
}

/// Answers the REST requests of one connection.
final class RESTHandler: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    weak var exchange: FakeExchange?
    private var head: HTTPRequestHead?
    private var body = ""
    private var served = false

    init(exchange: FakeExchange?) { self.exchange = exchange }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = ""
        case .body(let part): body += String(buffer: part)
        case .end:
            guard let head, let exchange else { return }
            if !served {
                served = true
                exchange.restConnections.add(1, ordering: .relaxed)
            }
            var fields: [String: String] = [:]
            for (name, value) in head.headers { fields[name.lowercased()] = value }
            let answer = exchange.restAnswer(method: head.method, uri: head.uri, headers: fields, body: body)
            let weight = exchange.countRequest()
            let gate = exchange.dialect != .binance
            let reply: () -> Void = { [head] in
                var status = HTTPResponseStatus.ok
                var body = ""
                var headers = HTTPHeaders()
                switch answer {
                case .dropConnection:
                    // A fault: the order was taken, the answer is lost with the connection.
                    context.close(promise: nil)
                    return
                case .rateLimited(let seconds) where gate:
                    // Gate sends no Retry-After: the window's reset time (ms) instead.
                    status = .tooManyRequests
                    body = "{\"label\":\"TOO_MANY_REQUESTS\",\"message\":\"Request Rate limit Exceeded\"}"
                    headers.add(name: "X-Gate-RateLimit-Reset-Timestamp", value: String(Int64(Date().timeIntervalSince1970 * 1000) + Int64(seconds) * 1000))
                case .rateLimited(let seconds):
                    status = .tooManyRequests
                    body = "{\"code\":-1003,\"msg\":\"Too many requests; current limit is 6000 request weight per 1 MINUTE.\"}"
                    headers.add(name: "Retry-After", value: String(seconds))
                case .banned(let seconds):
                    status = HTTPResponseStatus(statusCode: 418)
                    body = "{\"code\":-1003,\"msg\":\"Way too many requests; IP banned until \(Int64(Date().timeIntervalSince1970 * 1000) + Int64(seconds) * 1000).\"}"
                    headers.add(name: "Retry-After", value: String(seconds))
                case .respond(let code, let text):
                    status = HTTPResponseStatus(statusCode: code)
                    body = text
                }
                headers.add(name: "Content-Type", value: "application/json")
                let chunked = exchange.market.faults.chunkedRESTAnswers
                if chunked {
                    headers.add(name: "Transfer-Encoding", value: "chunked")
                } else {
                    headers.add(name: "Content-Length", value: String(body.utf8.count))
                }
                if gate {
                    headers.add(name: "X-Gate-RateLimit-Limit", value: "6000")
                    headers.add(name: "X-Gate-RateLimit-Requests-Remain", value: String(max(0, 6000 - weight)))
                } else {
                    headers.add(name: "X-MBX-USED-WEIGHT-1M", value: String(weight))
                }
                context.write(self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
                let cut = chunked ? body.utf8.count / 2 : body.utf8.count
                let bytes = Array(body.utf8)
                for part in [bytes[..<cut], bytes[cut...]] where !part.isEmpty {
                    context.write(self.wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: part)))), promise: nil)
                }
                context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
                if let idle = exchange.market.faults.closeIdleRESTAfterMilliseconds { self.closeWhenIdle(context, after: idle) }
            }
            if let delay = exchange.market.faults.restDelayMilliseconds {
                let later = NIOLoopBound(reply, eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(Int64(delay))) { later.value() }
            } else {
                reply()
            }
            self.head = nil
        }
    }

    /// Answers so far; an idle close is called off when another request came meanwhile.
    private var answered = 0

    private func closeWhenIdle(_ context: ChannelHandlerContext, after milliseconds: Int) {
        answered += 1
        let mark = answered
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: .milliseconds(Int64(milliseconds))) {
            if handler.value.answered == mark, handler.value.head == nil {
                bound.value.close(promise: nil)
                handler.value.exchange?.idleRESTClosures.add(1, ordering: .relaxed)
            }
        }
    }
}

/// The certificate (PEM, chain first) and private key (PEM) a TLS fake exchange serves.
public struct FakeExchangeTLS: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public var certificateChain: String
    public var privateKey: String

    public init(certificateChain: String, privateKey: String) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
    }
}

extension FakeExchangeTLS {
    /// A fresh self-signed certificate for 127.0.0.1 and localhost (P-256, two days),
    /// made with the `openssl` command into `folder`: `cert.pem` is also what the
    /// client trusts (`--ca-file`).
    public static func selfSigned(in folder: String) throws -> FakeExchangeTLS {
        let files = FakeExchangeTLS(certificateChain: folder + "/cert.pem", privateKey: folder + "/key.pem")
        let status = try ChildProcess.run([
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", files.privateKey, "-out", files.certificateChain, "-days", "2", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ], standardOutput: nil, standardError: folder + "/openssl.log")
        guard status == 0 else {
            let log = (try? String(contentsOfFile: folder + "/openssl.log", encoding: .utf8)) ?? ""
            throw Failure(description: "openssl could not make a test certificate (exit \(status)): \(log)")
        }
        return files
    }
}
