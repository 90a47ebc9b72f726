import MarketModel

/// Compact builders for crafted book sequences: prices and quantities as whole
/// numbers or decimal text.
enum Fixture {
    static let time = EventTime(exchange: nil, received: Timestamp(nanoseconds: 0))

    static func level(_ price: String, _ quantity: String) -> BookLevel {
        BookLevel(price: try! Price(parsing: price), quantity: try! Quantity(parsing: quantity))
    }

    static func delta(_ first: UInt64, _ final: UInt64, previous: UInt64? = nil, bids: [(String, String)] = [], asks: [(String, String)] = []) -> BookDelta {
        BookDelta(symbol: "BTCUSDT", firstUpdateID: first, finalUpdateID: final, previousFinalUpdateID: previous,
                  bids: bids.map { level($0.0, $0.1) }, asks: asks.map { level($0.0, $0.1) }, time: time)
    }

    static func snapshot(_ id: UInt64, bids: [(String, String)], asks: [(String, String)]) -> BookSnapshot {
        BookSnapshot(symbol: "BTCUSDT", lastUpdateID: id, bids: bids.map { level($0.0, $0.1) }, asks: asks.map { level($0.0, $0.1) }, time: time)
    }

    static func ticker(_ id: UInt64, bid: (String, String), ask: (String, String)) -> BestBidAsk {
        BestBidAsk(symbol: "BTCUSDT", updateID: id, bid: level(bid.0, bid.1), ask: level(ask.0, ask.1), time: time)
    }
}
