import MarketModel
import OrderBook
import Simulation
import Strategies
import Testing
import Trading

/// A strategy watching two markets must decide on each as if it watched that market
/// alone: BTC's prices never reach an ETH detect (issue 18: Drops compared BTC's high
/// with ETH's prints and fired 12 times on two files that fire 0 times alone).
@Suite("Strategies: symbols are independent")
struct SymbolIndependenceTests {
    struct Print {
        var symbol: String
        var second: Double
        var price: Double
    }

    /// A random walk with jumps of up to 5 % around `level`, one print every 0.3–2 s.
    static func walk(_ symbol: String, level: Double, seconds: Double, random: inout SeededGenerator) -> [Print] {
        var prints: [Print] = []
        var time = 0.0
        var price = level
        while time < seconds {
            time += Double.random(in: 0.3...2, using: &random)
            let jump = Int.random(in: 0..<20, using: &random) == 0 ? Double.random(in: -5...5, using: &random) : Double.random(in: -0.3...0.3, using: &random)
            price = max(level * 0.5, price * (1 + jump / 100))
            prints.append(Print(symbol: symbol, second: time, price: price))
        }
        return prints
    }

    func context(_ print: Print) -> StrategyContext {
        var book = OrderBook(symbol: print.symbol, rule: .sequential)
        let bid = Price(units: Int64(print.price * 1e6) * 100)
        book.apply(BookSnapshot(symbol: print.symbol, lastUpdateID: 1, bids: [BookLevel(price: bid, quantity: Quantity(whole: 5))], asks: [BookLevel(price: Price(units: bid.units + 1_000_000), quantity: Quantity(whole: 5))], time: EventTime(exchange: nil, received: Timestamp(nanoseconds: 0))))
        return StrategyContext(symbol: print.symbol, now: Timestamp(nanoseconds: Int64(print.second * 1e9)), kind: .usdMargined, book: book, lastPrice: bid, recentTrades: RecentTrades(), candles: CandleSeries(), position: nil, availableCash: Money(whole: 100_000), openOrders: [], tick: Price(units: 1_000_000), lot: Quantity(units: 100_000))
    }

    /// What `strategy` decides on each print, as text (detects and orders), per symbol.
    func decisions(_ strategy: inout any Strategy, _ prints: [Print]) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for (index, print) in prints.enumerated() {
            let time = Timestamp(nanoseconds: Int64(print.second * 1e9))
            let trade = TradePrint(symbol: print.symbol, id: UInt64(index), price: Price(units: Int64(print.price * 1e6) * 100), quantity: Quantity(units: 1_000_000), aggressor: .sell, tradeTime: time, time: EventTime(exchange: nil, received: time))
            for intent in strategy.handle(.market(.trade(trade)), context: context(print)) {
                out[print.symbol, default: []].append("\(print.second) \(intent)")
            }
        }
        return out
    }

    /// Settings that make each strategy decide often on a 5-minute random walk.
    static let eager: [String: [(String, ParameterValue)]] = [
        "drops": [("DropsMaxTime", .integer(30)), ("DropsPriceMA", .integer(0)), ("DropsPriceDelta", .number(1)), ("NextDetectPenalty", .number(5)), ("AutoBuy", .flag(true))],
        "ema-reversal": [("EMAPeriod", .integer(5)), ("StretchPercent", .number(0.2)), ("TurnPercent", .number(0.05)), ("EntryCooldown", .number(0)), ("Direction", .text("both"))],
    ]

    @Test("each symbol's decisions with two markets interleaved equal its decisions alone", arguments: ["drops", "ema-reversal"], 0..<40)
    func interleavedEqualsAlone(strategyName: String, seed: UInt64) throws {
        let entry = try #require(StrategyCatalog.entry(named: strategyName))
        var random = SeededGenerator(seed: seed)
        let btc = Self.walk("BTCUSDT", level: 60_000, seconds: 300, random: &random)
        let eth = Self.walk("ETHUSDT", level: 2_500, seconds: 300, random: &random)
        let merged = (btc + eth).sorted { ($0.second, $0.symbol) < ($1.second, $1.symbol) }
        let parameters = try ParameterSet(specs: entry.specs, given: (Self.eager[strategyName] ?? []).map { ($0.0, $0.1, "test") })
        var together = entry.make(parameters)
        var btcAlone = entry.make(parameters)
        var ethAlone = entry.make(parameters)
        let both = decisions(&together, merged)
        let alone = decisions(&btcAlone, btc).merging(decisions(&ethAlone, eth)) { $0 + $1 }
        #expect(both["BTCUSDT"] ?? [] == alone["BTCUSDT"] ?? [], "seed \(seed): BTC decided differently with ETH beside it")
        #expect(both["ETHUSDT"] ?? [] == alone["ETHUSDT"] ?? [], "seed \(seed): ETH decided differently with BTC beside it")
        #expect(!(alone["ETHUSDT"] ?? []).isEmpty || !(alone["BTCUSDT"] ?? []).isEmpty || seed % 2 == 1, "the settings make \(strategyName) decide on most walks")
    }
}

/// Live feeds can deliver a print stamped earlier than the one before (a clock step,
/// two merged connections): no strategy may crash or loop on it (issue 22: Pump and
/// channel split trapped on a negative range).
@Suite("Strategies: time going backwards")
struct BackwardTimeTests {
    @Test("every strategy takes prints whose times jump back, and goes on deciding", arguments: StrategyCatalog.entries.map(\.name))
    func backwardsIsHarmless(strategyName: String) throws {
        let entry = try #require(StrategyCatalog.entry(named: strategyName))
        var strategy = entry.make(try ParameterSet(specs: entry.specs, given: []))
        var random = SeededGenerator(seed: 7)
        var prints = SymbolIndependenceTests.walk("BTCUSDT", level: 60_000, seconds: 600, random: &random)
        // Every tenth print stamped up to 90 s in the past.
        for index in stride(from: 9, to: prints.count, by: 10) { prints[index].second = max(0, prints[index].second - Double.random(in: 1...90, using: &random)) }
        var handled = 0
        let harness = SymbolIndependenceTests()
        for (index, print) in prints.enumerated() {
            let time = Timestamp(nanoseconds: Int64(print.second * 1e9))
            let trade = TradePrint(symbol: print.symbol, id: UInt64(index), price: Price(units: Int64(print.price * 1e6) * 100), quantity: Quantity(units: 1_000_000), aggressor: index % 2 == 0 ? .buy : .sell, tradeTime: time, time: EventTime(exchange: nil, received: time))
            _ = strategy.handle(.market(.trade(trade)), context: harness.context(print))
            handled += 1
        }
        #expect(handled == prints.count)
    }
}
