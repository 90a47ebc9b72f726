import Backtesting
import TestFixtures
import Foundation
import Storage
import Testing

/// Issue 22: a run asked to stop reports what it did and keeps what should be kept;
/// time going backwards in a recording is replayed and counted.
@Suite("Stopping early, and clocks that step back")
struct StopAndClockTests {
    @Test("a backtest asked to stop ends at the next check with a report marked interrupted")
    func backtestStops() throws {
        let stop = StopRequest()
        stop.request(2)
        var options = BacktestOptions(files: [Support.usdmBTC], strategy: "ema-reversal")
        options.stop = stop
        let report = try Backtest.run(options)
        #expect(report.interrupted == "SIGINT")
        // The first 4,000 events fix the market and the latency; the stop is looked for
        // every 4,096 after.
        #expect(report.events == 4096)
        #expect(report.json.contains(#""interrupted":"SIGINT""#))
        #expect(report.summary.contains("INTERRUPTED by SIGINT: the figures cover the first 4096 events"))

        let whole = try Backtest.run(BacktestOptions(files: [Support.usdmBTC], strategy: "ema-reversal"))
        #expect(whole.interrupted == nil)
        #expect(whole.events == 93_954)
        #expect(whole.json.contains(#""interrupted":null"#))
    }

    @Test("Monte Carlo reruns stopped midway are left out: runs of runs_requested")
    func monteCarloStops() throws {
        var options = BacktestOptions(files: [Support.spotETH], strategy: "ema-reversal")
        options.monteCarloRuns = 4
        let stop = StopRequest()
        var stopped = options
        stopped.stop = stop
        // Asked to stop once the main run is done: the reruns see it.
        let report = try Backtest.run(stopped) { line in
            if line.hasPrefix("monte carlo") { stop.request(15) }
        }
        #expect(report.interrupted == "SIGTERM")
        #expect(report.monteCarlo?.runs == 0)
        #expect(report.monteCarlo?.requested == 4)
        let whole = try Backtest.run(options)
        #expect(whole.monteCarlo?.runs == 4)
        #expect(whole.interrupted == nil)
    }

    @Test("a replay asked to stop prints what it replayed, marked interrupted")
    func replayStops() throws {
        let stop = StopRequest()
        var options = ReplayOptions(files: [Support.spotBTC])
        options.stop = stop
        let report = try HeadlessReplay.run(options, afterEvent: { handled in
            if handled == 10_000 { stop.request(2) }
        })
        #expect(report.interrupted == "SIGINT")
        #expect(report.events == 12_288)
        #expect(report.summary.contains("INTERRUPTED by SIGINT"))
    }

    @Test("an import asked to stop keeps nothing of the file")
    func importStops() throws {
        let db = try ApogeeDatabase(path: try Support.scratchDirectory() + "/apogee.sqlite")
        let stop = StopRequest()
        stop.request(15)
        do {
            _ = try RecordingImport.run(file: Support.spotBTC, database: db, stop: stop)
            Issue.record("the import went through a stop")
        } catch {
            guard case .interrupted(let signal, let what) = error else {
                Issue.record("expected an interruption, got \(error)")
                return
            }
            #expect(signal == 15)
            #expect(what.contains("nothing was kept"))
            #expect(error.description.hasPrefix("interrupted by SIGTERM: import of"))
        }
        #expect(try db.sessions().isEmpty)
    }

    @Test("lines received earlier than the line before are replayed and counted with the first file:line")
    func clockStepsBack() throws {
        var lines = try Support.lines(of: Support.spotBTC, limit: 3000)
        // Lines 1001 and 2001 arrive 60 s and 2 s "before" their predecessors.
        for (index, back) in [(1000, Int64(60_000_000_000)), (2000, Int64(2_000_000_000))] {
            let parts = lines[index].split(separator: " ", maxSplits: 1)
            lines[index] = "\(Int64(parts[0])! - back) \(parts[1])"
        }
        let path = try Support.scratchDirectory() + "/steps.txt"
        try Support.write(lines, to: path)
        let report = try HeadlessReplay.run(ReplayOptions(files: [path]))
        #expect(report.malformed == 0)
        #expect(report.events == 3000)
        #expect(report.clockSteps.count == 2)
        #expect(report.clockSteps.first == "\(path):1001")
        #expect(report.clockSteps.largestNanoseconds >= 59_000_000_000)
        #expect(report.summary.contains("clock: 2 line(s) received earlier than the line before"))
        #expect(report.json.contains(#""clock_steps_back":2"#))
        for strategy in ["pump", "channel-split", "drops", "ema-reversal", "mshot", "mstrike", "hook"] {
            let backtest = try Backtest.run(BacktestOptions(files: [path], strategy: strategy))
            #expect(backtest.clockSteps.count == 2, "\(strategy)")
        }
        let clean = try HeadlessReplay.run(ReplayOptions(files: [Support.spotBTC]))
        #expect(clean.clockSteps.count == 0)
        #expect(!clean.summary.contains("clock:"))
    }

    @Test("a trade that arrives after the next minute's first trade joins its own minute's candle (no UNIQUE constraint failure)")
    func lateTradeImport() throws {
        var lines = try Support.lines(of: Support.spotBTC, limit: 60_000)
        func tradeMinute(_ line: String) -> Int64? {
            guard line.contains("@trade"), let range = line.range(of: #""T":"#) else { return nil }
            let digits = line[range.upperBound...].prefix { $0.isNumber }
            return Int64(digits).map { $0 / 60_000 }
        }
        let firstTrade = try #require(lines.firstIndex { tradeMinute($0) != nil })
        let firstMinute = try #require(tradeMinute(lines[firstTrade]))
        let nextMinute = try #require(lines.firstIndex { (tradeMinute($0) ?? 0) > firstMinute }, "the sample spans a minute boundary")
        // The first trade again, late: received just after the next minute's first trade.
        let late = lines[firstTrade].split(separator: " ", maxSplits: 1)
        let received = Int64(lines[nextMinute].split(separator: " ", maxSplits: 1)[0])! + 1
        lines.insert("\(received) \(late[1].replacingOccurrences(of: #""t":"#, with: #""t":9"#))", at: nextMinute + 1)
        let path = try Support.scratchDirectory() + "/late.txt"
        try Support.write(lines, to: path)
        let db = try ApogeeDatabase(path: try Support.scratchDirectory() + "/apogee.sqlite")
        let outcome = try RecordingImport.run(file: path, database: db)
        let candles = try db.candles(session: outcome.session)
        #expect(Set(candles.map(\.start)).count == candles.count, "one candle per minute")
        #expect(candles.reduce(0) { $0 + $1.trades } == lines.filter { tradeMinute($0) != nil }.count)
        #expect(try db.tradeCount(session: outcome.session) == lines.filter { tradeMinute($0) != nil }.count)
    }
}
