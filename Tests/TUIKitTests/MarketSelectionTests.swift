import EngineCore
import MarketModel
import Simulation
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
}

