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
    @Test("BTCUSDT listed while the session runs is streamed and gets its rules; ETHUSDT halted (BREAK) later refuses orders, saying why")
    func listingAndDelisting() throws {
        let fake = try FakeExchange(recordings: [Support.spotETH, Support.spotBTC], speed: 10, shiftTimesToNow: true)
        fake.unlist("BTCUSDT")
        try fake.start()
        defer { fake.stop() }
        let connection = VenueConnection.loopback(port: fake.port)
        #expect(try QuoteMarket.symbols(connection, quote: "USDT") == ["ETHUSDT"], "BTCUSDT is not listed yet")
        let source = try LiveEventSource(connection: connection, symbols: ["ETHUSDT"])
        defer { source.stop() }
        source.watchListings(quote: "USDT", every: 0.25)
        let session = ReplaySession(live: source, strategies: { [] })
        /// Runs the paper session until `condition` holds (30 s at most: a loaded machine).
        func run(until condition: () -> Bool, sourceLocation: SourceLocation = #_sourceLocation) {
            let held = Poll.until(seconds: 30, every: 0.02) {
                session.advance(wallNanoseconds: 20_000_000)
                return condition()
            }
            #expect(held, "the session never got there", sourceLocation: sourceLocation)
        }
        let readsBefore = source.listings?.listingsRead ?? 0
        run { (source.listings?.listingsRead ?? 0) > readsBefore + 1 }
        #expect(source.symbols == ["ETHUSDT"], "nothing new listed yet")
        // The exchange lists BTCUSDT while the session runs: it is streamed and trades.
        fake.list("BTCUSDT")
        run { session.kernel.snapshot(depth: 0).markets.contains { $0.symbol == "BTCUSDT" && $0.lastPrice != nil } }
        // Then ETHUSDT stops trading.
        fake.setStatus("ETHUSDT", "BREAK")
        run { session.kernel.rules(for: "ETHUSDT")?.isTrading == false }
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
