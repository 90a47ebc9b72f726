import Backtesting
import Recording
import Foundation
import Simulation
import Testing

/// The MoonBot family on the synthetic spike scenario: each strategy acts on the
/// event it is built for, and every run is deterministic.
@Suite("Strategies on the spike scenario", .serialized)
struct SpikeScenarioTests {
    static let file: String = {
        let folder = NSTemporaryDirectory() + "apogee-spikes-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return try! DemoData.writeSpikeScenario(to: folder)
    }()

    func run(_ strategy: String, _ parameters: [(String, String)] = []) throws -> [String: Any] {
        var options = BacktestOptions(files: [Self.file], strategy: strategy)
        options.parameters = parameters.map { ($0.0, .text($0.1), "test") }
        let report = try Backtest.run(options)
        return try #require(try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any])
    }

    @Test("the scenario is the same for a seed, and its books replay cleanly")
    func scenarioIsCoherent() throws {
        #expect(SpikeScenario(seed: 7).lines() == SpikeScenario(seed: 7).lines())
        #expect(SpikeScenario(seed: 7).lines() != SpikeScenario(seed: 8).lines())
        let report = try HeadlessReplay.run(ReplayOptions(files: [Self.file]))
        #expect(report.gaps == 0)
        #expect(report.auditMismatches == 0 && report.auditChecks > 10_000)
    }

    @Test("each strategy acts on its event", arguments: [
        ("mshot", "fills"), ("mstrike", "trades"), ("hook", "detects"), ("drops", "detects"), ("pump", "detects"), ("channel-split", "detects"),
    ])
    func acts(strategy: String, figure: String) throws {
        let report = try run(strategy)
        #expect((report[figure] as? Int ?? 0) >= 1, "\(strategy): \(figure) = \(String(describing: report[figure]))")
    }

    @Test("MoonStrike buys the wick and sells the retrace at a profit; Pump sees one pump; Drops only reports")
    func outcomes() throws {
        let strike = try run("mstrike")
        #expect(strike["detects"] as? Int == 1)
        #expect(strike["trades"] as? Int == 1)
        let pnl = (strike["net_pnl"] as? NSNumber)?.doubleValue ?? Double(strike["net_pnl"] as? String ?? "") ?? 0
        #expect(pnl > 0, "\(String(describing: strike["net_pnl"]))")
        let pump = try run("pump")
        #expect(pump["detects"] as? Int == 1)
        let drops = try run("drops")
        #expect((drops["detects"] as? Int ?? 0) >= 1)
        #expect(drops["orders"] as? Int == 0, "AutoBuy is off by default")
        let buying = try run("drops", [("AutoBuy", "YES")])
        #expect((buying["orders"] as? Int ?? 0) >= 1)
    }

    @Test("the same input and seed give the same report, byte for byte", arguments: ["mshot", "hook", "channel-split"])
    func deterministic(strategy: String) throws {
        var first = try run(strategy)
        var second = try run(strategy)
        for key in ["elapsed_s", "run_s", "events_per_s"] {
            first[key] = nil
            second[key] = nil
        }
        let a = try JSONSerialization.data(withJSONObject: first, options: [.sortedKeys])
        let b = try JSONSerialization.data(withJSONObject: second, options: [.sortedKeys])
        #expect(a == b)
    }
}
