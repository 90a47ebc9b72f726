import MarketModel
import Strategies
import Trading

/// A strategy in the kernel, with its switch and its tallies for the strategy panel.
struct StrategySlot: Sendable {
    var strategy: any Strategy
    /// Read once: the hot loop asks for them on every event.
    let name: String
    let wantsBookUpdates: Bool
    /// No filters and no order limits: nothing for ``TradingKernel`` to check.
    let unfiltered: Bool
    var enabled = true
    var ordersPlaced = 0
    var ordersDenied = 0
    var detects = 0
    var lastDetect: Detection?
    /// Entries and detects the strategy's filters or order limits held back.
    var filtered = 0
    var trades = 0
    var netPnL = Money.zero
    /// Entries refused in a row per symbol (denied by the risk gate or the exchange's
    /// filters, or rejected by the exchange), and until when the next is held back.
    /// Looked up by symbol only, never walked: its order reaches no output.
    var entryBackoff: [String: (until: Int64, refusals: Int)] = [:]
    /// Entries held back by that backoff (not sent, not journaled: counted here).
    var entriesHeldBack = 0

    /// An entry on `symbol` was refused at `now`: the next waits 1 s, 2 s, 4 s … 30 s.
    mutating func entryRefused(on symbol: String, at now: Int64) {
        let refusals = (entryBackoff[symbol]?.refusals ?? 0) + 1
        entryBackoff[symbol] = (now + Backoff.refusedOrder.delay(after: refusals), refusals)
    }

    /// Whether an entry on `symbol` must wait at `now`.
    func entryWaits(on symbol: String, at now: Int64) -> Bool {
        guard let backoff = entryBackoff[symbol] else { return false }
        return now < backoff.until
    }

    init(strategy: any Strategy) {
        self.strategy = strategy
        name = strategy.name
        wantsBookUpdates = strategy.wantsBookUpdates
        unfiltered = strategy.filters == .none
    }
}
