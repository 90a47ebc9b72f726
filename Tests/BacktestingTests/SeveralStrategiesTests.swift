@testable import Backtesting
import Foundation
import Recording
import TestFixtures
import Testing
import Trading

/// Issue 18: several strategies in one backtest, one account, a ledger each.
@Suite("Backtest: several strategies at once")
struct SeveralStrategiesTests {
    @Test("MoonStrike and Pump on the spike scenario: each has its ledger, and the ledgers sum to the whole")
    func ledgersSumToTheWhole() throws {
        let folder = try Support.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = try DemoData.writeSpikeScenario(to: folder)
        var options = BacktestOptions(files: [file], strategy: "mstrike")
        options.moreStrategies = [("pump", [("AutoBuy", .flag(true), "test"), ("SellPrice", .number(1), "test")])]
        let report = try Backtest.run(options)
        #expect(report.strategy == "mstrike+pump")
        #expect(report.ledgers.map(\.name) == ["mstrike", "pump"])
        for ledger in report.ledgers { #expect(ledger.ordersPlaced > 0, "\(ledger.name) traded the scenario") }
        // Each strategy trades the spike once and profits from the retrace. (Before the
        // risk gate let exits past its price band, MoonStrike's take profit on the deep
        // wick was refused and Pump's entry joined its open position; now the two round
        // trips do not overlap. Joined entries are split by `TradeShares`, whose own
        // tests cover them.) The ledgers sum to the whole.
        #expect(report.metrics.trades == 2)
        #expect(report.ledgers.map(\.trades) == [1, 1])
        for ledger in report.ledgers { #expect(ledger.netPnL > .zero, "\(ledger.name) earned its part of the retrace") }
        #expect(report.ledgers.map(\.netPnL).reduce(Money.zero, +) == report.metrics.netPnL)
        #expect(report.summary.contains("  pump: "))
        #expect(report.json.contains("\"strategies\":[{\"name\":\"mstrike\""))

        options.moreStrategies = [("mstrike", [])]
        #expect(throws: BacktestFailure.self) { try Backtest.run(options) }
        options.moreStrategies = [("pump", [("NoSuchKey", .number(1), "test")])]
        do {
            _ = try Backtest.run(options)
            Issue.record("an unknown parameter of the second strategy must stop the backtest")
        } catch {
            #expect(error.description.hasPrefix("pump: "))
        }
    }
}
