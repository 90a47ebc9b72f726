@testable import EngineCore
import MarketModel
import OrderBook
import Testing

/// The highs and lows the take-profit movers read (``SymbolMarket/extremes``): exact
/// over the ring of recent trades, from the minute candles beyond it; checked against
/// a plain scan of every print for generated markets.
@Suite("Kernel: recent highs and lows for the take-profit movers")
struct RecentExtremesTests {
    static func print(_ units: Int64, at nanoseconds: Int64) -> MarketEvent {
        let time = Timestamp(nanoseconds: nanoseconds)
        return .trade(TradePrint(symbol: "BTCUSDT", id: 1, price: Price(units: units), quantity: Quantity(units: 1), aggressor: .buy, tradeTime: time, time: EventTime(exchange: nil, received: time)))
    }

    @Test("inside the ring the window is exact; no print in the window gives nil")
    func insideTheRing() throws {
        var market = SymbolMarket(symbol: "BTCUSDT")
        let second: Int64 = 1_000_000_000
        for (offset, units) in [(0, 105), (2, 100), (3, 101), (4, 99), (5, 100)] as [(Int64, Int64)] {
            market.apply(Self.print(units, at: 1_000 * second + offset * second), rule: BookSyncRule(for: .spot))
        }
        let now = Timestamp(nanoseconds: 1_005 * second)
        let last3 = try #require(market.extremes(overLast: 3, now: now))
        #expect(last3.high == Price(units: 101) && last3.low == Price(units: 99))
        let all = try #require(market.extremes(overLast: 10, now: now))
        #expect(all.high == Price(units: 105) && all.low == Price(units: 99))
        #expect(market.extremes(overLast: 1, now: Timestamp(nanoseconds: 1_010 * second)) == nil)
    }

    @Test("generated markets: beyond the ring the candles cover the window, never missing a print (a whole overlapping minute may add more)")
    func beyondTheRing() throws {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return seed >> 33
        }
        for _ in 0..<20 {
            var market = SymbolMarket(symbol: "BTCUSDT")
            var prints: [(time: Int64, units: Int64)] = []
            var time: Int64 = 1_000_000_000_000
            for _ in 0..<(300 + Int(next() % 900)) {
                time += Int64(next() % 2_000) * 1_000_000
                let units = 10_000 + Int64(next() % 500)
                prints.append((time, units))
                market.apply(Self.print(units, at: time), rule: BookSyncRule(for: .spot))
            }
            let seconds = Double(1 + next() % 1_200)
            let start = time - Int64(seconds * 1e9)
            let inside = prints.filter { $0.time >= start }.map(\.units)
            let found = try #require(market.extremes(overLast: seconds, now: Timestamp(nanoseconds: time)))
            #expect(found.high.units >= inside.max()! && found.low.units <= inside.min()!)
            // Whatever it adds comes from prints at most a minute older than the window.
            let slack = prints.filter { $0.time >= start - 60_000_000_000 }.map(\.units)
            #expect(found.high.units <= slack.max()! && found.low.units >= slack.min()!)
            if inside.count < market.recentTrades.capacity {
                #expect(found.high.units == inside.max()! && found.low.units == inside.min()!, "within the ring: exact")
            }
        }
    }
}
