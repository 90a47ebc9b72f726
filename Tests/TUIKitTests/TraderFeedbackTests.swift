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

    @Test("the command line edits at its cursor and recalls earlier commands with up and down")
    func commandEditing() {
        let data = MarketSelectionTests.frame([("BTCUSDT", 61_800)])
        let keys = Keymap(name: "test", bindings: [(.character(":"), "command")])
        var model = AppModel()
        func type(_ text: String) { for character in text { _ = model.update(key: .character(character), keymap: keys, data: data) } }
        _ = model.update(key: .character(":"), keymap: keys, data: data)
        type("size 0.5")
        _ = model.update(key: .left, keymap: keys, data: data)
        _ = model.update(key: .left, keymap: keys, data: data)
        type("2")
        #expect(model.commandLine == "size 02.5" && model.commandCursor == 7)
        _ = model.update(key: .backspace, keymap: keys, data: data)
        #expect(model.commandLine == "size 0.5")
        _ = model.update(key: .enter, keymap: keys, data: data)
        #expect(model.orderSize == "0.5")
        _ = model.update(key: .character(":"), keymap: keys, data: data)
        type("sort 5m")
        _ = model.update(key: .enter, keymap: keys, data: data)
        #expect(model.sort == .delta5m && model.status == "markets sorted by 5m")
        _ = model.update(key: .character(":"), keymap: keys, data: data)
        _ = model.update(key: .up, keymap: keys, data: data)
        #expect(model.commandLine == "sort 5m")
        _ = model.update(key: .up, keymap: keys, data: data)
        #expect(model.commandLine == "size 0.5")
        _ = model.update(key: .up, keymap: keys, data: data)
        #expect(model.commandLine == "size 0.5", "the oldest stays")
        _ = model.update(key: .down, keymap: keys, data: data)
        #expect(model.commandLine == "sort 5m")
        _ = model.update(key: .down, keymap: keys, data: data)
        #expect(model.commandLine == "", "past the newest: an empty line")
        // The cursor is drawn on the status row.
        model.commandLine = "sort"
        model.commandCursor = 1
        let row = Screen.render(model, data, width: 80, height: 24, glyphs: .ascii, keymap: keys)
        #expect(row.lines[23].hasPrefix(":sort "))
        #expect(row[2, 23].style.attributes.contains(.reverse) && !row[1, 23].style.attributes.contains(.reverse))
    }

    @Test("the help fits 80x24 and scrolls to its last line, the : commands included")
    func helpScrolls() {
        let data = MarketSelectionTests.frame([("BTCUSDT", 61_800)])
        let keys = Keymap(name: "default", bindings: (0..<28).map { (.character(Character(UnicodeScalar(UInt8(65 + $0)))), "quit") } + [(.character("?"), "help")])
        var model = AppModel()
        _ = model.update(key: .character("?"), keymap: keys, data: data)
        let first = Screen.render(model, data, width: 80, height: 24, glyphs: .ascii, keymap: keys).lines.joined(separator: "\n")
        #expect(first.contains("1-20/45, up/down scroll, esc closes"), "\(first)")
        #expect(!first.contains(":help  :q"))
        for _ in 0..<5 { _ = model.update(key: .pageDown, keymap: keys, data: data) }
        let last = Screen.render(model, data, width: 80, height: 24, glyphs: .ascii, keymap: keys).lines.joined(separator: "\n")
        #expect(last.contains(":help  :q") && last.contains("26-45/45"), "\(last)")
        _ = model.update(key: .escape, keymap: keys, data: data)
        #expect(!model.showHelp)
    }


    @Test("a replay that ends puts its summary on the status row once: equity and its change, fees, round trips, drawdown")
    func endOfReplay() {
        var data = MarketSelectionTests.frame([("BTCUSDT", 61_800)])
        data.equityHistory = [10_000, 10_020, 9_990, 10_005]
        data.replay = ReplayStatus(speed: 1, paused: false, progress: 1, finished: true)
        var model = AppModel()
        model.settle(data)
        let summary = model.status ?? ""
        #expect(summary.hasPrefix("END: equity 10000.00 (+0.00, +0.00 %), realised 0.00, fees 0.00, 0 round trips, max drawdown 0.30 %"), "\(summary)")
        model.status = nil
        model.settle(data)
        #expect(model.status == nil, "said once")
        let header = Screen.render(model, data, width: 200, height: 40, glyphs: .ascii, keymap: keymap).lines[0]
        #expect(header.contains("2024-08-08 23:54:15.000 | END 100%") && !header.contains("ev/s"), "\(header)")
    }


    @Test(":log filters the log panel by kind and pgup/pgdn scroll it; :health lists what says trading is safe")
    func logAndHealth() {
        var data = MarketSelectionTests.frame([("BTCUSDT", 61_800)])
        let time = data.snapshot.time
        data.snapshot.log = [
            LogLine(time: time, level: .info, text: "order 1 buy 0.1 BTCUSDT @61700 from user"),
            LogLine(time: time, level: .warning, text: "OrderRejected 2 BTCUSDT: -2010"),
            LogLine(time: time, level: .info, text: "strategy pump enabled"),
        ] + (0..<30).map { LogLine(time: time, level: .info, text: "line \($0)") }
        let keys = Keymap(name: "test", bindings: [(.character(":"), "command")])
        var model = AppModel()
        func run(_ command: String) {
            model.commandLine = command
            _ = model.update(key: .enter, keymap: keys, data: data)
        }
        func screen() -> String { Screen.render(model, data, width: 120, height: 40, glyphs: .ascii, keymap: keys).lines.joined(separator: "\n") }
        #expect(screen().contains("line 29") && !screen().contains("order 1 buy"))
        run("log orders")
        #expect(screen().contains("Log (orders)") && screen().contains("order 1 buy") && screen().contains("OrderRejected 2") && !screen().contains("line 29"))
        run("log warn")
        #expect(screen().contains("OrderRejected 2") && !screen().contains("order 1 buy"))
        run("log")
        _ = model.update(key: .pageUp, keymap: keys, data: data)
        _ = model.update(key: .pageUp, keymap: keys, data: data)
        #expect(model.logScroll == 10 && screen().contains("Log 10 back") && screen().contains("line 19") && !screen().contains("line 29"))
        _ = model.update(key: .pageDown, keymap: keys, data: data)
        _ = model.update(key: .pageDown, keymap: keys, data: data)
        #expect(model.logScroll == 0 && screen().contains("line 29"))
        run("log fills")
        #expect(model.status == "usage: log all|warn|orders|detects")
        run("health")
        let health = screen()
        #expect(health.contains("Health (esc closes)") && health.contains("health        OK") && health.contains("books         0 of 1 synced: BTCUSDT none"), "\(health)")
        _ = model.update(key: .escape, keymap: keys, data: data)
        #expect(!model.showHealth)
    }


    @Test("size-preset keys set the starting size ×1, ×2, ×5, ×10, with its decimals")
    func sizePresets() {
        let data = MarketSelectionTests.frame([("BTCUSDT", 61_800)])
        let keys = Keymap(name: "test", bindings: [(.character("1"), "size-1"), (.character("2"), "size-2"), (.character("3"), "size-3"), (.character("4"), "size-4")])
        var model = AppModel(orderSize: "0.01")
        _ = model.update(key: .character("3"), keymap: keys, data: data)
        #expect(model.orderSize == "0.05" && model.status == "order size 0.05")
        _ = model.update(key: .character("4"), keymap: keys, data: data)
        #expect(model.orderSize == "0.10")
        _ = model.update(key: .character("1"), keymap: keys, data: data)
        #expect(model.orderSize == "0.01")
    }

    @Test("the chart keeps a closed round trip's fills as B and S at their time and price, and labels its time axis")
    func fillMarksAndTimeAxis() throws {
        var data = MarketSelectionTests.frame([("BTCUSDT", 100)])
        let start = data.snapshot.time.nanoseconds
        let prices = (0..<40).map { 100 + Double($0 % 10) }
        data.priceHistory["BTCUSDT"] = prices
        data.priceTimes["BTCUSDT"] = (0..<40).map { Timestamp(nanoseconds: start + Int64($0) * 1_000_000_000) }
        data.snapshot.recentTrades = [TradeRecord(symbol: "BTCUSDT", direction: .buy, openedAt: Timestamp(nanoseconds: start + 10_000_000_000), closedAt: Timestamp(nanoseconds: start + 30_000_000_000), entryPrice: Price(units: 10_000_000_000), exitPrice: Price(units: 10_900_000_000), quantity: Quantity(units: 100_000_000), netPnL: Money(whole: 9), fees: .zero, exitReason: "take-profit")]
        var model = AppModel()
        model.settle(data)
        let screen = Screen.render(model, data, width: 80, height: 24, glyphs: .ascii, keymap: keymap)
        let lines = screen.lines
        // The chart is right of the 34-column ladder at 80 columns.
        // The chart's plot rows, right of the 34-column ladder and the chart's border.
        let chart = lines.enumerated().filter { $0.offset > 1 && $0.offset < 10 }.map { String($0.element.dropFirst(35)) }
        let buyRow = try #require(chart.firstIndex { $0.contains("B") })
        let sellRow = try #require(chart.firstIndex { $0.contains("S") })
        #expect(buyRow > sellRow, "the entry at 100 is drawn below the exit at 109")
        let buyColumn = try #require(chart[buyRow].firstIndex(of: "B")).utf16Offset(in: chart[buyRow])
        let sellColumn = try #require(chart[sellRow].firstIndex(of: "S")).utf16Offset(in: chart[sellRow])
        #expect(sellColumn - buyColumn == 20, "20 samples (a second each) apart: \(buyColumn) \(sellColumn)")
        // The last 34 samples fit the plot: from 23:54:20 to 23:54:54.
        #expect(chart.contains { $0.hasPrefix("23:54:20") && $0.contains("23:54:54") }, "\(chart.joined(separator: "\n"))")
    }

}
