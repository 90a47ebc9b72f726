import MarketModel
import Strategies
import Trading

/// A strategy in the kernel, with its switch and its tallies for the strategy panel.
struct StrategySlot: Sendable {
    var strategy: any Strategy
    var enabled = true
    var ordersPlaced = 0
    var ordersDenied = 0
    var detects = 0
    var lastDetect: Detection?
    /// Entries and detects the strategy's filters or order limits held back.
    var filtered = 0
    var trades = 0
    var netPnL = Money.zero

    init(strategy: any Strategy) { self.strategy = strategy }
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
