import Backtesting
import FakeExchange
import Foundation
import LiveEngine

/// `apogee bench --live-market DIR`: the CPU of a whole quote market's paper session,
/// `apogee live --quote USDT --paper --headless --strategy mshot` (its own process,
/// spawned from this one) against the fake exchange serving every recording of DIR
/// (`apogee demo-data --symbols 300 --output DIR`) at 1x with DIR's exchangeinfo.json.
/// Two phases on the same exchange: books only where needed (`--depth screen`, the
/// default with --quote) and every book (`--depth all`). CPU is the child's user +
/// system time from /proc over `seconds`, after it has listed the market and
/// connected (a few seconds).
public enum LiveMarketBenchmark {
    public typealias Phase = LiveIdleBenchmark.Phase

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func run(folder: String, seconds: Double, progress: (String) -> Void = { _ in }) throws -> (symbols: Int, phases: [Phase]) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let files = names.filter { $0.hasSuffix(".gz") }.sorted().map { "\(folder)/\($0)" }
        guard !files.isEmpty else { throw Failure(description: "\(folder) holds no recording (.gz); write a market with `apogee demo-data --symbols 300 --output \(folder)`") }
        var rules = FakeExchangeRules()
        rules.symbols = try ExchangeRulesSource.resolve(explicit: nil, recordings: files).rules
        progress("loading \(files.count) recordings into the fake exchange")
        let exchange = try FakeExchange(recordings: files, speed: 1, shiftTimesToNow: true, rules: rules)
        try exchange.start()
        defer { exchange.stop() }
        var phases: [Phase] = []
        for (name, depth) in [("books only where needed (--depth screen)", "screen"), ("every book (--depth all)", "all")] {
            progress(name)
            let pid = try BenchChildProcess.spawn([BenchChildProcess.executable, "live", "--exchange", "binance", "--quote", "USDT", "--endpoint", "loopback:\(exchange.port)",
                                                   "--paper", "--headless", "--strategy", "mshot", "--no-journal", "--depth", depth])
            defer {
                kill(pid, SIGTERM)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
            }
            usleep(5_000_000)
            let before = try LiveIdleBenchmark.cpuSeconds(of: pid)
            let start = Date()
            usleep(UInt32(seconds * 1_000_000))
            let after = try LiveIdleBenchmark.cpuSeconds(of: pid)
            phases.append(Phase(name: name, cpuSeconds: after - before, wallSeconds: Date().timeIntervalSince(start)))
        }
        return (files.count, phases)
    }
}
