import Feeds
import MarketModel
import Testing

/// A recording's exchange is told by its first message: the shapes below are the
/// exchanges' documented ones (Gate.io v4, Binance spot and USD-M).
@Suite("Recording dialect")
struct FrameDialectTests {
    func dialect(_ text: String) -> FrameDialect {
        var copy = text
        return copy.withUTF8 { FrameDialect.sniff(UnsafeRawBufferPointer($0)) }
    }

    @Test("Binance's combined and raw streams and its REST snapshot are Binance's")
    func binance() {
        #expect(dialect(#"{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"1.0","q":"1.0","T":1,"m":true}}"#) == .binance)
        #expect(dialect(#"{"e":"depthUpdate","E":1,"s":"BTCUSDT","U":1,"u":2,"b":[],"a":[]}"#) == .binance)
        #expect(dialect(#"{"lastUpdateId":1027024,"bids":[["4.00000000","431.00000000"]],"asks":[["4.00000200","12.00000000"]]}"#) == .binance)
        #expect(dialect(#"{"symbols":[{"symbol":"BTCUSDT"}]}"#) == .binance)
    }

    @Test("Gate.io spot frames, its with_id snapshot and recorded pair details are Gate.io spot")
    func gateSpot() {
        #expect(dialect(#"{"time":1606292218,"time_ms":1606292218231,"channel":"spot.trades","event":"update","result":{"id":309143071,"currency_pair":"GT_USDT","amount":"16.47","price":"0.4705","side":"sell"}}"#) == .gateSpot)
        #expect(dialect(#"{"id":1027024,"current":1623898993123,"update":1623898993121,"asks":[["1.52","1.151"]],"bids":[["1.17","201.863"]]}"#) == .gateSpot)
        #expect(dialect(GateSymbolDetails.spotLinePrefix + #"{"id":"ETH_USDT","precision":2}}"#) == .gateSpot)
    }

    @Test("Gate.io USDT futures frames, its snapshot (levels as p/s objects) and recorded contract details are Gate.io futures")
    func gateFutures() {
        #expect(dialect(#"{"channel":"futures.trades","event":"update","time":1541503698,"time_ms":1541503698123,"result":[{"size":-108,"id":27753479,"create_time":1545136464,"create_time_ms":1545136464123,"price":"96.4","contract":"BTC_USD"}]}"#) == .gateFutures)
        #expect(dialect(#"{"id":123456,"current":1623898993.123,"update":1623898993.121,"asks":[{"p":"1.52","s":100}],"bids":[{"p":"1.17","s":150}]}"#) == .gateFutures)
        #expect(dialect(GateSymbolDetails.futuresLinePrefix + #"{"name":"BTC_USDT","quanto_multiplier":"0.0001"}}"#) == .gateFutures)
    }
}
