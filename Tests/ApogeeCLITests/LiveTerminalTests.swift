import FakeExchange
import Foundation
import LiveEngine
import Storage
import Testing
import Venues

/// `apogee live` without --paper: the terminal trading for real against the fake
/// exchange.
@Suite("apogee live: the terminal trading for real", .serialized)
struct LiveTerminalTests {
    func header(_ screen: String) -> String { screen.split(separator: "\n").first.map(String.init) ?? "" }

    @Test("LIVE in the header; a buy hotkey reaches the exchange and its take profit follows; the kill switch with flatten cancels it and sells; the journal holds what the exchange saw")
    func liveTerminal() throws {
        try expectLiveTerminal(dialect: .binance, exchange: "binance", symbol: "ETHUSDT", rate: "weight") { $0 }
    }

    @Test("Gate.io: the same in the terminal, orders signed by Gate's rule and fills pushed on spot.orders; the header shows the exchange's clock")
    func gateTerminal() throws {
        try expectLiveTerminal(dialect: .gate, exchange: "gate", symbol: "ETH_USDT", rate: "requests") { String($0.dropFirst(2)) }
    }

    /// `clientID` turns the exchange's order id into Apogee's (Gate's `t-` prefix).
    func expectLiveTerminal(dialect: FakeExchange.Dialect, exchange: String, symbol: String, rate: String, clientID: (String) -> String) throws {
        let (folder, keys, account) = try TestKeys.make()
        let fake = try FakeExchange(recording: ApogeeProcess.sharedData + "/spot_ethusdt_20240808.gz", speed: 5, account: account, shiftTimesToNow: true, dialect: dialect)
        try fake.start()
        defer { fake.stop() }
        let db = folder + "/live.sqlite"
        let session = try TmuxSession(command: "\(ApogeeProcess.executable) live --exchange \(exchange) --symbols \(symbol) --endpoint loopback:\(fake.port) --keys \(keys) --db \(db) --strategy ema-reversal --param EntryCooldown=86400 --param StretchPercent=50 --size 0.01",
                                      width: 160, height: 45, environment: ["LANG": "C.UTF-8"])
        let first = try session.wait { self.header($0).contains("LIVE") && self.header($0).contains("book synced") }
        #expect(header(first).contains("ws up"))
        #expect(header(first).contains(rate), "\(header(first))")
        #expect(header(first).contains("clock "), "the exchange's clock offset: \(header(first))")
        try session.send("b")
        let row = symbol.padding(toLength: 10, withPad: " ", startingAt: 0) + "LONG"
        try session.wait(timeout: 30) { $0.contains(row) && $0.contains("exits:take-pro") }
        // The buy filled on the exchange and a take profit rests there (the exits may
        // have re-priced it meanwhile on a slow machine: more orders, one resting).
        // A buy at the touch may fill in parts, print by print: the exchange's own state
        // is waited for.
        fake.waitUntil(seconds: 20) { fake.acceptedOrders.first?.status == "FILLED" && fake.acceptedOrders.filter { $0.status == "NEW" }.count == 1 }
        let placed = fake.acceptedOrders
        #expect(placed.first?.status == "FILLED", "the hotkey's buy: \(placed)")
        #expect(placed.filter { $0.status == "NEW" }.count == 1, "one take profit resting: \(placed)")
        try session.send("K")
        try session.wait { $0.contains("KILL SWITCH: cancel every order and halt?") }
        try session.send("f")
        try session.wait { self.header($0).contains("HALTED") }
        // The take profit is cancelled on the exchange and a panic sell goes out.
        fake.waitUntil(seconds: 20) { fake.acceptedOrders.contains { $0.status == "CANCELED" } && fake.acceptedOrders.count >= 3 }
        let orders = fake.acceptedOrders
        #expect(orders.contains { $0.status == "CANCELED" }, "\(orders)")
        #expect(orders.count >= placed.count + 1, "a panic sell went out: \(orders)")
        try session.send("q")
        try session.wait { $0.contains("Quit anyway? (y/n)") || $0.contains("apogee exited with status 0") }
        try session.send("y")
        try session.wait { $0.contains("apogee exited with status 0") }

        let sessions = try ApogeeDatabase(path: db).tradingSessions()
        let live = try #require(sessions.first { $0.session.kind == "live" })
        #expect(live.session.complete)
        let journal = try #require(try ApogeeDatabase(path: db).journal(session: live.session.id ?? 0))
        let intents = Set(journal.orders.filter { $0.event == "intent" }.map(\.clientOrderID))
        #expect(Set(fake.acceptedOrders.map { clientID($0.clientOrderID) }).isSubset(of: intents), "every order the exchange saw was journaled first")
        #expect(journal.orders.contains { $0.origin == "user" && $0.event == "intent" })
        // The hotkey's buy went out at the best ask, so it usually crossed the market and
        // filled at the prints' prices: each order is booked at what it filled at, which
        // the exchange's quote amount tells (not at its limit).
        // (The panic sell may fill after the session quit: only orders the journal saw
        // to the end are compared, the hotkey's buy among them.)
        var compared = 0
        for execution in fake.executions where !execution.executed.isZero {
            let parts = journal.fills.filter { $0.clientOrderID == clientID(execution.clientOrderID) }
            guard parts.reduce(Int64(0), { $0 + $1.quantity }) == execution.executed.units else { continue }
            compared += 1
            let journaled = parts.reduce(Int128(0)) { $0 + Int128($1.price) * Int128($1.quantity) / 100_000_000 }
            #expect(abs(journaled - Int128(execution.quote)) <= Int128(parts.count + 1), "\(execution.clientOrderID)\(execution.taker ? " (crossed the market)" : ""): journal \(journaled), exchange \(execution.quote) (10⁻⁸ quote units)")
        }
        #expect(compared >= 1, "the hotkey's buy, filled before the kill switch, is compared")
        // A part filled better than its limit took liquidity: booked with the taker's fee.
        for execution in fake.executions {
            for part in journal.fills where part.clientOrderID == clientID(execution.clientOrderID) && part.price != execution.limit.units {
                #expect(part.liquidity == "taker", "\(part.clientOrderID) filled at \(part.price) against its limit \(execution.limit.units)")
            }
        }
    }
}
