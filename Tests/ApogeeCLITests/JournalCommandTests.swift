import Storage
import TestFixtures
import Foundation
import LiveEngine
import Testing

/// The terminal's order journal, read back with `apogee journal`.
@Suite("apogee journal", .serialized)
struct JournalCommandTests {
    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("kill -9 of a terminal with an open position: the journal keeps the order, its fills and the position, marked incomplete")
    func killedTerminal() throws {
        let folder = NSTemporaryDirectory() + "apogee-journal-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let db = folder + "/journal.sqlite"
        let session = try TmuxSession(command: "\(ApogeeProcess.executable) --demo bundled --db \(db) --speed 5 --size 0.02", environment: ["LANG": "C.UTF-8"])
        try session.wait { $0.contains("Book BTCUSDT") }
        try session.send("b")
        try session.wait { $0.contains("BTCUSDT   LONG") }
        // Until the journal's flush has the fill on disk.
        Poll.until(seconds: 10) { ((try? ApogeeDatabase(path: db).tradingSessions().first?.fills) ?? 0) >= 1 }
        let pid = try #require(try session.childPID(named: "apogee"))
        kill(pid, SIGKILL)
        // kill -9 leaves the screen as it was: wait for the process to be gone instead.
        Poll.until(seconds: 5) { kill(pid, 0) != 0 }

        let list = try ApogeeProcess.run(["journal", "--db", db, "--json"])
        #expect(list.status == 0, "\(list.standardError)")
        let sessions = try #require(try JSONSerialization.jsonObject(with: Data(list.standardOutput.utf8)) as? [[String: Any]])
        #expect(sessions.count == 1)
        #expect(sessions.first?["complete"] as? Bool == false)

        let shown = try ApogeeProcess.run(["journal", "1", "--db", db, "--json"])
        let journal = try object(shown.standardOutput)
        let orders = try #require(journal["orders"] as? [[String: Any]])
        let first = try #require(orders.first)
        #expect(first["client_order_id"] as? String == "apg-1")
        #expect(first["event"] as? String == "intent")
        #expect(first["qty"] as? String == "0.02")
        #expect(orders.contains { $0["client_order_id"] as? String == "apg-1" && $0["event"] as? String == "filled" })
        let fills = try #require(journal["fills"] as? [[String: Any]])
        let bought = fills.filter { $0["client_order_id"] as? String == "apg-1" }.compactMap { Double($0["qty"] as? String ?? "") }.reduce(0, +)
        #expect(abs(bought - 0.02) < 1e-12, "the fills of apg-1 add up to the order")
        let positions = try #require(journal["positions"] as? [[String: Any]])
        #expect(positions.last?["qty"] as? String == "0.02")

        let text = try ApogeeProcess.run(["journal", "--db", db])
        #expect(text.standardOutput.contains("INCOMPLETE"))
    }
}
