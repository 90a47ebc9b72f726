import Backtesting
import TestFixtures
import FakeExchange
import Foundation
import LiveEngine
import Storage
import Synchronization
import Testing
import Venues

@Suite("Recording a live feed into the database", .serialized)
struct LiveRecordingTests {
    @Test("a recording of the fake exchange's feed replays from the database like the file it came from")
    func recordAndReplay() throws {
        let fake = try FakeExchange(recording: Support.spotETH, speed: 50)
        try fake.start()
        let path = try Support.scratchDirectory() + "/recorded.sqlite"
        let database = try ApogeeDatabase(path: path)
        let settle = Settle()
        let outcome = try LiveRecording.run(connection: .loopback(port: fake.port), symbols: ["ETHUSDT"], database: database, stopWhen: { fake.finished && settle.passed(1.0) })
        #expect(outcome.snapshots >= 1)
        let stored = try #require(try database.session(outcome.session))
        #expect(stored.kind == "recorded" && stored.complete && stored.lines == outcome.lines)

        var options = ReplayOptions(files: ["session:\(outcome.session)"])
        options.database = path
        let replayed = try HeadlessReplay.run(options)
        let file = try HeadlessReplay.run(ReplayOptions(files: [Support.spotETH]))
        #expect(replayed.counts.trade == file.counts.trade, "every trade recorded")
        #expect(replayed.counts.depth == file.counts.depth)
        #expect(replayed.auditMismatches == 0)
        #expect(replayed.auditChecks > 0)
        let book = try #require(replayed.symbols.first?.book)
        #expect(book.state == .synced)
        #expect(book.bestBid == file.symbols.first?.book?.bestBid && book.bestAsk == file.symbols.first?.book?.bestAsk)
        #expect(try database.tradeCount(session: outcome.session) == file.counts.trade)

        // The exchange's filters were recorded with the session (issue 18): a backtest of
        // it fits its orders to them and says so; the line is not a malformed one.
        #expect(replayed.malformed == 0)
        var backtest = BacktestOptions(files: ["session:\(outcome.session)"], strategy: "mshot")
        backtest.database = path
        let report = try Backtest.run(backtest)
        #expect(report.exchangeRules == "1 symbol(s) from the recording (the exchange's exchangeInfo when it was recorded)")
    }

    @Test("two symbols on one connection: a session each, and each replays from the database like the file it came from")
    func twoSymbols() throws {
        let fake = try FakeExchange(recordings: [Support.spotETH, Support.spotBTC], speed: 50)
        try fake.start()
        let path = try Support.scratchDirectory() + "/recorded.sqlite"
        let database = try ApogeeDatabase(path: path)
        let settle = Settle()
        // Done once every frame the fake exchange sent is recorded (it may be read well
        // after the fake wrote the last one on a loaded machine).
        let recorded = Mutex(0)
        let outcome = try LiveRecording.run(connection: .loopback(port: fake.port), symbols: ["ETHUSDT", "BTCUSDT"], database: database, progress: { count in recorded.withLock { $0 = count } }, stopWhen: {
            fake.finished && (recorded.withLock { $0 } >= fake.messagesSent || settle.passed(30.0))
        })
        #expect(outcome.sessions.map(\.symbol) == ["ETHUSDT", "BTCUSDT"])
        #expect(outcome.snapshots >= 2)
        for (symbol, session, file) in [("ETHUSDT", outcome.sessions[0].session, Support.spotETH), ("BTCUSDT", outcome.sessions[1].session, Support.spotBTC)] {
            let stored = try #require(try database.session(session))
            #expect(stored.kind == "recorded" && stored.complete && stored.symbols == symbol)
            var options = ReplayOptions(files: ["session:\(session)"])
            options.database = path
            let replayed = try HeadlessReplay.run(options)
            let original = try HeadlessReplay.run(ReplayOptions(files: [file]))
            #expect(replayed.symbols.map(\.symbol) == [symbol], "only its own symbol's frames")
            #expect(replayed.counts.trade == original.counts.trade, "\(symbol): every trade recorded")
            #expect(replayed.counts.depth == original.counts.depth)
            #expect(replayed.auditMismatches == 0)
            let book = try #require(replayed.symbols.first?.book)
            #expect(book.state == .synced)
            #expect(book.bestBid == original.symbols.first?.book?.bestBid && book.bestAsk == original.symbols.first?.book?.bestAsk)
        }
    }
}
