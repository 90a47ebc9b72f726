import MarketModel
import Trading

/// Long or short, as the arithmetic of a resting entry sees it: a long's entry sits
/// below the reference price and its take profit above; a short mirrors both.
struct EntryDirection: Sendable {
    let short: Bool

    var side: Side { short ? .sell : .buy }
    /// +1 for a long, −1 for a short.
    var sign: Double { short ? -1 : 1 }

    /// `percent` % from `reference` against the position (below for a long), rounded
    /// to the tick away from the reference, so the order is never nearer than asked.
    func entry(_ reference: Double, percent: Double, tick: Price) -> Price {
        Price.rounded(units: reference * (1 - sign * percent / 100), tick: tick, up: short)
    }

    /// `percent` % from `reference` in the position's favour (above for a long),
    /// rounded to the tick in its favour.
    func target(_ reference: Double, percent: Double, tick: Price) -> Price {
        Price.rounded(units: reference * (1 + sign * percent / 100), tick: tick, up: !short)
    }

    /// How far the order sits from the reference, % of the reference, positive when it
    /// is on the right side (below for a long).
    func distance(of order: Price, from reference: Double) -> Double {
        guard reference > 0 else { return 0 }
        return sign * (reference - Double(order.units)) / reference * 100
    }

    /// The resting entry orders the strategy has on the symbol.
    func entries(_ context: StrategyContext) -> [Order] {
        context.openOrders.filter { $0.request.side == side && !$0.request.reduceOnly }
    }
}

extension RecentTrades {
    /// The lowest (or highest) print of the last `window` nanoseconds before `now`.
    func extreme(within window: Int64, of now: Timestamp, lowest: Bool) -> Price? {
        var best: Price?
        var age = 0
        while let trade = self[age: age], now.nanoseconds - trade.time.received.nanoseconds <= window {
            if let current = best {
                best = lowest ? min(current, trade.price) : max(current, trade.price)
            } else {
                best = trade.price
            }
            age += 1
        }
        return best
    }
}
