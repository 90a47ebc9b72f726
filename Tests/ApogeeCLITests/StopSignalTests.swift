import Foundation
import Testing

/// Ctrl-C and SIGTERM on the long batch commands, in a real terminal: the run stops at
/// the next event, says what it did, keeps what should be kept, and exits 128 + N.
@Suite("Stopping a long run with a signal")
struct StopSignalTests {
    let apogee = ApogeeProcess.executable
    let usdm = TmuxSession.checkout + "/../shared/data/binance/usdm_btcusdt_20240808.gz"

    @Test("Ctrl-C during a backtest's Monte Carlo: the report so far, INTERRUPTED, saved as interrupted, exit 130")
    func backtestCtrlC() throws {
        // `trap : INT`: the shell around apogee (in the same process group) lives on
        // to print apogee's status; apogee itself gets the default handling back.
        let session = try TmuxSession(command: "trap : INT; \(apogee) backtest --strategy mshot --data \(usdm) --monte-carlo 400", environment: ["LANG": "C.UTF-8"])
        // The progress line shows the handlers are in place (they are installed first).
        try session.wait(timeout: 120) { $0.contains("monte carlo:") || $0.contains("backtest:") }
        try session.send("C-c")
        let after = try session.wait(timeout: 60) { $0.contains("apogee exited with status") }
        #expect(after.contains("apogee exited with status 130"), "\(after)")
        #expect(after.contains("INTERRUPTED by SIGINT"))
        #expect(after.contains("saved as interrupted"))
        let runs = try ApogeeProcess.run(["runs", "--db", session.scratch + "/data/apogee/apogee.sqlite"])
        #expect(runs.status == 0)
        #expect(runs.standardOutput.contains("(interrupted by SIGINT)"), "\(runs.standardOutput)")
    }

    @Test("SIGTERM during an import: the half-imported file is removed, exit 143")
    func importTerm() throws {
        let session = try TmuxSession(command: "\(apogee) import \(usdm)", environment: ["LANG": "C.UTF-8"])
        try session.wait(timeout: 120) { $0.contains("import ") && $0.contains("%") }
        let pid = try #require(try session.childPID(named: "apogee"))
        kill(pid, SIGTERM)
        let after = try session.wait(timeout: 60) { $0.contains("apogee exited with status") }
        #expect(after.contains("apogee exited with status 143"), "\(after)")
        #expect(after.contains("interrupted by SIGTERM"))
        #expect(after.contains("nothing was kept"))
        let sessions = try ApogeeProcess.run(["sessions", "--db", session.scratch + "/data/apogee/apogee.sqlite"])
        #expect(!sessions.standardOutput.contains("usdm_btcusdt"), "\(sessions.standardOutput)")
    }
}
