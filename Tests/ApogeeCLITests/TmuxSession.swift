import TestFixtures
import Processes
import Foundation
import LiveEngine

/// A real terminal for end-to-end tests: the apogee binary in a tmux session on its own
/// server socket, driven with send-keys and read with capture-pane.
final class TmuxSession {
    let socket = "apogee-test-\(UUID().uuidString.prefix(8))"
    let name = "main"
    let scratch: String

    init(command: String, width: Int = 120, height: Int = 40, environment: [String: String] = [:]) throws {
        scratch = NSTemporaryDirectory() + "apogee-tmux-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        // Each session keeps its database (the order journal) in its own scratch folder
        // unless the test says otherwise; order is fixed so the script is stable.
        var environment = environment
        if environment["XDG_DATA_HOME"] == nil { environment["XDG_DATA_HOME"] = scratch + "/data" }
        let exports = environment.keys.sorted().map { "export \($0)='\(environment[$0]!)';" }.joined(separator: " ")
        // The shell stays after apogee exits, so the test can see what it left behind.
        let script = "\(exports) cd '\(TmuxSession.checkout)' && \(command); echo \"apogee exited with status $?\"; sleep 30"
        try tmux(["new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", "sh", "-c", script])
    }

    deinit { try? tmux(["kill-server"]) }

    static let checkout: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let out = scratch + "/out"
        let status = try ChildProcess.run(["tmux", "-L", socket] + arguments, standardOutput: out, standardError: scratch + "/err")
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        guard status == 0 else {
            let error = (try? String(contentsOfFile: scratch + "/err", encoding: .utf8)) ?? ""
            throw TmuxFailure(description: "tmux \(arguments.joined(separator: " ")) exited \(status): \(error)")
        }
        return text
    }

    struct TmuxFailure: Error, CustomStringConvertible { var description: String }

    func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", name]) }

    func send(_ keys: String...) throws { try tmux(["send-keys", "-t", name] + keys) }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
    }

    /// The pid of the program running in the pane's shell.
    func childPID(named program: String) throws -> Int32? {
        let panePID = try tmux(["display-message", "-p", "-t", name, "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let out = scratch + "/pgrep"
        _ = try ChildProcess.run(["pgrep", "-P", panePID, program], standardOutput: out, standardError: nil)
        return (try? String(contentsOfFile: out, encoding: .utf8))?.split(separator: "\n").first.flatMap { Int32($0) }
    }

    /// Polls the screen until `condition` holds (10 s at most); returns the last screen.
    @discardableResult
    func wait(timeout: Double = 15, _ condition: (String) -> Bool) throws -> String {
        var last = ""
        if try Poll.until(seconds: timeout, every: 0.1, { last = try screen(); return condition(last) }) { return last }
        throw TmuxFailure(description: "timed out; the screen was:\n\(last)")
    }
}
