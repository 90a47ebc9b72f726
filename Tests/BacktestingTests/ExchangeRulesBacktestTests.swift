@testable import Backtesting
import EngineCore
import Foundation
import MarketModel
import Simulation
import Strategies
import TestFixtures
import Testing
import Trading

/// Issue 18: the exchange's filters reach backtests. A coin priced 0.0512 with a tick of
/// 0.0001 (a fifth of a percent: inference from prices takes a finer grid) and whole-coin
/// lots; its exchangeInfo saved beside the recording, as the demo data has it.
@Suite("Backtest: the exchange's filters")
struct ExchangeRulesBacktestTests {
    static let coin = DemoMarket.Symbol(name: "CHEAPUSDT", price: 0.0512, tick: 0.0001, lot: 1, typicalSize: 2_000)

    /// Writes the coin's recording and its exchangeinfo.json; returns the recording.
    static func recording(seed: UInt64, in folder: String, withRules: Bool = true) throws -> String {
        let market = DemoMarket(seed: seed, seconds: 200, symbols: [coin])
        let path = "\(folder)/spot_cheapusdt.txt"
        try (market.recordings()[0].lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        if withRules { try market.exchangeInfo().write(toFile: "\(folder)/\(ExchangeRulesSource.besideRecordings)", atomically: true, encoding: .utf8) }
        return path
    }

    @Test("every order any strategy sends is on the 0.0001 tick, on the whole-coin lot and worth at least the 5 USDT minimum", arguments: StrategyCatalog.entries.map(\.name))
    func ordersFitTheFilters(strategy name: String) throws {
        let folder = try Support.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try Self.recording(seed: 3, in: folder)
        let source = try ExchangeRulesSource.resolve(explicit: nil, recordings: [path])
        let rules = try #require(source.rules["CHEAPUSDT"])
        #expect(rules.tickSize == (try Price(parsing: "0.0001")))
        #expect(rules.stepSize == (try Quantity(parsing: "1")))
        #expect(rules.minNotional == Money(whole: 5))

        let entry = try #require(StrategyCatalog.entry(named: name))
        // Entries just over the 5 USDT minimum: rounded down to whole coins at a price
        // that moves, some fall under it and must not be sent.
        let given = (SymbolIndependenceBacktestTests.eager[name] ?? []) + [("OrderSize", .number(5.05)), ("MaxActiveOrders", .integer(1_000))]
            // The tick is a fifth of a percent here: a quiet channel is wider.
            + (name == "channel-split" ? [("ChannelMaxWidth", .number(2)), ("ChannelBreakout", .number(0.1))] : [])
        let parameters = try ParameterSet(specs: entry.specs, given: given.filter { key, _ in entry.specs.contains { $0.name == key } }.map { ($0.0, $0.1, "test") })
        var configuration = KernelConfiguration(account: .spot, initialCash: Money(whole: 1_000_000), marketKind: .spot)
        configuration.exchangeRules = source.rules
        var run = BacktestRun(kernel: TradingKernel(configuration: configuration, strategies: [entry.make(parameters)]), venue: SimulatedExchange(settings: SimulationSettings(account: .spot), cash: Money(whole: 1_000_000)))
        var sent: [OrderRequest] = []
        run.observer = { if case .submitted(let request, _) = $0 { sent.append(request) } }
        let stream = try RecordingEventStream(options: ReplayOptions(files: [path], market: .spot, strict: true))
        while let item = try stream.next() { run.feed(item.event) }
        run.finish()
        #expect(!sent.isEmpty, "\(name) sends orders on this market (else the checks below check nothing)")
        for request in sent {
            let price = request.kind.limitPrice ?? run.kernel.lastPrice(of: "CHEAPUSDT")!
            #expect(price.units % rules.tickSize.units == 0, "\(name): \(request.side) at \(price) is off the 0.0001 tick")
            #expect(request.quantity.units % rules.stepSize.units == 0, "\(name): \(request.quantity) is off the whole-coin lot")
            #expect(Money.notional(price, request.quantity) >= rules.minNotional, "\(name): \(request.quantity) at \(price) is under 5 USDT")
        }
    }

    @Test("the report names the rules it used, or says it inferred tick and lot")
    func reportSaysWhere() throws {
        let folder = try Support.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try Self.recording(seed: 1, in: folder)
        let report = try Backtest.run(BacktestOptions(files: [path], strategy: "mshot"))
        #expect(report.exchangeRules == "1 symbol(s) from \(folder)/exchangeinfo.json")
        #expect(report.summary.contains("exchange rules: 1 symbol(s) from"))

        let bare = try Support.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: bare) }
        let report2 = try Backtest.run(BacktestOptions(files: [try Self.recording(seed: 1, in: bare, withRules: false)], strategy: "mshot"))
        #expect(report2.exchangeRules.hasPrefix("none: tick and lot inferred"))

        var broken = BacktestOptions(files: [path], strategy: "mshot")
        broken.exchangeInfo = "\(folder)/missing.json"
        #expect(throws: BacktestFailure.self) { try Backtest.run(broken) }
        try "{\"symbols\": 5}".write(toFile: "\(folder)/bad.json", atomically: true, encoding: .utf8)
        broken.exchangeInfo = "\(folder)/bad.json"
        do {
            _ = try Backtest.run(broken)
            Issue.record("a malformed exchangeInfo file must stop the backtest")
        } catch {
            #expect(error.description.contains("bad.json") && error.description.contains("symbols"))
        }
    }

    @Test("an exchangeInfo line recorded in the file (as apogee record writes it) wins over the file beside it, and is not a malformed line")
    func recordedRulesWin() throws {
        let folder = try Support.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try Self.recording(seed: 2, in: folder)
        // Beside: a coarser tick, so which one was used shows.
        let coarse = DemoMarket(seed: 2, seconds: 1, symbols: [DemoMarket.Symbol(name: "CHEAPUSDT", price: 0.0512, tick: 0.001, lot: 1, typicalSize: 2_000)])
        try coarse.exchangeInfo().write(toFile: "\(folder)/exchangeinfo.json", atomically: true, encoding: .utf8)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let first = try #require(lines.first.flatMap { Int64($0.prefix { $0 != " " }) })
        let recorded = "\(first) " + DemoMarket(seed: 2, seconds: 1, symbols: [Self.coin]).exchangeInfo().trimmingCharacters(in: .newlines)
        try ([recorded] + lines.map(String.init)).joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)

        let stream = try RecordingEventStream(options: ReplayOptions(files: [path]))
        while try stream.next() != nil {}
        #expect(stream.malformed == 0)
        #expect(stream.exchangeRules["CHEAPUSDT"]?.tickSize == (try Price(parsing: "0.0001")))
        let report = try Backtest.run(BacktestOptions(files: [path], strategy: "mshot"))
        #expect(report.exchangeRules.hasPrefix("1 symbol(s) from the recording"))
    }
}
