import MarketModel
import OrderBook
import Simulation
import Strategies
import Testing
import Trading

/// Issue 18: with more coins than `MaxActiveOrders`, MoonShot gives the slots to the
/// coins `MShotSortBy` ranks first (the 2 h delta by default), not to whichever
/// printed first.
@Suite("MoonShot: coins ranked for the slots")
struct MoonShotRankingTests {
    /// One-minute candles over two hours whose range is `percent` % (the 2 h delta).
    static func candles(range percent: Double, until now: Int64) -> CandleSeries {
        var candles = CandleSeries()
        for minute in 0..<120 {
            let price = minute == 30 ? 100 * (1 + percent / 100) : 100
            candles.add(price: Price(units: Int64(price * 1e8)), quantity: Quantity(whole: 1), at: Timestamp(nanoseconds: now - Int64(119 - minute) * 60_000_000_000))
        }
        return candles
    }

    static func context(_ symbol: String, range: Double, flat: Bool, now: Int64) -> StrategyContext {
        var book = OrderBook(symbol: symbol, rule: .sequential)
        book.apply(BookSnapshot(symbol: symbol, lastUpdateID: 1, bids: [BookLevel(price: Price(whole: 100), quantity: Quantity(whole: 5))], asks: [BookLevel(price: Price(units: 100_01_000_000), quantity: Quantity(whole: 5))], time: EventTime(exchange: nil, received: Timestamp(nanoseconds: now))))
        var position: Position?
        if !flat {
            var held = Position(symbol: symbol, kind: .spot)
            _ = held.apply(Fill(orderID: ClientOrderID(1), symbol: symbol, side: .buy, price: Price(whole: 100), quantity: Quantity(whole: 1), fee: .zero, liquidity: .taker, time: Timestamp(nanoseconds: now)))
            position = held
        }
        return StrategyContext(symbol: symbol, now: Timestamp(nanoseconds: now), kind: .spot, book: book, lastPrice: Price(whole: 100), recentTrades: RecentTrades(), candles: candles(range: range, until: now), position: position, availableCash: Money(whole: 100_000), openOrders: [], tick: Price(units: 1_000_000), lot: Quantity(units: 100_000))
    }

    static func trade(_ symbol: String, now: Int64) -> StrategyInput {
        .market(.trade(TradePrint(symbol: symbol, id: 1, price: Price(whole: 100), quantity: Quantity(whole: 1), aggressor: .sell, tradeTime: Timestamp(nanoseconds: now), time: EventTime(exchange: nil, received: Timestamp(nanoseconds: now)))))
    }

    @Test("six coins, two slots: once the first come's orders are gone, whatever order the coins print in, the two with the widest 2 h range get the slots", arguments: 0..<30)
    func widestRangesGetTheSlots(seed: UInt64) throws {
        let entry = try #require(StrategyCatalog.entry(named: "mshot"))
        var strategy = entry.make(try ParameterSet(specs: entry.specs, given: [("MaxActiveOrders", .integer(2), "test")]))
        var random = SeededGenerator(seed: seed)
        let ranges = ["AUSDT": 1.0, "BUSDT": 6.0, "CUSDT": 2.0, "DUSDT": 9.0, "EUSDT": 3.0, "FUSDT": 0.5]
        var now: Int64 = 10_000_000_000_000
        func print(_ symbol: String) -> [String] {
            now += 1_000_000
            return strategy.handle(Self.trade(symbol, now: now), context: Self.context(symbol, range: ranges[symbol]!, flat: true, now: now)).compactMap { intent in
                if case .place(let order) = intent { return order.symbol } else { return nil }
            }
        }
        // The first two to print take the slots: nothing is known of the others yet.
        #expect(print("AUSDT") + print("FUSDT") == ["AUSDT", "FUSDT"])
        // The others print and wait.
        for symbol in ["BUSDT", "CUSDT", "DUSDT", "EUSDT"].shuffled(using: &random) { #expect(print(symbol).isEmpty) }
        // A's and F's orders are gone (cancelled, say): from now on, whatever the order
        // of the prints, only the two widest ranges are placed.
        var placed: Set<String> = []
        for _ in 0..<3 {
            for symbol in ranges.keys.sorted().shuffled(using: &random) { placed.formUnion(print(symbol)) }
        }
        #expect(placed == ["BUSDT", "DUSDT"], "seed \(seed): \(placed.sorted())")
    }

    @Test("MShotSortBy = None: the first coins to print get the slots")
    func noneIsFirstComeFirstServed() throws {
        let entry = try #require(StrategyCatalog.entry(named: "mshot"))
        var strategy = entry.make(try ParameterSet(specs: entry.specs, given: [("MaxActiveOrders", .integer(2), "test"), ("MShotSortBy", .text("None"), "test")]))
        var now: Int64 = 10_000_000_000_000
        var placed: [String] = []
        for (symbol, range) in [("FUSDT", 0.5), ("AUSDT", 1.0), ("DUSDT", 9.0)] {
            now += 1_000_000
            for intent in strategy.handle(Self.trade(symbol, now: now), context: Self.context(symbol, range: range, flat: true, now: now)) {
                if case .place(let order) = intent { placed.append(order.symbol) }
            }
        }
        #expect(placed == ["FUSDT", "AUSDT"])
    }
}
