@testable import Backtesting
import EngineCore
import Foundation
import MarketModel
import Simulation
import Strategies
import TestFixtures
import Testing
import Trading

/// Issue 18's property, end to end: a backtest on symbols A and B with an unconstrained
/// account makes exactly the same decisions on A as a backtest on A alone. Every part
/// between the recording and the order is in the loop: the feed parser, the kernel's
/// per-symbol market, the strategy's state, the exits, the timers and the simulated
/// venue's latency draws.
@Suite("Backtest: symbols are independent")
struct SymbolIndependenceBacktestTests {
    /// Two generated markets (spikes and drops at different times) written as
    /// recordings; a seed gives other prices, ticks and paths.
    static func recordings(seed: UInt64, in folder: String) throws -> (a: String, b: String) {
        var random = SeededGenerator(seed: seed &* 7919)
        let ticks = [0.01, 0.001, 0.0001]
        func symbol(_ name: String) -> DemoMarket.Symbol {
            let tick = ticks[Int(random.next() % 3)]
            let price = tick * Double(20_000 + random.next() % 200_000)
            return DemoMarket.Symbol(name: name, price: price, tick: tick, lot: 0.001, typicalSize: max(0.01, 200 / price))
        }
        let market = DemoMarket(seed: seed, seconds: 200, symbols: [symbol("AAAUSDT"), symbol("BBBUSDT")])
        var paths: [String] = []
        for recording in market.recordings() {
            let path = "\(folder)/spot_\(recording.symbol.lowercased()).txt"
            try (recording.lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            paths.append(path)
        }
        return (paths[0], paths[1])
    }

    /// Settings that make each strategy trade on the generated spikes and drops, with no
    /// cross-symbol limit in the way.
    static let eager: [String: [(String, ParameterValue)]] = [
        "drops": [("DropsMaxTime", .integer(10)), ("DropsPriceMA", .integer(0)), ("DropsPriceDelta", .number(0.5)), ("AutoBuy", .flag(true))],
        "ema-reversal": [("EMAPeriod", .integer(10)), ("StretchPercent", .number(0.3)), ("TurnPercent", .number(0.005)), ("EntryCooldown", .number(0))],
        "mstrike": [("MStrikeDepth", .number(0.8)), ("MStrikeVolume", .number(0)), ("NextDetectPenalty", .number(5))],
        "pump": [("PumpPriceInterval", .text("4")), ("PumpPriceRaise", .number(0.8)), ("PumpBuysPerSec", .integer(3)), ("NextDetectPenalty", .number(5)), ("AutoBuy", .flag(true))],
        "channel-split": [("ChannelWindow", .integer(20)), ("ChannelMaxWidth", .number(0.8)), ("ChannelConfirm", .number(0.3)), ("NextDetectPenalty", .number(5))],
        "mshot": [("MShotPrice", .number(0.6)), ("MShotPriceMin", .number(0.2)), ("MShotRaiseWait", .number(3)), ("AutoCancelBuy", .number(30))],
    ]

    /// Everything the kernel asked of the venue and learnt back, per symbol, without
    /// order ids (they count across symbols).
    static func decisions(files: [String], strategy name: String) throws -> [String: [String]] {
        let entry = try #require(StrategyCatalog.entry(named: name))
        let given = (eager[name] ?? []) + [("MaxActiveOrders", .integer(1_000))]
        let parameters = try ParameterSet(specs: entry.specs, given: given.filter { key, _ in entry.specs.contains { $0.name == key } }.map { ($0.0, $0.1, "test") })
        let cash = Money(whole: 100_000_000)
        let configuration = KernelConfiguration(account: .spot, initialCash: cash, marketKind: .spot)
        let settings = SimulationSettings(latency: LatencyModel(orderEntryNanoseconds: 20_000_000, responseNanoseconds: 20_000_000, jitter: 0.3), account: .spot, seed: 5)
        var run = BacktestRun(kernel: TradingKernel(configuration: configuration, strategies: [entry.make(parameters)]), venue: SimulatedExchange(settings: settings, cash: cash))
        var out: [String: [String]] = [:]
        var symbolOf: [ClientOrderID: String] = [:]
        run.observer = { observation in
            switch observation {
            case .submitted(let request, let arrives):
                symbolOf[request.id] = request.symbol
                out[request.symbol, default: []].append("\(arrives.nanoseconds) submit \(request.side) \(request.kind) \(request.quantity) reduceOnly=\(request.reduceOnly)")
            case .cancelRequested(let id, let time):
                out[symbolOf[id] ?? "?", default: []].append("\(time.nanoseconds) cancel")
            case .orderChanged(let event, let order, let time):
                guard let order else { return }
                var line = "\(time.nanoseconds) \(Self.kind(of: event)) filled=\(order.filledQuantity)"
                if case .filled(let fill) = event { line += " at \(fill.price) \(fill.quantity)" }
                out[order.request.symbol, default: []].append(line)
            case .market, .delivered:
                break
            }
        }
        let stream = try RecordingEventStream(options: ReplayOptions(files: files, market: .spot, strict: true))
        while let item = try stream.next() { run.feed(item.event) }
        run.finish()
        return out
    }

    static func kind(of event: OrderEvent) -> String {
        "\(event)".split(separator: "(").first.map(String.init) ?? "\(event)"
    }

    @Test("each symbol's decisions in a two-symbol backtest equal its decisions alone", arguments: StrategyCatalog.entries.map(\.name), 0..<4)
    func twoSymbolsEqualAlone(strategy: String, seed: UInt64) throws {
        let folder = try Support.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (a, b) = try Self.recordings(seed: seed, in: folder)
        let both = try Self.decisions(files: [a, b], strategy: strategy)
        let aAlone = try Self.decisions(files: [a], strategy: strategy)
        let bAlone = try Self.decisions(files: [b], strategy: strategy)
        for (symbol, alone) in [("AAAUSDT", aAlone), ("BBBUSDT", bAlone)] {
            let together = both[symbol] ?? []
            let single = alone[symbol] ?? []
            let firstDifference = zip(together, single).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(together.count, single.count)
            #expect(together == single, "\(strategy) seed \(seed) \(symbol): \(together.count) decisions beside the other symbol, \(single.count) alone; first difference at #\(firstDifference): \(together.dropFirst(firstDifference).first ?? "none") vs \(single.dropFirst(firstDifference).first ?? "none")")
        }
        let decided = (aAlone["AAAUSDT"]?.count ?? 0) + (bAlone["BBBUSDT"]?.count ?? 0)
        #expect(decided > 0 || seed > 0, "\(strategy) trades on the generated market (seed 0)")
    }
}
