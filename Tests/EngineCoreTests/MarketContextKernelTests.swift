@testable import EngineCore
import MarketModel
import Simulation
import Strategies
import Testing
import Trading

/// Issue 18: BTC's and the market's changes as MoonBot shows them in its top bar and
/// filters on (`Delta_BTC_*`, `Delta_Market_*`), kept as each symbol trades.
@Suite("Kernel: BTC and market deltas")
struct MarketContextKernelTests {
    static func trade(_ symbol: String, _ price: Double, minute: Double) -> KernelInput {
        let time = Timestamp(nanoseconds: Int64((1_000_000 + minute * 60) * 1e9))
        return .market(.trade(TradePrint(symbol: symbol, id: 1, price: Price(units: Int64(price * 1e8)), quantity: Quantity(units: 1_000_000), aggressor: .buy, tradeTime: time, time: EventTime(exchange: nil, received: time))))
    }

    @Test("BTC's 1h change is its price against the hour's mean; the market's is the mean of the other symbols' own")
    func btcAndMarket() throws {
        var engine = kernel(ScriptedStrategy(script: []))
        var random = SeededGenerator(seed: 11)
        var alone: [String: CandleSeries] = [:]
        for minute in 0..<120 {
            _ = engine.handle(Self.trade("BTCUSDT", minute < 119 ? 10_000 : 10_100, minute: Double(minute)))
            for symbol in ["AAAUSDT", "BBBUSDT", "CCCUSDT"] where random.next() % 3 != 0 {
                let price = 50 + Double(random.next() % 1_000) / 100
                let input = Self.trade(symbol, price, minute: Double(minute) + 0.5)
                _ = engine.handle(input)
                alone[symbol, default: CandleSeries()].add(price: Price(units: Int64(price * 1e8)), quantity: Quantity(units: 1), at: Timestamp(nanoseconds: Int64((1_000_000 + (Double(minute) + 0.5) * 60) * 1e9)))
            }
        }
        let context = engine.marketContext
        let btcHour = try #require(context.btc?.oneHour)
        // 59 minutes at 10,000 and one at 10,100: mean 10,001.67, (1 − 10,001.67/10,100) × 100.
        #expect(abs(btcHour - 0.9736) < 0.001)
        let expected = alone.keys.sorted().compactMap { alone[$0]?.change(intervals: 60) }
        let marketHour = try #require(context.market?.oneHour)
        #expect(abs(marketHour - expected.reduce(0, +) / Double(expected.count)) < 1e-9)
        #expect(context.symbols == 3)
        #expect(engine.snapshot().market == context)
    }

    @Test("Delta_BTC_Max holds back entries while BTC runs up; Delta_Market_Min while the market falls")
    func filters() throws {
        func engine(_ given: [(String, ParameterValue)]) throws -> TradingKernel {
            let filters = StrategyFilters(parameters: try ParameterSet(specs: StrategyFilters.specs, given: given.map { ($0.0, $0.1, "test") }))
            var engine = TradingKernel(configuration: KernelConfiguration(account: .spot, initialCash: Money(whole: 10_000), marketKind: .spot), strategies: [LateEntry(filters: filters)])
            for minute in 0..<60 { _ = engine.handle(Self.trade("ETHUSDT", 3_000 - Double(minute) * 10, minute: Double(minute))) }
            for minute in 0..<59 { _ = engine.handle(Self.trade("BTCUSDT", 10_000, minute: Double(minute))) }
            _ = engine.handle(Self.trade("BTCUSDT", 10_100, minute: 59.5))
            return engine
        }
        let offered = try engine([])
        #expect(offered.openOrders.count == 1, "no filter: the scripted entry goes out")
        let btcHot = try engine([("Delta_BTC_Max", .number(0.5))])
        #expect(btcHot.openOrders.isEmpty)
        let filters = StrategyFilters(parameters: try ParameterSet(specs: StrategyFilters.specs, given: [("Delta_BTC_Max", .number(0.5), "test")]))
        let context = StrategyContext(symbol: "BTCUSDT", now: at(0), kind: .spot, book: nil, lastPrice: nil, recentTrades: RecentTrades(), candles: CandleSeries(), position: nil, availableCash: .zero, openOrders: [], tick: Price(units: 1), lot: Quantity(units: 1), market: btcHot.marketContext)
        #expect(filters.refusal(context) == "Delta_BTC 0.97 % outside -1000.0…0.5")
        let marketFalling = try engine([("Delta_Market_Min", .number(-1))])
        // ETH is the market here: falling all hour, its price is under its mean.
        #expect(marketFalling.marketContext.market?.oneHour ?? 0 < -1)
        #expect(marketFalling.openOrders.isEmpty)
    }
}

/// Asks for one BTC entry on BTC's print at 10,100 (after the context is built).
struct LateEntry: Strategy {
    let name = "late"
    var exits = ExitSettings()
    var filters: StrategyFilters
    mutating func handle(_ input: StrategyInput, context: StrategyContext) -> [StrategyIntent] {
        guard case .market(.trade(let trade)) = input, trade.symbol == "BTCUSDT", trade.price == Price(units: 1_010_000_000_000) else { return [] }
        return [.place(OrderIntent(symbol: "BTCUSDT", side: .buy, kind: .limit(Price(units: 990_000_000_000)), quantity: Quantity(units: 10_000_000)))]
    }
}

/// Two strategies' entries in one net position: the ledgers split the result.
@Suite("Kernel: shares of a round trip")
struct TradeSharesTests {
    @Test("property: for any entries and result, the parts sum to the trade's net exactly", arguments: 0..<200)
    func partsSumToTheWhole(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var shares = TradeShares()
        for index in 0..<Int(1 + random.next() % 4) {
            let quantity = Quantity(units: Int64(1 + random.next() % 1_000_000_000))
            let price = Price(units: Int64(1 + random.next() % 10_000_000_000_000))
            shares.add(origin: "s\(index)", quantity: quantity, price: price)
        }
        let realized = Money(units: Int64(random.next() % 2_000_000_000_000) - 1_000_000_000_000)
        let fees = Money(units: Int64(random.next() % 10_000_000))
        let long = random.next() % 2 == 0
        let parts = shares.split(realized: realized, fees: fees, long: long)
        #expect(parts.map(\.net).reduce(Money.zero, +) == realized - fees, "seed \(seed)")
        #expect(parts.map(\.origin) == shares.origins)
    }

    @Test("one unit bought at 100 and one at 110, both sold at 120: the parts are each entry's own result, 20 and 10")
    func eachEntryItsOwnResult() {
        var shares = TradeShares()
        shares.add(origin: "a", quantity: Quantity(whole: 1), price: Price(units: 100 * 100_000_000))
        shares.add(origin: "b", quantity: Quantity(whole: 1), price: Price(units: 110 * 100_000_000))
        let parts = shares.split(realized: Money(whole: 30), fees: .zero, long: true)
        #expect(parts.map(\.net) == [Money(whole: 20), Money(whole: 10)])
        // The mirror image: sold short at 100 and 110, bought back at 90.
        let short = shares.split(realized: Money(whole: 30), fees: .zero, long: false)
        #expect(short.map(\.net) == [Money(whole: 10), Money(whole: 20)])
    }
}
