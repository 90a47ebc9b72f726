import EngineCore
import MarketModel
import Strategies
import Testing
import Trading

/// The entry cancels MoonBot has beside the exits: AutoCancelBuy on partly filled
/// entries, and CancelBuyAfterSell.
@Suite("Kernel: AutoCancelBuy on partly filled entries, CancelBuyAfterSell")
struct EntryCancelTests {
    @Test("AutoCancelBuy cancels an entry only partly filled when its time is up, and says how much filled")
    func autoCancelPartlyFilled() throws {
        var exits = ExitSettings()
        exits.autoCancelBuy = 5
        exits.sellPrice = 0
        var engine = kernel(ScriptedStrategy(exits: exits, script: [buy("1", at: "99")]))
        _ = engine.handle(snapshot(bid: "99.9", ask: "100.1"))
        let entry = try #require(submitted(engine.handle(tradeInput("100", 1))).first)
        _ = engine.handle(.order(.accepted(entry.id, time: at(1.01)), receivedAt: at(1.01)))
        let part = Fill(orderID: entry.id, symbol: "BTCUSDT", side: .buy, price: price("99"), quantity: quantity("0.3"), fee: .zero, liquidity: .maker, time: at(2))
        _ = engine.handle(.order(.filled(part), receivedAt: at(2)))
        #expect(cancels(engine.handle(tradeInput("100", 5))).isEmpty)
        #expect(cancels(engine.handle(.timer(at(6.1)))) == [entry.id])
        #expect(engine.log.contains { $0.text.contains("AutoCancelBuy: \(entry.id) BTCUSDT 0.3 of 1 filled") })
    }

    @Test("CancelBuyAfterSell: the take profit filling cancels the strategy's other entry on the coin; without it, the entry stays")
    func cancelBuyAfterSell() throws {
        for enabled in [true, false] {
            var exits = ExitSettings()
            exits.sellPrice = 0.5
            exits.cancelBuyAfterSell = enabled
            var engine = kernel(ScriptedStrategy(exits: exits, script: [buy("1", at: "100"), buy("0.1", at: "95")]))
            _ = engine.handle(snapshot(bid: "99.9", ask: "100.1"))
            let entries = submitted(engine.handle(tradeInput("100", 1)))
            #expect(entries.count == 2)
            for entry in entries { _ = engine.handle(.order(.accepted(entry.id, time: at(1.01)), receivedAt: at(1.01))) }
            let takeProfit = try #require(submitted(engine.handle(fillEvent(entries[0], at: "100", 2))).first)
            #expect(takeProfit.side == .sell)
            _ = engine.handle(.order(.accepted(takeProfit.id, time: at(2.01)), receivedAt: at(2.01)))
            let afterSell = engine.handle(fillEvent(takeProfit, at: "100.5", 3))
            #expect(cancels(afterSell) == (enabled ? [entries[1].id] : []), "CancelBuyAfterSell \(enabled)")
        }
    }
}
