import Backtesting
import MarketModel
import Simulation
import Testing
import Trading

@Suite("Monte Carlo: slippage on round trips, trade bootstrap")
struct TradeBootstrapTests {
    @Test("slippage costs the round trip's entry and exit value at the rate: 1 BTC 100 → 110 at 5 bp is 0.105")
    func slippage() throws {
        let trade = TradeRecord(symbol: "BTCUSDT", direction: .buy, openedAt: Timestamp(nanoseconds: 0), closedAt: Timestamp(nanoseconds: 1),
                                entryPrice: try Price(parsing: "100"), exitPrice: try Price(parsing: "110"), quantity: try Quantity(parsing: "1"),
                                netPnL: try Money(parsing: "10"), fees: .zero, exitReason: "test")
        #expect(abs(TradeBootstrap.slippageCost(of: trade, basisPoints: 5) - 0.105) < 1e-12)
        #expect(TradeBootstrap.slippageCost(of: trade, basisPoints: 0) == 0)
    }

    @Test("a resample draws as many trades as there were, from them only; its drawdown is that of its running total; the same seed, the same draw")
    func resample() {
        let nets = [5.0, -3.0, 2.0, -7.0, 1.0]
        var seen: Set<Double> = []
        for seed in 0..<200 as Range<UInt64> {
            var generator = SeededGenerator(seed: seed)
            let (net, drawdown) = TradeBootstrap.resample(nets, using: &generator)
            // Five draws of values in [-7, 5].
            #expect(net >= -35 && net <= 25)
            #expect(drawdown >= 0 && drawdown <= 35)
            seen.insert(net)
            var again = SeededGenerator(seed: seed)
            #expect(TradeBootstrap.resample(nets, using: &again) == (net, drawdown))
        }
        // Resampling with replacement reaches sums other than the original 5 draws' −2.
        #expect(seen.count > 5)
        var generator = SeededGenerator(seed: 1)
        #expect(TradeBootstrap.resample([], using: &generator) == (0, 0))
        // All losses: the drawdown is the whole fall.
        #expect(TradeBootstrap.resample([-1, -1, -1], using: &generator) == (-3, 3))
    }
}
