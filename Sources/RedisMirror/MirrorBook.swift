import MarketModel

/// The top of one symbol's book, as the mirror writes it.
public struct MirrorBook: Sendable, Equatable {
    public var bids: [BookLevel]
    public var asks: [BookLevel]
    /// Last applied update id, if the feed numbers its updates.
    public var updateID: UInt64?
    /// Local receive time of the event that produced it.
    public var time: Timestamp
    /// `synced`, `partial` or `resyncing`.
    public var state: String

    public init(bids: [BookLevel], asks: [BookLevel], updateID: UInt64?, time: Timestamp, state: String) {
        self.bids = bids
        self.asks = asks
        self.updateID = updateID
        self.time = time
        self.state = state
    }

    /// `{"symbol":…,"time_ns":…,"update_id":…,"state":…,"bids":[["p","q"],…],"asks":[…]}`.
    func json(symbol: String) -> String {
        var text = "{\"symbol\":\"\(symbol)\",\"time_ns\":\(time.nanoseconds),\"update_id\":"
        text += updateID.map { String($0) } ?? "null"
        text += ",\"state\":\"\(state)\",\"bids\":"
        Self.append(bids, to: &text)
        text += ",\"asks\":"
        Self.append(asks, to: &text)
        text += "}"
        return text
    }

    private static func append(_ levels: [BookLevel], to text: inout String) {
        text += "["
        for (index, level) in levels.enumerated() {
            if index > 0 { text += "," }
            text += "[\"\(level.price.formatted(fractionDigits: 0))\",\"\(level.quantity.formatted(fractionDigits: 0))\"]"
        }
        text += "]"
    }
}

extension TradePrint {
    /// `{"id":…,"price":"…","qty":"…","side":"buy|sell","time_ms":…}`: the taker's side,
    /// exchange trade time in milliseconds; prices exactly as traded.
    func mirrorJSON() -> String {
        "{\"id\":\(id),\"price\":\"\(price.formatted(fractionDigits: 0))\",\"qty\":\"\(quantity.formatted(fractionDigits: 0))\",\"side\":\"\(aggressor == .buy ? "buy" : "sell")\",\"time_ms\":\(tradeTime.nanoseconds / 1_000_000)}"
    }
}
