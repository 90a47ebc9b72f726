import TestFixtures
import Processes
import Foundation
import LiveEngine
import Testing

@Suite("The terminal in a real tmux", .serialized)
struct TerminalEndToEndTests {
    let apogee = ApogeeProcess.executable

    func header(_ screen: String) -> String { screen.split(separator: "\n").first.map(String.init) ?? "" }

    @Test("comes up on the demo data; pause stops the clock; speed keys change the speed shown")
    func replayControls() throws {
        let session = try TmuxSession(command: "\(apogee) --demo bundled --speed 1", environment: ["LANG": "C.UTF-8", "TERM": "xterm-256color"])
        let first = try session.wait { $0.contains("REPLAY") && $0.contains("Book BTCUSDT") }
        #expect(first.contains("Positions & orders"))
        #expect(first.contains("┌"))
        #expect(header(first).contains("1x"))
        try session.send("+")
        try session.wait { self.header($0).contains(" 2x ") }
        try session.send("+")
        try session.wait { self.header($0).contains(" 5x ") }
        try session.send("-")
        try session.wait { self.header($0).contains(" 2x ") }
        try session.send("Space")
        let paused = try session.wait { self.header($0).contains("PAUSED") }
        let clock = header(paused).split(separator: "|")[3]
        // Watched for 1.5 s: the replay's clock never moves while paused.
        let moved = try Poll.until(seconds: 1.5, every: 0.1) { self.header(try session.screen()).split(separator: "|")[3] != clock }
        #expect(!moved, "the clock moved while paused")
        try session.send("q")
        try session.wait { $0.contains("apogee exited with status 0") }
    }

    @Test("a buy hotkey opens a position; quitting with it open asks first; the terminal is restored")
    func buyAndQuit() throws {
        let session = try TmuxSession(command: "\(apogee) --demo bundled --speed 5 --size 0.02", environment: ["LANG": "C.UTF-8"])
        try session.wait { $0.contains("Book BTCUSDT") }
        try session.send("b")
        try session.wait { $0.contains("BTCUSDT   LONG") }
        try session.resize(width: 80, height: 24)
        // The narrow layout puts the book first on the left.
        // Waits for the whole frame: tmux may capture while ncurses is still writing it.
        let titles = ["Book", "Chart", "Positions & orders", "Log", "P&L"]
        let small = try session.wait { screen in
            screen.split(separator: "\n").dropFirst().first?.hasPrefix("┌ Book") == true && titles.allSatisfy { screen.contains($0) }
        }
        #expect(!small.contains("Markets"), "markets collapse at 80 columns")
        try session.send("q")
        try session.wait { $0.contains("Quit anyway? (y/n)") }
        try session.send("y")
        let after = try session.wait { $0.contains("apogee exited with status 0") }
        #expect(!after.contains("REPLAY |"), "the screen was restored")
    }

    @Test("the kill switch hotkey asks, then cancels every order and halts with the position kept; resume trades again")
    func killSwitch() throws {
        let session = try TmuxSession(command: "\(apogee) --demo bundled --speed 5 --size 0.02 --no-journal", width: 160, height: 45, environment: ["LANG": "C.UTF-8"])
        try session.wait { $0.contains("Book BTCUSDT") }
        try session.send("b")
        // The buy fills and the shared exits rest a take profit.
        try session.wait { $0.contains("BTCUSDT   LONG") && $0.contains("exits:take-pro") }
        try session.send("K")
        try session.wait { $0.contains("KILL SWITCH: cancel every order and halt?") }
        try session.send("y")
        // The take profit's row leaves the orders panel (the log still names it).
        // The frame with HALTED can come before the one with the command's answer on the
        // status row (a loaded machine showed it): wait for both.
        let killed = try session.wait { self.header($0).contains("HALTED") && !$0.contains("BTCUSDT   SELL") && $0.contains("KILL SWITCH: 1 order cancelled, trading HALTED") }
        #expect(killed.contains("BTCUSDT   LONG"), "the position is kept")
        // Orders stay refused while HALTED; resume brings trading (and the exits) back.
        try session.send(":")
        try session.send("resume", "Enter")
        try session.wait { self.header($0).contains("ACTIVE") && $0.contains("exits:take-pro") }
        try session.send("q")
        try session.wait { $0.contains("Quit anyway? (y/n)") }
        try session.send("y")
        try session.wait { $0.contains("apogee exited with status 0") }
    }

    @Test("sorting the markets by 5m delta while replaying never moves the hotkeys' coin: the status row names it all along, and a buy lands on it")
    func sortKeepsTarget() throws {
        let session = try TmuxSession(command: "\(apogee) --demo bundled --speed 10 --size 0.002 --no-journal", width: 160, height: 45, environment: ["LANG": "C.UTF-8"])
        try session.wait { $0.contains("Markets by symbol") && $0.contains("[BTCUSDT]") }
        // The markets table's rows (its left column), top to bottom.
        func rows(_ screen: String) -> [String] {
            screen.split(separator: "\n").compactMap { line in ["BTCUSDT", "ETHUSDT", "SOLUSDT"].first { line.hasPrefix("│" + $0) } }
        }
        try session.send(":")
        try session.send("sort 5m", "Enter")
        // BTC, first by symbol, has the smallest 5m move of the three: it leaves the top
        // row, where a row-bound cursor would have stayed.
        let sorted = try session.wait { $0.contains("Markets by 5m") && rows($0).first != "BTCUSDT" && rows($0).count == 3 }
        #expect(sorted.contains("[BTCUSDT]"), "\(sorted)")
        // Two seconds of a moving market, rows re-sorted as deltas change: the target stays.
        let lost = try Poll.until(seconds: 2, every: 0.1) { !(try session.screen()).contains("[BTCUSDT]") }
        #expect(!lost, "the hotkeys' coin changed while the table re-sorted")
        try session.send("b")
        let bought = try session.wait { $0.contains("BTCUSDT   LONG") }
        #expect(!bought.contains("ETHUSDT   LONG") && !bought.contains("SOLUSDT   LONG"), "only the selected coin was bought")
        try session.send("q")
        try session.wait { $0.contains("Quit anyway? (y/n)") }
        try session.send("y")
        try session.wait { $0.contains("apogee exited with status 0") }
    }

    @Test("apogee with no arguments: the 40-symbol demo market is written on first run, saying so, and reused after; the markets table lists its coins")
    func firstRunDemoMarket() throws {
        let data = NSTemporaryDirectory() + "apogee-first-run-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: data) }
        let folder = data + "/apogee/demo-market-40x480-s2026"
        for run in ["first", "second"] {
            let session = try TmuxSession(command: "\(apogee) --no-journal 2>'\(data)/\(run).txt'", width: 160, height: 45, environment: ["LANG": "C.UTF-8", "XDG_DATA_HOME": data])
            // Writing forty symbols takes a few seconds (more in a debug build on a busy machine).
            let screen = try session.wait(timeout: 180) { $0.contains("Markets by symbol") && $0.contains("C001USDT") && $0.contains("Book BTCUSDT") }
            #expect(screen.contains("C010USDT"), "the table lists the generated coins")
            try session.send("q")
            try session.wait { $0.contains("apogee exited with status 0") }
            let written = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".gz") }
            #expect(written.count == 40)
            let said = (try? String(contentsOfFile: "\(data)/\(run).txt", encoding: .utf8)) ?? ""
            if run == "first" {
                #expect(said.contains("writing the demo market into \(folder) (first run only): 40/40 symbols"), "\(said)")
            } else {
                #expect(!said.contains("writing the demo market"), "the second run reuses the market: \(said)")
            }
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: data + "/apogee")
        #expect(!left.contains { $0.contains(".partial-") }, "no scratch folder is left behind: \(left)")
    }

    @Test("installed (the binary copied into a bin folder, as scripts/install.sh does) and run from an empty folder: the demo market opens with the built-in themes and keymaps")
    func installedFromAnywhere() throws {
        let root = NSTemporaryDirectory() + "apogee-installed-" + UUID().uuidString
        let bin = root + "/bin"
        let empty = root + "/empty"
        for folder in [bin, empty, root + "/config", root + "/data"] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.copyItem(atPath: apogee, toPath: bin + "/apogee")
        let session = try TmuxSession(command: "cd '\(empty)' && '\(bin)/apogee' --no-journal --theme light --keymap vim", width: 160, height: 45,
                                      environment: ["LANG": "C.UTF-8", "XDG_DATA_HOME": root + "/data", "XDG_CONFIG_HOME": root + "/config", "HOME": root])
        let screen = try session.wait(timeout: 180) { $0.contains("Markets by symbol") && $0.contains("C001USDT") && $0.contains("Book BTCUSDT") }
        #expect(screen.contains("REPLAY"))
        try session.send("q")
        try session.wait { $0.contains("apogee exited with status 0") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty).isEmpty, "nothing written into the folder it ran from")
    }

    @Test("plain ASCII under LANG=C, and 8 colours under TERM=xterm")
    func asciiFallback() throws {
        let session = try TmuxSession(command: "\(apogee) --demo bundled --paused", environment: ["LANG": "C", "LC_ALL": "C", "TERM": "xterm"])
        let screen = try session.wait { $0.contains("Book BTCUSDT") }
        #expect(screen.contains("+-"))
        #expect(!screen.contains("┌"))
        try session.send("q")
        try session.wait { $0.contains("apogee exited with status 0") }
    }

    @Test("SIGTERM and SIGHUP leave a usable terminal", arguments: ["TERM", "HUP"])
    func signals(signal: String) throws {
        let session = try TmuxSession(command: "\(apogee) --demo bundled --paused", environment: ["LANG": "C.UTF-8"])
        try session.wait { $0.contains("Book BTCUSDT") }
        let pid = try #require(try session.childPID(named: "apogee"))
        _ = try ChildProcessShim.kill(pid, signal)
        let after = try session.wait { $0.contains("apogee exited with status") }
        #expect(!after.contains("REPLAY |"))
    }
}

enum ChildProcessShim {
    static func kill(_ pid: Int32, _ signal: String) throws -> Int32 {
        try Processes.ChildProcess.run(["kill", "-\(signal)", "\(pid)"])
    }
}
