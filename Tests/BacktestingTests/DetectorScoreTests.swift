@testable import Backtesting
import Foundation
import MarketModel
import Simulation
import TestFixtures
import Testing

/// Issue 18: on a generated market, each injected event is found by the right detector
/// on the right symbol, and nothing fires where nothing happened.
@Suite("Detectors on a generated market")
struct DetectorScoreTests {
    @Test("pumps, wicks and drops injected into a 16-symbol market: each found by its detector on its symbol, no detect on a quiet symbol")
    func detectorsFindTheInjectedEvents() throws {
        let folder = try Support.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let market = SyntheticMarket(seed: 4, symbols: 16, seconds: 300, eventEvery: 2)
        let btc = market.btcPath()
        var files: [String] = []
        for listing in market.listings {
            let path = "\(folder)/spot_\(listing.name.lowercased()).txt"
            try (market.recording(of: listing, btc: btc).joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            files.append(path)
        }
        #expect(Set(market.events.map(\.kind)).count == 3, "the seed injects every kind of event")
        let scores = try DetectorScore.score(files: files, truth: market.events, start: market.start)
        for score in scores {
            #expect(score.recall == 1, "\(score.summary)")
            #expect(score.noise == 0, "\(score.summary)")
        }
        // Pump and MoonStrike fire only on their own kind; Drops also sees a wick's prints
        // (they are a fall of the price) and sees a drop that stays down again after
        // its penalty.
        #expect(scores.first { $0.kind == .pump }?.precision == 1)
        #expect(scores.first { $0.kind == .wick }?.precision == 1)
        #expect(scores.first { $0.kind == .drop }.map { $0.onTarget + $0.crossDetects == $0.detects } == true)
    }
}
