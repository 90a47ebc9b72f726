import FakeExchange
import Foundation
import LiveEngine
import MarketModel
import TestFixtures
import Testing
import VenueClients

/// Issue 18 item 2: a whole market takes every symbol's 24-hour figures from the one
/// all-market ticker stream the exchange has for them.
@Suite("The all-market ticker", .serialized)
struct DayTickerFeedTests {
    @Test("books only where needed: the session asks for !miniTicker@arr and keeps each streamed symbol's figures; streaming every book, it does not ask")
    func dayTickersOfAWholeMarket() throws {
        let fake = try FakeExchange(recordings: [Support.spotETH, Support.spotBTC], speed: 10, shiftTimesToNow: true)
        try fake.start()
        defer { fake.stop() }
        let connection = VenueConnection.loopback(port: fake.port)
        let source = try LiveEventSource(connection: connection, symbols: ["ETHUSDT", "BTCUSDT"], depth: [])
        defer { source.stop() }
        let arrived = Poll.until(seconds: 30, every: 0.05) {
            _ = source.drain()
            return source.dayTickers.count == 2
        }
        #expect(arrived, "both symbols' figures arrived: \(source.dayTickers.keys.sorted())")
        #expect(fake.subscribedStreams.contains("!miniTicker@arr"))
        #expect(source.malformed == 0, "\(source.malformedSamples)")
        let eth = try #require(source.dayTickers["ETHUSDT"])
        #expect(eth.low <= eth.close && eth.close <= eth.high && eth.low <= eth.open && eth.open <= eth.high)
        #expect(eth.quoteVolume.units > 0)
        // ETH trades near 2,500 on 2024-08-08: the figures are in its range.
        #expect(eth.close.doubleValue > 2_000 && eth.close.doubleValue < 3_000, "\(eth)")
        source.stop()

        let everyBook = try LiveEventSource(connection: connection, symbols: ["ETHUSDT"])
        defer { everyBook.stop() }
        _ = Poll.until(seconds: 2, every: 0.05) { !everyBook.drain().isEmpty }
        #expect(everyBook.depthSymbols == nil)
        #expect(everyBook.dayTickers.isEmpty)
    }
}
