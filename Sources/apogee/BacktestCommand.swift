import Terminal
import Backtesting
import ArgumentParser
import Foundation
import MarketModel
import LiveEngine
import Simulation
import Storage
import Strategies
import Trading

struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Backtest a strategy on recordings through the kernel and a simulated exchange.",
        discussion: """
            The recordings are replayed in receive order through the same kernel, \
            strategies, exits and risk gate as live trading, against a simulated \
            exchange with feed latency (the exchange matches at exchange time, the \
            strategy sees each event later), order and response latency, queue \
            position at each price, fills only from printed volume, book-walking \
            market orders, fees, futures margin and liquidation. Latencies are fitted \
            from the recording's own clocks unless --feed-latency-ms or \
            --order-latency-ms is given.

            Parameters: defaults, then --config FILE (a TOML file of [[strategy]] \
            entries), then each --param KEY=VALUE. Unknown keys, wrong types and values \
            out of range are errors. --list-params shows them all.

            Several strategies: repeat --strategy. They share one account; the report \
            has a ledger for each. --param NAME.KEY=VALUE sets one strategy's \
            parameter, --param KEY=VALUE every strategy's that has KEY.

            Exchange rules (tick, lot, minimum notional): --exchange-info FILE, else \
            those recorded in the data, else exchangeinfo.json beside the files, else \
            inferred from prices (the report says which).

            --monte-carlo N reruns the backtest N times with randomised latency and \
            queue assumptions (seeded by --seed; both cores) and reports p5/p50/p95 of \
            net P&L and max drawdown; then the same with slippage drawn per rerun (up \
            to --mc-slippage-bps a side), and with each rerun's round trips resampled \
            in another order (a bootstrap: the drawdown a different run of luck \
            gives). The same seed prints the same report.

            SIGINT or SIGTERM stops the run at the next event: the report covers the \
            data so far (and the Monte Carlo reruns that finished) and is saved as \
            interrupted; a second signal ends the process at once.

            Exit status: 0 done; 1 a file is missing, unreadable or wrong; 2 --strict \
            met a malformed line; 64 the command line is wrong (unknown strategy, bad \
            --param); 130/143 stopped by SIGINT/SIGTERM. See docs/exit-status.md.
            """)

    @Option(help: "Strategy to run: mshot, mstrike, hook, drops, pump, channel-split, ema-reversal (see docs/strategies.md). Repeat it to run several in one account, each with its own ledger (default: ema-reversal).")
    var strategy: [String] = []

    @Option(name: .customLong("data"), parsing: .upToNextOption, help: "Recording files (.gz or plain).")
    var data: [String] = []

    @Option(name: .customLong("session"), help: "Stored sessions to backtest on (ids from `apogee sessions`), as well as or instead of --data.")
    var sessions: [Int64] = []

    @OptionGroup var database: DatabaseOption

    @OptionGroup var redis: RedisOption

    @OptionGroup var risk: RiskOptions

    @Option(name: .customLong("param"), help: "A parameter, KEY=VALUE (repeatable).")
    var params: [String] = []

    @Option(help: "TOML strategy file ([[strategy]] entries).")
    var config: String?

    @Option(name: .customLong("monte-carlo"), help: "Monte Carlo runs (0: none).")
    var monteCarlo = 0

    @Option(name: .customLong("mc-slippage-bps"), help: ArgumentHelp("Most slippage a Monte Carlo rerun draws, per side (default 5).", valueName: "BASIS-POINTS"))
    var monteCarloSlippage = 5.0

    @Option(help: "Seed of every random choice.")
    var seed: UInt64 = 7

    @Option(help: "Starting balance in the account currency.")
    var cash: Double = 10_000

    @Option(help: "Futures leverage.")
    var leverage: Int64 = 5

    @Option(name: [.customLong("order-latency-ms"), .customLong("latency-ms")], help: "Order latency each way, in ms (default: fitted from the recording).")
    var latencyMilliseconds: Double?

    @Option(name: .customLong("feed-latency-ms"), help: "Feed latency in ms: how long after the exchange the strategy sees each event, while the simulated exchange matches at exchange time (default: fitted from the recording; 0: off).")
    var feedLatencyMilliseconds: Double?

    @Option(help: "Queue model: conservative, or probabilistic:POWER (1-4).")
    var queue = "conservative"

    @Option(help: "Market of the recordings: spot, usdm or coinm (default: from the file name).")
    var market: MarketKind?

    @Option(name: .customLong("exchange-info"), help: "The exchange's exchangeInfo answer saved as JSON: every order is fitted to its tick, lot and minimum notional (default: exchangeinfo.json beside the recordings, else inferred from prices).")
    var exchangeInfo: String?

    @Flag(help: "Print one JSON object.")
    var json = false

    @Flag(help: "Stop at the first malformed line (exit status 2).")
    var strict = false

    @Flag(name: .customLong("list-params"), help: "List the strategy's parameters and exit.")
    var listParameters = false

    func validate() throws {
        guard monteCarlo >= 0 else { throw ValidationError("--monte-carlo must be 0 or more") }
        guard monteCarloSlippage.isFinite, monteCarloSlippage >= 0 else { throw ValidationError("--mc-slippage-bps must be 0 or more basis points (got \(monteCarloSlippage))") }
        guard cash.isFinite, cash > 0 else { throw ValidationError("--cash must be a positive amount of USDT (got \(cash))") }
        if let latencyMilliseconds, !(latencyMilliseconds.isFinite && latencyMilliseconds >= 0 && latencyMilliseconds <= 60_000) {
            // NaN, infinity and 1e300 used to crash the conversion to nanoseconds.
            throw ValidationError("--order-latency-ms (--latency-ms) must be 0 to 60000 milliseconds (got \(latencyMilliseconds))")
        }
        if let feedLatencyMilliseconds, !(feedLatencyMilliseconds.isFinite && feedLatencyMilliseconds >= 0 && feedLatencyMilliseconds <= 60_000) {
            throw ValidationError("--feed-latency-ms must be 0 to 60000 milliseconds (got \(feedLatencyMilliseconds))")
        }
        guard leverage >= 1, leverage <= 125 else { throw ValidationError("--leverage must be 1...125") }
        if !listParameters, data.isEmpty, sessions.isEmpty { throw ValidationError("name the recordings with --data FILE... or --session ID") }
    }

    func run() throws {
        var entries: [StrategyCatalog.Entry] = []
        for name in strategy.isEmpty ? ["ema-reversal"] : strategy {
            guard let entry = StrategyCatalog.entry(named: name) else {
                StandardError.write("apogee: unknown strategy '\(name)' (known: \(StrategyCatalog.entries.map(\.name).joined(separator: ", ")))\n")
                throw ExitStatus.usage
            }
            guard !entries.contains(where: { $0.name == entry.name }) else {
                StandardError.write("apogee: --strategy \(entry.name) is given twice: each strategy runs once, with one ledger\n")
                throw ExitStatus.usage
            }
            entries.append(entry)
        }
        let entry = entries[0]
        if listParameters {
            for entry in entries {
                print("\(entry.name): \(entry.summary)")
                for spec in entry.specs.sorted(by: { $0.name < $1.name }) {
                    print("  \(spec.name) = \(spec.defaultValue)  \(spec.help)")
                }
            }
            return
        }
        var options = BacktestOptions(files: data + sessions.map { "session:\($0)" }, strategy: entry.name)
        options.database = database.path
        options.seed = seed
        options.initialCash = try Money(parsing: String(format: "%.8f", cash))
        options.leverage = leverage
        options.latencyMilliseconds = latencyMilliseconds
        options.feedLatencyMilliseconds = feedLatencyMilliseconds
        options.monteCarloRuns = monteCarlo
        options.monteCarloSlippageBasisPoints = monteCarloSlippage
        options.market = market
        options.strict = strict
        options.exchangeInfo = exchangeInfo
        options.queue = try parseQueue(queue)
        // Each strategy's parameters: its [[strategy]] entry of --config, then the
        // --param given to it (`NAME.KEY=VALUE`) or to every strategy that has KEY.
        var given: [[(key: String, value: ParameterValue, source: String)]] = Array(repeating: [], count: entries.count)
        var strategyFile: StrategyFile?
        if let config {
            let text: String
            do {
                text = try TextFile.read(config, what: "strategy file")
            } catch {
                StandardError.write("apogee: \(error)\n")
                throw ExitStatus.failure
            }
            do {
                let file = try StrategyFile(path: config, text: text)
                strategyFile = file
                // A file of [risk] alone sets no parameters.
                for (index, entry) in entries.enumerated() where !file.entries.isEmpty {
                    guard let match = file.entries.first(where: { $0.name.lowercased() == entry.name }) else {
                        StandardError.write("apogee: \(config) has no [[strategy]] named \(entry.name)\n")
                        throw ExitStatus.failure
                    }
                    given[index] += match.parameters
                }
            } catch let failure as StrategyFile.Failure {
                StandardError.write("apogee: \(failure)\n")
                throw ExitStatus.failure
            }
        }
        // The risk gate: defaults, then the file's [risk], then the options.
        options.risk = try risk.applied(over: strategyFile)
        for param in params {
            guard let equals = param.firstIndex(of: "="), equals != param.startIndex else {
                StandardError.write("apogee: --param \(param): expected KEY=VALUE (or STRATEGY.KEY=VALUE)\n")
                throw ExitStatus.usage
            }
            var key = String(param[..<equals])
            let value = ParameterValue.text(String(param[param.index(after: equals)...]))
            var targets = Array(entries.indices)
            if let dot = key.firstIndex(of: "."), let named = entries.firstIndex(where: { $0.name == key[..<dot].lowercased() }) {
                targets = [named]
                key = String(key[key.index(after: dot)...])
            } else if entries.count > 1 {
                targets = entries.indices.filter { entries[$0].specs.contains { $0.name == key } }
                guard !targets.isEmpty else {
                    StandardError.write("apogee: --param \(param): no strategy given takes \(key) (see --list-params)\n")
                    throw ExitStatus.usage
                }
            }
            for index in targets { given[index].append((key, value, "--param \(param)")) }
        }
        options.parameters = given[0]
        options.moreStrategies = entries.indices.dropFirst().map { (entries[$0].name, given[$0]) }
        let line = ProgressLine()
        StopSignals.install()
        options.stop = StopRequest.process
        options.mirror = try redis.start()
        let report: BacktestReport
        do throws(BacktestFailure) {
            report = try Backtest.run(options, progress: line.callback)
        } catch {
            options.mirror?.finish()
            line.clear()
            StandardError.write("apogee: \(error)\n")
            if case .replay(.malformed) = error { throw ExitStatus.malformedInput }
            if case .usage = error { throw ExitStatus.usage }
            throw ExitStatus.failure
        }
        line.clear()
        if let nothing = NothingReplayed.message(verb: "backtest", files: report.files, events: report.events, lines: report.lines, malformed: report.malformed, interrupted: report.interrupted != nil) {
            StandardError.write("apogee: \(nothing); no run saved\n")
            throw ExitStatus.failure
        }
        let text = report.json
        print(json ? text : report.summary)
        if let warning = report.mirror?.warning { StandardError.write("apogee: warning: \(warning)\n") }
        save(report, json: text)
        if let interrupted = report.interrupted, let signal = options.stop?.signal {
            StandardError.write("apogee: backtest interrupted by \(interrupted) after \(report.events) events; saved as interrupted\n")
            throw StopSignals.exitCode(signal)
        }
    }

    /// Every run is saved; a database that cannot be written costs the record, not the run.
    private func save(_ report: BacktestReport, json text: String) {
        do {
            let db = try ApogeeDatabase(path: database.path ?? ApogeeDatabase.defaultPath)
            var parameters = JSONWriter()
            parameters.beginObject()
            for name in report.parameters.names { parameters.value(name, report.parameters.values[name]?.description) }
            parameters.endObject()
            let id = try db.save(BacktestRunRecord(
                createdAt: timestampText(Int64(Date().timeIntervalSince1970 * 1e9)), strategy: report.strategy,
                data: report.files.joined(separator: ","), seed: Int64(bitPattern: report.seed), parameters: parameters.text,
                events: report.events, trades: report.metrics.trades, netPnL: report.metrics.netPnL.doubleValue,
                fees: report.metrics.fees.doubleValue, winRate: report.metrics.winRate,
                maxDrawdown: report.metrics.maxDrawdown.doubleValue, sharpe: report.metrics.sharpe, report: text,
                interrupted: report.interrupted))
            if json {
                StandardError.write("saved as run \(id) in \(db.path)\n")
            } else {
                print("  saved as run \(id) in \(db.path) (apogee export --run \(id) --json)")
            }
        } catch {
            StandardError.write("apogee: the run was not saved: \(error)\n")
        }
    }

    private func parseQueue(_ text: String) throws -> QueueModel {
        if text == "conservative" { return .conservative }
        if text.hasPrefix("probabilistic") {
            let power = Int(text.split(separator: ":").last ?? "") ?? 2
            guard (1...4).contains(power) else { throw ValidationError("--queue probabilistic:POWER takes a power of 1 to 4") }
            return .probabilistic(power: power)
        }
        throw ValidationError("--queue must be conservative or probabilistic:POWER")
    }
}
