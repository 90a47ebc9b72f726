import EngineCore
import FakeExchange
import Foundation
import LiveEngine
import MarketModel
import Strategies
import TestFixtures
import Testing
import Trading
import VenueClients
import Venues

/// Issue 18: with `--quote`, a market listed while the session runs is streamed and
/// traded without a restart, and one that stops trading takes no order.
@Suite("Listings while running", .serialized)
struct ListingWatchTests {
    @Test("BTCUSDT listed a second in is streamed and gets its rules; ETHUSDT halted (BREAK) later refuses orders, saying why")
    func listingAndDelisting() throws {
        let fake = try FakeExchange(recordings: [Support.spotETH, Support.spotBTC], speed: 10, shiftTimesToNow: true)
        fake.listings = ["BTCUSDT": 1.0]
        fake.delistings = ["ETHUSDT": 2.5]
        try fake.start()
        defer { fake.stop() }
        let connection = VenueConnection.loopback(port: fake.port)
        #expect(try QuoteMarket.symbols(connection, quote: "USDT") == ["ETHUSDT"], "BTCUSDT is not listed yet")
        let source = try LiveEventSource(connection: connection, symbols: ["ETHUSDT"])
        defer { source.stop() }
        source.watchListings(quote: "USDT", every: 0.25)
        let session = ReplaySession(live: source, strategies: { [] })
        // Until BTCUSDT trades and ETHUSDT's halt is known (30 s at most: a loaded machine).
        let deadline = Date().addingTimeInterval(30)
        func done() -> Bool {
            session.kernel.snapshot(depth: 0).markets.contains { $0.symbol == "BTCUSDT" && $0.lastPrice != nil } && session.kernel.rules(for: "ETHUSDT")?.isTrading == false
        }
        while Date() < deadline, !done() {
            session.advance(wallNanoseconds: 20_000_000)
            usleep(20_000)
        }
        #expect(source.symbols == ["ETHUSDT", "BTCUSDT"])
        #expect(session.kernel.snapshot(depth: 0).markets.contains { $0.symbol == "BTCUSDT" && $0.lastPrice != nil }, "the new listing's trades arrive")
        #expect(session.kernel.rules(for: "BTCUSDT")?.tickSize == Price(units: 1_000_000), "the listing's own filters")
        #expect(session.kernel.rules(for: "ETHUSDT")?.status == "BREAK")
        #expect(session.kernel.log.contains { $0.text == "ETHUSDT is not trading on the exchange (status BREAK): no order is sent on it until it trades again" })
        let price = try #require(session.kernel.snapshot(depth: 0).markets.first { $0.symbol == "ETHUSDT" }?.lastPrice)
        session.user(.place(OrderIntent(symbol: "ETHUSDT", side: .buy, kind: .limit(price), quantity: Quantity(units: 1_000_000))))
        let reply = try #require(session.kernel.lastUserReply)
        #expect(!reply.done && reply.text.contains("STATUS: ETHUSDT is not trading on the exchange (status BREAK)"), "\(reply.text)")
    }
}
