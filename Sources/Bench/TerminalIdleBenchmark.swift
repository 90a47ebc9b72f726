import Foundation

/// `apogee bench --terminal-idle`: the CPU the full-screen terminal takes replaying the
/// bundled demo at 1x, and paused, measured on its own process. The terminal needs a
/// real terminal: it runs in a detached tmux session (tmux must be installed), 160x45.
public enum TerminalIdleBenchmark {
    public struct Phase: Sendable {
        public var name: String
        public var cpuSeconds: Double
        public var wallSeconds: Double
        public var percentOfOneCore: Double { wallSeconds > 0 ? cpuSeconds / wallSeconds * 100 : 0 }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func run(seconds: Double) throws -> [Phase] {
        let name = "apogee-bench-\(getpid())"
        let command = "\(BenchChildProcess.executable) --demo bundled --speed 1 --no-journal"
        // Not read: the tmux server it starts keeps any pipe open for as long as it lives.
        guard tmux(["new-session", "-d", "-s", name, "-x", "160", "-y", "45", command], output: false) != nil else {
            throw Failure(description: "tmux could not start the terminal (is tmux installed?)")
        }
        defer { _ = tmux(["kill-session", "-t", name]) }
        guard let pidText = tmux(["list-panes", "-t", name, "-F", "#{pane_pid}"]), let pid = pid_t(pidText.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw Failure(description: "the terminal's process could not be found")
        }
        func measure(_ phase: String) throws -> Phase {
            let start = Date()
            let before = try LiveIdleBenchmark.cpuSeconds(of: pid)
            Thread.sleep(forTimeInterval: seconds)
            let after = try LiveIdleBenchmark.cpuSeconds(of: pid)
            return Phase(name: phase, cpuSeconds: after - before, wallSeconds: Date().timeIntervalSince(start))
        }
        Thread.sleep(forTimeInterval: 3)
        let playing = try measure("replaying at 1x")
        _ = tmux(["send-keys", "-t", name, "Space"])
        Thread.sleep(forTimeInterval: 1)
        let paused = try measure("paused")
        return [playing, paused]
    }

    /// Runs tmux; its standard output, or nil when it failed.
    static func tmux(_ arguments: [String], output read: Bool = true) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tmux"] + arguments
        let output = Pipe()
        process.standardOutput = read ? output : FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = read ? output.fileHandleForReading.readDataToEndOfFile() : Data()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }
}
