import TestFixtures
import VenueClients
import FakeExchange
import Foundation
import MarketModel
import LiveEngine
import Storage
import Synchronization
import Testing
import Venues

/// A restart compares the journal's positions with what the exchange holds before it
/// takes them over: the exchange's futures position wins; on spot, never more than the
/// account's balance is taken over.
@Suite("Reconciliation with the exchange's holdings", .serialized)
struct LiveReconcileTests {
    let account = APICredentials(key: "fake-key-0123456789", secret: "fake-secret-abcdefghijklmnop")

    /// One marketable buy whose take profit (5 % up) never fills; stops once it filled.
    func buyAndHold(_ fake: FakeExchange, symbol: String, connection: VenueConnection, database: String) throws -> LiveTradingSession.Outcome {
        let parameters = HairTrigger.drops(buyPrice: 0.05, sellPrice: 5, orderSize: 100, penalty: 3600, autoCancelBuy: 0)
        let settle = Settle()
        var options = LiveTradingSession.Options(symbols: [symbol], connection: connection, credentials: account, strategies: [("drops", parameters)], stopWhen: {
            fake.acceptedOrders.contains { $0.status == "FILLED" } && settle.passed(0.5) || fake.finished
        })
        options.database = database
        options.countdownSeconds = nil
        return try LiveTradingSession.run(options)
    }

    func restart(_ fake: FakeExchange, symbol: String, connection: VenueConnection, database: String) throws -> LiveTradingSession.Outcome {
        var options = LiveTradingSession.Options(symbols: [symbol], connection: connection, credentials: account, strategies: [], stopWhen: { true })
        options.database = database
        options.countdownSeconds = nil
        return try LiveTradingSession.run(options)
    }

    @Test("USD-M: a fill the journal never saw (a trade outside Apogee) — the restart takes over the exchange's position, not the journal's")
    func futuresPositionFromExchange() throws {
        let fake = try FakeExchange(recording: Support.usdmBTC, speed: 10, account: account)
        try fake.start()
        let database = try Support.scratchDirectory() + "/live.sqlite"
        let connection = VenueConnection.loopback(port: fake.port, venue: .binanceFutures)
        let first = try buyAndHold(fake, symbol: "BTCUSDT", connection: connection, database: database)
        let journaled = try #require(first.kernel.account.position("BTCUSDT")?.quantity, "the first session holds a position")
        fake.tradeOutside(symbol: "BTCUSDT", side: "BUY", quantity: try Quantity(parsing: "0.002"), price: try Price(parsing: "61000"))
        let exchange = fake.holding(of: "BTCUSDT")
        #expect(exchange == journaled + (try Quantity(parsing: "0.002")))
        let second = try restart(fake, symbol: "BTCUSDT", connection: connection, database: database)
        #expect(second.kernel.account.position("BTCUSDT")?.quantity == exchange, "the exchange's position")
        #expect(second.reconciliation.contains { $0.contains("the exchange's position is taken over") }, "\(second.reconciliation)")
    }

    @Test("Gate.io spot: part of the coins sold outside Apogee — the restart takes over only what the account still holds")
    func spotBalanceCapsTheTakeOver() throws {
        let fake = try FakeExchange(recording: Support.spotETH, speed: 10, account: account, dialect: .gate)
        try fake.start()
        let database = try Support.scratchDirectory() + "/live.sqlite"
        let connection = VenueConnection.loopback(port: fake.port, venue: .gate)
        let first = try buyAndHold(fake, symbol: "ETH_USDT", connection: connection, database: database)
        let journaled = try #require(first.kernel.account.position("ETH_USDT")?.quantity, "the first session holds a position")
        let half = Quantity(units: journaled.units / 2)
        fake.tradeOutside(symbol: "ETH_USDT", side: "SELL", quantity: half, price: try Price(parsing: "2500"))
        let second = try restart(fake, symbol: "ETH_USDT", connection: connection, database: database)
        // The journal's position is the buy less the fee Apogee expects in the coin; the
        // fake's Gate dialect takes none, so the account holds a little more of it.
        #expect(fake.holding(of: "ETH_USDT") < journaled, "the account holds less than the journal after the sale outside")
        #expect(second.kernel.account.position("ETH_USDT")?.quantity == fake.holding(of: "ETH_USDT"), "only what the account holds")
        #expect(second.reconciliation.contains { $0.contains("but the account only") }, "\(second.reconciliation)")
    }

    @Test("the account holds more than the journal (coins of the trader's own): the journal's position is taken over, the rest left alone")
    func spotExtraCoinsLeftAlone() throws {
        let fake = try FakeExchange(recording: Support.spotETH, speed: 10, account: account)
        try fake.start()
        let database = try Support.scratchDirectory() + "/live.sqlite"
        let connection = VenueConnection.loopback(port: fake.port)
        let first = try buyAndHold(fake, symbol: "ETHUSDT", connection: connection, database: database)
        let journaled = try #require(first.kernel.account.position("ETHUSDT")?.quantity)
        fake.tradeOutside(symbol: "ETHUSDT", side: "BUY", quantity: try Quantity(parsing: "1"), price: try Price(parsing: "2500"))
        let second = try restart(fake, symbol: "ETHUSDT", connection: connection, database: database)
        #expect(second.kernel.account.position("ETHUSDT")?.quantity == journaled)
        #expect(!second.reconciliation.contains { $0.contains("ETHUSDT: the journal holds") }, "\(second.reconciliation)")
    }
}
