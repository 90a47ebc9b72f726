import MarketModel

/// Turns one Gate.io v4 spot WebSocket frame (or the REST order-book snapshot) into a
/// ``MarketEvent``.
///
/// Frames: `{"time","time_ms","channel","event","result"}`. Read: `spot.trades`
/// (one trade object, or an array of them: the first is used and the rest are an
/// error), `spot.book_ticker`, `spot.order_book_update` (a diff with `U`/`u`, or with
/// `"full":true` the whole book). Subscription acknowledgements and pongs are not
/// market events (nil); a frame with `"error"` throws its code and message. The REST
/// snapshot `GET /spot/order_book?...&with_id=true` (`{"id","current","update","asks",
/// "bids"}`) becomes a snapshot whose id is `id`. Symbols stay in Gate's spelling
/// (`BTC_USDT`). Gate's diffs chain like Binance spot's (`U` = previous `u` + 1), so
/// the books use ``BookSyncRule``'s sequential rule.
public struct GateFeedParser: Sendable {
    public private(set) var decimals = DecimalPlaces()

    public init() {}

    public mutating func parse(_ message: String, received: Timestamp) throws(FeedError) -> MarketEvent? {
        try withUTF8Bytes(of: message) { bytes throws(FeedError) in try parse(bytes, received: received) }
    }

    public mutating func parse(_ message: UnsafeRawBufferPointer, received: Timestamp) throws(FeedError) -> MarketEvent? {
        var scanner = JSONScanner(message)
        guard scanner.peek() == UInt8(ascii: "{") else { throw scanner.error("message is not a JSON object") }
        scanner.index += 1
        var channel: String?
        var event: String?
        var frame = GatePayload()
        var result = GatePayload()
        var hasResult = false
        var errorText: String?
        var first = true
        while try scanner.hasNext(closing: UInt8(ascii: "}"), first: &first) {
            let key = try scanner.key()
            if key.equals("channel") {
                channel = String(decoding: try scanner.string(), as: UTF8.self)
            } else if key.equals("event") {
                event = String(decoding: try scanner.string(), as: UTF8.self)
            } else if key.equals("result") {
                switch scanner.peek() {
                case UInt8(ascii: "{"):
                    try result.readObject(from: &scanner, decimals: &decimals)
                    hasResult = true
                case UInt8(ascii: "["):
                    // spot.trades may batch; one frame, one event here.
                    try scanner.expect(UInt8(ascii: "["))
                    var firstItem = true
                    var items = 0
                    while try scanner.hasNext(closing: UInt8(ascii: "]"), first: &firstItem) {
                        items += 1
                        guard items == 1 else { throw scanner.error("a batch of several trades in one frame is not read yet") }
                        try result.readObject(from: &scanner, decimals: &decimals)
                    }
                    hasResult = items == 1
                default:
                    try scanner.skipValue()
                }
            } else if key.equals("error") {
                errorText = try Self.errorText(from: &scanner)
            } else {
                // "time", "time_ms", "id", and the REST snapshot's members.
                if try !frame.read(key: key, from: &scanner, decimals: &decimals) { try scanner.skipValue() }
            }
        }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw scanner.error("unexpected characters after the message") }
        if let errorText { throw FeedError("Gate.io \(channel ?? "frame") error: \(errorText)") }

        guard let channel else {
            // No envelope: the REST snapshot.
            guard let id = frame.snapshotID, let bids = frame.bids, let asks = frame.asks else {
                throw FeedError("neither a WebSocket frame (no \"channel\") nor an order-book snapshot (needs id, bids, asks)")
            }
            return .bookSnapshot(BookSnapshot(symbol: nil, lastUpdateID: id, bids: bids, asks: asks, time: EventTime(exchange: frame.millisecondsTime, received: received)))
        }
        guard event == "update", hasResult else { return nil }
        switch channel {
        case "spot.trades": return .trade(try result.trade(received: received))
        case "spot.book_ticker": return .bestBidAsk(try result.ticker(received: received))
        case "spot.order_book_update": return try result.depth(received: received)
        default: return nil
        }
    }

    static func errorText(from scanner: inout JSONScanner) throws(FeedError) -> String {
        if scanner.peek() == UInt8(ascii: "n"), scanner.matchLiteral("null") { return "unknown" }
        try scanner.expect(UInt8(ascii: "{"))
        var code = "?"
        var message = ""
        var first = true
        while try scanner.hasNext(closing: UInt8(ascii: "}"), first: &first) {
            let key = try scanner.key()
            if key.equals("code") {
                code = String(try scanner.unsignedInteger())
            } else if key.equals("message") {
                message = String(decoding: try scanner.string(), as: UTF8.self)
            } else {
                try scanner.skipValue()
            }
        }
        return "\(code) \(message)"
    }
}
