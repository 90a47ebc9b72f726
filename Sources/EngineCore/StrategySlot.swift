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

    init(strategy: any Strategy) {
        self.strategy = strategy
        name = strategy.name
        wantsBookUpdates = strategy.wantsBookUpdates
        unfiltered = strategy.filters == .none
    }
}

/// A round trip in progress on one symbol.
struct OpenTrade: Sendable {
    var direction: Side
    var openedAt: Timestamp
    var entryPrice: Price
    var largestQuantity: Quantity
    var realizedAtOpen: Money
    var fees: Money
    /// The strategy whose order opened it.
    var origin: String
}
