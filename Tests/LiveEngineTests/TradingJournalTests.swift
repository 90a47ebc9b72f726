import Terminal
import TestFixtures
import EngineCore
import Foundation
import MarketModel
import LiveEngine
import Storage
import Strategies
import Testing
import Trading

@Suite("Order journal")
struct TradingJournalTests {
    func database() throws -> ApogeeDatabase {
        try ApogeeDatabase(path: try Support.scratchDirectory() + "/journal.sqlite")
    }

    func record() -> TradingSessionRecord {
        TradingSessionRecord(kind: "replay", venue: "simulator", source: "test", strategies: "scripted", createdAt: "now")
    }

    func order(_ session: Int64, _ id: String, _ event: String, time: Int64) -> JournalRow {
        .order(OrderJournalRow(tradingSessionID: session, clientOrderID: id, event: event, symbol: "BTCUSDT", side: "buy", orderKind: "limit", price: 100, quantity: 1, reduceOnly: false, origin: "test", reason: nil, timeNanoseconds: time))
    }

    @Test("writeNow is committed when it returns (another connection reads it), after what was queued before it")
    func writeNowIsDurableAndOrdered() throws {
        let db = try database()
        let journal = try TradingJournal(database: db, session: record(), flushInterval: 60)
        try journal.append(order(journal.sessionID, "apg-1", "accepted", time: 1))
        try journal.writeNow([order(journal.sessionID, "apg-2", "intent", time: 2)])
        let reader = try ApogeeDatabase(path: db.path)
        let rows = try #require(try reader.journal(session: journal.sessionID)).orders
        #expect(rows.map(\.clientOrderID) == ["apg-1", "apg-2"], "the queued row first, then the intent")
        #expect(try reader.tradingSessions().first?.session.complete == false, "not complete until finished")
        try journal.append(order(journal.sessionID, "apg-2", "accepted", time: 3))
        try journal.finish()
        let done = try #require(try reader.journal(session: journal.sessionID))
        #expect(done.orders.map(\.event) == ["accepted", "intent", "accepted"])
        #expect(done.session.complete)
        #expect(done.session.firstNanoseconds == 1 && done.session.lastNanoseconds == 3)
    }

    func intent(_ session: Int64, _ id: String, time: Int64) -> OrderJournalRow {
        OrderJournalRow(tradingSessionID: session, clientOrderID: id, event: "intent", symbol: "ETH_USDT", side: "buy", orderKind: "limit", price: 250_000_000_000, quantity: 1_000_000, reduceOnly: false, origin: "drops", reason: nil, timeNanoseconds: time)
    }

    @Test("writeIntent: on disk in the intent log when it returns, in the journal after the other queued rows, and the log gone once the session finishes")
    func writeIntentIsDurable() throws {
        let db = try database()
        let journal = try TradingJournal(database: db, session: record(), flushInterval: 60)
        try journal.append(order(journal.sessionID, "apg-1", "accepted", time: 1))
        try journal.writeIntent(intent(journal.sessionID, "apg-2", time: 2))
        let logPath = db.path + "-intents-\(journal.sessionID).log"
        // The log is sized ahead (a mapped file): what was written, then zero bytes.
        let bytes = try #require(FileManager.default.contents(atPath: logPath))
        let logged = String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
        let session = journal.sessionID
        #expect(logged == "\(session)\tapg-2\tETH_USDT\tbuy\tlimit\t250000000000\t1000000\t0\tdrops\t2\n", "the intent is in the log before anything is committed")
        // No price (a market order), a tab and a newline inside a text, a reduce-only
        // exit, a time before 1970: still one line of ten fields.
        var odd = intent(session, "apg-3", time: -1_234_567_890_123)
        (odd.price, odd.orderKind, odd.origin, odd.reduceOnly) = (nil, "market", "exits:\ttake\nprofit", true)
        try journal.writeIntent(odd)
        let both = String(decoding: try #require(FileManager.default.contents(atPath: logPath)).prefix(while: { $0 != 0 }), as: UTF8.self)
        #expect(both == logged + "\(session)\tapg-3\tETH_USDT\tbuy\tmarket\t-\t1000000\t1\texits: take profit\t-1234567890123\n")
        try journal.finish()
        let done = try #require(try db.journal(session: journal.sessionID))
        #expect(done.orders.map(\.clientOrderID) == ["apg-1", "apg-2", "apg-3"], "queued order kept")
        #expect(done.orders[1] == { var row = intent(journal.sessionID, "apg-2", time: 2); row.id = done.orders[1].id; return row }())
        #expect(!FileManager.default.fileExists(atPath: logPath), "removed once everything is written")
    }

    @Test("a crash before the journal wrote the intent: the next start imports it from the log (once), and leaves a log another process holds alone")
    func intentsRecoveredAfterCrash() throws {
        let db = try database()
        let crashing = try TradingJournal(database: db, session: TradingSessionRecord(kind: "live", venue: "gate@127.0.0.1:1", source: "ETH_USDT", strategies: "drops", createdAt: "then"), flushInterval: 60)
        let crashed = crashing.sessionID
        // What a killed process leaves: a log line whose row never reached SQLite, and
        // one that did.
        try crashing.writeNow([.order(intent(crashed, "s1-apg-1", time: 1))])
        let lost = intent(crashed, "s1-apg-2", time: 2)
        let path = db.path + "-intents-\(crashed).log"
        // Then a line the kill cut short (its order was never sent) and the log's
        // unused, zeroed space.
        try (["s1-apg-1", "s1-apg-2"].map { id in
            "\(crashed)\t\(id)\tETH_USDT\tbuy\tlimit\t250000000000\t1000000\t0\tdrops\t\(id == "s1-apg-1" ? 1 : 2)\n"
        }.joined() + "\(crashed)\ts1-apg-3\tETH_USDT\tbuy\tlimit\t250000000000\t1000000\t0\tdrops\t3" + String(repeating: "\0", count: 4096)).write(toFile: path, atomically: true, encoding: .utf8)
        // A running session's log, held by its writer: not touched.
        let running = try TradingJournal(database: db, session: record(), flushInterval: 60)
        try running.writeIntent(intent(running.sessionID, "s2-apg-1", time: 3))
        #expect(try TradingJournal.recoverIntents(database: db) == 1, "only the lost one: not the one already there, nor the torn one")
        let journal = try #require(try db.journal(session: crashed))
        #expect(journal.orders.map(\.clientOrderID) == ["s1-apg-1", "s1-apg-2"])
        var expected = lost
        expected.id = journal.orders[1].id
        #expect(journal.orders[1] == expected, "every field as the log had it")
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(FileManager.default.fileExists(atPath: db.path + "-intents-\(running.sessionID).log"), "the running session's log is left alone")
        #expect(try TradingJournal.recoverIntents(database: db) == 0, "nothing twice")
        try running.finish()
    }

    @Test("a replay with hotkey orders: every order the kernel made is journaled, intent first, and the fills and position match the account")
    func replaySessionJournal() throws {
        let db = try database()
        let session = try ReplaySession(files: Assets.demoRecordings(), strategies: { [] })
        session.openJournal = { try? TradingJournal(database: db, session: TradingSessionRecord(kind: "replay", venue: "simulator", source: "demo", strategies: "", createdAt: "now")) }
        session.user(.place(OrderIntent(symbol: "BTCUSDT", side: .buy, kind: .market, quantity: Quantity(units: 2_000_000))))
        for _ in 0..<50 { session.advance(wallNanoseconds: 200_000_000) }
        session.user(.panicSell(symbol: "BTCUSDT"))
        for _ in 0..<50 { session.advance(wallNanoseconds: 200_000_000) }
        let kernel = session.kernel
        session.closeJournal()
        #expect(session.journalFailure == nil)
        let journal = try #require(try db.journal(session: 1))
        #expect(journal.session.complete)

        // Every order the kernel knows is in the journal, its intent first; nothing else is.
        let ids = Set(journal.orders.map(\.clientOrderID))
        #expect(ids.count == kernel.orderCount)
        for id in ids {
            let rows = journal.orders.filter { $0.clientOrderID == id }
            #expect(rows.first?.event == "intent" || rows.first?.event == "denied", "\(id): \(rows.map(\.event))")
            let status = kernel.order(ClientOrderID(UInt64(id.dropFirst(4))!))?.status
            #expect(status != nil)
            if status == .filled { #expect(rows.last?.event == "filled") }
        }
        // The fills add up to the account: flat after the panic sell, and the fees match.
        #expect(journal.fills.count >= 2)
        let net = journal.fills.reduce(Int64(0)) { $0 + ($1.side == "buy" ? $1.quantity : -$1.quantity) }
        #expect(net == kernel.account.position("BTCUSDT")?.quantity.units ?? 0)
        #expect(journal.fills.reduce(Int64(0)) { $0 + $1.fee } == kernel.account.fees.units)
        #expect(journal.positions.last?.quantity == 0, "the last snapshot is the flat position after the panic sell")
    }
}
