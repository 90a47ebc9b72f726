import Backtesting
import TestFixtures
import Foundation
import OrderBook
import Testing

@Suite("Replay of the real Binance recordings")
struct RealRecordingReplayTests {
    static let files: [(name: String, lines: Int, trades: Int, depth: Int, tickers: Int)] = [
        ("spot_btcusdt_20240808.gz", 41_249, 9_757, 3_451, 28_040),
        ("spot_ethusdt_20240808.gz", 33_618, 6_106, 3_434, 24_077),
        ("usdm_btcusdt_20240808.gz", 93_954, 21_313, 6_551, 66_089),
    ]

    @Test("every line is an event, no gap, and the book agrees with every matching ticker", arguments: files)
    func replay(file: (name: String, lines: Int, trades: Int, depth: Int, tickers: Int)) throws {
        let report = try HeadlessReplay.run(ReplayOptions(files: [Support.recording(file.name)]))
        #expect(report.lines == file.lines)
        #expect(report.events == file.lines)
        #expect(report.counts.trade == file.trades)
        #expect(report.counts.depth == file.depth)
        #expect(report.counts.ticker == file.tickers)
        #expect(report.counts.snapshot == 1)
        #expect(report.malformed == 0)
        #expect(report.gaps == 0)
        #expect(report.resyncs == 0)
        #expect(report.auditChecks > 400)
        #expect(report.auditMismatches == 0)
        let symbol = try #require(report.symbols.first)
        let book = try #require(symbol.book)
        #expect(book.state == .synced)
        #expect(!book.isCrossed)
        #expect(symbol.crossedAfterDiff == 0)
        // A correct procedure never needs the crossed-level repair on these files.
        #expect(book.statistics.prunedLevels == 0)
        #expect(book.statistics.snapshots == 1)
    }

    @Test("spot BTCUSDT: skipping the diffs that arrived before the snapshot loses the straddling one")
    func straddlingDiffArrivedBeforeSnapshot() throws {
        let lines = try Support.lines(of: Support.spotBTC)
        let snapshotIndex = try #require(lines.firstIndex { $0.contains("lastUpdateId") })
        // Drop the depth diffs received before the snapshot, as a naive client would.
        let naive = lines.enumerated().filter { index, line in !(index < snapshotIndex && line.contains("@depth")) }.map(\.element)
        let directory = try Support.scratchDirectory()
        try Support.write(naive, to: directory + "/spot_naive.txt")
        let report = try HeadlessReplay.run(ReplayOptions(files: [directory + "/spot_naive.txt"]))
        let book = try #require(report.symbols.first?.book)
        #expect(book.statistics.staleSnapshots == 1)
        #expect(report.gaps == 1)
        #expect(book.state == .resyncing)
        // The repair still keeps the book from staying crossed.
        #expect(report.symbols.first?.crossedAfterDiff == 0)
    }

    @Test("without the snapshot the book builds from diffs, says it is partial, and never stays crossed")
    func withoutSnapshot() throws {
        let lines = try Support.lines(of: Support.usdmBTC, limit: 20_000).filter { !$0.contains("lastUpdateId") }
        let directory = try Support.scratchDirectory()
        try Support.write(lines, to: directory + "/usdm_nosnapshot.txt")
        let report = try HeadlessReplay.run(ReplayOptions(files: [directory + "/usdm_nosnapshot.txt"]))
        let symbol = try #require(report.symbols.first)
        let book = try #require(symbol.book)
        #expect(book.state == .partial)
        #expect(book.isDepthPartial)
        #expect(report.gaps == 0)
        #expect(symbol.crossedAfterDiff == 0)
        #expect(report.auditChecks == 0)
        #expect(symbol.audit.skippedUnsynced > 0)
        #expect(book.bestBid != nil && book.bestAsk != nil)
    }

    @Test("a lost diff is a gap: the book says it is resyncing")
    func lostDiff() throws {
        var lines = try Support.lines(of: Support.spotBTC, limit: 10_000)
        let snapshotIndex = try #require(lines.firstIndex { $0.contains("lastUpdateId") })
        let lost = try #require(lines.indices.first { $0 > snapshotIndex + 100 && lines[$0].contains("@depth") })
        lines.remove(at: lost)
        let directory = try Support.scratchDirectory()
        try Support.write(lines, to: directory + "/spot_gap.txt")
        let report = try HeadlessReplay.run(ReplayOptions(files: [directory + "/spot_gap.txt"]))
        #expect(report.gaps == 1)
        #expect(report.symbols.first?.book?.state == .resyncing)
        #expect(report.symbols.first?.crossedAfterDiff == 0)
        #expect(report.auditMismatches == 0)
    }

    @Test("two files are merged by receive time, one book and audit per symbol")
    func twoSymbols() throws {
        let report = try HeadlessReplay.run(ReplayOptions(files: [Support.spotBTC, Support.spotETH]))
        #expect(report.events == 41_249 + 33_618)
        #expect(report.symbols.map(\.symbol) == ["BTCUSDT", "ETHUSDT"])
        #expect(report.symbols.allSatisfy { $0.audit.mismatches == 0 && $0.audit.checks > 400 })
        #expect(report.gaps == 0)
    }

    @Test("spot and futures books of one symbol are kept apart")
    func twoMarkets() throws {
        let report = try HeadlessReplay.run(ReplayOptions(files: [Support.spotBTC, Support.usdmBTC]))
        #expect(report.symbols.map(\.symbol) == ["BTCUSDT/spot", "BTCUSDT/usdm"])
        #expect(report.auditMismatches == 0)
        #expect(report.symbols.map { $0.book?.rule } == [.sequential, .previousID])
    }

    @Test("the same replay prints the same report")
    func deterministic() throws {
        func stripTiming(_ json: String) -> String {
            json.replacingOccurrences(of: #","elapsed_s":[^,}]*"#, with: "", options: .regularExpression)
                .replacingOccurrences(of: #","events_per_s":[^,}]*"#, with: "", options: .regularExpression)
        }
        let first = try HeadlessReplay.run(ReplayOptions(files: [Support.spotETH])).json
        let second = try HeadlessReplay.run(ReplayOptions(files: [Support.spotETH])).json
        #expect(stripTiming(first) == stripTiming(second))
        #expect(first.contains(#""final_book":{"best_bid":"2682.50000000""#))
    }
}
