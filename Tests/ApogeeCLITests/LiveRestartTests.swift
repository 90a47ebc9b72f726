import TestFixtures
import FakeExchange
import Foundation
import LiveEngine
import MarketModel
import Storage
import Testing
import Venues

/// `kill -9` of a live trading session, then a restart on the same journal.
@Suite("apogee live --trade: crash and restart", .serialized)
struct LiveRestartTests {
    @Test("the restart cancels the buy the killed session left open and reports it; the killed session's journal stays incomplete")
    func killAndRestart() throws {
        let (folder, keys, account) = try TestKeys.make()
        let fake = try FakeExchange(recording: ApogeeProcess.sharedData + "/spot_ethusdt_20240808.gz", speed: 5, account: account)
        try fake.start()
        let db = folder + "/journal.sqlite"
        // Buys 3 % under the ask that never fill and are never cancelled.
        let pid = try ApogeeProcess.spawnDetached([ApogeeProcess.executable, "live", "--exchange", "binance", "--symbols", "ETHUSDT", "--endpoint", "loopback:\(fake.port)", "--headless", "--trade",
                                                   "--strategy", "drops", "--param", "DropsMaxTime=2", "--param", "DropsPriceMA=0", "--param", "DropsPriceDelta=0.01", "--param", "NextDetectPenalty=1",
                                                   "--param", "AutoBuy=YES", "--param", "BuyPrice=-3", "--param", "AutoCancelBuy=0", "--keys", keys, "--db", db])
        fake.waitUntil(seconds: 30) { fake.acceptedOrders.contains { $0.status == "NEW" } }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let leftOpen = fake.acceptedOrders.filter { $0.status == "NEW" }.map(\.clientOrderID)
        #expect(!leftOpen.isEmpty, "the killed session left a buy open")

        var options = LiveTradingSession.Options(symbols: ["ETHUSDT"], connection: .loopback(port: fake.port), credentials: account, strategies: [], stopWhen: { true })
        options.database = db
        let restart = try LiveTradingSession.run(options)
        #expect(Set(restart.cancelledLeftovers) == Set(leftOpen))
        for id in leftOpen { #expect(fake.acceptedOrders.first { $0.clientOrderID == id }?.status == "CANCELED") }
        #expect(restart.reconciliation.contains { $0.contains("did not close") }, "\(restart.reconciliation)")
        let sessions = try ApogeeDatabase(path: db).tradingSessions()
        #expect(sessions.count == 2)
        #expect(sessions.first?.session.complete == false, "the killed session is incomplete")
        #expect(sessions.last?.session.complete == true)
        // Every order the exchange accepted from the killed session is in its journal.
        let journal = try #require(try ApogeeDatabase(path: db).journal(session: sessions[0].session.id ?? 0))
        let intents = Set(journal.orders.filter { $0.event == "intent" }.map(\.clientOrderID))
        #expect(Set(fake.acceptedOrders.map(\.clientOrderID)).isSubset(of: intents))
    }

    @Test("a position survives the crash: the restart takes it over (its old take profit cancelled, the new session's exits place their own)")
    func positionTakenOver() throws {
        try expectPositionTakenOver(dialect: .binance, exchange: "binance", venue: .binance, symbol: "ETHUSDT", exchangeID: { $0 })
    }

    /// The real binary holds a filled buy with its take profit (5 % up, never reached)
    /// resting when it is killed; a restart must hold the same position, cancel the old
    /// take profit and rest its own, and journal the position as `restored`.
    func expectPositionTakenOver(dialect: FakeExchange.Dialect, exchange: String, venue: VenueID, symbol: String, exchangeID: (String) -> String) throws {
        let (folder, keys, account) = try TestKeys.make()
        let fake = try FakeExchange(recording: ApogeeProcess.sharedData + "/spot_ethusdt_20240808.gz", speed: 5, account: account, dialect: dialect)
        try fake.start()
        let db = folder + "/journal.sqlite"
        // One marketable buy (0.05 % over the price), its take profit 5 % up: never reached.
        let pid = try ApogeeProcess.spawnDetached([ApogeeProcess.executable, "live", "--exchange", exchange, "--symbols", symbol, "--endpoint", "loopback:\(fake.port)", "--headless", "--trade",
                                                   "--strategy", "drops", "--param", "DropsMaxTime=2", "--param", "DropsPriceMA=0", "--param", "DropsPriceDelta=0.01", "--param", "NextDetectPenalty=3600",
                                                   "--param", "AutoBuy=YES", "--param", "BuyPrice=0.05", "--param", "SellPrice=5", "--param", "AutoCancelBuy=0", "--countdown-cancel", "0", "--keys", keys, "--db", db])
        fake.waitUntil(seconds: 40) { fake.acceptedOrders.contains { $0.status == "FILLED" } && fake.acceptedOrders.contains { $0.status == "NEW" } }
        // The crashed session's journal holds the position before the kill (its
        // snapshots are written within 200 ms of the fill).
        Poll.until(seconds: 10) { ((try? ApogeeDatabase(path: db).journal(session: 1)?.positions.contains { $0.symbol == symbol }) ?? nil) == true }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let before = fake.acceptedOrders
        let buy = try #require(before.first { $0.status == "FILLED" }, "the buy filled: \(before)")
        let oldTakeProfit = try #require(before.first { $0.status == "NEW" }, "its take profit rests: \(before)")

        let settle = Settle()
        var options = LiveTradingSession.Options(symbols: [symbol], connection: .loopback(port: fake.port, venue: venue), credentials: account, strategies: [], stopWhen: { settle.passed(3.0) })
        options.database = db
        let restart = try LiveTradingSession.run(options)
        // The crashed session's position: the buy less the fee taken in the coin, never
        // more than the account holds.
        let journaled = try #require(try ApogeeDatabase(path: db).journal(session: 1)?.positions.last { $0.symbol == symbol }?.quantity)
        let held = min(Quantity(units: journaled), fake.holding(of: symbol))
        #expect(restart.kernel.account.position(symbol)?.quantity == held, "the position is the crashed session's")
        #expect(held <= (try Quantity(parsing: buy.executed)))
        if dialect == .binance {
            // Taken over and sold on Binance's 0.0001 lot: the take profit is rounded down to it.
            let takeProfit = try #require(try ApogeeDatabase(path: db).journal(session: restart.journalSession ?? 0)?.orders.first { $0.event == "intent" && $0.origin == "exits:take-profit" })
            #expect(takeProfit.quantity % 10_000 == 0 && Quantity(units: takeProfit.quantity) <= held, "take profit \(Quantity(units: takeProfit.quantity)) of \(held) held")
        }
        #expect(restart.reconciliation.contains { $0.contains("took over from session 1") }, "\(restart.reconciliation)")
        let after = fake.acceptedOrders
        #expect(after.first { $0.clientOrderID == oldTakeProfit.clientOrderID }?.status == "CANCELED", "the old take profit is cancelled")
        #expect(after.contains { $0.clientOrderID.hasPrefix(exchangeID("s2-")) && $0.status == "NEW" }, "the new session's exits rest their own take profit: \(after)")
        let journal = try #require(try ApogeeDatabase(path: db).journal(session: restart.journalSession ?? 0))
        #expect(journal.positions.contains { $0.reason == "restored" && $0.symbol == symbol })
        // Every order the exchange accepted from the killed session is in its journal.
        let first = try #require(try ApogeeDatabase(path: db).journal(session: 1))
        #expect(Set(before.map(\.clientOrderID)).isSubset(of: Set(first.orders.filter { $0.event == "intent" }.map { exchangeID($0.clientOrderID) })))
    }

    @Test("USD-M: kill -9 with an order resting; the countdown cancel-all the session kept armed cancels it on the exchange")
    func countdownAfterKill() throws {
        try expectCountdownAfterKill(recording: "usdm_btcusdt_20240808.gz", dialect: .binance, exchange: "binance-futures", symbol: "BTCUSDT", speed: 2)
    }

    /// The real binary trading with `--countdown-cancel 5` is killed with a buy
    /// resting: the fake exchange's countdown must cancel it within the 5 s.
    func expectCountdownAfterKill(recording: String, dialect: FakeExchange.Dialect, exchange: String, symbol: String, speed: Double) throws {
        let (folder, keys, account) = try TestKeys.make()
        let fake = try FakeExchange(recording: ApogeeProcess.sharedData + "/" + recording, speed: speed, account: account, dialect: dialect)
        try fake.start()
        defer { fake.stop() }
        let pid = try ApogeeProcess.spawnDetached([ApogeeProcess.executable, "live", "--exchange", exchange, "--symbols", symbol, "--endpoint", "loopback:\(fake.port)", "--headless", "--trade",
                                                   "--strategy", "drops", "--param", "DropsMaxTime=2", "--param", "DropsPriceMA=0", "--param", "DropsPriceDelta=0.01", "--param", "NextDetectPenalty=3600",
                                                   "--param", "AutoBuy=YES", "--param", "BuyPrice=-3", "--param", "AutoCancelBuy=0", "--countdown-cancel", "5", "--keys", keys, "--db", folder + "/journal.sqlite"])
        fake.waitUntil(seconds: 40) { fake.acceptedOrders.contains { $0.status == "NEW" } }
        #expect(fake.countdownsArmed == [symbol], "armed while the session runs")
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let resting = fake.acceptedOrders.filter { $0.status == "NEW" }.map(\.clientOrderID)
        #expect(!resting.isEmpty)
        let killedAt = Date()
        fake.waitUntil(seconds: 10) { fake.countdownsFired.contains(symbol) }
        #expect(fake.countdownsFired == [symbol])
        #expect(Date().timeIntervalSince(killedAt) <= 6.5, "within the 5 s countdown (re-armed at most 5/3 s before the kill)")
        for id in resting { #expect(fake.acceptedOrders.first { $0.clientOrderID == id }?.status == "CANCELED", "\(id)") }
    }

    @Test("Gate.io: kill -9 holding a filled buy with its take profit resting; the restart reconciles by Gate's order texts and takes the position over")
    func gatePositionTakenOver() throws {
        try expectPositionTakenOver(dialect: .gate, exchange: "gate", venue: .gate, symbol: "ETH_USDT", exchangeID: { "t-" + $0 })
    }

    @Test("Gate.io: kill -9 with a buy resting; the countdown cancel-all the session kept armed cancels it on the exchange")
    func gateCountdownAfterKill() throws {
        try expectCountdownAfterKill(recording: "spot_ethusdt_20240808.gz", dialect: .gate, exchange: "gate", symbol: "ETH_USDT", speed: 5)
    }
}

/// True once `seconds` have passed since the first question.
final class Settle: @unchecked Sendable {
    private var first: Date?
    private let lock = NSLock()
    func passed(_ seconds: Double) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if first == nil { first = Date() }
        return Date().timeIntervalSince(first!) > seconds
    }
}
