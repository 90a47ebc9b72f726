import Backtesting
import TestFixtures
import Foundation
import Simulation
import Testing

@Suite("Bad input never crashes and never passes silently")
struct MalformedInputTests {
    /// The first lines of a real recording with damage at known line numbers.
    func damagedRecording() throws -> (path: String, damagedLines: [Int], total: Int) {
        var lines = try Support.lines(of: Support.spotBTC, limit: 2000)
        // 1-based line numbers after insertion, in order.
        lines.insert("1723161254087896568 {\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":1,\"s\":\"BTCUSDT\",\"t\":1,\"p\":\"abc\",\"q\":\"1\",\"T\":1,\"m\":true}}", at: 9)
        lines.insert("not a recording line", at: 99)
        lines.insert("", at: 499)
        lines.insert("1723161254087896568 {\"stream\":\"btcusdt@kline_1m\",\"data\":{}}", at: 999)
        lines.insert("1723161254087896568 {\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\"", at: 1499)
        let directory = try Support.scratchDirectory()
        let path = directory + "/damaged.txt"
        try Support.write(lines, to: path)
        return (path, [10, 100, 500, 1000, 1500], lines.count)
    }

    @Test("malformed lines are counted with their line numbers and reasons; the replay goes on")
    func counted() throws {
        let damaged = try damagedRecording()
        let report = try HeadlessReplay.run(ReplayOptions(files: [damaged.path]))
        #expect(report.lines == damaged.total)
        #expect(report.malformed == 5)
        #expect(report.events == damaged.total - 5)
        #expect(report.malformedSamples.map(\.line) == damaged.damagedLines)
        let reasons = report.malformedSamples.map(\.reason)
        #expect(reasons[0].contains("field \"p\""))
        #expect(reasons[1].contains("receive time"))
        #expect(reasons[2] == "empty line")
        #expect(reasons[3].contains("unknown stream"))
        #expect(reasons[4].contains("message ends"))
        #expect(report.auditMismatches == 0)
        #expect(report.json.contains(#""malformed":5"#))
    }

    @Test("--strict stops at the first malformed line, naming file and line")
    func strict() throws {
        let damaged = try damagedRecording()
        do {
            _ = try HeadlessReplay.run(ReplayOptions(files: [damaged.path], strict: true))
            Issue.record("a strict replay went past a malformed line")
        } catch {
            guard case .malformed(let line) = error else {
                Issue.record("expected a malformed-line failure, got \(error)")
                return
            }
            #expect(line.line == 10)
            #expect(line.file == damaged.path)
            #expect(error.description.hasPrefix("\(damaged.path):10: field \"p\""))
        }
    }

    @Test("a truncated gzip is counted as malformed and the lines before it are replayed")
    func truncatedGzip() throws {
        let directory = try Support.scratchDirectory()
        let path = directory + "/spot_cut.gz"
        try Support.shell("head -c 400000 '\(Support.spotBTC)' > '\(path)'")
        let report = try HeadlessReplay.run(ReplayOptions(files: [path]))
        #expect(report.malformed == 1)
        #expect(report.events > 5000)
        #expect(report.malformedSamples.first?.reason.contains("truncated") == true)
        #expect(report.malformedSamples.first?.line == report.lines + 1)
        #expect(report.auditMismatches == 0)
    }

    @Test("binary garbage is malformed line by line, never a crash")
    func garbage() throws {
        let directory = try Support.scratchDirectory()
        let path = directory + "/garbage.bin"
        var generator = SeededGenerator(seed: 7)
        let bytes = (0..<50_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let report = try HeadlessReplay.run(ReplayOptions(files: [path]))
        #expect(report.events == 0)
        #expect(report.malformed == report.lines)
        #expect(report.lines > 0)
    }

    @Test("a missing file fails before anything is replayed")
    func missingFile() {
        do {
            _ = try HeadlessReplay.run(ReplayOptions(files: [Support.spotBTC, "/nonexistent/recording.gz"]))
            Issue.record("a missing file was accepted")
        } catch {
            #expect(error.description == "cannot open /nonexistent/recording.gz: No such file or directory")
        }
    }
}
