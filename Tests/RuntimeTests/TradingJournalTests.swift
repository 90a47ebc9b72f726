import EngineCore
import Foundation
import MarketModel
import Runtime
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
