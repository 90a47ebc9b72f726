import Bench
import Backtesting
import Recording
import VenueClients
import ArgumentParser
import FakeExchange
import Foundation
import RedisMirror
import Simulation
import Strategies
import Synchronization
import Venues
import LiveEngine
import MarketModel

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure replay speed against gzip decompression of the same file.",
        discussion: """
            Runs, in this one process and on this machine: `gzip -dc FILE > /dev/null` \
            (the floor: decompression alone), Apogee's reader alone (inflate and split \
            lines), the full headless replay (parse, books, audit), and a backtest of the \
            reference strategy (parse, book, kernel, simulated venue). Prints the median \
            of each over --runs, the ratio replay / gzip and the ratio backtest / replay. Build with -c release for \
            meaningful figures.
            """)

    @Argument(help: "Recording to measure.")
    var file = "../shared/data/binance/usdm_btcusdt_20240808.gz"

    @Option(help: "Repetitions; medians are reported (--live-latency: the orders of all runs are pooled).")
    var runs = 5

    @Flag(help: "Print the figures as JSON.")
    var json = false

    @Flag(help: "Measure one frame of the terminal instead: snapshot, render and diff of a 200x60 screen with a full book.")
    var frame = false

    @Flag(name: .customLong("hot-loop"), help: "Measure the backtest's hot loop instead: read and decode once, then books alone, kernel and venue, and the whole backtest, in level changes + trades per second. FILE may be a session id with --db.")
    var hotLoop = false

    @Flag(name: .customLong("live-latency"), help: "Measure frame-to-order latency instead: a strategy trading FILE played live by the fake exchange on loopback; p50/p99 from a market frame's arrival to its order request on the socket.")
    var liveLatency = false

    @Flag(name: .customLong("handoff"), help: "Measure what handing a market frame to the engine's owner costs instead: the engine's lock taken on the network thread (today), a Swift actor, a single-owner thread with a mailbox; p50/p99 from hand-over to the owner starting on it.")
    var handoff = false

    @Flag(name: .customLong("fake-at-same-priority"), help: "With --live-latency: run the fake exchange's threads at the session's priority. By default they run at nice 19, so that on a small machine the exchange's side does not take the CPU the session needs (a real exchange is another machine).")
    var fakeAtSamePriority = false

    @Flag(name: .customLong("live-idle"), help: "Measure the CPU of a live trading session with two symbols (ETHUSDT, BTCUSDT) instead: a quiet market, then FILE streaming at 1x, and with FILE,FILE2 both streaming, each for --seconds.")
    var liveIdle = false

    @Option(name: .customLong("live-market"), help: ArgumentHelp("Measure the CPU of a whole quote market's paper session instead: `apogee live --quote USDT --paper --headless --strategy mshot` against the fake exchange serving every recording of DIR at 1x (write one with `apogee demo-data --symbols 300 --output DIR`), books only where needed, then every book, each for --seconds.", valueName: "DIR"))
    var liveMarket: String?

    @Flag(name: .customLong("terminal-idle"), help: "Measure the CPU of the full-screen terminal instead: the bundled demo replayed at 1x, then paused, each for --seconds (in a detached tmux, 160x45).")
    var terminalIdle = false

    @Option(help: "Seconds each phase of --live-idle, --live-market and --terminal-idle is measured.")
    var seconds = 20.0

    @Flag(name: .customLong("live-soak"), help: "Soak the order path instead: a strategy trading FILE (spot ETHUSDT) live against the fake exchange for --minutes, with random faults on the order, cancel and query endpoints; memory, journal growth, SIGTERM and the journal against the exchange.")
    var liveSoak = false

    @Option(help: "Minutes of --live-soak.")
    var minutes = 10.0

    @Option(name: .customLong("fault-rate"), help: "With --live-soak: the share of order, cancel and query requests hit by a fault (0…1).")
    var faultRate = 0.1

    @Option(name: .customLong("db"), help: "Database for a session id given as FILE (with --hot-loop).")
    var database: String?

    @Option(name: .customLong("redis"), help: ArgumentHelp("Measure the Redis mirror instead: replay throughput with the mirror on against off, alternating runs.", valueName: "redis://host:port/db"))
    var redis: String?

    @Flag(help: "Score the detectors instead: FILE is a folder `apogee demo-data --symbols N` wrote; Pump, MoonStrike and Drops run detect-only over every symbol and their detects are matched with truth.jsonl (recall, precision, cross-detects, noise).")
    var detectors = false

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
    }

    func run() throws {
        if detectors {
            try scoreDetectors(folder: file)
            return
        }
        if handoff {
            print("hand-over of a market frame to the engine's owner, \(20_000) frames with the owner idle, from hand-over to the owner starting on it:")
            for figures in HandoffBenchmark.run() {
                print("  \(figures.name.padding(toLength: 7, withPad: " ", startingAt: 0)) p50 \(round1(Double(figures.p50) / 1000)) µs   p99 \(round1(Double(figures.p99) / 1000)) µs")
            }
            return
        }
        if liveSoak {
            try benchmarkSoak()
            return
        }
        if terminalIdle {
            do {
                print("apogee (the terminal on the bundled demo) in tmux 160x45, CPU of its process over \(Int(seconds)) s per phase:")
                for phase in try TerminalIdleBenchmark.run(seconds: seconds) {
                    print("  \(phase.name): \(round3(phase.cpuSeconds)) s CPU in \(round1(phase.wallSeconds)) s = \(round3(phase.percentOfOneCore)) % of one core")
                }
            } catch {
                StandardError.write("apogee: \(error)\n")
                throw ExitStatus.failure
            }
            return
        }
        if let liveMarket {
            do {
                let result = try LiveMarketBenchmark.run(folder: liveMarket, seconds: seconds) { StandardError.write("bench: \($0)\n") }
                print("apogee live --quote USDT --paper --headless (mshot) on the \(result.symbols)-symbol market of \(liveMarket) at 1x, CPU of the session's process over \(Int(seconds)) s per phase:")
                for phase in result.phases {
                    print("  \(phase.name): \(round3(phase.cpuSeconds)) s CPU in \(round1(phase.wallSeconds)) s = \(round3(phase.percentOfOneCore)) % of one core")
                }
            } catch {
                StandardError.write("apogee: \(error)\n")
                throw ExitStatus.failure
            }
            return
        }
        if liveIdle {
            do {
                print("apogee live --headless --trade (ema-reversal) on ETHUSDT,BTCUSDT against the fake exchange, CPU of the session's process over \(Int(seconds)) s per phase:")
                for phase in try LiveIdleBenchmark.run(file: file, seconds: seconds) {
                    print("  \(phase.name): \(round3(phase.cpuSeconds)) s CPU in \(round1(phase.wallSeconds)) s = \(round3(phase.percentOfOneCore)) % of one core")
                }
            } catch {
                StandardError.write("apogee: \(error)\n")
                throw ExitStatus.failure
            }
            return
        }
        if frame {
            do {
                let figures = try FrameBenchmark.run(file: file)
                print("\(figures.width)x\(figures.height) frame, median of \(figures.frames): snapshot+render+diff \(round1(figures.frameMedian)) µs (render \(round1(figures.renderMedian)) µs, diff \(round1(figures.diffMedian)) µs)")
            } catch {
                StandardError.write("apogee: \(error)\n")
                throw ExitStatus.failure
            }
            return
        }
        if let redis {
            try benchmarkMirror(redis)
            return
        }
        if hotLoop {
            try benchmarkHotLoop()
            return
        }
        if liveLatency {
            try benchmarkLiveLatency()
            return
        }
        let line = ProgressLine()
        let figures: ReplayBenchmark.Figures
        do {
            figures = try ReplayBenchmark.run(file: file, runs: runs) { line.show($0) }
        } catch {
            line.clear()
            StandardError.write("apogee: \(error)\n")
            throw ExitStatus.failure
        }
        line.clear()
        if json {
            var out = JSONWriter()
            out.beginObject()
            out.value("file", figures.file)
            out.value("runs", figures.runs)
            out.value("lines", figures.lines)
            out.value("events", figures.events)
            out.value("gzip_s", figures.gzipSeconds, places: 4)
            out.value("reader_s", figures.readerSeconds, places: 4)
            out.value("replay_s", figures.replaySeconds, places: 4)
            out.value("ratio_to_gzip", figures.ratioToGzip, places: 3)
            out.value("ns_per_event", figures.nanosecondsPerEvent, places: 1)
            out.value("backtest_s", figures.backtestSeconds, places: 4)
            out.value("backtest_to_replay", figures.backtestToReplay, places: 3)
            out.value("events_per_s", figures.eventsPerSecond, places: 0)
            out.value("peak_rss_mb", Double(figures.peakResidentBytes) / 1_048_576, places: 1)
            out.endObject()
            print(out.text)
        } else {
            print("""
                \(figures.file): \(figures.lines) lines, \(figures.events) events, median of \(figures.runs) runs
                  gzip -dc > /dev/null   \(ms(figures.gzipSeconds))
                  reader (inflate+lines) \(ms(figures.readerSeconds))
                  replay (parse+book+audit) \(ms(figures.replaySeconds))  = \(round3(figures.ratioToGzip))x gzip, \(round1(figures.nanosecondsPerEvent)) ns/event, \(Int(figures.eventsPerSecond)) events/s
                  backtest (ema-reversal)   \(ms(figures.backtestSeconds))  = \(round3(figures.backtestToReplay))x replay
                  peak RSS of this process: \(round1(Double(figures.peakResidentBytes) / 1_048_576)) MB
                """)
        }
    }

    /// `--runs` sessions, each a fresh fake exchange playing FILE at 10x to a
    /// hair-trigger Drops; the orders of all runs are pooled, so p99 rests on a few
    /// hundred orders rather than the fifty or so of one run (where it is the maximum).
    private func benchmarkLiveLatency() throws {
        let symbol = (try? RecordingReader(path: file)).flatMap { _ in file.split(separator: "/").last.map(String.init) } ?? ""
        let name = symbol.split(separator: "_").dropFirst().first.map { $0.uppercased() } ?? "BTCUSDT"
        var samples: [Int64] = []
        var stages: [OrderStages] = []
        var (framesOnArrival, framesWaited) = (0, 0)
        let line = ProgressLine()
        for run in 1...max(1, runs) {
            line.show("run \(run) of \(max(1, runs)): \(file) at 10x, \(samples.count) orders so far")
            let outcome = try liveLatencyRun(symbol: name)
            samples += outcome.frameToOrder
            stages += outcome.orderStages
            framesOnArrival += outcome.framesOnArrival
            framesWaited += outcome.framesWaited
        }
        line.clear()
        samples.sort()
        guard !samples.isEmpty else {
            StandardError.write("apogee: the strategy sent no order; nothing to measure\n")
            throw ExitStatus.failure
        }
        func percentile(_ p: Double) -> Double { Double(samples[min(samples.count - 1, Int(Double(samples.count - 1) * p))]) / 1000 }
        print("""
            \(file) played at 10x by the fake exchange on loopback (its threads at \(fakeAtSamePriority ? "the session's priority" : "nice 19")), Drops on \(name): \(samples.count) orders in \(max(1, runs)) run(s)
              market frame arrival -> order request written to the socket (parse, book, kernel, strategy, risk, intent log, signing, write)
              p50 \(round1(percentile(0.5))) µs   p90 \(round1(percentile(0.9))) µs   p99 \(round1(percentile(0.99))) µs   max \(round1(Double(samples.last!) / 1000)) µs
            """)
        // Each stage's own distribution (their medians need not add up to the total's).
        func stage(_ name: String, _ values: [Int64]) -> String {
            let sorted = values.sorted()
            func at(_ p: Double) -> Double { round1(Double(sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]) / 1000) }
            return "  \(name.padding(toLength: 48, withPad: " ", startingAt: 0)) p50 \(at(0.5)) µs   p99 \(at(0.99)) µs"
        }
        if !stages.isEmpty {
            print(stage("frame waits for the engine", stages.map(\.wake)))
            print(stage("parse, book, kernel, strategy, risk", stages.map(\.decide)))
            print(stage("intent made durable (mapped intent log)", stages.map(\.commit)))
            print(stage("build, sign, write to the socket", stages.map(\.send)))
        }
        let frames = framesOnArrival + framesWaited
        print("  market frames handled on the feed's thread as they arrived: \(framesOnArrival) of \(frames) (\(frames == 0 ? 0 : framesOnArrival * 100 / frames) %); the rest found the engine busy and waited for the session thread")
    }

    /// One session against a fresh fake exchange, to the end of the recording.
    private func liveLatencyRun(symbol name: String) throws -> LiveTradingSession.Outcome {
        let account = APICredentials(key: "bench-key-0123456789", secret: "bench-secret-0123456789")
        let folder = NSTemporaryDirectory() + "apogee-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let exchange = try FakeExchange(recording: file, speed: 10, account: account)
        try exchange.start()
        defer { exchange.stop() }
        if !fakeAtSamePriority { try exchange.yieldCPUToClients() }
        let parameters: [(key: String, value: ParameterValue, source: String)] = [
            ("DropsMaxTime", .integer(2), "bench"), ("DropsPriceMA", .integer(0), "bench"), ("DropsPriceDelta", .number(0.01), "bench"),
            ("NextDetectPenalty", .number(0.05), "bench"), ("AutoBuy", .flag(true), "bench"), ("BuyPrice", .number(-1), "bench"), ("AutoCancelBuy", .number(0.2), "bench"),
        ]
        let settled = Mutex<Date?>(nil)
        var options = LiveTradingSession.Options(symbols: [name], connection: .loopback(port: exchange.port), credentials: account, strategies: [("drops", parameters)], stopWhen: {
            guard exchange.finished else { return false }
            return settled.withLock { first in
                if first == nil { first = Date() }
                return Date().timeIntervalSince(first!) > 1
            }
        })
        options.database = folder + "/bench.sqlite"
        do throws(LiveFailure) { return try LiveTradingSession.run(options) } catch {
            StandardError.write("apogee: \(error)\n")
            throw ExitStatus.failure
        }
    }

    private func benchmarkHotLoop() throws {
        let line = ProgressLine()
        let source = Int64(file).map { "session:\($0)" } ?? file
        do {
            let figures = try HotLoopBenchmark.run(source: source, database: database, runs: runs) { line.show($0) }
            line.clear()
            func rate(_ seconds: Double) -> String { seconds > 0 ? "\(Int((Double(figures.items) / seconds / 1e5).rounded()) * 100_000 / 1000) k items/s" : "-" }
            print("""
                \(figures.source): \(figures.events) events = \(figures.levelChanges) level changes + \(figures.trades) trades (\(figures.items) items), median of \(figures.runs)
                  read + decode into memory  \(ms(figures.readSeconds))
                  books alone                \(ms(figures.bookSeconds))  \(rate(figures.bookSeconds))
                  kernel + venue, no strategy \(ms(figures.kernelSeconds))  \(rate(figures.kernelSeconds))
                  backtest (ema-reversal)    \(ms(figures.backtestSeconds))  \(rate(figures.backtestSeconds)) = \(round3(Double(figures.items) / figures.backtestSeconds / 1e6)) M items/s
                """)
        } catch {
            line.clear()
            StandardError.write("apogee: \(error)\n")
            throw ExitStatus.failure
        }
    }

    private func benchmarkMirror(_ text: String) throws {
        let line = ProgressLine()
        do {
            let url = try RedisURL(parsing: text)
            let figures = try MirrorBenchmark.run(file: file, runs: runs, settings: MirrorSettings(url: url, instance: "bench")) { line.show($0) }
            line.clear()
            print("""
                \(figures.file): \(figures.events) events, median of \(figures.runs) runs each
                  replay, mirror off   \(ms(figures.offSeconds))
                  replay, mirror on    \(ms(figures.onSeconds))  (\(url), \(figures.status.writes) pipelines, \(figures.status.tradesWritten) trades, \(figures.status.eventsDropped) events dropped)
                  throughput on/off    \(round3(figures.ratio))
                """)
        } catch {
            line.clear()
            StandardError.write("apogee: \(error)\n")
            throw ExitStatus.failure
        }
    }

    private func benchmarkSoak() throws {
        let line = ProgressLine()
        let soakFile = file.contains("usdm") ? "../shared/data/binance/spot_ethusdt_20240808.gz" : file
        do {
            let result = try LiveSoakBenchmark.run(file: soakFile, seconds: minutes * 60, faultRate: faultRate) { line.show($0) }
            line.clear()
            let first = result.samples.first
            let last = result.samples.last
            let minutesRun = (last?.seconds ?? 0) / 60
            print("""
                soak: \(round1(minutesRun)) min of \(soakFile) at \(round3(result.speed))x, faults on \(Int(faultRate * 100)) % of order/cancel/query requests (\(result.faultsInjected) injected)
                  orders on the exchange      \(result.exchangeOrders) (journal intents \(result.journalIntents), rejected \(result.rejected)), fills \(result.fills)
                  exit orders                 \(result.exitIntents); longest run without a fill between: \(result.longestExitRunWithoutFill)
                  resident memory             \((first?.residentKiB ?? 0) / 1024) MiB at \(Int(first?.seconds ?? 0)) s -> \((last?.residentKiB ?? 0) / 1024) MiB at \(Int(last?.seconds ?? 0)) s
                  journal + intent log        \((first?.journalBytes ?? 0) / 1024) KiB -> \((last?.journalBytes ?? 0) / 1024) KiB (\(Int(Double((last?.journalBytes ?? 0) - (first?.journalBytes ?? 0)) / 1024 / max(minutesRun - (first?.seconds ?? 0) / 60, 0.01))) KiB/min)
                  journal rows per order      \(result.exchangeOrders == 0 ? 0 : round1(Double(result.journalRows) / Double(result.exchangeOrders))) (\(result.journalRows) rows: order entries, fills, position snapshots)
                  SIGTERM to exit             \(Int(result.sigtermSeconds * 1000)) ms (exit status \(result.exitStatus))
                  journal vs exchange         \(result.mismatches.isEmpty ? "equal: orders, fills, fees and the holding" : "\(result.mismatches.count) MISMATCHES")
                """)
            for mismatch in result.mismatches.prefix(20) { print("    \(mismatch)") }
            if !result.summary.isEmpty { print("  session summary: \(result.summary.trimmingCharacters(in: .whitespacesAndNewlines))") }
            if !result.mismatches.isEmpty { throw ExitStatus.failure }
        } catch let code as ExitCode {
            throw code
        } catch {
            line.clear()
            StandardError.write("apogee: \(error)\n")
            throw ExitStatus.failure
        }
    }

    private func ms(_ seconds: Double) -> String { "\(round1(seconds * 1000)) ms" }
    private func round1(_ value: Double) -> Double { (value * 10).rounded() / 10 }
    private func round3(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}

extension BenchCommand {
    /// `--detectors FOLDER`: the synthetic market's files and its truth.jsonl.
    func scoreDetectors(folder: String) throws {
        let truthPath = folder + "/truth.jsonl"
        guard let text = try? String(contentsOfFile: truthPath, encoding: .utf8) else {
            StandardError.write("apogee: \(truthPath) is missing: --detectors takes a folder written by `apogee demo-data --symbols N --output FOLDER`\n")
            throw ExitStatus.failure
        }
        // Seconds since the epoch, scored from time zero.
        var truth: [SyntheticMarket.Event] = []
        for (number, line) in text.split(separator: "\n").enumerated() {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                  let symbol = object["symbol"] as? String, let kind = (object["kind"] as? String).flatMap(SyntheticMarket.Kind.init(rawValue:)),
                  let time = (object["time_ns"] as? NSNumber)?.int64Value else {
                StandardError.write("apogee: \(truthPath):\(number + 1): not a truth line ({\"symbol\",\"kind\",\"time_ns\"})\n")
                throw ExitStatus.failure
            }
            truth.append(SyntheticMarket.Event(symbol: symbol, kind: kind, second: Int(time / 1_000_000_000)))
        }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".gz") }.sorted().map { folder + "/" + $0 }
        guard !files.isEmpty else {
            StandardError.write("apogee: no .gz recording in \(folder)\n")
            throw ExitStatus.failure
        }
        let clock = ContinuousClock()
        let began = clock.now
        let scores = try DetectorScore.score(files: files, truth: truth, start: Timestamp(nanoseconds: 0))
        print("detectors over \(files.count) symbols, \(truth.count) injected events in \((clock.now - began).components.seconds) s):")
        for score in scores { print("  " + score.summary) }
    }
}
