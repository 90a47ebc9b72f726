import MarketModel

/// Binance's all-market mini-ticker stream, `!miniTicker@arr`: once a second, the
/// 24-hour figures of every symbol that traded, as one combined-stream message
/// `{"stream":"!miniTicker@arr","data":[{"e":"24hrMiniTicker","E":…,"s":"BTCUSDT",
/// "c":"…","o":"…","h":"…","l":"…","v":"…","q":"…"},…]}`. One stream for the whole
/// market, where per-symbol tickers would take a stream each.
public enum MiniTickerParser {
    public static let stream = "!miniTicker@arr"
    private static let prefix = Array("{\"stream\":\"!miniTicker@arr\"".utf8)

    /// Whether `message` is a frame of this stream (checked before the market parser,
    /// which would count it as malformed).
    public static func isMiniTickerFrame<Bytes: Collection<UInt8>>(_ message: Bytes) -> Bool {
        message.starts(with: prefix)
    }

    /// The frame's tickers, in the order sent.
    public static func parse(_ message: UnsafeRawBufferPointer) throws(FeedError) -> [DayTicker] {
        var scanner = JSONScanner(message)
        try scanner.expect(UInt8(ascii: "{"))
        var tickers: [DayTicker] = []
        var first = true
        while try scanner.hasNext(closing: UInt8(ascii: "}"), first: &first) {
            let key = try scanner.key()
            guard key.equals("data") else {
                try scanner.skipValue()
                continue
            }
            try scanner.expect(UInt8(ascii: "["))
            var firstEntry = true
            while try scanner.hasNext(closing: UInt8(ascii: "]"), first: &firstEntry) {
                tickers.append(try entry(&scanner))
            }
        }
        return tickers
    }

    private static func entry(_ scanner: inout JSONScanner) throws(FeedError) -> DayTicker {
        try scanner.expect(UInt8(ascii: "{"))
        var symbol: String?
        var open, high, low, close: Price?
        var quoteVolume: Quantity?
        var time = Timestamp(nanoseconds: 0)
        var digits = 0
        var first = true
        while try scanner.hasNext(closing: UInt8(ascii: "}"), first: &first) {
            let key = try scanner.key()
            if key.equals("s") {
                symbol = String(decoding: try scanner.string(), as: UTF8.self)
            } else if key.equals("o") {
                open = try scanner.decimalString("o", as: Price.self, digits: &digits)
            } else if key.equals("h") {
                high = try scanner.decimalString("h", as: Price.self, digits: &digits)
            } else if key.equals("l") {
                low = try scanner.decimalString("l", as: Price.self, digits: &digits)
            } else if key.equals("c") {
                close = try scanner.decimalString("c", as: Price.self, digits: &digits)
            } else if key.equals("q") {
                quoteVolume = try scanner.decimalString("q", as: Quantity.self, digits: &digits)
            } else if key.equals("E") {
                time = try scanner.milliseconds()
            } else {
                try scanner.skipValue()
            }
        }
        guard let symbol, !symbol.isEmpty, let open, let high, let low, let close, let quoteVolume else {
            throw scanner.error("a mini ticker without its symbol, open, high, low, close or quote volume")
        }
        guard low <= high, low.units > 0 else { throw scanner.error("mini ticker of \(symbol): low \(low) above high \(high) or not positive") }
        return DayTicker(symbol: symbol, open: open, high: high, low: low, close: close, quoteVolume: quoteVolume, time: time)
    }
}
