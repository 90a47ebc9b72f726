import Terminal
import Backtesting
import ArgumentParser
import MarketModel
import LiveEngine
import Storage

/// `apogee journal`: the trading sessions, or one session's orders, fills and positions.
struct JournalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "journal",
        abstract: "List the trading sessions, or show one's order journal, fills and positions.",
        discussion: """
            Every terminal session writes its order journal (unless --no-journal): each \
            order's intent before it goes to the venue, every state change after, each \
            fill, and the position after each fill and at the end. A session the program \
            did not close (a crash, kill -9) shows as INCOMPLETE; what it wrote is there.
            """)

    @Argument(help: "A trading session id (from `apogee journal`).")
    var session: Int64?

    @OptionGroup var database: DatabaseOption

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let db = try database.open()
        guard let session else {
            try list(db)
            return
        }
        guard let journal = try DatabaseOption.attempt({ () throws(StorageError) in try db.journal(session: session) }) else {
            StandardError.write("apogee: no trading session \(session) in \(db.path) (see `apogee journal`)\n")
            throw ExitStatus.failure
        }
        if json {
            print(Self.json(journal))
            return
        }
        let record = journal.session
        print("trading session \(session): \(record.kind) on \(record.venue), \(record.strategies.isEmpty ? "no strategy" : record.strategies), \(record.complete ? "complete" : "INCOMPLETE")  \(record.source)")
        for row in journal.orders {
            let price = row.price.map { FixedPoint.format(units: $0, fractionDigits: 0) } ?? "market"
            print("  \(Terminal.timestampText(row.timeNanoseconds))  \(row.clientOrderID)  \(row.event)  \(row.side) \(FixedPoint.format(units: row.quantity, fractionDigits: 0)) \(row.symbol) @ \(price)  (\(row.origin))\(row.reason.map { "  \($0)" } ?? "")")
        }
        for fill in journal.fills {
            print("  fill \(fill.clientOrderID) \(fill.side) \(FixedPoint.format(units: fill.quantity, fractionDigits: 0)) \(fill.symbol) @ \(FixedPoint.format(units: fill.price, fractionDigits: 0)), fee \(FixedPoint.format(units: fill.fee, fractionDigits: 0)) (\(fill.liquidity))")
        }
        for position in journal.positions {
            print("  position \(position.symbol) \(FixedPoint.format(units: position.quantity, fractionDigits: 0)) after \(position.reason), entry \(position.entryPrice.map { FixedPoint.format(units: $0, fractionDigits: 0) } ?? "-")")
        }
    }

    private func list(_ db: ApogeeDatabase) throws {
        let sessions = try DatabaseOption.attempt { () throws(StorageError) in try db.tradingSessions() }
        if json {
            var out = JSONWriter()
            out.beginArray()
            for entry in sessions {
                out.beginObject()
                out.value("id", Int(entry.session.id ?? 0))
                out.value("kind", entry.session.kind)
                out.value("venue", entry.session.venue)
                out.value("source", entry.session.source)
                out.value("strategies", entry.session.strategies)
                out.value("orders", entry.orders)
                out.value("fills", entry.fills)
                out.value("complete", entry.session.complete)
                out.value("created_at", entry.session.createdAt)
                out.endObject()
            }
            out.endArray()
            print(out.text)
            return
        }
        if sessions.isEmpty { print("no trading session in \(db.path) (the terminal writes one per session)") }
        for entry in sessions {
            print("\(entry.session.id ?? 0)  \(entry.session.kind)  \(entry.orders) orders, \(entry.fills) fills\(entry.session.complete ? "" : "  INCOMPLETE")  \(entry.session.strategies)  \(entry.session.source)")
        }
    }

    static func json(_ journal: (session: TradingSessionRecord, orders: [OrderJournalRow], fills: [FillRow], positions: [PositionSnapshotRow])) -> String {
        var out = JSONWriter()
        out.beginObject()
        out.value("id", Int(journal.session.id ?? 0))
        out.value("kind", journal.session.kind)
        out.value("venue", journal.session.venue)
        out.value("complete", journal.session.complete)
        out.beginArray("orders")
        for row in journal.orders {
            out.beginObject()
            out.value("client_order_id", row.clientOrderID)
            out.value("event", row.event)
            out.value("symbol", row.symbol)
            out.value("side", row.side)
            out.value("kind", row.orderKind)
            out.value("price", row.price.map { FixedPoint.format(units: $0, fractionDigits: 0) })
            out.value("qty", FixedPoint.format(units: row.quantity, fractionDigits: 0))
            out.value("origin", row.origin)
            out.value("reason", row.reason)
            out.value("time_ns", Int(row.timeNanoseconds))
            out.endObject()
        }
        out.endArray()
        out.beginArray("fills")
        for fill in journal.fills {
            out.beginObject()
            out.value("client_order_id", fill.clientOrderID)
            out.value("symbol", fill.symbol)
            out.value("side", fill.side)
            out.value("price", FixedPoint.format(units: fill.price, fractionDigits: 0))
            out.value("qty", FixedPoint.format(units: fill.quantity, fractionDigits: 0))
            out.value("fee", FixedPoint.format(units: fill.fee, fractionDigits: 0))
            out.value("liquidity", fill.liquidity)
            out.value("time_ns", Int(fill.timeNanoseconds))
            out.endObject()
        }
        out.endArray()
        out.beginArray("positions")
        for position in journal.positions {
            out.beginObject()
            out.value("symbol", position.symbol)
            out.value("qty", FixedPoint.format(units: position.quantity, fractionDigits: 0))
            out.value("entry", position.entryPrice.map { FixedPoint.format(units: $0, fractionDigits: 0) })
            out.value("reason", position.reason)
            out.value("time_ns", Int(position.timeNanoseconds))
            out.endObject()
        }
        out.endArray()
        out.endObject()
        return out.text
    }
}
