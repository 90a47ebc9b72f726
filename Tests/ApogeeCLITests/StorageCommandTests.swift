import TestFixtures
import Foundation
import LiveEngine
import Testing

@Suite("apogee import, sessions and replay SESSION, as a user runs them")
struct StorageCommandTests {
    let spotETH = ApogeeProcess.sharedData + "/spot_ethusdt_20240808.gz"
    let usdm = ApogeeProcess.sharedData + "/usdm_btcusdt_20240808.gz"

    func scratch() throws -> String {
        let directory = NSTemporaryDirectory() + "apogee-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("import, list, import again, replay the session headless")
    func roundTrip() throws {
        let db = try scratch() + "/history.sqlite"
        let first = try ApogeeProcess.run(["import", spotETH, "--db", db])
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput.contains("as session 1: 33618 lines"))
        let again = try ApogeeProcess.run(["import", spotETH, "--db", db])
        #expect(again.standardOutput.contains("is already there: session 1"))
        let list = try ApogeeProcess.run(["sessions", "--db", db, "--json"])
        let sessions = try #require(try JSONSerialization.jsonObject(with: Data(list.standardOutput.utf8)) as? [[String: Any]])
        #expect(sessions.count == 1)
        #expect(sessions.first?["symbols"] as? String == "ETHUSDT")
        #expect(sessions.first?["complete"] as? Bool == true)
        let replay = try ApogeeProcess.run(["replay", "1", "--db", db, "--headless", "--json"])
        #expect(replay.status == 0, "\(replay.standardError)")
        #expect(replay.standardOutput.contains(#""events":33618"#))
        #expect(replay.standardOutput.contains(#""audit":{"checks":577,"mismatches":0}"#))
        let missing = try ApogeeProcess.run(["replay", "9", "--db", db, "--headless"])
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("no session 9"))
    }

    @Test("sessions --delete removes a session and everything of it; a second delete says there is none")
    func deleteSession() throws {
        let db = try scratch() + "/history.sqlite"
        #expect(try ApogeeProcess.run(["import", spotETH, "--db", db]).status == 0)
        let deleted = try ApogeeProcess.run(["sessions", "--db", db, "--delete", "1"])
        #expect(deleted.status == 0, "\(deleted.standardError)")
        #expect(deleted.standardOutput.contains("deleted session 1"))
        #expect(try ApogeeProcess.run(["sessions", "--db", db]).standardOutput.contains("no session in"))
        let again = try ApogeeProcess.run(["sessions", "--db", db, "--delete", "1"])
        #expect(again.status == 1)
        #expect(again.standardError.contains("no session 1"))
        // Imported again, it is a new session with all its lines.
        let reimport = try ApogeeProcess.run(["import", spotETH, "--db", db])
        #expect(reimport.standardOutput.contains("as session 2: 33618 lines"), "\(reimport.standardOutput)")
    }

    @Test("every backtest is saved; runs lists it; export gives back its report and a session's trades")
    func runsAndExport() throws {
        let db = try scratch() + "/runs.sqlite"
        #expect(try ApogeeProcess.run(["import", spotETH, "--db", db]).status == 0)
        let backtest = try ApogeeProcess.run(["backtest", "--session", "1", "--db", db, "--json", "--seed", "4"])
        #expect(backtest.status == 0, "\(backtest.standardError)")
        #expect(backtest.standardError.contains("saved as run 1"))
        let runs = try ApogeeProcess.run(["runs", "--db", db, "--json"])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(runs.standardOutput.utf8)) as? [[String: Any]])
        #expect(list.count == 1)
        #expect(list.first?["strategy"] as? String == "ema-reversal")
        #expect(list.first?["seed"] as? Int == 4)
        #expect(list.first?["data"] as? String == "session:1")
        let exported = try ApogeeProcess.run(["export", "--run", "1", "--json", "--db", db])
        #expect(exported.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == backtest.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
        let trades = try ApogeeProcess.run(["export", "--session", "1", "--trades", "--csv", "--db", db])
        let lines = trades.standardOutput.split(separator: "\n")
        #expect(lines.first == "time,symbol,trade_id,price,quantity,aggressor")
        #expect(lines.count == 6106 + 1)
        #expect(lines[1].hasPrefix("2024-08-08T23:54:15.611Z,ETHUSDT,1520538925,2683.8,0.002,sell"))
    }

    @Test("kill -9 during an import: the database still opens, and nothing half-written passes for complete")
    func killedImport() throws {
        let db = try scratch() + "/killed.sqlite"
        _ = try ApogeeProcess.run(["sessions", "--db", db])
        let pid = try ApogeeProcess.spawnDetached([ApogeeProcess.executable, "import", usdm, "--db", db])
        // Killed mid-write: once the import has put a megabyte into the database's log.
        Poll.until(seconds: 10, every: 0.01) { Poll.size(of: db + "-wal") > 1_000_000 }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let list = try ApogeeProcess.run(["sessions", "--db", db, "--json"])
        #expect(list.status == 0, "\(list.standardError)")
        let sessions = try #require(try JSONSerialization.jsonObject(with: Data(list.standardOutput.utf8)) as? [[String: Any]])
        for session in sessions where session["complete"] as? Bool == true {
            #expect(session["lines"] as? Int == 93_954)
        }
        // Importing again completes it.
        let again = try ApogeeProcess.run(["import", usdm, "--db", db])
        #expect(again.status == 0, "\(again.standardError)")
        let replay = try ApogeeProcess.run(["replay", again.standardOutput.contains("already there") ? "1" : "\(sessions.count + 1)", "--db", db, "--headless", "--json"])
        #expect(replay.standardOutput.contains(#""events":93954"#))
    }

    @Test("a database locked by another writer: a clear message, nothing lost")
    func locked() throws {
        let db = try scratch() + "/locked.sqlite"
        #expect(try ApogeeProcess.run(["import", spotETH, "--db", db]).status == 0)
        let holder = try ApogeeProcess.spawnDetached(["/usr/bin/env", "python3", "-c", "import sqlite3, time; c = sqlite3.connect('\(db)', isolation_level=None); c.execute('BEGIN EXCLUSIVE'); open('\(db).held', 'w').close(); time.sleep(12)"])
        defer { kill(holder, SIGKILL); var status: Int32 = 0; waitpid(holder, &status, 0) }
        Poll.until(seconds: 10) { FileManager.default.fileExists(atPath: db + ".held") }
        let blocked = try ApogeeProcess.run(["import", usdm, "--db", db])
        #expect(blocked.status == 1)
        #expect(blocked.standardError.contains("locked by another writer"), "\(blocked.standardError)")
        kill(holder, SIGKILL)
        let after = try ApogeeProcess.run(["sessions", "--db", db, "--json"])
        #expect(after.standardOutput.contains("\"symbols\":\"ETHUSDT\""))
    }

}
