import Feeds
import MarketModel
import Testing

@Suite("Binance wire parser: what it refuses, and why")
struct BinanceParserRejectionTests {
    static let cases: [(String, MarketKind?, String)] = [
        (#"{"stream":"btcusdt@kline_1m","data":{"e":"kline","E":1,"s":"BTCUSDT"}}"#, nil, "unknown stream \"btcusdt@kline_1m\""),
        (#"{"stream":"btcusdt@depth20@100ms","data":{"lastUpdateId":1,"bids":[],"asks":[]}}"#, nil, "partial book stream"),
        (#"{"stream":"btcusdt@trade","data":{"e":"aggTrade","E":1,"s":"BTCUSDT","a":1,"p":"1","q":"1","f":1,"l":1,"T":1,"m":true}}"#, nil, "a trade stream carries a \"aggTrade\" payload"),
        (#"{"stream":"ethusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"1","q":"1","T":1,"m":true}}"#, nil, "carries a payload for BTCUSDT"),
        (#"{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":1,"q":"1","T":1,"m":true}}"#, nil, "trade without \"p\""),
        (#"{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"abc","q":"1","T":1,"m":true}}"#, nil, "field \"p\": unexpected character 'a'"),
        (#"{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"6.18e4","q":"1","T":1,"m":true}}"#, nil, "scientific notation"),
        (#"{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"-5","q":"1","T":1,"m":true}}"#, nil, "sign '-' is not allowed"),
        (#"{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":61800.5,"q":"1","T":1,"m":true}}"#, nil, "expected '\"'"),
        (#"{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":1.5,"p":"1","q":"1","T":1,"m":true}}"#, nil, "expected an integer, found a fraction"),
        (#"{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"1","q":"1","T":1,"m":"yes"}}"#, nil, "expected true or false"),
        (#"{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"1","q":"1","T":1,"m":true}} x"#, nil, "unexpected characters after the message"),
        (#"{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"1","q":"1"#, nil, "string is not terminated"),
        (#"{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT""#, nil, "message ends"),
        (#"[1,2,3]"#, nil, "message is not a JSON object"),
        (#""#, nil, "message is not a JSON object"),
        (#"{"stream":"btcusdt@trade"}"#, nil, "has no \"data\""),
        (#"{"data":{"e":"trade"}}"#, nil, "has \"data\" but no \"stream\""),
        (#"{"e":"24hrTicker","E":1,"s":"BTCUSDT"}"#, nil, "unsupported event type \"24hrTicker\""),
        (#"{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":5,"u":4,"b":[],"a":[]}}"#, nil, "first update id U=5 after final id u=4"),
        (#"{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":1,"u":4,"pu":0,"b":[],"a":[]}}"#, .spot, "spot depthUpdate carries a futures \"pu\""),
        (#"{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":1,"u":4,"b":[],"a":[]}}"#, .usdMargined, "futures depthUpdate without \"pu\""),
        (#"{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":1,"u":4,"b":[["1","2","3"]],"a":[]}}"#, nil, "must be [price, quantity]"),
        (#"{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":1,"u":4,"b":[["1.000000001","2"]],"a":[]}}"#, nil, "9 decimal places"),
        (#"{"lastUpdateId":1,"bids":[]}"#, nil, "depth snapshot without \"asks\""),
        (#"{"stream":"btc\"usdt@trade","data":{}}"#, nil, "escaped characters"),
        (#"{"stream":"btcusdt@trade","data":{"e":"trade","E":99999999999999999999,"s":"BTCUSDT"}}"#, nil, "integer is too large"),
    ]

    @Test("refuses malformed or unexpected messages with a reason", arguments: cases)
    func refuses(message: String, market: MarketKind?, reason: String) {
        var parser = BinanceFeedParser(market: market)
        do {
            let event = try parser.parse(message, received: Timestamp(nanoseconds: 0))
            Issue.record("accepted \(message) as \(event)")
        } catch {
            #expect(error.description.contains(reason), "\(error.description)")
        }
    }

    @Test("errors point at the byte where reading stopped")
    func offsets() {
        var parser = BinanceFeedParser()
        do {
            _ = try parser.parse(#"{"e":"trade","E":x}"#, received: Timestamp(nanoseconds: 0))
            Issue.record("accepted a malformed time")
        } catch {
            #expect(error.offset == 17)
            #expect(error.description.hasSuffix("(at byte 18)"))
        }
    }
}

@Suite("Recording lines")
struct RecordingLineTests {
    @Test("splits the receive time from the message without copying")
    func split() throws {
        let text = "1723161253937085768 {\"a\":1}"
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBytes { raw in
            let line = try RecordingLine.split(raw)
            #expect(line.received == Timestamp(nanoseconds: 1_723_161_253_937_085_768))
            #expect(String(decoding: line.message, as: UTF8.self) == "{\"a\":1}")
            #expect(line.message.baseAddress == raw.baseAddress! + 20)
        }
    }

    @Test("refuses a line without a receive time", arguments: [
        ("{\"a\":1}", "does not start with a receive time"),
        ("12345", "expected a space after the receive time"),
        ("12a45 {}", "expected a space after the receive time"),
        ("99999999999999999999 {}", "receive time is too large"),
    ])
    func refuses(text: String, reason: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { raw in
            #expect {
                _ = try RecordingLine.split(raw)
            } throws: { error in
                (error as? FeedError)?.reason.contains(reason) == true
            }
        }
    }
}
