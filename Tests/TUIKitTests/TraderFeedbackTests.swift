import EngineCore
import MarketModel
import Strategies
import Testing
import TradingUI
import Trading
import TUIKit

/// Issue 19: the screen tells the trader the truth — which coin the hotkeys trade,
/// sizes it cannot send refused at once, Ctrl-C asking like q.
@Suite("The status line and the trader's commands")
struct TraderFeedbackTests {
    let keymap = Keymap(name: "test", bindings: [(.character("q"), "quit"), (.character("j"), "next-market")])

    @Test("the status row always starts with the hotkeys' coin, even while a status is shown; it follows the selection")
    func statusNamesTarget() {
        let data = MarketSelectionTests.frame([("BTCUSDT", 61_800), ("ETHUSDT", 2_650)])
        var model = AppModel()
        model.settle(data)
        func statusRow() -> String { Screen.render(model, data, width: 80, height: 24, glyphs: .ascii, keymap: keymap).lines[23] }
        #expect(statusRow().hasPrefix("[BTCUSDT] size 0.01  ? help  : command  q quit"), "\(statusRow())")
        _ = model.update(key: .character("j"), keymap: keymap, data: data)
        model.status = "buy 0.01 ETHUSDT at market sent as order 3"
        #expect(statusRow().hasPrefix("[ETHUSDT] buy 0.01 ETHUSDT at market sent as order 3"), "\(statusRow())")
    }

    @Test(":size refuses what is not a positive number and keeps the size it had", arguments: ["-1", "0", "abc", "nan", "inf", "1e400"])
    func badSizeRefused(text: String) {
        let data = MarketSelectionTests.frame([("BTCUSDT", 61_800)])
        var model = AppModel(orderSize: "0.01")
        model.commandLine = "size \(text)"
        #expect(model.update(key: .enter, keymap: keymap, data: data).isEmpty)
        #expect(model.orderSize == "0.01")
        #expect(model.status == "size must be a positive number of coins, not '\(text)': still 0.01")
    }

    @Test(":size takes a positive size")
    func goodSize() {
        var model = AppModel(orderSize: "0.01")
        model.commandLine = "size 0.25"
        _ = model.update(key: .enter, keymap: keymap, data: MarketSelectionTests.frame([("BTCUSDT", 61_800)]))
        #expect(model.orderSize == "0.25" && model.status == "order size 0.25")
    }

    @Test("Ctrl-C with no position quits; with one it asks like q, and a second Ctrl-C quits")
    func interruptAsks() {
        let flat = MarketSelectionTests.frame([("BTCUSDT", 61_800)])
        var model = AppModel()
        let quits = model.interrupt(flat)
        #expect(quits)
        var kernel = TradingKernel(configuration: KernelConfiguration(account: .spot, initialCash: Money(whole: 10_000), marketKind: .spot), strategies: [])
        let time = EventTime(exchange: nil, received: Timestamp(nanoseconds: 1_723_161_255_000_000_000))
        _ = kernel.handle(.market(.trade(TradePrint(symbol: "BTCUSDT", id: 1, price: Price(units: 6_180_000_000_000), quantity: Quantity(units: 100_000_000), aggressor: .buy, tradeTime: time.received, time: time))))
        let effects = kernel.handle(.user(.place(OrderIntent(symbol: "BTCUSDT", side: .buy, kind: .market, quantity: Quantity(units: 1_000_000))), at: time.received))
        guard case .submit(let request)? = effects.first(where: { if case .submit = $0 { true } else { false } }) else { Issue.record("no order"); return }
        _ = kernel.handle(.order(.filled(Fill(orderID: request.id, symbol: "BTCUSDT", side: .buy, price: Price(units: 6_180_000_000_000), quantity: request.quantity, fee: .zero, liquidity: .taker, time: time.received)), receivedAt: time.received))
        var holding = flat
        holding.snapshot = kernel.snapshot()
        #expect(!holding.snapshot.positions.isEmpty)
        var asking = AppModel()
        let first = asking.interrupt(holding)
        #expect(!first && asking.confirmingQuit)
        #expect(Screen.render(asking, holding, width: 80, height: 24, glyphs: .ascii, keymap: keymap).lines[23].hasPrefix("Positions are open. Quit anyway? (y/n)"))
        let second = asking.interrupt(holding)
        #expect(second)
    }
}
