import Foundation
import Runtime
import Testing

@Suite("The bundled demo")
struct DemoDataTests {
    static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @Test("the generator rewrites the committed demo files bit for bit")
    func regenerates() throws {
        let directory = try Support.scratchDirectory()
        let written = try DemoData.write(to: directory)
        #expect(written.paths.count == 3)
        #expect(written.bytes < 5_000_000)
        for path in written.paths {
            let name = URL(fileURLWithPath: path).lastPathComponent
            let fresh = try Data(contentsOf: URL(fileURLWithPath: path))
            let committed = try Data(contentsOf: URL(fileURLWithPath: "\(Self.checkout)/data/\(name)"))
            #expect(fresh == committed, "\(name) differs from what the generator writes")
        }
    }

    @Test("the demo replays clean: every symbol synced, audited without a mismatch, no gap")
    func replaysClean() throws {
        let files = ["btcusdt", "ethusdt", "solusdt"].map { "\(Self.checkout)/data/demo_\($0).gz" }
        let report = try HeadlessReplay.run(ReplayOptions(files: files))
        #expect(report.malformed == 0)
        #expect(report.gaps == 0)
        #expect(report.symbols.map(\.symbol) == ["BTCUSDT", "ETHUSDT", "SOLUSDT"])
        for symbol in report.symbols {
            #expect(symbol.book?.state == .synced)
            #expect(symbol.audit.checks > 1000)
            #expect(symbol.audit.mismatches == 0)
            #expect(symbol.trades.count > 1000)
        }
    }
}
