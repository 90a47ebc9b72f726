import Trading

/// An automatic strategy: inputs in, intents out, and nothing else. No clock, no I/O:
/// the same strategy runs in replay, paper and live.
public protocol Strategy: Sendable {
    /// The name it is known by on the command line and in reports.
    var name: String { get }
    /// The shared exits its positions use.
    var exits: ExitSettings { get }
    /// Whether it wants depth and ticker events too (trades and its own order events
    /// always come).
    var wantsBookUpdates: Bool { get }
    /// The shared filters and order limits the kernel applies to its entries and
    /// detects.
    var filters: StrategyFilters { get }
    /// Handles one input for one symbol.
    mutating func handle(_ input: StrategyInput, context: StrategyContext) -> [StrategyIntent]
}

extension Strategy {
    public var wantsBookUpdates: Bool { false }
    public var filters: StrategyFilters { .none }
}
