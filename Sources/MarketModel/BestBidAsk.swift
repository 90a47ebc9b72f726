/// The exchange's own best bid and ask (Binance `@bookTicker`) as of book update id
/// `updateID`. A correct local book with the same last update id shows exactly these.
public struct BestBidAsk: Hashable, Sendable {
    public var symbol: String
    public var updateID: UInt64
    public var bid: BookLevel
    public var ask: BookLevel
    public var time: EventTime

    public init(symbol: String, updateID: UInt64, bid: BookLevel, ask: BookLevel, time: EventTime) {
        self.symbol = symbol
        self.updateID = updateID
        self.bid = bid
        self.ask = ask
        self.time = time
    }
}
