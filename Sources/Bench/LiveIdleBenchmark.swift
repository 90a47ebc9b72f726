import FakeExchange
import Foundation
import LiveEngine
import Venues

/// `apogee bench --live-idle`: the CPU a live trading session uses while little
/// happens, measured on the session's own process (`apogee live --headless --trade`
/// with two symbols, spawned from this one) against the fake exchange on loopback.
/// Phases: a quiet market (connected, no frames), one symbol's recording at its real
/// pace (the other symbol silent), and with two recordings (`FILE,FILE2`, the first
/// one's symbol and ETHUSDT or BTCUSDT) both streaming. CPU is the child's user +
/// system time from /proc between two readings `seconds` apart, after a 3 s start-up.
public enum LiveIdleBenchmark {
    public struct Phase {
        public var name: String
        public var cpuSeconds: Double
        public var wallSeconds: Double
        public var percentOfOneCore: Double { cpuSeconds / wallSeconds * 100 }
    }

    public static func run(file: String, seconds: Double) throws -> [Phase] {
        let folder = NSTemporaryDirectory() + "apogee-bench-idle-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (keys, account) = try BenchChildProcess.keys(in: folder)
        var phases: [Phase] = []
        let files = file.split(separator: ",").map(String.init)
        var plan = [("quiet market (connected, no frames)", [files[0]], true), ("one symbol streaming at 1x, one silent", [files[0]], false)]
        if files.count > 1 { plan.append(("both symbols streaming at 1x", Array(files.prefix(2)), false)) }
        for (name, recordings, quiet) in plan {
            let exchange = try FakeExchange(recordings: recordings, speed: 1, account: account, shiftTimesToNow: true)
            exchange.playsOnSubscribe = !quiet
            try exchange.start()
            defer { exchange.stop() }
            let pid = try BenchChildProcess.spawn([BenchChildProcess.executable, "live", "--exchange", "binance", "--symbols", "ETHUSDT,BTCUSDT",
                                 "--endpoint", "loopback:\(exchange.port)", "--headless", "--trade", "--strategy", "ema-reversal", "--keys", keys, "--db", folder + "/\(phases.count).sqlite"])
            defer {
                kill(pid, SIGTERM)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
            }
            usleep(3_000_000)
            let before = try cpuSeconds(of: pid)
            let start = Date()
            usleep(UInt32(seconds * 1_000_000))
            let after = try cpuSeconds(of: pid)
            phases.append(Phase(name: name, cpuSeconds: after - before, wallSeconds: Date().timeIntervalSince(start)))
        }
        return phases
    }

    /// User + system CPU time of a running process, from /proc/PID/stat.
    public static func cpuSeconds(of pid: pid_t) throws -> Double {
        let text = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // The command name (field 2) may hold spaces; fields are counted after its ')'.
        guard let close = text.lastIndex(of: ")") else { throw CocoaError(.fileReadCorruptFile) }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { throw CocoaError(.fileReadCorruptFile) }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
