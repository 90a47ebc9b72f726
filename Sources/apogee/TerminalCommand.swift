import Terminal
import Backtesting
import Recording
import Foundation
import ArgumentParser
import LiveEngine
import Simulation
import Strategies

/// Options shared by every command that opens the full-screen view.
struct ViewOptions: ParsableArguments {
    @Option(help: "Theme: dark, light, mono, high-contrast, or a .toml path.")
    var theme = "dark"

    @Option(help: "Keymap: default, vim, or a .toml path.")
    var keymap = "default"

    @Option(help: "Replay speed: 1, 2, 5, 10, 100, 1000, or 0 for flat out.")
    var speed = 1

    @Flag(help: "Start paused.")
    var paused = false

    @Option(name: .customLong("size"), help: "Order size of the buy and sell hotkeys.")
    var orderSize = "0.01"

    @Option(name: .customLong("strategy"), help: "A strategy to run, with its default parameters (repeatable; default ema-reversal).")
    var strategies: [String] = []

    @Option(name: .customLong("config"), help: "A TOML strategy file: every enabled [[strategy]] runs (see docs/strategies.md).")
    var config: String?

    @Flag(name: .customLong("no-journal"), help: "Do not write the session's orders, fills and positions to the database.")
    var noJournal = false

    @OptionGroup var risk: RiskOptions

    /// Every option checked before anything runs, headless or not: a headless replay
    /// used to accept an unknown --strategy, theme or --size and ignore it silently.
    func validate() throws {
        guard speed >= 0 else { throw ValidationError("--speed must be 0 (flat out) or more (got \(speed))") }
        guard let size = Double(orderSize), size.isFinite, size > 0 else {
            throw ValidationError("--size must be a positive quantity, like 0.01 (got \(orderSize))")
        }
        for name in strategies where StrategyCatalog.entry(named: name) == nil {
            throw ValidationError("--strategy \(name): unknown strategy (known: \(StrategyCatalog.entries.map(\.name).joined(separator: ", ")))")
        }
        do {
            _ = try Assets.theme(theme)
        } catch {
            throw ValidationError("--theme: \(error)")
        }
        do {
            _ = try Assets.keymap(keymap)
        } catch {
            throw ValidationError("--keymap: \(error)")
        }
        if let config {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: config, isDirectory: &isFolder) else { throw ValidationError("--config \(config): no such file") }
            guard !isFolder.boolValue else { throw ValidationError("--config \(config) is a folder; give a .toml strategy file") }
        }
    }

    func open(_ files: [String], database: String? = nil, redis: RedisOption) throws {
        var options = TerminalApp.Options(files: files)
        options.mirror = try redis.start()
        options.database = database
        options.theme = theme
        options.keymap = keymap
        options.speed = max(0, speed)
        options.paused = paused
        options.orderSize = orderSize
        options.strategies = strategies
        options.journal = !noJournal
        options.strategyFile = try config.map(Self.loadStrategyFile)
        options.risk = try risk.applied(over: options.strategyFile)
        do {
            try TerminalApp.run(options)
        } catch {
            StandardError.write("apogee: \(error)\n")
            throw ExitStatus.failure
        }
    }
}

extension ViewOptions {
    /// A `--config` strategy file, or a message saying why it cannot be used.
    static func loadStrategyFile(_ path: String) throws -> StrategyFile {
        do {
            return try StrategyFile(path: path, text: try TextFile.read(path, what: "strategy file"))
        } catch let failure as StrategyFile.Failure {
            StandardError.write("apogee: \(failure)\n")
            throw ExitStatus.failure
        } catch {
            StandardError.write("apogee: \(error)\n")
            throw ExitStatus.failure
        }
    }
}

struct TerminalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "terminal",
        abstract: "Open the full-screen terminal replaying the demo market (the default).",
        discussion: """
            Shows the markets table, order book, chart, positions, P&L, strategies and \
            log of a replay, with the hotkeys of the keymap (press ? for them). The demo \
            market is 40 synthetic spot symbols over eight minutes (BTC and 39 coins with \
            their own ticks and lots, a few pumps, wicks and drops), written from a fixed \
            seed into $XDG_DATA_HOME/apogee/ on first run (about 18 MB, a few seconds) and \
            reused after. `--demo bundled` replays the three symbols in data/demo_*.gz \
            instead.
            """)

    enum Demo: String, ExpressibleByArgument, CaseIterable {
        case market, bundled
    }

    @Option(help: "Which demo: market (40 symbols, generated on first run) or bundled (BTC, ETH, SOL from data/).")
    var demo = Demo.market

    @OptionGroup var view: ViewOptions

    @OptionGroup var redis: RedisOption

    @OptionGroup var database: DatabaseOption

    func run() throws {
        // Said before the demo market is written, not after.
        guard isatty(0) == 1, isatty(1) == 1 else {
            StandardError.write("apogee: the full-screen view needs a terminal on stdin and stdout; for a report without one, use `apogee replay FILE... --headless`\n")
            throw ExitStatus.failure
        }
        var files: [String] = []
        if demo == .market {
            let folder = FirstRunDemo.folder()
            do {
                files = try FirstRunDemo.recordings(in: folder) { done, total in
                    StandardError.write("\rapogee: writing the demo market into \(folder) (first run only): \(done)/\(total) symbols" + (done == total ? "\n" : ""))
                }
            } catch {
                StandardError.write("\napogee: \(error); opening the bundled three-symbol demo instead\n")
            }
        }
        if files.isEmpty { files = Assets.demoRecordings() }
        guard !files.isEmpty else {
            StandardError.write("apogee: no demo recording (data/demo_*.gz); create it with `apogee demo-data`\n")
            throw ExitStatus.failure
        }
        try view.open(files, database: database.path, redis: redis)
    }
}

struct DemoDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-data",
        abstract: "Write the synthetic demo recording (deterministic for a seed).")

    @Option(help: "Folder to write the files into (one per symbol).")
    var output = "data"

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 2026

    @Option(help: "Length in seconds.")
    var seconds = 480

    @Option(help: "Write a whole synthetic quote market of this many symbols instead (BTC and altcoins priced 0.0001 to 99,999 with their own ticks and lots, following BTC, with injected pumps, wicks and drops listed in truth.jsonl; exchangeinfo.json beside). 0: the three-symbol demo.")
    var symbols = 0

    @Flag(help: "Write the 20-minute spike scenario instead (a pump, a wick, a fast drop; for the MoonBot strategies): spot_spikeusdt_scenario.gz.")
    var spikes = false

    func run() throws {
        // The folder is made if missing (it used to fail with "the file doesn't exist").
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        } catch {
            StandardError.write("apogee: cannot make the folder \(output): \(error.localizedDescription)\n")
            throw ExitStatus.failure
        }
        if spikes {
            do {
                print("wrote \(try DemoData.writeSpikeScenario(to: output, seed: seed == 2026 ? 7 : seed))")
            } catch {
                StandardError.write("apogee: \(error)\n")
                throw ExitStatus.failure
            }
            return
        }
        if symbols > 0 {
            guard symbols <= 2_000, seconds >= 120 else {
                StandardError.write("apogee: --symbols takes 1 to 2000 and --seconds at least 120\n")
                throw ExitStatus.failure
            }
            do {
                let market = SyntheticMarket(seed: seed, symbols: symbols, seconds: seconds)
                let total = market.listings.count
                let written = try DemoData.writeSyntheticMarket(market, to: output) { done in
                    if done % 10 == 0 || done == total { StandardError.write("\rwriting symbols: \(done)/\(total)") }
                }
                StandardError.write("\n")
                print("wrote \(written.paths.count) files in \(output): \(written.lines) lines, \(written.bytes) bytes; \(market.events.count) injected events in \(output)/truth.jsonl; rules in \(output)/exchangeinfo.json")
            } catch {
                StandardError.write("apogee: \(error)\n")
                throw ExitStatus.failure
            }
            return
        }
        do {
            let written = try DemoData.write(to: output, seed: seed, seconds: seconds)
            print("wrote \(written.paths.joined(separator: ", ")): \(written.lines) lines, \(written.bytes) bytes")
        } catch {
            StandardError.write("apogee: \(error)\n")
            throw ExitStatus.failure
        }
    }
}
