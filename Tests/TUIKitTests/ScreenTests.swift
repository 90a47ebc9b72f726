import EngineCore
import MarketModel
import Strategies
import Testing
import TradingUI
import Trading
import TUIKit

@Suite("The trading screen")
struct ScreenTests {
    func data() -> ScreenData {
        var kernel = TradingKernel(configuration: KernelConfiguration(account: .spot, initialCash: Money(whole: 10_000), marketKind: .spot), strategies: [])
        let time = EventTime(exchange: nil, received: Timestamp(nanoseconds: 1_723_161_255_000_000_000))
        func level(_ price: String, _ quantity: String) -> BookLevel { BookLevel(price: try! Price(parsing: price), quantity: try! Quantity(parsing: quantity)) }
        _ = kernel.handle(.market(.bookSnapshot(BookSnapshot(symbol: "BTCUSDT", lastUpdateID: 1, bids: [level("61837.63", "3.78826"), level("61837.62", "0.617")], asks: [level("61837.64", "1.6052"), level("61838", "0.5")], time: time))))
        _ = kernel.handle(.market(.trade(TradePrint(symbol: "BTCUSDT", id: 1, price: try! Price(parsing: "61837.63"), quantity: try! Quantity(parsing: "0.02"), aggressor: .sell, tradeTime: time.received, time: time))))
        return ScreenData(mode: .replay, exchange: "binance", snapshot: kernel.snapshot(), replay: ReplayStatus(speed: 10, paused: false, progress: 0.25, finished: false), feedLagMilliseconds: 3, eventsPerSecond: 1200, priceHistory: ["BTCUSDT": [61837.63, 61837.64, 61837.63]], tape: [:], equityHistory: [10_000, 10_001], volume: [:])
    }

    let keymap = Keymap(name: "test", bindings: [(.character("q"), "quit"), (.character("?"), "help")])

    @Test("the book shows the best bid on the bid side, in the bid style, under the best ask")
    func ladder() throws {
        let buffer = Screen.render(AppModel(), data(), width: 120, height: 40, glyphs: .unicode, keymap: keymap)
        let lines = buffer.lines
        let bidRow = try #require(lines.firstIndex { $0.contains("61837.63") && $0.contains("3.78826") })
        let askRow = try #require(lines.firstIndex { $0.contains("61837.64") && $0.contains("1.6052") })
        let spreadRow = try #require(lines.firstIndex { $0.contains("spread 0.01") })
        #expect(askRow < spreadRow && spreadRow < bidRow)
        let characters = Array(lines[bidRow])
        let column = try #require((0..<characters.count).first { String(characters[$0..<min($0 + 8, characters.count)]) == "61837.63" })
        #expect(buffer[column, bidRow].style.role == .bid)
        #expect(lines[0].contains("REPLAY | binance | BTCUSDT"))
        #expect(lines[0].contains("10x 25%"))
        #expect(lines[0].contains("lag 3ms"))
        #expect(lines[0].contains("book synced"))
    }

    @Test("a halted account shows HALTED right after the mode, so 80 columns still show it; an active one says ACTIVE at the end")
    func haltedAtAnyWidth() {
        var halted = data()
        halted.feed = "up, requests 13/6000, clock +2 ms, orders pushed, countdown armed"
        halted.snapshot.tradingState = .halted
        let narrow = Screen.render(AppModel(), halted, width: 80, height: 24, glyphs: .unicode, keymap: keymap).lines[0]
        // The state right after the mode, and the health light says why trading stopped;
        // the exchange's name, the least needed field, is what 80 columns leave out.
        #expect(narrow.hasPrefix(" REPLAY | HALTED | BTCUSDT |") && narrow.contains("| BAD halted"), "\(narrow)")
        let active = Screen.render(AppModel(), data(), width: 200, height: 40, glyphs: .unicode, keymap: keymap).lines[0]
        #expect(active.contains("REPLAY | binance") && active.hasSuffix("ACTIVE") || active.contains("| ACTIVE"), "\(active)")
    }

    @Test("at 80x24 every panel shows its title or is collapsed by the rule")
    func small() {
        let lines = Screen.render(AppModel(), data(), width: 80, height: 24, glyphs: .unicode, keymap: keymap).lines
        let text = lines.joined(separator: "\n")
        for title in ["Book BTCUSDT", "Chart BTCUSDT", "Positions & orders", "Log", "P&L"] { #expect(text.contains(title), "\(title)") }
        // Collapsed below 120 columns: markets, strategies and the tape.
        #expect(!text.contains("Markets") && !text.contains("Strategies") && !text.contains("Trades"))
        #expect(lines.allSatisfy { $0.count == 80 })
        let wide = Screen.render(AppModel(), data(), width: 160, height: 48, glyphs: .unicode, keymap: keymap).lines.joined(separator: "\n")
        for title in ["Markets", "Strategies", "Trades", "Book BTCUSDT", "Chart", "Positions & orders", "Log", "P&L"] { #expect(wide.contains(title), "\(title)") }
    }

    @Test("the help overlay lists the active bindings; the command line reads orders")
    func helpAndCommands() {
        var model = AppModel()
        #expect(model.update(key: .character("?"), keymap: keymap, data: data()).isEmpty)
        let help = Screen.render(model, data(), width: 120, height: 40, glyphs: .ascii, keymap: keymap).lines.joined(separator: "\n")
        #expect(help.contains("q       quit"))
        var typing = AppModel()
        typing.commandLine = "b 0.01 @61800"
        #expect(typing.update(key: .enter, keymap: keymap, data: data()) == [.order(side: .buy, quantity: "0.01", price: "61800", symbol: "BTCUSDT")])
        typing.commandLine = "s all"
        #expect(typing.update(key: .enter, keymap: keymap, data: data()) == [.panicSell(symbol: nil)])
        typing.commandLine = "speed 100"
        #expect(typing.update(key: .enter, keymap: keymap, data: data()) == [.setSpeed(100)])
        typing.commandLine = "goto 12:05"
        #expect(typing.update(key: .enter, keymap: keymap, data: data()) == [.jumpTo(hour: 12, minute: 5)])
        typing.commandLine = "fly"
        #expect(typing.update(key: .enter, keymap: keymap, data: data()).isEmpty)
        #expect(typing.status == "unknown command 'fly'")
    }
}
