import Dispatch
import EngineCore
import Foundation
import MarketModel
import Simulation
import Strategies
import Trading

/// `apogee backtest`: the kernel, one strategy or several, and the simulated venue over
/// recordings.
public enum Backtest {
    /// Runs the backtest (and its Monte Carlo, if asked) and reports.
    public static func run(_ options: BacktestOptions, progress: ((String) -> Void)? = nil) throws(BacktestFailure) -> BacktestReport {
        let clock = ContinuousClock()
        let started = clock.now
        guard let entry = StrategyCatalog.entry(named: options.strategy) else {
            let known = StrategyCatalog.entries.map(\.name).joined(separator: ", ")
            throw .usage("unknown strategy '\(options.strategy)' (known: \(known))")
        }
        let parameters: ParameterSet
        do {
            parameters = try ParameterSet(specs: entry.specs, given: options.parameters)
        } catch {
            throw .usage(error.description)
        }
        // The others, each its own catalog entry and parameters; a name twice would
        // share one ledger, so it is refused.
        var makers: [@Sendable () -> any Strategy] = [{ entry.make(parameters) }]
        var names = [entry.name]
        for more in options.moreStrategies {
            guard let other = StrategyCatalog.entry(named: more.name) else {
                let known = StrategyCatalog.entries.map(\.name).joined(separator: ", ")
                throw .usage("unknown strategy '\(more.name)' (known: \(known))")
            }
            guard !names.contains(other.name) else { throw .usage("strategy \(other.name) is given twice: each strategy runs once, with one ledger") }
            let otherParameters: ParameterSet
            do {
                otherParameters = try ParameterSet(specs: other.specs, given: more.parameters)
            } catch {
                throw .usage("\(other.name): \(error.description)")
            }
            makers.append { other.make(otherParameters) }
            names.append(other.name)
        }
        let allMakers = makers
        let makeAll: @Sendable () -> [any Strategy] = { allMakers.map { $0() } }

        var replayOptions = ReplayOptions(files: options.files, market: options.market, strict: options.strict)
        replayOptions.malformedSamples = 5
        replayOptions.database = options.database
        let stream: RecordingEventStream
        do {
            stream = try RecordingEventStream(options: replayOptions)
        } catch {
            throw .replay(error)
        }
        // The first events fix the market and fit the latency; they are replayed after.
        var head: [MarketEvent] = []
        var streamMarket: MarketKind?
        do {
            while head.count < 4000, let item = try stream.next() {
                head.append(item.event)
                streamMarket = streamMarket ?? item.market
            }
        } catch {
            throw .replay(error)
        }
        let market = options.market ?? streamMarket ?? inferMarket(head)
        // Fitted from the recording's clocks; each figure given overrides its part.
        var latency = LatencyModel.fitted(lags: head.compactMap { event in
            event.time.exchange.map { event.time.received.nanoseconds - $0.nanoseconds }
        })
        if let order = options.latencyMilliseconds {
            latency.orderEntryNanoseconds = Int64(order * 1e6)
            latency.responseNanoseconds = Int64(order * 1e6)
        }
        if let feed = options.feedLatencyMilliseconds { latency.marketDataNanoseconds = Int64(feed * 1e6) }
        let terms: AccountTerms = market == .spot ? .spot : .usdMargined(leverage: options.leverage)
        var kernelConfiguration = KernelConfiguration(account: terms, initialCash: options.initialCash, risk: options.risk, marketKind: market)
        kernelConfiguration.logLinesKept = 50
        let exchangeRules: ExchangeRulesSource
        do {
            exchangeRules = try ExchangeRulesSource.resolve(explicit: options.exchangeInfo, recordings: options.files, recorded: stream.exchangeRules)
        } catch {
            throw .configuration(error.description)
        }
        kernelConfiguration.exchangeRules = exchangeRules.rules
        let simulation = SimulationSettings(latency: latency, queue: options.queue, account: terms, seed: options.seed)

        let keepEvents = options.monteCarloRuns > 0
        var kept: [MarketEvent] = keepEvents ? head : []
        var run = BacktestRun(kernel: TradingKernel(configuration: kernelConfiguration, strategies: makeAll()), venue: SimulatedExchange(settings: simulation, cash: options.initialCash))
        let mirrorFeed = options.mirror.map { KernelMirrorFeed(mirror: $0, mode: "backtest") }
        if let mirrorFeed { run.observer = { mirrorFeed.observe($0) } }
        for event in head {
            run.feed(event)
            mirrorFeed?.sync(run.kernel)
        }
        var lastProgress = clock.now
        var interrupted: Int32?
        do {
            while let item = try stream.next() {
                // A stop is looked for every 4,096 events: nothing to measure, and
                // within a millisecond of the signal.
                if run.events & 4095 == 0, let stop = options.stop, let signal = stop.signal {
                    interrupted = signal
                    break
                }
                run.feed(item.event)
                mirrorFeed?.sync(run.kernel)
                if keepEvents { kept.append(item.event) }
                if let progress, run.events % 16_384 == 0, clock.now - lastProgress >= .milliseconds(200) {
                    lastProgress = clock.now
                    let percent = stream.fileBytesTotal > 0 ? stream.fileBytesRead * 100 / stream.fileBytesTotal : 0
                    progress("backtest: \(percent)%  \(run.events) events  \(run.fills) fills")
                }
            }
        } catch {
            throw .replay(error)
        }
        run.finish()
        if let mirrorFeed {
            mirrorFeed.sync(run.kernel, force: true)
            mirrorFeed.finished(run.kernel)
        }
        let mainElapsed = HeadlessReplay.seconds(clock.now - started)

        var report = BacktestReport(options: options, parameters: parameters, market: market, latency: latency, run: run, stream: stream, elapsedSeconds: mainElapsed)
        report.exchangeRules = exchangeRules.summary
        report.interrupted = interrupted.map(StopRequest.name)
        if options.monteCarloRuns > 0, interrupted == nil {
            progress?("monte carlo: \(options.monteCarloRuns) runs on \(ProcessInfo.processInfo.activeProcessorCount) cores")
            let summary = monteCarlo(runs: options.monteCarloRuns, seed: options.seed, events: kept, configuration: kernelConfiguration, simulation: simulation, make: makeAll, initialCash: options.initialCash, slippageBasisPoints: options.monteCarloSlippageBasisPoints, stop: options.stop)
            report.monteCarlo = summary
            if let signal = options.stop?.signal, summary.runs < options.monteCarloRuns { report.interrupted = StopRequest.name(signal) }
        }
        report.elapsedSeconds = HeadlessReplay.seconds(clock.now - started)
        report.runSeconds = mainElapsed
        if let mirror = options.mirror {
            report.mirror = MirrorReport(url: mirror.settings.url.description, instance: mirror.settings.instance, status: mirror.finish())
        }
        return report
    }

    public static func inferMarket(_ events: [MarketEvent]) -> MarketKind {
        for event in events {
            if case .bookDelta(let delta) = event { return delta.previousFinalUpdateID == nil ? .spot : .usdMargined }
        }
        return .spot
    }

    /// N runs with randomised latency and queue assumptions, both cores, each run from
    /// its own generator derived from the seed (so the result does not depend on which
    /// core ran which run).
    public static func monteCarlo(runs: Int, seed: UInt64, events: [MarketEvent], configuration: KernelConfiguration, simulation: SimulationSettings, make: @escaping @Sendable () -> [any Strategy], initialCash: Money, slippageBasisPoints: Double = 5, stop: StopRequest? = nil) -> MonteCarloSummary {
        let outcomes = MonteCarloOutcomes(count: runs)
        DispatchQueue.concurrentPerform(iterations: runs) { index in
            var generator = SeededGenerator.derived(from: seed, index: UInt64(index))
            var settings = simulation
            // Latency from a half to twice the base, evenly on a log scale.
            let factor = [0.5, 0.7, 1.0, 1.4, 2.0][Int(generator.next() % 5)] * (0.9 + 0.2 * generator.unit())
            settings.latency = simulation.latency.scaled(by: factor)
            settings.latency.jitter = 0.1 + 0.4 * generator.unit()
            let power = Int(generator.next() % 4)
            settings.queue = power == 0 ? .conservative : .probabilistic(power: power)
            settings.seed = generator.next()
            var run = BacktestRun(kernel: TradingKernel(configuration: configuration, strategies: make()), venue: SimulatedExchange(settings: settings, cash: initialCash))
            for (index, event) in events.enumerated() {
                // A stopped rerun is left out: its figures would cover part of the data.
                if index & 4095 == 0, stop?.isRequested == true { return }
                run.feed(event)
            }
            run.finish()
            let span = (run.firstTime ?? run.lastTime, run.lastTime)
            let metrics = PerformanceMetrics(initialEquity: initialCash, equity: run.equity, trades: run.kernel.journal, fees: run.kernel.account.fees, span: span)
            // Drawn after the run's settings, so adding them left those draws as they were.
            let slippage = slippageBasisPoints * generator.unit()
            let costs = run.kernel.journal.map { TradeBootstrap.slippageCost(of: $0, basisPoints: slippage) }
            let nets = zip(run.kernel.journal, costs).map { $0.netPnL.doubleValue - $1 }
            let resampled = TradeBootstrap.resample(nets, using: &generator)
            outcomes.set(index, MonteCarloOutcomes.Run(
                netPnL: metrics.netPnL.doubleValue, maxDrawdown: metrics.maxDrawdown.doubleValue,
                netPnLAfterSlippage: metrics.netPnL.doubleValue - costs.reduce(0, +),
                bootstrapNetPnL: resampled.net, bootstrapMaxDrawdown: resampled.maxDrawdown))
        }
        return MonteCarloSummary(runs: runs, outcomes: outcomes, slippageBasisPoints: slippageBasisPoints)
    }
}

/// Results of the Monte Carlo runs, written by index from both cores.
public final class MonteCarloOutcomes: @unchecked Sendable {
    /// One rerun's figures.
    public struct Run: Sendable {
        public var netPnL = 0.0
        public var maxDrawdown = 0.0
        public var netPnLAfterSlippage = 0.0
        public var bootstrapNetPnL = 0.0
        public var bootstrapMaxDrawdown = 0.0
    }

    private let lock = NSLock()
    /// nil: the rerun was stopped before the end of the data.
    public private(set) var runs: [Run?]

    public init(count: Int) {
        runs = Array(repeating: nil, count: count)
    }

    public func set(_ index: Int, _ run: Run) {
        lock.lock()
        runs[index] = run
        lock.unlock()
    }
}

/// Percentiles of the Monte Carlo runs.
public struct MonteCarloSummary: Sendable {
    /// Reruns that went through the data, of `requested` (fewer after a stop).
    public var runs: Int
    public var requested: Int
    /// Net P&L and max drawdown of the reruns (latency and queue varied).
    public var netPnL: [Double]
    public var maxDrawdown: [Double]
    /// Net P&L less the slippage drawn for each rerun (0 to `slippageBasisPoints` per side).
    public var netPnLAfterSlippage: [Double]
    public var slippageBasisPoints: Double
    /// The reruns' round trips resampled (``TradeBootstrap``), slippage included.
    public var bootstrapNetPnL: [Double]
    public var bootstrapMaxDrawdown: [Double]

    public init(runs: Int, outcomes: MonteCarloOutcomes, slippageBasisPoints: Double) {
        // Reruns a stop cut short are not counted: `runs` is those that went through.
        let all = outcomes.runs.compactMap { $0 }
        self.runs = all.count
        requested = runs
        netPnL = all.map(\.netPnL)
        maxDrawdown = all.map(\.maxDrawdown)
        netPnLAfterSlippage = all.map(\.netPnLAfterSlippage)
        self.slippageBasisPoints = slippageBasisPoints
        bootstrapNetPnL = all.map(\.bootstrapNetPnL)
        bootstrapMaxDrawdown = all.map(\.bootstrapMaxDrawdown)
    }

    /// Nearest-rank percentile.
    public static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}
