import Backtesting
import TestFixtures
import Foundation
import Testing

/// Issue 22: what no exchange sends is refused with file:line and a reason, and a
/// trade seen twice is counted once.
@Suite("Impossible values and repeated trades in recordings")
struct ImpossibleValuesTests {
    static func trade(_ received: Int64, id: Int, price: String, quantity: String) -> String {
        #"\#(received) {"stream":"btcusdt@trade","data":{"e":"trade","E":1723161255208,"s":"BTCUSDT","t":\#(id),"p":"\#(price)","q":"\#(quantity)","T":1723161255208,"m":true}}"#
    }

    static func ticker(_ received: Int64, id: Int, bid: String, ask: String) -> String {
        #"\#(received) {"stream":"btcusdt@bookTicker","data":{"u":\#(id),"s":"BTCUSDT","b":"\#(bid)","B":"1","a":"\#(ask)","A":"1"}}"#
    }

    @Test("price or quantity 0, a price beyond any market's, a zero or crossed bookTicker, a receive time before 2009: each a malformed line with its reason")
    func refused() throws {
        let t: Int64 = 1_723_161_254_087_896_568
        let lines = [
            Self.trade(t, id: 1, price: "0", quantity: "1"),
            Self.trade(t + 1, id: 2, price: "100", quantity: "0"),
            Self.trade(t + 2, id: 3, price: "92000000000", quantity: "1"),
            Self.ticker(t + 3, id: 10, bid: "0", ask: "61837.64"),
            Self.ticker(t + 4, id: 11, bid: "61840", ask: "61837.64"),
            Self.trade(0, id: 4, price: "100", quantity: "1"),
            Self.trade(1_723_161_254, id: 5, price: "100", quantity: "1"),
            Self.trade(t + 5, id: 6, price: "61837.64", quantity: "0.5"),
            Self.ticker(t + 6, id: 12, bid: "61837.63", ask: "61837.64"),
        ]
        let path = try Support.scratchDirectory() + "/impossible.txt"
        try Support.write(lines, to: path)
        var options = ReplayOptions(files: [path])
        options.malformedSamples = 10
        let report = try HeadlessReplay.run(options)
        #expect(report.events == 2, "the last trade and ticker are real")
        #expect(report.malformed == 7)
        let reasons = report.malformedSamples.map { "\($0.line): \($0.reason)" }
        #expect(reasons.count == 7)
        #expect(reasons[0].hasPrefix("1: trade price 0") && reasons[0].contains("is not a price"))
        #expect(reasons[1].hasPrefix("2: trade quantity 0"))
        #expect(reasons[2].hasPrefix("3: trade price 92000000000") && reasons[2].contains("beyond any market's"))
        #expect(reasons[3].hasPrefix("4: bookTicker bid 0"))
        #expect(reasons[4].hasPrefix("5: bookTicker is crossed"))
        #expect(reasons[5].hasPrefix("6: receive time 0 is before 2009"))
        #expect(reasons[6].hasPrefix("7: receive time 1723161254 is before 2009"), "seconds where nanoseconds belong")
        #expect(report.symbols.first?.trades.count == 1)
    }

    @Test("a repeated line, and the same file given twice: every trade counted once, the repeats reported")
    func repeatedTrades() throws {
        var lines = try Support.lines(of: Support.spotBTC, limit: 5000)
        let tradeLine = try #require(lines.firstIndex { $0.contains("@trade") })
        lines.insert(lines[tradeLine], at: tradeLine + 1)
        let path = try Support.scratchDirectory() + "/repeated.txt"
        try Support.write(lines, to: path)
        let once = try HeadlessReplay.run(ReplayOptions(files: [path]))
        #expect(once.repeatedTrades == 1)
        #expect(once.summary.contains("repeated trades: 1 seen twice"))
        #expect(once.json.contains(#""repeated_trades":1"#))

        let clean = try HeadlessReplay.run(ReplayOptions(files: [Support.spotBTC]))
        #expect(clean.repeatedTrades == 0)
        let twice = try HeadlessReplay.run(ReplayOptions(files: [Support.spotBTC, Support.spotBTC]))
        #expect(twice.repeatedTrades == clean.counts.trade)
        #expect(twice.counts.trade == clean.counts.trade)
        #expect(twice.symbols.first?.trades.volumeUnits == clean.symbols.first?.trades.volumeUnits, "volume counted once")
    }
}
