import MarketModel

/// One synthetic symbol's book as Binance spot writes it into a recording: each new
/// quote becomes a `@depth@100ms` diff against the last one (removed levels first,
/// then changed ones, best first), the `@bookTicker` at that update id, and once the
/// REST snapshot; prints become `@trade` messages. The demo, the spike scenario and the
/// synthetic market all write through it, so their files have one shape.
struct SyntheticQuotes {
    let symbol: String
    let stream: String
    private(set) var bids: [Int64: Int64] = [:]
    private(set) var asks: [Int64: Int64] = [:]
    private(set) var updateID: UInt64

    init(symbol: String, updateID: UInt64) {
        self.symbol = symbol
        stream = symbol.lowercased()
        self.updateID = updateID
    }

    var bestBid: Int64? { bids.keys.max() }
    var bestAsk: Int64? { asks.keys.min() }

    /// A trade print at exchange time `time` (ns).
    func tradeLine(id: UInt64, price: Int64, size: Int64, buyerIsMaker: Bool, time: Int64) -> String {
        let milliseconds = time / 1_000_000
        return "{\"stream\":\"\(stream)@trade\",\"data\":{\"e\":\"trade\",\"E\":\(milliseconds + 1),\"s\":\"\(symbol)\",\"t\":\(id),\"p\":\"\(Self.text(price))\",\"q\":\"\(Self.text(size))\",\"T\":\(milliseconds),\"m\":\(buyerIsMaker),\"M\":true}}"
    }

    /// Moves the book to `newBids`/`newAsks` (price → size) and emits the diff at
    /// `received`, the ticker a millisecond before it and, with `snapshot`, the REST
    /// snapshot 30 ms after (fetched after the first diffs, as the real files have it).
    mutating func quote(bids newBids: [Int64: Int64], asks newAsks: [Int64: Int64], exchangeTime: Int64, received: Int64, snapshot: Bool, emit: (Int64, String) -> Void) {
        var bidLevels: [(Int64, Int64)] = []
        var askLevels: [(Int64, Int64)] = []
        for price in bids.keys.sorted() where newBids[price] == nil { bidLevels.append((price, 0)) }
        for price in asks.keys.sorted() where newAsks[price] == nil { askLevels.append((price, 0)) }
        for price in newBids.keys.sorted(by: >) where newBids[price] != bids[price] { bidLevels.append((price, newBids[price]!)) }
        for price in newAsks.keys.sorted() where newAsks[price] != asks[price] { askLevels.append((price, newAsks[price]!)) }
        let first = updateID + 1
        updateID += UInt64(1 + bidLevels.count + askLevels.count)
        bids = newBids
        asks = newAsks
        let milliseconds = exchangeTime / 1_000_000
        let bidText = bidLevels.map { "[\"\(Self.text($0.0))\",\"\(Self.text($0.1))\"]" }.joined(separator: ",")
        let askText = askLevels.map { "[\"\(Self.text($0.0))\",\"\(Self.text($0.1))\"]" }.joined(separator: ",")
        emit(received, "{\"stream\":\"\(stream)@depth@100ms\",\"data\":{\"e\":\"depthUpdate\",\"E\":\(milliseconds),\"s\":\"\(symbol)\",\"U\":\(first),\"u\":\(updateID),\"b\":[\(bidText)],\"a\":[\(askText)]}}")
        // The exchange's own best bid/ask at that update id.
        let topBid = newBids.keys.max()!
        let topAsk = newAsks.keys.min()!
        emit(received - 1_000_000, "{\"stream\":\"\(stream)@bookTicker\",\"data\":{\"u\":\(updateID),\"s\":\"\(symbol)\",\"b\":\"\(Self.text(topBid))\",\"B\":\"\(Self.text(newBids[topBid]!))\",\"a\":\"\(Self.text(topAsk))\",\"A\":\"\(Self.text(newAsks[topAsk]!))\"}}")
        if snapshot {
            let snapshotBids = newBids.keys.sorted(by: >).map { "[\"\(Self.text($0))\",\"\(Self.text(newBids[$0]!))\"]" }.joined(separator: ",")
            let snapshotAsks = newAsks.keys.sorted().map { "[\"\(Self.text($0))\",\"\(Self.text(newAsks[$0]!))\"]" }.joined(separator: ",")
            emit(received + 30_000_000, "{\"lastUpdateId\":\(updateID),\"bids\":[\(snapshotBids)],\"asks\":[\(snapshotAsks)]}")
        }
    }

    static func text(_ units: Int64) -> String { FixedPoint.format(units: units, fractionDigits: 8) }
}
