import Foundation
import Runtime
import Storage
import Testing

@Suite("History in SQLite", .serialized)
struct StorageTests {
    func database() throws -> (ApogeeDatabase, String) {
        let path = try Support.scratchDirectory() + "/apogee.sqlite"
        return (try ApogeeDatabase(path: path), path)
    }

    @Test("an imported recording replays from the database exactly as from its file", arguments: ["spot_btcusdt_20240808.gz", "spot_ethusdt_20240808.gz", "usdm_btcusdt_20240808.gz"])
    func importAndReplay(name: String) throws {
        let (db, path) = try database()
        let file = Support.recording(name)
        let outcome = try RecordingImport.run(file: file, database: db)
        #expect(!outcome.alreadyThere)
        let session = try #require(try db.session(outcome.session))
        #expect(session.complete)
        #expect(session.lines == outcome.lines)
        #expect(session.symbols == "BTCUSDT" || session.symbols == "ETHUSDT")
        #expect(session.market == (name.hasPrefix("usdm") ? "usdm" : "spot"))

        let fromFile = try HeadlessReplay.run(ReplayOptions(files: [file]))
        var options = ReplayOptions(files: ["session:\(outcome.session)"])
        options.database = path
        let fromDatabase = try HeadlessReplay.run(options)
        #expect(fromDatabase.events == fromFile.events)
        #expect(fromDatabase.counts == fromFile.counts)
        #expect(fromDatabase.gaps == fromFile.gaps)
        #expect(fromDatabase.auditChecks == fromFile.auditChecks)
        #expect(fromDatabase.auditMismatches == fromFile.auditMismatches)
        #expect(fromDatabase.symbols.first?.book?.bestBid == fromFile.symbols.first?.book?.bestBid)

        let again = try RecordingImport.run(file: file, database: db)
        #expect(again.alreadyThere)
        #expect(again.session == outcome.session)
        #expect(try db.sessions().count == 1)
    }

    @Test("a backtest runs from a stored session like from the file")
    func backtestFromSession() throws {
        let (db, path) = try database()
        let file = Support.spotETH
        let outcome = try RecordingImport.run(file: file, database: db)
        var fromFile = BacktestOptions(files: [file], strategy: "ema-reversal")
        fromFile.seed = 3
        var fromSession = BacktestOptions(files: ["session:\(outcome.session)"], strategy: "ema-reversal")
        fromSession.seed = 3
        fromSession.database = path
        let a = try Backtest.run(fromFile)
        let b = try Backtest.run(fromSession)
        #expect(a.events == b.events)
        #expect(a.metrics.netPnL == b.metrics.netPnL)
        #expect(a.fills == b.fills)
    }

    @Test("a file that is not SQLite is refused with a clear message")
    func notSQLite() throws {
        let path = try Support.scratchDirectory() + "/notes.txt"
        try String(repeating: "not a database\n", count: 200).write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try ApogeeDatabase(path: path)
            Issue.record("opened a text file as a database")
        } catch {
            #expect(error.description.contains("is not an SQLite database"), "\(error)")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("not a database"))
    }

    @Test("a database from a newer Apogee is refused, not touched")
    func newerSchema() throws {
        let (db, path) = try database()
        _ = db
        let status = try ChildProcess.run(["python3", "-c", "import sqlite3; c = sqlite3.connect('\(path)'); c.execute(\"INSERT INTO grdb_migrations VALUES ('v99-from-the-future')\"); c.commit()"])
        #expect(status == 0)
        do {
            _ = try ApogeeDatabase(path: path)
            Issue.record("opened a database of a newer schema")
        } catch {
            #expect(error.description.contains("written by a newer Apogee"), "\(error)")
            #expect(error.description.contains("v99-from-the-future"))
        }
    }

    @Test("a read-only location is a clear error")
    func readOnly() throws {
        guard getuid() != 0 else {
            // Root writes anywhere; use a path under a file instead, which nobody can create.
            let blocker = try Support.scratchDirectory() + "/file"
            try "x".write(toFile: blocker, atomically: true, encoding: .utf8)
            do {
                _ = try ApogeeDatabase(path: blocker + "/apogee.sqlite")
                Issue.record("created a database under a file")
            } catch {
                #expect(error.description.contains("cannot create the folder of the database"), "\(error)")
            }
            return
        }
        do {
            _ = try ApogeeDatabase(path: "/proc/apogee.sqlite")
            Issue.record("created a database in /proc")
        } catch {
            #expect(!error.description.isEmpty)
        }
    }

    @Test("an interrupted import leaves an incomplete session that replay refuses with a reason")
    func incomplete() throws {
        let (db, path) = try database()
        let id = try db.startSession(SessionRecord(kind: "imported", source: "x.gz", sourceHash: "h", exchange: "binance", market: "spot", symbols: "", createdAt: "now"))
        var options = ReplayOptions(files: ["session:\(id)"])
        options.database = path
        do {
            _ = try HeadlessReplay.run(options)
            Issue.record("replayed an incomplete session")
        } catch {
            #expect(error.description.contains("incomplete"), "\(error)")
        }
        #expect(try db.sessions().first?.complete == false)
    }
}
