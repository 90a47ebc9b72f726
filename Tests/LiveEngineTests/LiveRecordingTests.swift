import Backtesting
import TestFixtures
import FakeExchange
import Foundation
import LiveEngine
import Storage
import Synchronization
import Recording
import Testing
import Venues
import VenueClients
import MarketModel

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

    @Test("Gate.io spot: a session recorded from the fake exchange replays with a clean book audit, keeps the pair's rules, and backtests")
    func gateSpot() throws {
        try expectGateRecording(recording: Support.spotETH, dialect: .gate, venue: .gate, symbol: "ETH_USDT", rules: "tick 0.01, lot 0.0001")
    }

    @Test("Gate.io USDT futures: sizes recorded in contracts replay as quantities by the recorded contract's multiplier; audit clean, backtests")
    func gateFutures() throws {
        try expectGateRecording(recording: Support.usdmBTC, dialect: .gateFutures, venue: .gateFutures, symbol: "BTC_USDT", rules: "tick 0.1, lot 0.0001", speed: 25)
    }

    /// Records the fake exchange's Gate.io rewording of `recording` into a session, and
    /// requires the session to replay as the file does: every trade, a synced book
    /// ending at the file's update id and best bid, no mismatch against the exchange's
    /// tickers, no malformed line; the pair's or contract's details read back as rules.
    func expectGateRecording(recording: String, dialect: FakeExchange.Dialect, venue: VenueID, symbol name: String, rules: String, speed: Double = 50) throws {
        let fake = try FakeExchange(recording: recording, speed: speed, dialect: dialect)
        try fake.start()
        let path = try Support.scratchDirectory() + "/recorded.sqlite"
        let database = try ApogeeDatabase(path: path)
        let settle = Settle()
        let recorded = Mutex(0)
        let acknowledgements = VenueConnection.loopback(port: fake.port, venue: venue).subscriptions(for: [name], now: 0).count
        let outcome = try LiveRecording.run(connection: .loopback(port: fake.port, venue: venue), symbols: [name], database: database, progress: { count in recorded.withLock { $0 = count } }, stopWhen: {
            fake.finished && (recorded.withLock { $0 } >= fake.messagesSent + acknowledgements || settle.passed(30.0))
        })
        #expect(outcome.snapshots >= 1)
        let stored = try #require(try database.session(outcome.session))
        #expect(stored.exchange == "gateio" && stored.kind == "recorded" && stored.complete && stored.symbols == name)

        var options = ReplayOptions(files: ["session:\(outcome.session)"])
        options.database = path
        let replayed = try HeadlessReplay.run(options)
        let file = try HeadlessReplay.run(ReplayOptions(files: [recording]))
        #expect(replayed.malformed == 0, "\(replayed.malformedSamples.map(\.description))")
        #expect(replayed.counts.trade == file.counts.trade, "every trade recorded")
        #expect(try database.tradeCount(session: outcome.session) == file.counts.trade)
        #expect(replayed.auditMismatches == 0)
        #expect(replayed.auditChecks >= file.auditChecks / 2)
        let symbol = try #require(replayed.symbols.first)
        #expect(symbol.symbol == name)
        #expect(symbol.book?.state == .synced)
        #expect(symbol.book?.lastUpdateID == file.symbols.first?.book?.lastUpdateID)
        #expect(symbol.book?.bestBid == file.symbols.first?.book?.bestBid)

        // A recording file (not a session) of the same frames is told apart by its
        // first message, and replays the same.
        let exported = try Support.scratchDirectory() + "/gate.txt"
        try exportSession(outcome.session, database: database, to: exported)
        let fromFile = try HeadlessReplay.run(ReplayOptions(files: [exported]))
        #expect(fromFile.malformed == 0 && fromFile.counts == replayed.counts && fromFile.auditMismatches == 0)
        // Imported, the file is a Gate.io session of its market, with every trade filed.
        let imported = try RecordingImport.run(file: exported, database: database)
        let importedRecord = try #require(try database.session(imported.session))
        #expect(importedRecord.exchange == "gateio" && importedRecord.market == stored.market && importedRecord.symbols == name)
        #expect(try database.tradeCount(session: imported.session) == file.counts.trade)
        var importedOptions = ReplayOptions(files: ["session:\(imported.session)"])
        importedOptions.database = path
        let fromImport = try HeadlessReplay.run(importedOptions)
        #expect(fromImport.malformed == 0 && fromImport.counts == replayed.counts && fromImport.auditMismatches == 0)

        var backtest = BacktestOptions(files: ["session:\(outcome.session)"], strategy: "mshot")
        backtest.database = path
        let report = try Backtest.run(backtest)
        #expect(report.exchangeRules == "1 symbol(s) from the recording (the exchange's exchangeInfo when it was recorded)")
        #expect(report.market == (venue == .gateFutures ? MarketKind.usdMargined : MarketKind.spot))
        let stream = try RecordingEventStream(options: options)
        while try stream.next() != nil {}
        #expect(stream.exchangeRules[name].map { "tick \($0.tickSize), lot \($0.stepSize)" } == rules)
    }

    /// A session's lines written out as a recording file.
    func exportSession(_ session: Int64, database: ApogeeDatabase, to path: String) throws {
        let source = try SessionLineSource(database: database, session: session)
        var text = ""
        while let line = try source.nextLine() { text += String(decoding: line, as: UTF8.self) + "\n" }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

}
