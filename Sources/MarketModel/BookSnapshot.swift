/// A full L2 snapshot (Binance REST `GET /api/v3/depth`, `/fapi/v1/depth`): the book as
/// of update id `lastUpdateID`, bids best first, asks best first.
///
/// The REST answer does not name its symbol; the caller that asked for it does
/// (`symbol` is `nil` until then).
public struct BookSnapshot: Hashable, Sendable {
    public var symbol: String?
    public var lastUpdateID: UInt64
    public var bids: [BookLevel]
    public var asks: [BookLevel]
    public var time: EventTime

    public init(symbol: String?, lastUpdateID: UInt64, bids: [BookLevel], asks: [BookLevel], time: EventTime) {
        self.symbol = symbol
        self.lastUpdateID = lastUpdateID
        self.bids = bids
        self.asks = asks
        self.time = time
    }
}
