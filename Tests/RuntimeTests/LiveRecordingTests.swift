import FakeExchange
import Foundation
import Runtime
import Storage
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
    }

    @Test("several symbols in one recording are refused with the reason")
    func oneSymbol() throws {
        let database = try ApogeeDatabase(path: try Support.scratchDirectory() + "/r.sqlite")
        do {
            _ = try LiveRecording.run(connection: .loopback(port: 1), symbols: ["ETHUSDT", "BTCUSDT"], database: database, stopWhen: { true })
            Issue.record("accepted two symbols")
        } catch {
            #expect(error.description.contains("one symbol per session"))
        }
    }
}
