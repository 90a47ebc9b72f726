import Backtesting
import TestFixtures
import VenueClients
import FakeExchange
import Foundation
import LiveEngine
import Synchronization
import Testing
import Venues

/// The live market-data path against the fake exchange on 127.0.0.1, playing a real
/// Binance recording as the live feed.
@Suite("Live market data against the fake exchange", .serialized)
struct LiveFeedTests {
    func live(_ exchange: FakeExchange, symbol: String, environment: VenueEnvironment? = nil, caFile: String? = nil) throws -> ReplayReport {
        var options = LiveOptions(venue: .binance, symbols: [symbol], environment: environment ?? .loopback(port: exchange.port))
        options.caFile = caFile
        let done = Settle()
        options.stopWhen = {
            // Stop a second after the recording is over (what is still in the socket
            // arrives meanwhile), once the queue is drained.
            if exchange.finished { return done.passed(1.0) }
            return false
        }
        options.duration = 60
        return try HeadlessLive.run(options)
    }

    @Test("over TLS (wss and https) with the exchange's certificate trusted: every trade arrives, the book syncs and ends as the file's replay does")
    func cleanOverTLS() throws {
        let folder = try Support.scratchDirectory()
        let certificate = try FakeExchangeTLS.selfSigned(in: folder)
        let exchange = try FakeExchange(recording: Support.spotETH, speed: 50)
        try exchange.start(tls: certificate)
        let report = try live(exchange, symbol: "ETHUSDT", environment: .custom(ServiceAddress(tls: true, host: "127.0.0.1", port: exchange.port)), caFile: certificate.certificateChain)
        let file = try HeadlessReplay.run(ReplayOptions(files: [Support.spotETH]))
        let symbol = try #require(report.symbols.first)
        #expect(report.live?.endpoint == "wss://127.0.0.1:\(exchange.port)")
        #expect(report.live?.snapshots ?? 0 >= 1, "the REST snapshot came over https")
        #expect(report.counts.trade == file.counts.trade)
        #expect(report.auditMismatches == 0)
        #expect(symbol.book?.state == .synced)
        #expect(symbol.book?.lastUpdateID == file.symbols.first?.book?.lastUpdateID)
    }

    @Test("over TLS without trusting the exchange's certificate: fails at once (within the test's time limit), saying the certificate was not trusted and what to pass", .timeLimit(.minutes(1)))
    func untrustedCertificate() throws {
        let certificate = try FakeExchangeTLS.selfSigned(in: try Support.scratchDirectory())
        let exchange = try FakeExchange(recording: Support.spotETH, speed: 50)
        try exchange.start(tls: certificate)
        defer { exchange.stop() }
        do {
            _ = try live(exchange, symbol: "ETHUSDT", environment: .custom(ServiceAddress(tls: true, host: "127.0.0.1", port: exchange.port)))
            Issue.record("a certificate nobody trusts was accepted")
        } catch let error as LiveFailure {
            #expect(error.description.contains("exchange unreachable: wss://127.0.0.1:\(exchange.port)"), "\(error)")
            #expect(error.description.contains("certificate was not trusted"), "\(error)")
            #expect(error.description.contains("--ca-file"), "\(error)")
        }
    }

    @Test("a clean session: every trade arrives, the book syncs from a REST snapshot, and ends as the file's replay does")
    func clean() throws {
        let exchange = try FakeExchange(recording: Support.spotETH, speed: 50)
        try exchange.start()
        let report = try live(exchange, symbol: "ETHUSDT")
        let file = try HeadlessReplay.run(ReplayOptions(files: [Support.spotETH]))
        let symbol = try #require(report.symbols.first)
        #expect(report.counts.trade == file.counts.trade)
        #expect(report.auditMismatches == 0)
        // How soon the book syncs depends on when its snapshot request is answered (a
        // loaded machine answers later, and then from the fake's current book), so the
        // count of checks varies; none may fail, and most tickers must be checked.
        #expect(report.auditChecks >= file.auditChecks / 2, "\(report.auditChecks) of \(file.auditChecks) tickers checked")
        #expect(symbol.book?.state == .synced)
        #expect(symbol.book?.bestBid == file.symbols.first?.book?.bestBid)
        #expect(symbol.book?.bestAsk == file.symbols.first?.book?.bestAsk)
        #expect(symbol.book?.lastUpdateID == file.symbols.first?.book?.lastUpdateID)
        // The fake exchange closes the stream when the recording ends; nothing else may.
        #expect(report.live?.lastError == nil || report.live?.lastError?.contains("end of recording") == true, "\(String(describing: report.live?.lastError))")
        #expect((report.live?.snapshots ?? 0) >= 1)
    }

    @Test("the exchange drops the connection: the feed reconnects, the book resynchronises, the audit stays clean")
    func droppedConnection() throws {
        let exchange = try FakeExchange(recording: Support.spotETH, speed: 50, faults: FakeExchangeFaults(dropAfterMessages: 12_000))
        try exchange.start()
        let report = try live(exchange, symbol: "ETHUSDT")
        let symbol = try #require(report.symbols.first)
        #expect((report.live?.drops ?? 0) >= 1)
        #expect((report.live?.connections ?? 0) >= 2)
        #expect(report.live?.lastError?.contains("fault: connection dropped") == true || report.live?.lastError?.contains("end of recording") == true, "\(String(describing: report.live?.lastError))")
        #expect(report.auditMismatches == 0)
        #expect(report.auditChecks > 0)
        #expect(symbol.book?.state == .synced, "synced again after the reconnect")
        #expect((report.live?.snapshots ?? 0) >= 2, "a fresh snapshot after the reconnect")
    }

    @Test("a sequence gap in the depth stream: detected, resynchronised from a snapshot, audit clean")
    func gap() throws {
        let exchange = try FakeExchange(recording: Support.spotETH, speed: 50, faults: FakeExchangeFaults(gapAtDepthMessage: 1000))
        try exchange.start()
        let report = try live(exchange, symbol: "ETHUSDT")
        let symbol = try #require(report.symbols.first)
        #expect(report.gaps >= 1)
        #expect(symbol.book?.state == .synced)
        #expect(report.auditMismatches == 0)
        #expect(report.auditChecks > 0)
    }

    @Test("a depth message sent twice: the repeat is dropped as stale, no resync, the book ends as the file's")
    func duplicated() throws {
        var faults = FakeExchangeFaults()
        faults.duplicateDepthMessage = 1000
        let exchange = try FakeExchange(recording: Support.spotETH, speed: 50, faults: faults)
        try exchange.start()
        let report = try live(exchange, symbol: "ETHUSDT")
        let file = try HeadlessReplay.run(ReplayOptions(files: [Support.spotETH]))
        let book = try #require(report.symbols.first?.book)
        #expect(book.statistics.staleDiffs >= 1)
        #expect(report.gaps == 0)
        #expect(report.auditMismatches == 0)
        #expect(book.lastUpdateID == file.symbols.first?.book?.lastUpdateID)
        #expect(book.bestBid == file.symbols.first?.book?.bestBid)
    }

    @Test("two depth messages swapped: the gap is seen, the book resynchronises from a snapshot, the audit stays clean")
    func reordered() throws {
        var faults = FakeExchangeFaults()
        faults.swapDepthMessageWithNext = 1000
        let exchange = try FakeExchange(recording: Support.spotETH, speed: 50, faults: faults)
        try exchange.start()
        let report = try live(exchange, symbol: "ETHUSDT")
        let file = try HeadlessReplay.run(ReplayOptions(files: [Support.spotETH]))
        let book = try #require(report.symbols.first?.book)
        #expect(report.gaps >= 1)
        #expect(book.statistics.resyncs >= 1 || (report.live?.snapshots ?? 0) >= 2, "synced again from a snapshot")
        #expect(book.state == .synced)
        #expect(report.auditMismatches == 0)
        #expect(book.lastUpdateID == file.symbols.first?.book?.lastUpdateID)
    }

    @Test("the exchange pings: the feed answers with a masked pong (an unmasked one would end the connection), and stays connected")
    func pingPong() throws {
        let exchange = try FakeExchange(recording: Support.spotETH, speed: 50)
        try exchange.start()
        let pinger = Thread {
            for _ in 0..<3 {
                usleep(1_000_000)
                exchange.pingSubscribers()
            }
        }
        pinger.start()
        let report = try live(exchange, symbol: "ETHUSDT")
        #expect(exchange.pongs >= 2)
        #expect(exchange.unmaskedFrames == 0)
        // Still connected through the pings: every trade arrived (the one drop counted
        // is the fake closing the stream when its recording ends).
        let file = try HeadlessReplay.run(ReplayOptions(files: [Support.spotETH]))
        #expect(report.counts.trade == file.counts.trade)
        #expect((report.live?.drops ?? 0) <= 1)
    }

    @Test("rollover before the exchange's 24-hour cut (here every 1.5 s): a fresh connection takes over each time with no gap and no duplicate — every trade once, the book never resynchronised, audit clean, no drop counted")
    func rollover() throws {
        let exchange = try FakeExchange(recording: Support.spotETH, speed: 30)
        try exchange.start()
        var options = LiveOptions(venue: .binance, symbols: ["ETHUSDT"], environment: .loopback(port: exchange.port))
        let received = Mutex(0)
        let done = Settle()
        options.progress = { count in received.withLock { $0 = count } }
        options.stopWhen = { exchange.finished && (received.withLock { $0 } >= exchange.messagesSent || done.passed(30.0)) }
        options.duration = 60
        options.rolloverAfter = .milliseconds(1500)
        let report = try HeadlessLive.run(options)
        let file = try HeadlessReplay.run(ReplayOptions(files: [Support.spotETH]))
        let live = try #require(report.live)
        #expect(live.rollovers >= 2, "\(live.rollovers) rollovers")
        // One connection per rollover, the first, perhaps one rollover still handing over
        // at the end, and a reconnect for each drop: nothing else.
        #expect(live.connections <= live.rollovers + 2 + live.drops, "\(live.connections) connections, \(live.rollovers) rollovers, \(live.drops) drops")
        #expect(live.drops <= 1, "only the fake's close at the end of the recording")
        #expect(report.counts.trade == file.counts.trade, "every trade exactly once")
        #expect(report.counts.depth == file.counts.depth, "every depth diff exactly once")
        let symbol = try #require(report.symbols.first)
        let statistics = try #require(symbol.book?.statistics)
        #expect(statistics.gaps == 0 && statistics.resyncs == 0, "\(statistics)")
        #expect(report.auditMismatches == 0)
        #expect(symbol.book?.lastUpdateID == file.symbols.first?.book?.lastUpdateID)
    }

    @Test("Gate.io spot: subscribed by messages, every trade arrives, the book syncs from the with_id snapshot by Gate's rule and ends as the file's, audit clean")
    func gate() throws {
        try expectGateFeed(recording: Support.spotETH, dialect: .gate, venue: .gate, symbol: "ETH_USDT")
    }

    @Test("Gate.io USDT futures: sizes in contracts become quantities by the contract's quanto multiplier; every trade arrives, the book syncs from the with_id snapshot and ends as the file's, audit clean")
    func gateFutures() throws {
        // The USD-M file has three times the spot file's messages: at 50x the fake's one
        // thread, busy streaming, can leave the snapshot request unanswered for seconds
        // on a loaded machine.
        try expectGateFeed(recording: Support.usdmBTC, dialect: .gateFutures, venue: .gateFutures, symbol: "BTC_USDT", speed: 25)
    }

    /// The recording re-worded by the fake exchange as a Gate.io market must arrive
    /// whole: every trade, a book synced from the REST snapshot that ends as the
    /// file's (same update id, same best bid: contracts × multiplier give back the
    /// recorded quantities), audit clean.
    func expectGateFeed(recording: String, dialect: FakeExchange.Dialect, venue: VenueID, symbol name: String, speed: Double = 50) throws {
        let exchange = try FakeExchange(recording: recording, speed: speed, dialect: dialect)
        try exchange.start()
        var options = LiveOptions(venue: venue, symbols: [name], environment: .loopback(port: exchange.port))
        // Done once every frame the fake exchange sent has arrived (on a loaded machine
        // that can be well after the fake wrote the last one).
        let received = Mutex(0)
        let done = Settle()
        options.progress = { count in received.withLock { $0 = count } }
        // Gate acknowledges each subscription with a message of its own.
        let acknowledgements = VenueConnection.loopback(port: exchange.port, venue: venue).subscriptions(for: [name], now: 0).count
        options.stopWhen = { exchange.finished && (received.withLock { $0 } >= exchange.messagesSent + acknowledgements || done.passed(30.0)) }
        options.duration = 60
        let report = try HeadlessLive.run(options)
        let file = try HeadlessReplay.run(ReplayOptions(files: [recording]))
        let symbol = try #require(report.symbols.first)
        #expect(symbol.symbol == name)
        #expect(report.counts.trade == file.counts.trade)
        #expect(report.malformed == 0, "\(report.malformedSamples)")
        #expect((report.live?.snapshots ?? 0) >= 1)
        #expect(report.auditMismatches == 0)
        #expect(report.auditChecks >= file.auditChecks / 2)
        #expect(symbol.book?.state == .synced)
        #expect(symbol.book?.lastUpdateID == file.symbols.first?.book?.lastUpdateID)
        #expect(symbol.book?.bestBid == file.symbols.first?.book?.bestBid)
    }

    @Test("Gate.io USDT futures: a contract the exchange does not list stops the session at once with the reason")
    func gateFuturesUnknownContract() throws {
        let exchange = try FakeExchange(recording: Support.usdmBTC, speed: 50, dialect: .gateFutures)
        try exchange.start()
        do {
            _ = try HeadlessLive.run(LiveOptions(venue: .gateFutures, symbols: ["DOGE_USDT"], environment: .loopback(port: exchange.port)))
            Issue.record("an unknown contract was streamed")
        } catch {
            #expect(error.description.contains("DOGE_USDT is not a Gate.io USDT futures contract"), "\(error)")
        }
    }

    @Test("nothing listening: the session fails at once (no retry loop: the run ends, within the test's time limit), saying the exchange is unreachable", .timeLimit(.minutes(1)))
    func unreachable() throws {
        let server = try FreeLoopbackPort()
        do {
            _ = try HeadlessLive.run(LiveOptions(venue: .binance, symbols: ["BTCUSDT"], environment: .loopback(port: server.port)))
            Issue.record("connected to nothing")
        } catch {
            #expect(error.description.contains("exchange unreachable"), "\(error)")
        }
    }
}

/// A loopback port nobody listens on.
struct FreeLoopbackPort {
    let port: Int
    init() throws {
        let exchange = try FakeExchange(recording: Support.spotETH)
        port = try exchange.start()
        exchange.stop()
    }
}
