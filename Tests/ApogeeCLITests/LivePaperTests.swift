import FakeExchange
import Foundation
import LiveEngine
import Storage
import Testing

/// `apogee live --paper`: the live feed of the loopback fake exchange traded on the
/// simulator, in the real terminal and headless.
@Suite("apogee live --paper", .serialized)
struct LivePaperTests {
    let recording = ApogeeProcess.sharedData + "/spot_ethusdt_20240808.gz"

    func header(_ screen: String) -> String { screen.split(separator: "\n").first.map(String.init) ?? "" }

    @Test("the terminal shows PAPER on the live feed; a dropped connection shows and the book resyncs; a buy hotkey fills on paper, never on the exchange; journaled as a paper session")
    func paperTerminal() throws {
        let fake = try FakeExchange(recording: recording, speed: 5, faults: FakeExchangeFaults(dropAfterMessages: 1500), shiftTimesToNow: true)
        try fake.start()
        defer { fake.stop() }
        let session = try TmuxSession(command: "\(ApogeeProcess.executable) live --exchange binance --symbols ETHUSDT --endpoint loopback:\(fake.port) --paper --size 0.02", width: 160, height: 45, environment: ["LANG": "C.UTF-8"])
        let first = try session.wait { self.header($0).contains("PAPER") && self.header($0).contains("book synced") }
        #expect(header(first).contains("binance"))
        #expect(!header(first).contains("%"), "no replay progress in a live session")
        // The fake exchange's times are moved to today: the lag is the recording's own
        // delay (its recorder's clock ran about 1.3 s behind Binance's), not its age.
        // `lag 12ms`, or `lag 0ms (clock -1271ms)` when the recorder's clock was behind.
        let field = try #require(header(first).split(separator: "|").first { $0.contains("lag") })
        let lag = try #require(field.split { !"-0123456789".contains($0) }.compactMap { Int($0) }.last, "\(field)")
        #expect(abs(lag) < 10_000, "lag \(lag) ms")
        // The fault: one dropped connection, then the book is synchronised again.
        let dropped = try session.wait(timeout: 30) { self.header($0).contains("ws up (1 drop)") && self.header($0).contains("book synced") }
        #expect(header(dropped).contains("ACTIVE"))
        try session.send("b")
        try session.wait { $0.contains("ETHUSDT   LONG") }
        try session.send("Space")
        try session.wait { $0.contains("the replay controls do nothing here") }
        try session.send("q")
        try session.wait { $0.contains("Quit anyway? (y/n)") }
        try session.send("y")
        try session.wait { $0.contains("apogee exited with status 0") }
        #expect(fake.acceptedOrders.isEmpty, "paper orders never reach the exchange")

        let database = try ApogeeDatabase(path: session.scratch + "/data/apogee/apogee.sqlite")
        let sessions = try database.tradingSessions()
        #expect(sessions.count == 1)
        let paper = try #require(sessions.first)
        #expect(paper.session.kind == "paper")
        #expect(paper.session.source.contains("ETHUSDT"))
        #expect(paper.session.complete)
        #expect(paper.fills >= 1, "the hotkey's market buy filled on paper")
    }

    @Test("headless: the strategy trades the live feed on paper for --duration seconds, the summary matches the journal, the exchange sees no order")
    func paperHeadless() throws {
        let fake = try FakeExchange(recording: recording, speed: 10, shiftTimesToNow: true)
        try fake.start()
        defer { fake.stop() }
        let folder = NSTemporaryDirectory() + "apogee-paper-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let db = folder + "/paper.sqlite"
        let run = try ApogeeProcess.run(["live", "--exchange", "binance", "--symbols", "ETHUSDT", "--endpoint", "loopback:\(fake.port)", "--paper", "--headless", "--duration", "8",
                                         "--strategy", "ema-reversal", "--param", "EMAPeriod=3", "--param", "StretchPercent=0.01", "--param", "TurnPercent=0.002", "--param", "EntryOrder=market", "--db", db])
        #expect(run.status == 0, "\(run.standardError)")
        let line = run.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.hasPrefix("paper session 1: "), "\(line)")
        func figure(before word: String) -> Int? {
            let words = line.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: ";", with: "").split(separator: " ").map(String.init)
            return words.firstIndex(of: word).flatMap { $0 > 0 ? Int(words[$0 - 1]) : nil }
        }
        let events = try #require(figure(before: "events"))
        #expect(events > 1000, "\(line)")
        #expect((figure(before: "snapshot(s)") ?? 0) >= 1, "the book was synchronised from a REST snapshot")
        let orders = try #require(figure(before: "orders"))
        let fills = try #require(figure(before: "fills"))
        #expect(orders >= 1, "a 0.01 % stretch from a 3-second EMA happens within 8 s of ETH at 10x: \(line)")
        #expect(fake.acceptedOrders.isEmpty, "paper orders never reach the exchange")
        let sessions = try ApogeeDatabase(path: db).tradingSessions()
        #expect(sessions.count == 1)
        #expect(sessions.first?.session.kind == "paper")
        #expect(sessions.first?.orders == orders)
        #expect(sessions.first?.fills == fills)
        #expect(sessions.first?.session.complete == true)
    }

    @Test("--quote USDT takes every USDT symbol the exchange lists: both markets the fake serves are watched, without naming them")
    func wholeQuoteMarket() throws {
        let fake = try FakeExchange(recordings: [recording, ApogeeProcess.sharedData + "/spot_btcusdt_20240808.gz"], speed: 10, shiftTimesToNow: true)
        try fake.start()
        defer { fake.stop() }
        let run = try ApogeeProcess.run(["live", "--exchange", "binance", "--quote", "USDT", "--endpoint", "loopback:\(fake.port)", "--headless", "--duration", "4", "--json"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardError.contains("quote USDT: 2 symbols"), "\(run.standardError)")
        #expect(run.standardOutput.contains("BTCUSDT") && run.standardOutput.contains("ETHUSDT"), "\(run.standardOutput.prefix(400))")
        let none = try ApogeeProcess.run(["live", "--exchange", "binance", "--quote", "EUR", "--endpoint", "loopback:\(fake.port)", "--headless", "--duration", "2"])
        #expect(none.status == 1)
        #expect(none.standardError.contains("trades no symbol quoted in EUR"), "\(none.standardError)")
        let both = try ApogeeProcess.run(["live", "--exchange", "binance", "--quote", "USDT", "--symbols", "ETHUSDT", "--endpoint", "loopback:\(fake.port)", "--headless"])
        #expect(both.status != 0)
        #expect(both.standardError.contains("one of them"), "\(both.standardError)")
    }

    @Test("--quote streams every symbol's trades and best bid/ask but a book only where needed: the book on screen, from when it is shown; a buy on it fills on paper")
    func wholeMarketBooksWhereNeeded() throws {
        let fake = try FakeExchange(recordings: [recording, ApogeeProcess.sharedData + "/spot_btcusdt_20240808.gz"], speed: 5, shiftTimesToNow: true)
        try fake.start()
        defer { fake.stop() }
        let session = try TmuxSession(command: "\(ApogeeProcess.executable) live --exchange binance --quote USDT --endpoint loopback:\(fake.port) --paper --size 0.02 --no-journal", width: 160, height: 45, environment: ["LANG": "C.UTF-8"])
        // BTCUSDT, first by name, is the book on screen: its depth is streamed and syncs.
        try session.wait(timeout: 30) { self.header($0).contains("PAPER") && $0.contains("Book BTCUSDT") && self.header($0).contains("book synced") }
        let streams = fake.subscribedStreams
        #expect(streams.contains("btcusdt@depth@100ms"), "\(streams)")
        #expect(!streams.contains("ethusdt@depth@100ms"), "ETH's book is not shown: not streamed. \(streams)")
        #expect(streams.contains("ethusdt@trade") && streams.contains("ethusdt@bookTicker"), "every symbol's trades and best bid/ask: \(streams)")
        // The trader moves to ETH: its book is streamed from then on, and syncs.
        try session.send(".")
        let eth = try session.wait(timeout: 30) { $0.contains("Book ETHUSDT") && self.header($0).contains("book synced") && self.header($0).contains("ETHUSDT") }
        #expect(eth.contains("spread"), "ETH's book has levels: \(eth)")
        #expect(fake.subscribedStreams.contains("ethusdt@depth@100ms"))
        try session.send("b")
        try session.wait { $0.contains("ETHUSDT   LONG") }
        try session.send("q")
        try session.wait { $0.contains("Quit anyway? (y/n)") }
        try session.send("y")
        try session.wait { $0.contains("apogee exited with status 0") }
    }

    @Test("with no exchange listening, --paper fails at once saying the exchange is unreachable")
    func unreachable() throws {
        let run = try ApogeeProcess.run(["live", "--exchange", "binance", "--symbols", "ETHUSDT", "--endpoint", "loopback:1", "--paper", "--headless"])
        #expect(run.status == 1)
        #expect(run.standardError.contains("exchange unreachable: ws://127.0.0.1:1"), "\(run.standardError)")
    }
}
