import TestFixtures
import FakeExchange
import Foundation
import RedisMirror
import RedisTestSupport
import LiveEngine
import Storage
import Testing

/// `--redis` on the command line, against a real redis-server on loopback.
@Suite("apogee --redis", .serialized)
struct RedisCommandTests {
    @Test("replay --headless --json --redis reports the mirror and fills the keys; results equal the run without")
    func headlessReplay() throws {
        let server = try RedisTestServer()
        let file = ApogeeProcess.sharedData + "/spot_ethusdt_20240808.gz"
        let plain = try ApogeeProcess.run(["replay", file, "--headless", "--json"])
        let mirrored = try ApogeeProcess.run(["replay", file, "--headless", "--json", "--redis", server.urlText, "--redis-instance", "cli"])
        #expect(mirrored.status == 0, "\(mirrored.standardError)")
        let redis = try #require(Self.object(mirrored.standardOutput)["redis"] as? [String: Any])
        #expect(redis["state"] as? String == "connected")
        #expect(redis["url"] as? String == "redis://127.0.0.1:\(server.port)/0")
        #expect(redis["events_dropped"] as? Int == 0)
        let before = try Self.object(plain.standardOutput)
        let after = try Self.object(mirrored.standardOutput)
        for key in ["events", "by_kind", "gaps", "audit", "trades", "final_book"] {
            #expect(try Self.canonical(before[key]) == Self.canonical(after[key]), "\(key)")
        }
        let client = try server.connect()
        #expect(try client.command(["LLEN", "apogee:cli:ticks:ETHUSDT"]) == .integer(1000))
        #expect(try client.command(["HGET", "apogee:cli:metrics", "audit_mismatches"]) == .string("0"))
    }

    @Test("live --paper --headless --redis mirrors like a replay: the tape, the metrics (mode paper), the fills the summary counts")
    func paperMirrors() throws {
        let server = try RedisTestServer()
        let fake = try FakeExchange(recording: ApogeeProcess.sharedData + "/spot_ethusdt_20240808.gz", speed: 10, shiftTimesToNow: true)
        try fake.start()
        defer { fake.stop() }
        let run = try ApogeeProcess.run(["live", "--exchange", "binance", "--symbols", "ETHUSDT", "--endpoint", "loopback:\(fake.port)", "--paper", "--headless", "--duration", "6",
                                         "--strategy", "ema-reversal", "--param", "EMAPeriod=3", "--param", "StretchPercent=0.01", "--param", "TurnPercent=0.002", "--param", "EntryOrder=market",
                                         "--no-journal", "--redis", server.urlText, "--redis-instance", "paper"])
        #expect(run.status == 0, "\(run.standardError)")
        let client = try server.connect()
        let fields = try Self.hash(client, "apogee:paper:metrics")
        #expect(fields["mode"] == "paper")
        let words = run.standardOutput.replacingOccurrences(of: ",", with: "").split(separator: " ").map(String.init)
        let fills = words.firstIndex(of: "fills").map { words[$0 - 1] }
        #expect(fields["fills"] == fills, "the mirror's fills are the summary's: \(run.standardOutput)")
        let ticks = try client.command(["LLEN", "apogee:paper:ticks:ETHUSDT"])
        #expect(ticks != .integer(0) && ticks != .null, "the live trades reach the tape")
    }

    @Test("live --trade --headless --redis mirrors the real session: mode live, the orders the exchange saw, a fill event per fill")
    func tradeMirrors() throws {
        let server = try RedisTestServer()
        let (folder, keys, account) = try TestKeys.make()
        let fake = try FakeExchange(recording: ApogeeProcess.sharedData + "/usdm_btcusdt_20240808.gz", speed: 10, account: account)
        try fake.start()
        defer { fake.stop() }
        let run = try ApogeeProcess.run(["live", "--exchange", "binance-futures", "--symbols", "BTCUSDT", "--endpoint", "loopback:\(fake.port)", "--headless", "--trade", "--json",
                                         "--strategy", "drops", "--param", "DropsMaxTime=2", "--param", "DropsPriceMA=0", "--param", "DropsPriceDelta=0.01", "--param", "NextDetectPenalty=1",
                                         "--param", "AutoBuy=YES", "--param", "BuyPrice=0.02", "--param", "SellPrice=0.01", "--param", "OrderSize=100", "--param", "AutoCancelBuy=2",
                                         "--duration", "10", "--keys", keys, "--db", folder + "/journal.sqlite", "--redis", server.urlText, "--redis-instance", "real"])
        #expect(run.status == 0, "\(run.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any], "\(run.standardOutput)")
        #expect(object["fills"] is [String: Any])
        let journaled = try #require(try ApogeeDatabase(path: folder + "/journal.sqlite").tradingSessions().first { $0.session.kind == "live" })
        let client = try server.connect()
        let fields = try Self.hash(client, "apogee:real:metrics")
        #expect(fields["mode"] == "live")
        #expect(fields["fills"] == String(journaled.fills), "the mirror's fills are the journal's")
        #expect(!fake.acceptedOrders.isEmpty, "the strategy traded")
        let ticks = try client.command(["LLEN", "apogee:real:ticks:BTCUSDT"])
        #expect(ticks != .integer(0) && ticks != .null, "the live trades reach the tape")
    }

    static func hash(_ client: RedisConnection, _ key: String) throws -> [String: String] {
        let items = try client.command(["HGETALL", key]).elements.compactMap(\.text)
        return Dictionary(uniqueKeysWithValues: stride(from: 0, to: items.count - 1, by: 2).map { (items[$0], items[$0 + 1]) })
    }

    @Test("a wrong password stops at once with a clear message that does not echo it")
    func wrongPassword() throws {
        let server = try RedisTestServer(password: "right-one")
        let result = try ApogeeProcess.run(["replay", ApogeeProcess.sharedData + "/spot_ethusdt_20240808.gz", "--headless",
                                            "--redis", "redis://:wrong-one@127.0.0.1:\(server.port)/0"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("refused the credentials"), "\(result.standardError)")
        #expect(!result.standardError.contains("wrong-one"))
        #expect(result.standardOutput.isEmpty, "no report after a configuration error")
    }

    @Test("backtest --redis: positions, orders, equity and one fill event per fill")
    func backtest() throws {
        let server = try RedisTestServer()
        let directory = NSTemporaryDirectory() + "apogee-redis-bt-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = ApogeeProcess.sharedData + "/usdm_btcusdt_20240808.gz"
        let plain = try ApogeeProcess.run(["backtest", "--data", file, "--json", "--db", directory + "/a.sqlite"])
        let mirrored = try ApogeeProcess.run(["backtest", "--data", file, "--json", "--db", directory + "/b.sqlite", "--redis", server.urlText])
        #expect(mirrored.status == 0, "\(mirrored.standardError)")
        let a = try Self.object(plain.standardOutput)
        let b = try Self.object(mirrored.standardOutput)
        for key in ["events", "orders", "fills", "metrics", "trades"] {
            #expect(try Self.canonical(a[key]) == Self.canonical(b[key]), "\(key) changed with the mirror on")
        }
        let redis = try #require(b["redis"] as? [String: Any])
        #expect(redis["state"] as? String == "connected")
        let fills = try #require(b["fills"] as? Int)
        #expect(fills > 0, "the reference strategy trades this file")
        let client = try server.connect()
        let metrics = try client.command(["HGETALL", "apogee:default:metrics"]).elements.compactMap(\.text)
        let fields = Dictionary(uniqueKeysWithValues: stride(from: 0, to: metrics.count - 1, by: 2).map { (metrics[$0], metrics[$0 + 1]) })
        #expect(fields["fills"] == String(fills))
        #expect(fields["mode"] == "backtest")
        for name in ["equity", "pnl", "drawdown", "events_per_s", "latency_ns_per_event"] { #expect(fields[name] != nil, "\(name)") }
        let events = try #require(redis["events_published"] as? Int)
        #expect(events >= fills + 1, "a fill event per fill, and the end")
    }

    @Test("the terminal's header shows the mirror: ok, down when Redis dies, ok again when it is back")
    func terminalHeader() throws {
        let server = try RedisTestServer()
        let session = try TmuxSession(command: "\(ApogeeProcess.executable) --demo bundled --speed 5 --size 0.02 --redis \(server.urlText)", environment: ["LANG": "C.UTF-8"])
        try session.wait { Self.header($0).contains("redis ok") }
        try session.send("b")
        try session.wait { $0.contains("BTCUSDT   LONG") }
        let client = try server.connect()
        var position: RedisReply = .null
        try Poll.until(seconds: 5) {
            position = try client.command(["HGET", "apogee:default:positions", "BTCUSDT"])
            return position != .null
        }
        #expect(position.text?.contains("\"qty\":\"0.02\"") == true, "\(position)")
        server.kill()
        try session.wait { Self.header($0).contains("redis down") }
        try server.start()
        try session.wait(timeout: 20) { Self.header($0).contains("redis ok") }
        try session.send("q")
    }

    static func header(_ screen: String) -> String { screen.split(separator: "\n").first.map(String.init) ?? "" }

    /// JSON text with sorted keys, so two decoded values compare whatever their order.
    static func canonical(_ value: Any?) throws -> String {
        guard let value else { return "absent" }
        let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
        return String(decoding: data, as: UTF8.self)
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }
}
