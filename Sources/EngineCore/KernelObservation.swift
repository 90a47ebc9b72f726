import MarketModel
import Trading

/// What a driver (a backtest, a replay, a live session) saw its kernel do, in order:
/// the sinks (the order journal, the Redis mirror) and the tests' invariant checks are
/// fed these, whichever driver runs.
public enum KernelObservation: Sendable {
    case market(MarketEvent)
    case submitted(OrderRequest, arrivesAt: Timestamp)
    case cancelRequested(ClientOrderID, at: Timestamp)
    /// An order event with the order after it (nil for an order the kernel does not
    /// know, such as a liquidation).
    case orderChanged(OrderEvent, order: Order?, at: Timestamp)
    case delivered(KernelRecord, at: Timestamp)
}
