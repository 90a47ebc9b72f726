import MarketModel

/// The members of one Binance payload object, read in one pass whatever their order.
///
/// Binance reuses one-letter names with different types per message: `"a"` is the asks
/// array of a `depthUpdate`, the ask price string of a `bookTicker` and the aggregate id
/// of an `aggTrade`. The value's own type decides which field it fills, and the
/// message kind then decides which fields must be there.
struct BinancePayload {
    enum EventType: Equatable {
        case depthUpdate, bookTicker, trade, aggTrade
        case other(String)
    }

    var eventType: EventType?
    var eventTime: Timestamp?
    var transactionTime: Timestamp?
    var symbol: UnsafeRawBufferPointer?
    var firstUpdateID: UInt64?
    var finalUpdateID: UInt64?
    var previousFinalUpdateID: UInt64?
    var lastUpdateID: UInt64?
    var bidLevels: [BookLevel]?
    var askLevels: [BookLevel]?
    var bidPrice: Price?
    var bidQuantity: Quantity?
    var askPrice: Price?
    var askQuantity: Quantity?
    var tradeID: UInt64?
    var aggregateID: UInt64?
    var firstTradeID: UInt64?
    var lastTradeID: UInt64?
    var price: Price?
    var quantity: Quantity?
    var buyerIsMaker: Bool?

    /// Whether any member was recognised (the envelope itself has none).
    var isEmpty: Bool {
        eventType == nil && symbol == nil && finalUpdateID == nil && lastUpdateID == nil && bidLevels == nil && askLevels == nil && price == nil
    }

    /// Reads one member value for `key` into the matching field; unknown members are
    /// skipped. Returns false when the key is not a payload key.
    mutating func read(key: UnsafeRawBufferPointer, from scanner: inout JSONScanner, decimals: inout DecimalPlaces) throws(FeedError) -> Bool {
        if key.count == 1 {
            switch key[0] {
            case UInt8(ascii: "e"):
                let text = try scanner.string()
                if text.equals("depthUpdate") { eventType = .depthUpdate }
                else if text.equals("bookTicker") { eventType = .bookTicker }
                else if text.equals("trade") { eventType = .trade }
                else if text.equals("aggTrade") { eventType = .aggTrade }
                else { eventType = .other(String(decoding: text, as: UTF8.self)) }
            case UInt8(ascii: "E"): eventTime = try scanner.milliseconds()
            case UInt8(ascii: "T"): transactionTime = try scanner.milliseconds()
            case UInt8(ascii: "s"): symbol = try scanner.string()
            case UInt8(ascii: "U"): firstUpdateID = try scanner.unsignedInteger()
            case UInt8(ascii: "u"): finalUpdateID = try scanner.unsignedInteger()
            case UInt8(ascii: "t"): tradeID = try scanner.unsignedInteger()
            case UInt8(ascii: "f"): firstTradeID = try scanner.unsignedInteger()
            case UInt8(ascii: "l"): lastTradeID = try scanner.unsignedInteger()
            case UInt8(ascii: "p"): price = try scanner.decimalString("p", as: Price.self, digits: &decimals.price)
            case UInt8(ascii: "q"): quantity = try scanner.decimalString("q", as: Quantity.self, digits: &decimals.quantity)
            case UInt8(ascii: "m"): buyerIsMaker = try scanner.bool()
            case UInt8(ascii: "B"): bidQuantity = try scanner.decimalString("B", as: Quantity.self, digits: &decimals.quantity)
            case UInt8(ascii: "A"): askQuantity = try scanner.decimalString("A", as: Quantity.self, digits: &decimals.quantity)
            case UInt8(ascii: "b"):
                if scanner.peek() == UInt8(ascii: "[") {
                    bidLevels = try Self.levels("b", from: &scanner, decimals: &decimals)
                } else {
                    bidPrice = try scanner.decimalString("b", as: Price.self, digits: &decimals.price)
                }
            case UInt8(ascii: "a"):
                switch scanner.peek() {
                case UInt8(ascii: "["): askLevels = try Self.levels("a", from: &scanner, decimals: &decimals)
                case UInt8(ascii: "\""): askPrice = try scanner.decimalString("a", as: Price.self, digits: &decimals.price)
                default: aggregateID = try scanner.unsignedInteger()
                }
            default:
                try scanner.skipValue()
            }
            return true
        }
        if key.equals("pu") {
            previousFinalUpdateID = try scanner.unsignedInteger()
        } else if key.equals("lastUpdateId") {
            lastUpdateID = try scanner.unsignedInteger()
        } else if key.equals("bids") {
            bidLevels = try Self.levels("bids", from: &scanner, decimals: &decimals)
        } else if key.equals("asks") {
            askLevels = try Self.levels("asks", from: &scanner, decimals: &decimals)
        } else if key.equals("stream") || key.equals("data") {
            return false
        } else {
            // Keys Binance adds over time (`st`, `ps`, `nq`, `X`, ...) are ignored, as its
            // documentation asks.
            try scanner.skipValue()
        }
        return true
    }

    /// `[["price","quantity"], ...]`, exactly two strings per level.
    static func levels(_ field: StaticString, from scanner: inout JSONScanner, decimals: inout DecimalPlaces) throws(FeedError) -> [BookLevel] {
        try scanner.expect(UInt8(ascii: "["))
        var levels: [BookLevel] = []
        levels.reserveCapacity(32)
        var first = true
        while try scanner.hasNext(closing: UInt8(ascii: "]"), first: &first) {
            try scanner.expect(UInt8(ascii: "["))
            let price = try scanner.decimalString(field, as: Price.self, digits: &decimals.price)
            try scanner.expect(UInt8(ascii: ","))
            let quantity = try scanner.decimalString(field, as: Quantity.self, digits: &decimals.quantity)
            scanner.skipWhitespace()
            guard scanner.peek() == UInt8(ascii: "]") else {
                throw scanner.error("a level of \"\(field)\" must be [price, quantity]")
            }
            scanner.index += 1
            levels.append(BookLevel(price: price, quantity: quantity))
        }
        return levels
    }
}

/// The most decimal places seen in a feed's prices and quantities: how the venue
/// prints them, so reports can print values back in the same form.
public struct DecimalPlaces: Hashable, Sendable {
    public var price = 0
    public var quantity = 0
    public init(price: Int = 0, quantity: Int = 0) {
        self.price = price
        self.quantity = quantity
    }
}
