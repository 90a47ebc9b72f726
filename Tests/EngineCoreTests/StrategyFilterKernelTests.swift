import EngineCore
import MarketModel
import Strategies
import Testing
import Trading

@Suite("Kernel: detects, filters, order limits and entry take profits")
struct StrategyFilterKernelTests {
    func detection() -> StrategyIntent {
        .detect(Detection(strategy: "scripted", symbol: "BTCUSDT", time: at(1), figures: [.init("depth_pct", "3.1")], trades: false))
    }

    @Test("a detect is logged, recorded and counted for the strategy panel")
    func detectIsRecorded() {
        var engine = kernel(ScriptedStrategy(script: [detection()]))
        _ = engine.handle(snapshot(bid: "99.9", ask: "100.1"))
        let effects = engine.handle(tradeInput("100", 1))
        #expect(effects.contains { if case .record(.detect(let found)) = $0 { return found.figures.first?.value == "3.1" } else { return false } })
        #expect(engine.log.last?.text == "detect scripted BTCUSDT: depth_pct 3.1 (detect only)")
        #expect(engine.detects == 1)
        #expect(engine.snapshot(depth: 5).strategies.first?.detects == 1)
    }

    @Test("a black-listed coin gets no order and no detect; the log says why")
    func blackList() throws {
        var strategy = ScriptedStrategy(script: [buy("0.1", at: "99"), detection()])
        strategy.filters = StrategyFilters(parameters: try ParameterSet(specs: StrategyFilters.specs, given: [("CoinsBlackList", .text("eth, btc"), "test")]))
        var engine = kernel(strategy)
        _ = engine.handle(snapshot(bid: "99.9", ask: "100.1"))
        let effects = engine.handle(tradeInput("100", 1))
        #expect(submitted(effects).isEmpty)
        #expect(engine.detects == 0)
        #expect(engine.log.last?.text == "detect scripted BTCUSDT: depth_pct 3.1 (detect only): filtered, BTCUSDT is on CoinsBlackList (BTC)")
    }

    @Test("MaxOrdersPerMarket holds back a second entry on the symbol; a price range filter holds back entries outside it")
    func orderLimitsAndPrice() throws {
        var strategy = ScriptedStrategy(script: [buy("0.1", at: "99"), buy("0.1", at: "98")])
        strategy.filters = StrategyFilters(parameters: try ParameterSet(specs: StrategyFilters.specs, given: []))
        var engine = kernel(strategy)
        _ = engine.handle(snapshot(bid: "99.9", ask: "100.1"))
        #expect(submitted(engine.handle(tradeInput("100", 1))).map(\.kind) == [.limit(price("99"))])

        var cheap = ScriptedStrategy(script: [buy("0.1", at: "99")])
        cheap.filters = StrategyFilters(parameters: try ParameterSet(specs: StrategyFilters.specs, given: [("WorkingPriceMax", .number(50), "test")]))
        var other = kernel(cheap)
        _ = other.handle(snapshot(bid: "99.9", ask: "100.1"))
        #expect(submitted(other.handle(tradeInput("100", 1))).isEmpty)
    }

    @Test("an entry's own take-profit price replaces SellPrice % when its fill opens the position")
    func entryTakeProfit() throws {
        var exits = ExitSettings()
        exits.sellPrice = 0.5
        var engine = kernel(ScriptedStrategy(exits: exits, script: [.place(OrderIntent(symbol: "BTCUSDT", side: .buy, kind: .limit(price("99")), quantity: quantity("0.1"), takeProfit: price("104.5")))]))
        _ = engine.handle(snapshot(bid: "99.9", ask: "100.1"))
        let entry = try #require(submitted(engine.handle(tradeInput("100", 1))).first)
        _ = engine.handle(.order(.accepted(entry.id, time: at(1.1)), receivedAt: at(1.1)))
        let effects = engine.handle(fillEvent(entry, at: "99", 2))
        let exit = try #require(submitted(effects).first)
        #expect(exit.side == .sell)
        #expect(exit.kind == .limit(price("104.5")), "not 99 × 1.005")
    }
}
