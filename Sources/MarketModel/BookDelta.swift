/// A diff of an L2 book: absolute quantities for the levels that changed between
/// update ids `firstUpdateID` and `finalUpdateID` (Binance `U` and `u`).
///
/// Futures diffs also carry `previousFinalUpdateID` (Binance `pu`), the `u` of the diff
/// before this one; continuity on futures is checked with it alone.
public struct BookDelta: Hashable, Sendable {
    public var symbol: String
    public var firstUpdateID: UInt64
    public var finalUpdateID: UInt64
    public var previousFinalUpdateID: UInt64?
    public var bids: [BookLevel]
    public var asks: [BookLevel]
    public var time: EventTime

    public init(symbol: String, firstUpdateID: UInt64, finalUpdateID: UInt64, previousFinalUpdateID: UInt64? = nil, bids: [BookLevel], asks: [BookLevel], time: EventTime) {
        self.symbol = symbol
        self.firstUpdateID = firstUpdateID
        self.finalUpdateID = finalUpdateID
        self.previousFinalUpdateID = previousFinalUpdateID
        self.bids = bids
        self.asks = asks
        self.time = time
    }
}
