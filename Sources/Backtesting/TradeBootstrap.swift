import Simulation
import Trading

/// What Monte Carlo adds to each rerun beside latency and queue: slippage drawn on
/// every round trip, and the round trips resampled in another order.
///
/// - Slippage: the rerun draws a rate from 0 to the maximum (basis points per side),
///   and every round trip pays it on its entry and its exit value: fills the
///   simulator gave at the touch may in truth have come a little worse.
/// - Bootstrap: the rerun's round trips drawn again with replacement, as many as
///   there were, in a random order: the same edge met with another run of luck, so the
///   drawdown it implies is not one lucky order of wins and losses.
public enum TradeBootstrap {
    /// What `trade` pays at `basisPoints` per side, on its entry and its exit value.
    public static func slippageCost(of trade: TradeRecord, basisPoints: Double) -> Double {
        trade.quantity.doubleValue * (trade.entryPrice.doubleValue + trade.exitPrice.doubleValue) * basisPoints / 10_000
    }

    /// `nets` resampled with replacement: the sum and the largest fall from a peak of
    /// the running total (starting at 0).
    public static func resample(_ nets: [Double], using generator: inout SeededGenerator) -> (net: Double, maxDrawdown: Double) {
        guard !nets.isEmpty else { return (0, 0) }
        var total = 0.0
        var peak = 0.0
        var worst = 0.0
        for _ in nets.indices {
            total += nets[Int(generator.next() % UInt64(nets.count))]
            peak = max(peak, total)
            worst = max(worst, peak - total)
        }
        return (total, worst)
    }
}
