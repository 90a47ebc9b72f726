import Backtesting
import TestFixtures
import Foundation
import MarketModel
@testable import RedisMirror
import RedisTestSupport
import Synchronization
import Testing

/// The Redis mirror against a real `redis-server` on a free loopback port.
@Suite("Redis mirror", .serialized)
struct RedisMirrorTests {
    @Test("URLs: host, port, database and password are read; the password never prints", arguments: [
        ("redis://127.0.0.1:6379/0", "127.0.0.1", 6379, 0, nil as String?, "redis://127.0.0.1:6379/0"),
        ("redis://localhost", "localhost", 6379, 0, nil, "redis://localhost:6379/0"),
        ("redis://:hunter2@10.0.0.5:6380/4", "10.0.0.5", 6380, 4, "hunter2", "redis://:***@10.0.0.5:6380/4"),
        ("redis://app:hunter2@h:1/", "h", 1, 0, "hunter2", "redis://app:***@h:1/0"),
    ])
    func parsesURLs(text: String, host: String, port: Int, database: Int, password: String?, printed: String) throws {
        let url = try RedisURL(parsing: text)
        #expect(url.host == host)
        #expect(url.port == port)
        #expect(url.database == database)
        #expect(url.password == password)
        #expect(url.description == printed)
    }

    @Test("Bad URLs say what is wrong without echoing the password", arguments: [
        ("http://h:1/0", "must start with redis://"),
        ("redis://:pw@h:0/0", "port '0'"),
        ("redis://:pw@h:1/x", "database index 'x'"),
        ("redis://:pw@:1/0", "no host"),
    ])
    func rejectsBadURLs(text: String, reason: String) {
        do {
            _ = try RedisURL(parsing: text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.description.contains(reason), "\(error)")
            #expect(!error.description.contains("pw"), "\(error)")
        }
    }

    @Test("The image rewrites trades newest first, the book, and sorted hashes after a reconnect")
    func imageRewrite() {
        var image = MirrorImage(keys: MirrorKeys(instance: "t"), ticksKept: 2)
        var batch = MirrorBatch()
        batch.symbols = ["BTCUSDT"]
        batch.trades = [[1, 2, 3].map { Self.trade(id: $0) }]
        batch.books = [nil]
        batch.orders = ["b": "{}", "a": "{}"]
        let delta = image.apply(batch)
        #expect(delta[0].prefix(2) == ["LPUSH", "apogee:t:ticks:BTCUSDT"])
        #expect(delta[0].count == 4, "only the two kept trades are pushed")
        #expect(delta[1] == ["LTRIM", "apogee:t:ticks:BTCUSDT", "0", "1"])
        #expect(delta[2] == ["HSET", "apogee:t:orders", "a", "{}", "b", "{}"])
        let rewrite = image.rewrite()
        #expect(rewrite[0] == ["DEL", "apogee:t:ticks:BTCUSDT"])
        #expect(rewrite[1].count == 4)
        #expect(rewrite[1][2].contains("\"id\":3"), "RPUSH starts with the newest")
        #expect(rewrite.contains(["HSET", "apogee:t:orders", "a", "{}", "b", "{}"]))
    }

    @Test("After a replay with --redis: the last trades, the final book, the metrics, and the events", arguments: [Support.spotBTC, Support.spotETH, Support.usdmBTC])
    func replayMirrorsState(file: String) throws {
        let server = try RedisTestServer()
        let subscriber = try Subscriber(server: server, channel: "apogee:test:events")
        let mirror = try RedisMirror(settings: MirrorSettings(url: server.url, instance: "test"))
        let report = try HeadlessReplay.run(ReplayOptions(files: [file]), mirror: mirror)
        #expect(report.mirror?.status.state == .connected)
        #expect(report.mirror?.status.eventsDropped == 0)

        let symbol = try #require(report.symbols.first)
        let trades = try Self.trades(of: file)
        #expect(trades.count == symbol.trades.count)
        let client = try server.connect()
        let ticks = try client.command(["LRANGE", "apogee:test:ticks:\(symbol.symbol)", "0", "-1"]).elements.compactMap(\.text)
        let expected = trades.suffix(1000).reversed().map { $0.mirrorJSON() }
        #expect(ticks.count == min(1000, trades.count))
        #expect(ticks == Array(expected), "the list holds the file's last trades, newest first")

        let bookText = try #require(try client.command(["GET", "apogee:test:book:\(symbol.symbol)"]).text)
        let book = try #require(symbol.book)
        #expect(bookText == MirrorBook(bids: book.bids.top(20), asks: book.asks.top(20), updateID: book.lastUpdateID, time: symbol.lastReceived!, state: book.state.rawValue).json(symbol: symbol.symbol))
        #expect(bookText.contains("\"update_id\":\(book.lastUpdateID!)"))

        let metrics = try Self.hash(client, "apogee:test:metrics")
        #expect(metrics["events"] == String(report.events))
        #expect(metrics["audit_mismatches"] == String(report.auditMismatches))
        #expect(metrics["events_per_s"] != nil && metrics["latency_ns_per_event"] != nil)

        let messages = subscriber.wait()
        #expect(messages.first?.contains("replay_started") == true, "\(messages)")
        #expect(messages.last?.contains("\"state\":\"replay_finished\",\"events\":\(report.events)") == true, "\(messages)")
    }

    @Test("Redis killed mid-replay: the replay's results do not change, the outage is reported, and the mirror comes back")
    func redisKilledMidReplay() throws {
        let file = Support.usdmBTC
        let plain = try HeadlessReplay.run(ReplayOptions(files: [file]))
        let server = try RedisTestServer()
        let mirror = try RedisMirror(settings: MirrorSettings(url: server.url, instance: "fault"))
        let report = try HeadlessReplay.run(ReplayOptions(files: [file]), mirror: mirror, afterEvent: { handled in
            switch handled {
            case 20_000:
                server.kill()
            case 40_000:
                // The writer notices at its next pipeline; then Redis comes back.
                Self.waitFor { mirror.status.outages >= 1 }
                #expect(mirror.status.state == .down)
                // First "lost the connection", then "unreachable" from the reconnect attempts.
                #expect(mirror.status.lastError?.contains("Redis at 127.0.0.1:\(server.port)") == true, "\(String(describing: mirror.status.lastError))")
                try? server.start()
            case 60_000:
                Self.waitFor { mirror.status.state == .connected }
            default:
                break
            }
        })
        #expect(report.json.replacingOccurrences(of: #""elapsed_s".*"#, with: "", options: .regularExpression)
            .hasPrefix(plain.json.replacingOccurrences(of: #""elapsed_s".*"#, with: "", options: .regularExpression)))
        #expect(report.counts == plain.counts)
        #expect(report.gaps == plain.gaps && report.auditMismatches == plain.auditMismatches && report.auditChecks == plain.auditChecks)
        let status = try #require(report.mirror?.status)
        #expect(status.outages == 1)
        #expect(status.reconnects == 1)
        #expect(status.state == .connected)

        // Back in step: the restarted (empty) Redis was rewritten whole.
        let client = try server.connect()
        let trades = try Self.trades(of: file)
        let ticks = try client.command(["LRANGE", "apogee:fault:ticks:BTCUSDT", "0", "-1"]).elements.compactMap(\.text)
        #expect(ticks == Array(trades.suffix(1000).reversed().map { $0.mirrorJSON() }))
        #expect(try Self.hash(client, "apogee:fault:metrics")["events"] == String(report.events))
    }

    @Test("A wrong or missing password is refused with a clear message that never shows the password")
    func wrongPassword() throws {
        let server = try RedisTestServer(password: "correct-horse")
        for password in ["wrong-staple", nil] {
            var url = server.url
            url.password = password
            do {
                _ = try RedisMirror(settings: MirrorSettings(url: url))
                Issue.record("accepted password \(String(describing: password))")
            } catch {
                guard case .authentication = error else { Issue.record("\(error)"); continue }
                #expect(error.description.contains("refused the credentials"))
                #expect(error.description.contains("127.0.0.1:\(server.port)"))
                #expect(!error.description.contains("wrong-staple") && !error.description.contains("correct-horse"))
            }
        }
        let mirror = try RedisMirror(settings: MirrorSettings(url: server.url))
        #expect(mirror.finish().state == .connected)
    }

    @Test("Redis away from the start: the mirror says so, drops and counts events, and the caller carries on")
    func unreachableAtStart() throws {
        let server = try RedisTestServer()
        server.kill()
        let mirror = try RedisMirror(settings: MirrorSettings(url: server.url))
        #expect(mirror.status.state == .down)
        #expect(mirror.status.lastError?.contains("unreachable") == true)
        mirror.publish("{}")
        let status = mirror.finish()
        #expect(status.state == .stopped)
        #expect(status.eventsDropped == 1)
    }

    // MARK: - Helpers

    static func trade(id: UInt64) -> TradePrint {
        TradePrint(symbol: "BTCUSDT", id: id, price: Price(whole: 100), quantity: Quantity(whole: 1), aggressor: .buy,
                   tradeTime: Timestamp(nanoseconds: Int64(id) * 1_000_000), time: EventTime(exchange: nil, received: Timestamp(nanoseconds: 0)))
    }

    static func trades(of file: String) throws -> [TradePrint] {
        let stream = try RecordingEventStream(options: ReplayOptions(files: [file]))
        var trades: [TradePrint] = []
        while let item = try stream.next() {
            if case .trade(let trade) = item.event { trades.append(trade) }
        }
        return trades
    }

    static func hash(_ client: RedisConnection, _ key: String) throws -> [String: String] {
        let items = try client.command(["HGETALL", key]).elements.compactMap(\.text)
        var result: [String: String] = [:]
        for index in stride(from: 0, to: items.count - 1, by: 2) { result[items[index]] = items[index + 1] }
        return result
    }

    static func waitFor(_ condition: () -> Bool) {
        Poll.until(seconds: 15, every: 0.01, condition)
    }
}

/// A client subscribed to a channel on its own thread, collecting messages until the
/// replay says it finished (or 10 s pass without a message).
final class Subscriber: @unchecked Sendable {
    private let messages = Mutex<[String]>([])
    private let done = DispatchSemaphore(value: 0)

    init(server: RedisTestServer, channel: String) throws {
        let connection = try RedisConnection(url: server.url, timeout: .seconds(10))
        let confirmation = try connection.command(["SUBSCRIBE", channel])
        guard confirmation.elements.first?.text == "subscribe" else { throw RedisTestServer.Failure(reason: "SUBSCRIBE answered \(confirmation)") }
        nonisolated(unsafe) let reader = connection
        let thread = Thread { [self] in
            while let reply = try? reader.readReply() {
                let parts = reply.elements
                guard parts.count == 3, parts[0].text == "message", let text = parts[2].text else { continue }
                messages.withLock { $0.append(text) }
                if text.contains("replay_finished") { break }
            }
            done.signal()
        }
        thread.start()
    }

    func wait() -> [String] {
        _ = done.wait(timeout: .now() + 30)
        return messages.withLock { $0 }
    }
}
