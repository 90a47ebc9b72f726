import FakeExchange
import Foundation
import MarketModel
import LiveEngine
import Storage
import Venues

/// `apogee bench --live-soak`: real orders for minutes against the fake exchange with
/// random faults on the order, cancel and query endpoints (429, 503 before and after
/// carrying the request out, lost answers), from a spawned `apogee live --headless
/// --trade` process. Samples the process's memory, the journal's and the intent log's
/// size, and the exchange's order count every 10 s; at the end sends SIGTERM and times
/// the exit, then compares the journal with the exchange: orders, fills, fees taken in
/// the coin, and the holding.
public enum LiveSoakBenchmark {
    public struct Sample {
        public var seconds: Double
        public var residentKiB: Int
        public var journalBytes: Int64
        public var exchangeOrders: Int
    }

    public struct Result {
        public var samples: [Sample] = []
        public var speed = 1.0
        public var sigtermSeconds = 0.0
        public var exitStatus: Int32 = 0
        public var exchangeOrders = 0
        public var journalIntents = 0
        public var fills = 0
        public var faultsInjected = 0
        /// Exit orders sent in a row on the symbol with no fill between them: a loop
        /// would make this grow without bound.
        public var longestExitRunWithoutFill = 0
        public var exitIntents = 0
        public var rejected = 0
        /// Order journal entries and fill rows at the end.
        public var journalRows = 0
        public var mismatches: [String] = []
        public var summary = ""
    }

    public static func run(file: String, seconds: Double, faultRate: Double, progress: (String) -> Void) throws -> Result {
        let folder = NSTemporaryDirectory() + "apogee-bench-soak-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (keys, account) = try BenchChildProcess.keys(in: folder)
        var result = Result()
        var faults = FakeExchangeFaults()
        faults.randomFaultRate = faultRate
        // Slowed so the recording lasts the soak (it is about six minutes long).
        let probe = try FakeExchange(recording: file, speed: 1)
        let span = probe.recordingSeconds
        result.speed = min(1, max(0.05, span / (seconds + 5)))
        let exchange = try FakeExchange(recording: file, speed: result.speed, faults: faults, account: account, shiftTimesToNow: true)
        try exchange.start()
        defer { exchange.stop() }
        let database = folder + "/soak.sqlite"
        let output = folder + "/summary.json"
        let pid = try BenchChildProcess.spawn([BenchChildProcess.executable, "live", "--exchange", "binance", "--symbols", "ETHUSDT",
                             "--endpoint", "loopback:\(exchange.port)", "--headless", "--trade", "--json", "--strategy", "drops",
                             "--param", "DropsMaxTime=2", "--param", "DropsPriceMA=0", "--param", "DropsPriceDelta=0.01", "--param", "NextDetectPenalty=0.3",
                             "--param", "AutoBuy=YES", "--param", "BuyPrice=0.05", "--param", "SellPrice=0.01", "--param", "StopLoss=-0.02", "--param", "OrderSize=50", "--param", "AutoCancelBuy=1",
                             "--keys", keys, "--db", database], output: output)
        let start = Date()
        while Date().timeIntervalSince(start) < seconds {
            usleep(UInt32(min(10, max(0.1, seconds - Date().timeIntervalSince(start))) * 1_000_000))
            let sample = Sample(seconds: Date().timeIntervalSince(start), residentKiB: residentKiB(of: pid), journalBytes: bytes(database) + bytes(database + "-wal") + intentLogBytes(folder), exchangeOrders: exchange.acceptedOrders.count)
            result.samples.append(sample)
            progress("soak \(Int(sample.seconds)) s / \(Int(seconds)) s: \(sample.exchangeOrders) orders on the exchange, \(sample.residentKiB / 1024) MiB resident, journal \(sample.journalBytes / 1024) KiB, \(exchange.faultsInjected) faults")
        }
        let termAt = Date()
        kill(pid, SIGTERM)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date().timeIntervalSince(termAt) > 30 {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                result.mismatches.append("the session did not exit within 30 s of SIGTERM: killed")
                break
            }
            usleep(10_000)
        }
        result.sigtermSeconds = Date().timeIntervalSince(termAt)
        result.exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        result.summary = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        result.faultsInjected = exchange.faultsInjected
        try compare(exchange, database: database, into: &result)
        return result
    }

    /// The journal against the exchange, order by order.
    public static func compare(_ exchange: FakeExchange, database: String, into result: inout Result) throws {
        let journal = try ApogeeDatabase(path: database).journal(session: 1)
        guard let journal else {
            result.mismatches.append("no journal session 1 in \(database)")
            return
        }
        let accepted = exchange.acceptedOrders
        result.exchangeOrders = accepted.count
        let intents = Set(journal.orders.filter { $0.event == "intent" }.map(\.clientOrderID))
        result.journalIntents = intents.count
        result.fills = journal.fills.count
        result.rejected = journal.orders.filter { $0.event == "rejected" }.count
        result.journalRows = journal.orders.count + journal.fills.count + journal.positions.count
        for order in accepted where !intents.contains(order.clientOrderID) { result.mismatches.append("\(order.clientOrderID) is on the exchange but not journaled") }
        var byOrder: [String: [FillRow]] = [:]
        for fill in journal.fills { byOrder[fill.clientOrderID, default: []].append(fill) }
        for order in accepted {
            let filled = (byOrder[order.clientOrderID] ?? []).reduce(Int64(0)) { $0 + $1.quantity }
            if Quantity(units: filled) != (try? Quantity(parsing: order.executed)) { result.mismatches.append("\(order.clientOrderID): journal filled \(Quantity(units: filled)), exchange \(order.executed)") }
        }
        for charged in exchange.commissions where charged.amount > 0 {
            let parts = byOrder[charged.clientOrderID] ?? []
            let booked = charged.asset == "USDT" ? parts.reduce(Int64(0)) { $0 + $1.fee } : parts.reduce(Int64(0)) { $0 + $1.feeInBase }
            if abs(booked - charged.amount) > Int64(parts.count) { result.mismatches.append("\(charged.clientOrderID): journal fee \(booked), exchange \(charged.amount) \(charged.asset)") }
        }
        let held = journal.fills.reduce(Int64(0)) { $0 + ($1.side == "buy" ? $1.quantity - $1.feeInBase : -$1.quantity) }
        let exchangeHeld = exchange.holding(of: "ETHUSDT").units
        if abs(held - exchangeHeld) > Int64(journal.fills.count) { result.mismatches.append("holding: journal \(Quantity(units: held)), exchange \(Quantity(units: exchangeHeld))") }
        // Exit orders in a row with no fill between them.
        let filledAt = Set(journal.fills.map(\.timeNanoseconds))
        var events: [(time: Int64, exit: Bool)] = journal.orders.filter { $0.event == "intent" && $0.origin.hasPrefix("exits:") }.map { ($0.timeNanoseconds, true) }
        events += filledAt.map { ($0, false) }
        events.sort { $0.time < $1.time }
        var run = 0
        for event in events {
            if event.exit {
                run += 1
                result.exitIntents += 1
                result.longestExitRunWithoutFill = max(result.longestExitRunWithoutFill, run)
            } else {
                run = 0
            }
        }
    }

    public static func residentKiB(of pid: pid_t) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }

    public static func bytes(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    public static func intentLogBytes(_ folder: String) -> Int64 {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.contains("intents") }.reduce(Int64(0)) { $0 + bytes(folder + "/" + $1) }
    }
}
