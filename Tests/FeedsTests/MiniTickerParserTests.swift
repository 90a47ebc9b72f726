import Feeds
import MarketModel
import Testing

/// Binance's all-market mini tickers (`!miniTicker@arr`), from the documented payload.
@Suite("Binance !miniTicker@arr")
struct MiniTickerParserTests {
    func parse(_ text: String) throws -> [DayTicker] {
        try Array(text.utf8).withUnsafeBytes { try MiniTickerParser.parse($0) }
    }

    func isFrame(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { MiniTickerParser.isMiniTickerFrame(UnsafeRawBufferPointer($0)) }
    }

    @Test("the documented entry, in a combined-stream message: symbol, open, high, low, close, quote volume, event time")
    func documentedEntry() throws {
        let frame = #"{"stream":"!miniTicker@arr","data":[{"e":"24hrMiniTicker","E":123456789,"s":"BTCUSDT","c":"0.0025","o":"0.0010","h":"0.0025","l":"0.0010","v":"10000","q":"18"},{"e":"24hrMiniTicker","E":123456789,"s":"ETHUSDT","c":"2500.10","o":"2600.00","h":"2650.5","l":"2400","v":"1.5","q":"3750.2"}]}"#
        #expect(isFrame(frame))
        let tickers = try parse(frame)
        #expect(tickers.map(\.symbol) == ["BTCUSDT", "ETHUSDT"])
        let btc = try #require(tickers.first)
        #expect(btc.open == Price(units: 100_000) && btc.close == Price(units: 250_000) && btc.high == Price(units: 250_000) && btc.low == Price(units: 100_000))
        #expect(btc.quoteVolume == Quantity(whole: 18))
        #expect(btc.time == Timestamp(nanoseconds: 123_456_789_000_000))
        #expect(abs((btc.delta ?? 0) - 150) < 1e-9, "0.0025 / 0.0010: a 150 % range")
        #expect(!btc.fell)
        #expect(tickers[1].fell, "ETH closed under its open")
    }

    @Test("other streams are not taken for it; broken entries are refused with a reason", arguments: [
        #"{"stream":"!miniTicker@arr","data":[{"e":"24hrMiniTicker","E":1,"c":"1","o":"1","h":"1","l":"1","q":"1"}]}"#,
        #"{"stream":"!miniTicker@arr","data":[{"s":"BTCUSDT","E":1,"c":"1","o":"1","h":"1","l":"2","q":"1"}]}"#,
        #"{"stream":"!miniTicker@arr","data":[{"s":"BTCUSDT","E":1,"c":"1","o":"1","h":"1","l":"0","q":"1"}]}"#,
        #"{"stream":"!miniTicker@arr","data":[{"s":"BTCUSDT","E":1,"c":"x","o":"1","h":"1","l":"1","q":"1"}]}"#,
        #"{"stream":"!miniTicker@arr","data":[{"s":"BTCUSDT""#,
    ])
    func refused(frame: String) {
        #expect(isFrame(frame))
        #expect(throws: FeedError.self) { try parse(frame) }
        #expect(!isFrame(#"{"stream":"btcusdt@trade","data":{}}"#))
    }
}
