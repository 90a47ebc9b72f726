import Backtesting
import EngineCore
import Foundation
import MarketModel
import OrderBook
import Simulation
import Strategies
import Trading

/// The backtest's hot loop, measured apart from reading: the recording (a file or a
/// stored session) is read and decoded into memory once, then replayed through
/// (1) the order books alone, (2) the kernel and simulated venue with no strategy,
/// (3) the whole backtest with the reference strategy, conservative queue and fitted
/// latency. Throughput counts book-level changes plus trades, per second.
public enum HotLoopBenchmark {
    public struct Figures: Sendable {
        public var source: String
        public var events: Int
        public var levelChanges: Int
        public var trades: Int
        public var readSeconds: Double
        public var bookSeconds: Double
        public var kernelSeconds: Double
        public var backtestSeconds: Double
        public var runs: Int

        public var items: Int { levelChanges + trades }
        public var itemsPerSecond: Double { backtestSeconds > 0 ? Double(items) / backtestSeconds : 0 }
    }

    public static func run(source: String, database: String? = nil, runs: Int, progress: (String) -> Void) throws(ReplayFailure) -> Figures {
        let clock = ContinuousClock()
        var options = ReplayOptions(files: [source])
        options.database = database
        progress("reading and decoding \(source)")
        let started = clock.now
        let stream = try RecordingEventStream(options: options)
        var events: [MarketEvent] = []
        var market: MarketKind?
        while let item = try stream.next() {
            events.append(item.event)
            market = market ?? item.market
        }
        let readSeconds = HeadlessReplay.seconds(clock.now - started)
        var levelChanges = 0
        var trades = 0
        for event in events {
            switch event {
            case .bookDelta(let delta): levelChanges += delta.bids.count + delta.asks.count
            // A snapshot sets every level it names, as the issue counts them.
            case .bookSnapshot(let snapshot): levelChanges += snapshot.bids.count + snapshot.asks.count
            case .trade: trades += 1
            default: break
            }
        }
        let kind = market ?? Backtest.inferMarket(events)
        let terms: AccountTerms = kind == .spot ? .spot : .usdMargined(leverage: 5)
        let latency = LatencyModel.fitted(lags: events.prefix(4000).compactMap { event in
            event.time.exchange.map { event.time.received.nanoseconds - $0.nanoseconds }
        })
        let configuration = KernelConfiguration(account: terms, initialCash: Money(whole: 10_000), marketKind: kind)
        let simulation = SimulationSettings(latency: latency, queue: .conservative, account: terms, seed: 1)
        let reference = StrategyCatalog.entry(named: "ema-reversal")!
        let parameters = try! ParameterSet(specs: reference.specs, given: [])

        func timed(_ label: String, _ body: () -> Void) -> Double {
            if let only = ProcessInfo.processInfo.environment["APOGEE_HOT_LOOP_ONLY"], !label.hasPrefix(only) { return 0 }
            var samples: [Double] = []
            for index in 0..<runs {
                progress("\(label): run \(index + 1) of \(runs)")
                let start = clock.now
                body()
                samples.append(HeadlessReplay.seconds(clock.now - start))
            }
            return ReplayBenchmark.median(samples)
        }
        let bookSeconds = timed("books") {
            var books: [String: OrderBook] = [:]
            for event in events {
                switch event {
                case .bookDelta(let delta): books[delta.symbol, default: OrderBook(symbol: delta.symbol, rule: delta.previousFinalUpdateID != nil ? .previousID : .sequential)].apply(delta)
                case .bookSnapshot(let snapshot):
                    let symbol = snapshot.symbol ?? books.keys.first ?? ""
                    books[symbol, default: OrderBook(symbol: symbol, rule: kind == .spot ? .sequential : .previousID)].apply(snapshot)
                default: break
                }
            }
        }
        let kernelSeconds = timed("kernel and venue") {
            var run = BacktestRun(kernel: TradingKernel(configuration: configuration, strategies: []), venue: SimulatedExchange(settings: simulation, cash: configuration.initialCash))
            for event in events { run.feed(event) }
            run.finish()
        }
        let backtestSeconds = timed("backtest") {
            var run = BacktestRun(kernel: TradingKernel(configuration: configuration, strategies: [reference.make(parameters)]), venue: SimulatedExchange(settings: simulation, cash: configuration.initialCash))
            for event in events { run.feed(event) }
            run.finish()
        }
        return Figures(source: source, events: events.count, levelChanges: levelChanges, trades: trades, readSeconds: readSeconds, bookSeconds: bookSeconds, kernelSeconds: kernelSeconds, backtestSeconds: backtestSeconds, runs: runs)
    }
}
