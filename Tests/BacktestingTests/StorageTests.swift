import Backtesting
import TestFixtures
import Processes
import Feeds
import Foundation
import MarketModel
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

        // Normalised trades and one-minute candles, for queries.
        #expect(try db.tradeCount(session: outcome.session) == fromFile.counts.trade)
        let candles = try db.candles(session: outcome.session)
        #expect(candles.count >= 5 && candles.count <= 7)
        #expect(candles.reduce(0) { $0 + $1.trades } == fromFile.counts.trade)
        #expect(candles.allSatisfy { $0.low <= $0.open && $0.open <= $0.high && $0.low <= $0.close && $0.close <= $0.high })
        #expect(Int64(candles.reduce(Int64(0)) { $0 + $1.volume }) == Int64(fromFile.symbols.first!.trades.volumeUnits))

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

    @Test("a database from a newer Apogee is refused, not touched: not a byte of it changes, no WAL file appears")
    func newerSchema() throws {
        let path = try Support.scratchDirectory() + "/future.sqlite"
        // Made as a newer Apogee might leave it, in SQLite's default rollback-journal
        // mode: opening it for writing would switch it to WAL and change its header.
        let status = try ChildProcess.run(["python3", "-c", "import sqlite3; c = sqlite3.connect('\(path)'); c.execute('CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)'); c.execute(\"INSERT INTO grdb_migrations VALUES ('v1-sessions'), ('v99-from-the-future')\"); c.commit()"])
        #expect(status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        do {
            _ = try ApogeeDatabase(path: path)
            Issue.record("opened a database of a newer schema")
        } catch {
            #expect(error.description.contains("written by a newer Apogee"), "\(error)")
            #expect(error.description.contains("v99-from-the-future"))
            #expect(error.description.contains("left untouched"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test("readers read while another process holds the write lock (WAL): sessions are listed and a session replays")
    func readersReadWhileLocked() throws {
        let (db, path) = try database()
        let outcome = try RecordingImport.run(file: Support.recording("spot_ethusdt_20240808.gz"), database: db)
        // A writer in another process takes the lock and holds it until its stdin closes.
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        writer.arguments = ["python3", "-c", """
            import sqlite3, sys
            c = sqlite3.connect('\(path)', isolation_level=None)
            c.execute('BEGIN IMMEDIATE')
            c.execute("UPDATE session SET source = source WHERE id = \(outcome.session)")
            print('held', flush=True)
            sys.stdin.read()
            c.execute('COMMIT')
            """]
        let input = Pipe()
        let output = Pipe()
        writer.standardInput = input
        writer.standardOutput = output
        try writer.run()
        defer {
            try? input.fileHandleForWriting.close()
            writer.waitUntilExit()
        }
        var said = Data()
        while !said.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            said.append(chunk)
        }
        #expect(String(decoding: said, as: UTF8.self) == "held\n")

        let reader = try ApogeeDatabase(path: path)
        #expect(try reader.sessions().map(\.id) == [outcome.session])
        var options = ReplayOptions(files: ["session:\(outcome.session)"])
        options.database = path
        let report = try HeadlessReplay.run(options)
        #expect(report.counts.trade > 0)
        #expect(report.malformed == 0)
    }

    @Test("a database of the v5 schema is brought to v6: its saved runs are kept, and a run without a Sharpe ratio (n/a) can be saved")
    func sharpeMigration() throws {
        let (db, path) = try database()
        _ = db
        // Back to the v5 shape: sharpe NOT NULL, one run saved, v6 not applied.
        let script = """
            import sqlite3
            c = sqlite3.connect('\(path)')
            c.execute('DROP TABLE backtest_run')
            c.execute('CREATE TABLE backtest_run (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, strategy TEXT NOT NULL, data TEXT NOT NULL, seed INTEGER NOT NULL, parameters TEXT NOT NULL, events INTEGER NOT NULL, trades INTEGER NOT NULL, net_pnl DOUBLE NOT NULL, fees DOUBLE NOT NULL, win_rate DOUBLE NOT NULL, max_drawdown DOUBLE NOT NULL, sharpe DOUBLE NOT NULL, report TEXT NOT NULL)')
            c.execute("INSERT INTO backtest_run VALUES (7, '2026-01-01', 'mshot', 'a.gz', 1, '{}', 10, 2, 1.5, 0.1, 0.5, 0.2, -632.7, '{}')")
            c.execute("DELETE FROM grdb_migrations WHERE identifier IN ('v6-sharpe-may-be-unknown', 'v7-run-interrupted')")
            c.commit()
            """
        #expect(try ChildProcess.run(["python3", "-c", script]) == 0)
        let migrated = try ApogeeDatabase(path: path)
        let kept = try migrated.runs()
        #expect(kept.map(\.id) == [7])
        #expect(kept.first?.sharpe == -632.7)
        let id = try migrated.save(BacktestRunRecord(createdAt: "2026-01-02", strategy: "mshot", data: "b.gz", seed: 1, parameters: "{}", events: 1, trades: 0, netPnL: 0, fees: 0, winRate: 0, maxDrawdown: 0, sharpe: nil, report: "{}"))
        #expect(try migrated.runs().first { $0.id == id }?.sharpe == nil)
        // v7: a run stopped by a signal says so; the older ones did not stop.
        #expect(kept.first?.interrupted == nil)
        let stopped = try migrated.save(BacktestRunRecord(createdAt: "2026-01-03", strategy: "mshot", data: "c.gz", seed: 1, parameters: "{}", events: 1, trades: 0, netPnL: 0, fees: 0, winRate: 0, maxDrawdown: 0, sharpe: nil, report: "{}", interrupted: "SIGINT"))
        #expect(try migrated.runs().first { $0.id == stopped }?.interrupted == "SIGINT")
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

@Suite("Binance public-data CSV import")
struct BinanceCSVImportTests {
    @Test("trades (no header, spot) and aggTrades (header, futures) import as their markets and replay as trades, microseconds kept exact")
    func importsBoth() throws {
        let directory = try Support.scratchDirectory()
        let db = try ApogeeDatabase(path: directory + "/csv.sqlite")
        let trades = directory + "/BTCUSDT-trades-2024-08-08.csv"
        let aggregates = directory + "/BTCUSDT-aggTrades-2024-08-08.csv"
        try "3735683259,61837.63000000,0.02000000,1236.7526,1723161255342,True,True\n3735683260,61837.64000000,0.00100000,61.83764,1723161255400123,false,true\n".write(toFile: trades, atomically: true, encoding: .utf8)
        try "agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker\n2400000001,61800.30,0.150,5266583935,5266583940,1723161256399,true\n".write(toFile: aggregates, atomically: true, encoding: .utf8)
        let first = try RecordingImport.run(file: trades, database: db)
        let second = try RecordingImport.run(file: aggregates, database: db)
        #expect(first.lines == 2)
        #expect(second.lines == 1)
        // Spot rows end with is_best_match; futures files have a header and no such column.
        let markets = try db.sessions().sorted { ($0.id ?? 0) < ($1.id ?? 0) }.map(\.market)
        #expect(markets == ["spot", "usdm"])
        var options = ReplayOptions(files: ["session:\(first.session)"])
        options.database = db.path
        let spot = try HeadlessReplay.run(options)
        #expect(spot.malformed == 0)
        #expect(spot.counts.trade == 2)
        let symbol = try #require(spot.symbols.first)
        #expect(symbol.declaredRule == .sequential)
        #expect(symbol.trades.volumeText(fractionDigits: 3) == "0.021")
        #expect(symbol.firstReceived == Timestamp.milliseconds(1_723_161_255_342))
        // Microsecond times (spot files from 2025) are kept to the microsecond.
        #expect(symbol.lastReceived == Timestamp(nanoseconds: 1_723_161_255_400_123_000))
        options.files = ["session:\(second.session)"]
        let futures = try HeadlessReplay.run(options)
        #expect(futures.counts.trade == 1)
        #expect(futures.symbols.first?.declaredRule == .previousID)
    }

    @Test("the market is read from data.binance.vision's folders when the path names it")
    func marketFromPath() throws {
        let directory = try Support.scratchDirectory()
        let db = try ApogeeDatabase(path: directory + "/csv.sqlite")
        let folder = directory + "/data/futures/um/daily/trades/ETHUSDT"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file = folder + "/ETHUSDT-trades-2024-08-08.csv"
        // Seven columns would read as spot: the path wins.
        try "1,2683.80,0.5,1341.9,1723161255342,true,true\n".write(toFile: file, atomically: true, encoding: .utf8)
        _ = try RecordingImport.run(file: file, database: db)
        #expect(try db.sessions().first?.market == "usdm")
        #expect(BinanceCSV.market(path: "/x/data/spot/daily/aggTrades/BTCUSDT/BTCUSDT-aggTrades-2024-08-08.csv.gz") == .spot)
        #expect(BinanceCSV.market(path: "/x/data/futures/cm/daily/trades/BTCUSD_PERP/f.csv") == .coinMargined)
        #expect(BinanceCSV.market(path: "/home/me/BTCUSDT-trades-2024-08-08.csv") == nil)
    }

    /// Imports `text` as a file called `name` into a fresh database: it must be refused
    /// with a message containing `expected`, and leave no session behind.
    func expectRefused(_ text: String, name: String, saying expected: (String) -> String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let directory = try Support.scratchDirectory()
        let db = try ApogeeDatabase(path: directory + "/csv.sqlite")
        let file = directory + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        do {
            _ = try RecordingImport.run(file: file, database: db)
            Issue.record("\(name) was imported", sourceLocation: sourceLocation)
        } catch {
            #expect(error.description.contains(expected(file)), "\(error)", sourceLocation: sourceLocation)
        }
        #expect(try db.sessions().isEmpty, sourceLocation: sourceLocation)
    }

    @Test("times in seconds, or between the millisecond and microsecond ranges, are refused with the line and reason", arguments: [
        ("1723161255", "too small: seconds?"),
        ("172316125534200", "between the two ranges"),
        ("1100000000000", "before 2009"),
        ("9100000000000000", "beyond 2255"),
    ])
    func badTimes(time: String, reason: String) throws {
        try expectRefused("1,2683.80,0.5,1341.9,1723161255342,true,true\n2,2683.80,0.5,1341.9,\(time),true,true\n", name: "ETHUSDT-trades-2024-08-08.csv") { _ in
            "line 2 is not a Binance trades row: time \(time) is neither milliseconds nor microseconds since 2009 (\(reason))"
        }
    }

    @Test("a CSV whose name is not Binance's, or whose symbol is not letters and digits, is refused; nothing is stored", arguments: [
        "prices.csv", "BTC,USDT-trades-2024-08-08.csv", "BTC\"USDT-aggTrades-2024-08-08.csv.gz", "BTCUSDT-klines-2024-08-08.csv",
    ])
    func unrecognisedName(name: String) throws {
        try expectRefused("1,2683.80,0.5,1341.9,1723161255342,true,true\n", name: name) { _ in "rename it so its kind and symbol are known" }
    }

    @Test("a file none of whose lines is a market event is refused, not stored as a session of nothing; an empty file likewise")
    func noEvents() throws {
        try expectRefused("buy low\nsell high\n1723161255342000000 {\"hello\":1}\n", name: "notes.txt") { _ in "none of its 3 line(s) is a market event" }
        try expectRefused("", name: "empty.gz") { _ in "the file is empty" }
    }

    @Test("a row that is not Binance's shape stops the import with file, line and reason")
    func badRow() throws {
        try expectRefused("1,2683.80,0.5,1341.9,1723161255342,true\n2,abc,1,1,1723161255343,true\n", name: "ETHUSDT-trades-2024-08-08.csv") { file in
            "\(file): line 2 is not a Binance trades row: price"
        }
    }

    @Test("a price of 0 is refused as the replay would refuse it, before anything is stored")
    func impossiblePrice() throws {
        try expectRefused("1,0,0.5,0,1723161255342,true,true\n", name: "ETHUSDT-trades-2024-08-08.csv") { _ in "line 1 is not a Binance trades row: trade price 0" }
    }
}

@Suite("Recorder")
struct RecorderTests {
    @Test("writes every chunk handed over, in order, through a bounded queue, and reports a failure")
    func writes() throws {
        let directory = try Support.scratchDirectory()
        let db = try ApogeeDatabase(path: directory + "/recorder.sqlite")
        let session = try db.startSession(SessionRecord(kind: "recorded", source: "test", sourceHash: nil, exchange: "binance", market: "spot", symbols: "X", createdAt: "now"))
        let recorder = Recorder(database: db, capacity: 2)
        for sequence in 0..<50 {
            let line = "\(sequence) {\"n\":\(sequence)}\n"
            try recorder.append(ChunkWrite(session: session, sequence: sequence, firstLine: sequence + 1, lineCount: 1, firstReceived: Int64(sequence), lastReceived: Int64(sequence), data: Data(line.utf8), trades: []))
        }
        try recorder.finish()
        for sequence in [0, 25, 49] {
            let data = try #require(try db.chunk(session: session, sequence: sequence))
            #expect(String(decoding: data, as: UTF8.self) == "\(sequence) {\"n\":\(sequence)}\n")
        }
        #expect(try db.chunk(session: session, sequence: 50) == nil)

        // A duplicate chunk breaks the primary key: the failure comes back to the producer.
        let failing = Recorder(database: db, capacity: 1)
        try? failing.append(ChunkWrite(session: session, sequence: 0, firstLine: 1, lineCount: 1, firstReceived: 0, lastReceived: 0, data: Data(), trades: []))
        #expect(throws: StorageError.self) { try failing.finish() }
    }
}
