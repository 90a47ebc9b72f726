import Foundation
import EngineCore
import MarketModel
import Simulation
import Strategies
import Testing
import TradingUI
import Trading
import TUIKit

/// Issue 18: the markets table's cursor sticks to the coin, not the row. Before, it
/// held a row number: a re-sort (or a new listing above it) put another coin under the
/// cursor, and the buy hotkey bought that one.
@Suite("The markets table: the selection follows the symbol")
struct MarketSelectionTests {
    let keymap = Keymap(name: "test", bindings: [(.character("j"), "next-market"), (.character("k"), "previous-market"), (.character("o"), "sort-markets"), (.character("b"), "buy")])

    /// A frame with these markets at these prices (one trade each).
    static func frame(_ prices: [(String, Double)]) -> ScreenData {
        var kernel = TradingKernel(configuration: KernelConfiguration(account: .spot, initialCash: Money(whole: 10_000), marketKind: .spot), strategies: [])
        for (index, (symbol, price)) in prices.enumerated() {
            let time = EventTime(exchange: nil, received: Timestamp(nanoseconds: 1_723_161_255_000_000_000 + Int64(index)))
            _ = kernel.handle(.market(.trade(TradePrint(symbol: symbol, id: UInt64(index), price: Price(units: Int64(price * 1e8)), quantity: Quantity(units: 100_000_000), aggressor: .buy, tradeTime: time.received, time: time))))
        }
        return ScreenData(mode: .replay, exchange: "binance", snapshot: kernel.snapshot(), replay: nil, feedLagMilliseconds: nil, eventsPerSecond: 0, priceHistory: [:], tape: [:], equityHistory: [], volume: [:])
    }

    /// The coins drawn reversed in the markets table (the left 28 % of a 140-column screen).
    static func highlighted(_ model: AppModel, _ data: ScreenData) -> [String] {
        let screen = Screen.render(model, data, width: 140, height: 40, glyphs: .ascii, keymap: Keymap(name: "none", bindings: []))
        var found: [String] = []
        for y in 1..<screen.height {
            let line = Array(screen.line(y).prefix(39))
            for symbol in data.snapshot.markets.map(\.symbol) {
                let letters = Array(symbol)
                guard let start = line.indices.first(where: { Array(line.dropFirst($0).prefix(letters.count)) == letters }) else { continue }
                if screen[start, y].style.attributes.contains(.reverse) { found.append(symbol) }
            }
        }
        return found
    }

    @Test("a re-sort moves rows, not the cursor: the buy hotkey buys the coin picked")
    func resortKeepsTheCoin() {
        var model = AppModel()
        model.sort = .price
        let before = Self.frame([("AAAUSDT", 3), ("BBBUSDT", 2), ("CCCUSDT", 1)])
        #expect(model.update(key: .character("j"), keymap: keymap, data: before).isEmpty)
        #expect(model.selectedSymbol == "BBBUSDT")
        // BBB's price runs past AAA's: it is now the first row.
        let after = Self.frame([("AAAUSDT", 3), ("BBBUSDT", 4), ("CCCUSDT", 1)])
        #expect(Self.highlighted(model, after) == ["BBBUSDT"])
        #expect(model.update(key: .character("b"), keymap: keymap, data: after) == [.order(side: .buy, quantity: model.orderSize, price: nil, symbol: "BBBUSDT")])
    }

    @Test("a coin gone from the table is not replaced by its neighbour: the hotkey sends nothing and says why")
    func goneCoinSendsNothing() {
        var model = AppModel()
        _ = model.update(key: .character("j"), keymap: keymap, data: Self.frame([("AAAUSDT", 3), ("BBBUSDT", 2)]))
        #expect(model.selectedSymbol == "BBBUSDT")
        #expect(model.update(key: .character("b"), keymap: keymap, data: Self.frame([("AAAUSDT", 3)])).isEmpty)
        #expect(model.status?.contains("BBBUSDT is no longer in the markets table") == true)
    }

    @Test("property: whatever the keys and the prices, the coin highlighted is the coin the hotkey trades, and only a market key changes it", arguments: 0..<25)
    func cursorIsTheTradedCoin(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let symbols = ["AAAUSDT", "BBBUSDT", "CCCUSDT", "DDDUSDT", "EEEUSDT"]
        func randomFrame() -> ScreenData { Self.frame(symbols.map { ($0, Double(1 + random.next() % 1000)) }) }
        var model = AppModel()
        var data = randomFrame()
        model.settle(data)
        for _ in 0..<60 {
            let before = model.selectedSymbol
            let key: Character = ["j", "k", "o", "p"][Int(random.next() % 4)]
            if key == "p" {
                data = randomFrame()
                model.settle(data)
                #expect(model.selectedSymbol == before, "seed \(seed): new prices moved the cursor")
            } else {
                _ = model.update(key: .character(key), keymap: keymap, data: data)
                if key == "o" { #expect(model.selectedSymbol == before, "seed \(seed): sorting moved the cursor") }
            }
            let bought = model.update(key: .character("b"), keymap: keymap, data: data)
            #expect(bought == [.order(side: .buy, quantity: model.orderSize, price: nil, symbol: model.selectedSymbol ?? "?")])
            #expect(Self.highlighted(model, data) == [model.selectedSymbol ?? "?"], "seed \(seed): the highlighted row is not the coin traded")
        }
    }

    @Test("a whole market scrolls: with 60 markets in a 30-row table, the cursor's row is always drawn, whichever coin it is on", arguments: 0..<5)
    func longTableScrollsToTheCursor(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let symbols = (1...60).map { "C\(String(1000 + $0).dropFirst())USDT" }
        var model = AppModel()
        model.sort = .price
        let data = Self.frame(symbols.map { ($0, Double(1 + random.next() % 10_000)) })
        model.settle(data)
        for _ in 0..<80 {
            _ = model.update(key: .character(random.next() % 3 == 0 ? "k" : "j"), keymap: keymap, data: data)
            #expect(Self.highlighted(model, data) == [model.selectedSymbol ?? "?"], "seed \(seed): \(model.selectedSymbol ?? "-") not drawn")
        }
    }

    @Test(":filter narrows the table to the symbols containing the text; the cursor and the hotkeys follow, and :filter alone shows all again")
    func filterNarrowsTheTable() {
        let data = Self.frame([("BTCUSDT", 60_000), ("ETHBTC", 0.05), ("ETHUSDT", 2_500), ("SOLUSDT", 150)])
        var model = AppModel()
        model.settle(data)
        #expect(model.selectedSymbol == "BTCUSDT")
        model.commandLine = "filter eth"
        _ = model.update(key: .enter, keymap: keymap, data: data)
        #expect(model.marketFilter == "ETH")
        #expect(Screen.orderedMarkets(model.sort, data, filter: model.marketFilter).map(\.symbol) == ["ETHBTC", "ETHUSDT"])
        #expect(model.update(key: .character("b"), keymap: keymap, data: data) == [.order(side: .buy, quantity: model.orderSize, price: nil, symbol: "ETHBTC")])
        _ = model.update(key: .character("j"), keymap: keymap, data: data)
        #expect(model.selectedSymbol == "ETHUSDT")
        let screen = Screen.render(model, data, width: 140, height: 40, glyphs: .ascii, keymap: keymap).lines.joined(separator: "\n")
        #expect(screen.contains("Markets by symbol containing ETH"))
        #expect(!screen.contains("SOLUSDT"))
        model.commandLine = "filter"
        _ = model.update(key: .enter, keymap: keymap, data: data)
        #expect(Screen.orderedMarkets(model.sort, data, filter: model.marketFilter).count == 4)
        #expect(model.selectedSymbol == "ETHUSDT", "clearing the filter keeps the coin")
    }

    @Test("a wide screen shows MoonBot's columns: 1m to 24h deltas, volume, prints per second and the detect marker")
    func wideScreenColumns() {
        let data = Self.frame([("BTCUSDT", 60_000), ("ETHUSDT", 2_500)])
        let narrow = Screen.render(AppModel(), data, width: 120, height: 40, glyphs: .ascii, keymap: keymap).lines[2]
        let wide = Screen.render(AppModel(), data, width: 300, height: 40, glyphs: .ascii, keymap: keymap).lines[2]
        // 120 columns: the symbol, its price and the 5-minute delta, whole.
        #expect(narrow.contains("Market") && narrow.contains("Price") && narrow.contains("5m%") && !narrow.contains("T/s"))
        for title in ["1m%", "5m%", "15m%", "1h%", "3h%", "24h%", "Vol", "T/s"] { #expect(wide.contains(title), "\(title) on a wide screen") }
    }
}

/// Issue 18 item 5: the deltas signed and coloured by the way the price went.
@Suite("The markets table: signed, coloured deltas")
struct MarketDeltaSignTests {
    @Test("a coin that fell over the window shows its delta negative in the loss colour; one that rose, positive in the profit colour")
    func signedAndColoured() throws {
        var kernel = TradingKernel(configuration: KernelConfiguration(account: .spot, initialCash: Money(whole: 10_000), marketKind: .spot), strategies: [])
        let start: Int64 = 1_723_161_240_000_000_000
        // Over four minutes ETH rises 100 → 104 and SOL falls 100 → 96.
        for minute in 0..<5 {
            for (index, (symbol, step)) in [("ETHUSDT", 1.0), ("SOLUSDT", -1.0)].enumerated() {
                let time = EventTime(exchange: nil, received: Timestamp(nanoseconds: start + Int64(minute) * 60_000_000_000 + Int64(index)))
                let price = Price(units: Int64((100 + step * Double(minute)) * 1e8))
                _ = kernel.handle(.market(.trade(TradePrint(symbol: symbol, id: UInt64(minute * 2 + index), price: price, quantity: Quantity(units: 100_000_000), aggressor: .buy, tradeTime: time.received, time: time))))
            }
        }
        let data = ScreenData(mode: .replay, exchange: "binance", snapshot: kernel.snapshot(), replay: nil, feedLagMilliseconds: nil, eventsPerSecond: 0, priceHistory: [:], tape: [:], equityHistory: [], volume: [:])
        var model = AppModel()
        model.selectedSymbol = "NONE"
        let screen = Screen.render(model, data, width: 200, height: 40, glyphs: .ascii, keymap: Keymap(name: "none", bindings: []))
        func row(_ symbol: String) throws -> Int { try #require((0..<screen.height).first { screen.line($0).contains("|\(symbol)") }) }
        let eth = try row("ETHUSDT")
        let sol = try row("SOLUSDT")
        // The 5m delta column: the range of 100…104 is 4 %, of 96…100 about 4.17 %.
        #expect(screen.line(eth).contains(" 4.00 "), "\(screen.line(eth))")
        #expect(screen.line(sol).contains("-4.17 "), "\(screen.line(sol))")
        let ethColumn = try #require(screen.line(eth).range(of: " 4.00 ").map { screen.line(eth).distance(from: screen.line(eth).startIndex, to: $0.lowerBound) + 1 })
        let solColumn = try #require(screen.line(sol).range(of: "-4.17 ").map { screen.line(sol).distance(from: screen.line(sol).startIndex, to: $0.lowerBound) })
        #expect(screen[ethColumn, eth].style.role == .profit)
        #expect(screen[solColumn, sol].style.role == .loss)
    }
}

/// Issue 18 item 7: a position made of several entries shows each lot under it.
@Suite("The positions panel: a lot per entry")
struct PositionLotsTests {
    @Test("two buys by hand on one coin: the position line, then a line per lot with its own entry price and P&L")
    func lotsUnderThePosition() throws {
        var kernel = TradingKernel(configuration: KernelConfiguration(account: .spot, initialCash: Money(whole: 10_000), marketKind: .spot), strategies: [])
        func at(_ seconds: Int64) -> Timestamp { Timestamp(nanoseconds: 1_723_161_240_000_000_000 + seconds * 1_000_000_000) }
        func trade(_ price: Int64, _ seconds: Int64) {
            let time = EventTime(exchange: nil, received: at(seconds))
            _ = kernel.handle(.market(.trade(TradePrint(symbol: "ETHUSDT", id: UInt64(seconds), price: Price(units: price * 100_000_000), quantity: Quantity(units: 100_000_000), aggressor: .buy, tradeTime: time.received, time: time))))
        }
        trade(100, 0)
        for (seconds, price) in [(Int64(1), Int64(100)), (2, 110)] {
            let effects = kernel.handle(.user(.place(OrderIntent(symbol: "ETHUSDT", side: .buy, kind: .limit(Price(units: price * 100_000_000)), quantity: Quantity(units: 100_000_000))), at: at(seconds)))
            let request = try #require(effects.compactMap { effect -> OrderRequest? in if case .submit(let request) = effect { return request } else { return nil } }.first)
            let fill = Fill(orderID: request.id, symbol: "ETHUSDT", side: .buy, price: Price(units: price * 100_000_000), quantity: request.quantity, fee: .zero, liquidity: .maker, time: at(seconds))
            _ = kernel.handle(.order(.filled(fill), receivedAt: at(seconds)))
        }
        trade(105, 3)
        let data = ScreenData(mode: .replay, exchange: "binance", snapshot: kernel.snapshot(), replay: nil, feedLagMilliseconds: nil, eventsPerSecond: 0, priceHistory: [:], tape: [:], equityHistory: [], volume: [:])
        let screen = Screen.render(AppModel(), data, width: 200, height: 50, glyphs: .ascii, keymap: Keymap(name: "none", bindings: [])).lines.joined(separator: "\n")
        let lines = screen.split(separator: "\n").map(String.init)
        let position = try #require(lines.firstIndex { $0.contains("ETHUSDT   LONG") })
        #expect(lines[position + 1].contains(" lot 1") && lines[position + 1].contains("user") && lines[position + 1].contains("5.00") && lines[position + 1].contains("100.00"), "\(lines[position + 1])")
        #expect(lines[position + 2].contains(" lot 2") && lines[position + 2].contains("-5.00") && lines[position + 2].contains("110.00"), "\(lines[position + 2])")
    }
}
