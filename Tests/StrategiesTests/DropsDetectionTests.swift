import MarketModel
import OrderBook
import Strategies
import Testing
import Trading

@Suite("Drops detection")
struct DropsDetectionTests {
    func context(_ seconds: Double, last: Double) -> StrategyContext {
        var book = OrderBook(symbol: "BTCUSDT", rule: .sequential)
        let bid = Price(units: Int64(last * 1e8))
        book.apply(BookSnapshot(symbol: "BTCUSDT", lastUpdateID: 1, bids: [BookLevel(price: bid, quantity: Quantity(whole: 5))], asks: [BookLevel(price: Price(units: bid.units + 1_000_000), quantity: Quantity(whole: 5))], time: EventTime(exchange: nil, received: Timestamp(nanoseconds: 0))))
        return StrategyContext(symbol: "BTCUSDT", now: Timestamp(nanoseconds: Int64(seconds * 1e9)), kind: .spot, book: book, lastPrice: bid, recentTrades: RecentTrades(), candles: CandleSeries(), position: nil, availableCash: Money(whole: 10_000), openOrders: [], tick: Price(units: 1_000_000), lot: Quantity(units: 100_000))
    }

    func strategy(_ given: [(String, ParameterValue)]) throws -> DropsDetection {
        DropsDetection(parameters: try ParameterSet(specs: DropsDetection.specs, given: given.map { ($0.0, $0.1, "test") }))
    }

    /// Feeds one print per second (`prices[i]` at second i); returns the intents by second.
    func run(_ strategy: inout DropsDetection, _ prices: [Double]) -> [(Int, [StrategyIntent])] {
        prices.enumerated().compactMap { second, value in
            let time = Timestamp(nanoseconds: Int64(second) * 1_000_000_000)
            let trade = TradePrint(symbol: "BTCUSDT", id: UInt64(second), price: Price(units: Int64(value * 1e8)), quantity: Quantity(units: 1_000_000), aggressor: .sell, tradeTime: time, time: EventTime(exchange: nil, received: time))
            let intents = strategy.handle(.market(.trade(trade)), context: context(Double(second), last: value))
            return intents.isEmpty ? nil : (second, intents)
        }
    }

    func detections(_ fired: [(Int, [StrategyIntent])]) -> [(Int, Detection)] {
        fired.flatMap { second, intents in intents.compactMap { if case .detect(let d) = $0 { return (second, d) } else { return nil } } }
    }

    let flat = Array(repeating: 100.0, count: 120)

    @Test("a 4 % fall within 20 s fires once, with the figures that triggered it; detect only by default")
    func firesOnFastDrop() throws {
        var drops = try strategy([("DropsPriceMA", .integer(0)), ("DropsPriceDelta", .number(3)), ("NextDetectPenalty", .number(120))])
        let fall = (1...20).map { 100 - Double($0) * 0.2 }
        let fired = run(&drops, flat + fall + Array(repeating: 96, count: 30))
        let found = detections(fired)
        #expect(found.count == 1)
        let (second, detection) = try #require(found.first)
        #expect(second == 120 + 14, "3 % is crossed at 97.0 (100/97 − 1 = 3.09 %)")
        #expect(detection.figures.first == Detection.Figure("price_delta_pct", "3.09"))
        #expect(detection.figures.contains(Detection.Figure("high", "100")))
        #expect(!detection.trades)
        #expect(fired.allSatisfy { $0.1.count == 1 }, "no order without AutoBuy")
    }

    @Test("the same 4 % as a slow drift over 400 s never fires in a 100 s window")
    func ignoresSlowDrift() throws {
        var drops = try strategy([("DropsPriceMA", .integer(0)), ("DropsPriceDelta", .number(3)), ("DropsMaxTime", .integer(100))])
        let drift = (1...400).map { 100 - Double($0) * 0.01 }
        #expect(detections(run(&drops, flat + drift)).isEmpty)
    }

    @Test("NextDetectPenalty holds back a second detect, then lets the next one through")
    func penalty() throws {
        var drops = try strategy([("DropsPriceMA", .integer(0)), ("DropsPriceDelta", .number(3)), ("NextDetectPenalty", .number(60)), ("DropsMaxTime", .integer(30))])
        var prices = flat
        prices += Array(repeating: 96, count: 10) + Array(repeating: 100, count: 20) + Array(repeating: 96, count: 10)   // drop again 30 s later
        prices += Array(repeating: 100, count: 60) + Array(repeating: 96, count: 10)                                    // and after the penalty
        let seconds = detections(run(&drops, prices)).map(\.0)
        #expect(seconds == [120, 220])
    }

    @Test("a one-print spike down counts with DropsLastPriceMA 0, not when the current price is averaged")
    func spikeAndAveraging() throws {
        var prices = flat
        prices[110] = 95
        var raw = try strategy([("DropsPriceMA", .integer(0)), ("DropsPriceDelta", .number(3))])
        #expect(detections(run(&raw, prices)).map(\.0) == [110])
        var averaged = try strategy([("DropsPriceMA", .integer(0)), ("DropsPriceDelta", .number(3)), ("DropsLastPriceMA", .integer(5))])
        #expect(detections(run(&averaged, prices)).isEmpty)
    }

    @Test("AutoBuy places a limit buy BuyPrice % from the best ask for OrderSize worth")
    func autoBuy() throws {
        var drops = try strategy([("DropsPriceMA", .integer(0)), ("DropsPriceDelta", .number(3)), ("AutoBuy", .flag(true)), ("BuyPrice", .number(-1)), ("OrderSize", .number(96))])
        let fired = run(&drops, flat + [96])
        let intents = try #require(fired.first?.1)
        #expect(intents.count == 2)
        guard case .place(let order) = intents[1] else { Issue.record("\(intents)"); return }
        #expect(order.side == .buy)
        // Ask 96.01, 1 % under it is 95.0499, down to the 0.01 tick: 95.04.
        #expect(order.kind == .limit(Price(units: 9_504_000_000)))
        #expect(order.quantity == Quantity(units: 101_000_000), "96 / 95.04 = 1.0101… rounded down to the 0.001 lot")
    }

    @Test("Short on futures is the mirror: a 4 % rise fires and sells short from the bid; on spot it does nothing")
    func shortMirror() throws {
        var spot = try strategy([("DropsPriceMA", .integer(0)), ("DropsPriceDelta", .number(3)), ("Short", .flag(true)), ("AutoBuy", .flag(true))])
        #expect(detections(run(&spot, flat + [104])).isEmpty)
        var harness = StrategyHarness(try strategy([("DropsPriceMA", .integer(0)), ("DropsPriceDelta", .number(3)), ("Short", .flag(true)), ("AutoBuy", .flag(true)), ("BuyPrice", .number(0.5))]))
        harness.kind = .usdMargined
        for second in 0..<120 { harness.print(Double(second), 100) }
        harness.print(120, 104)
        let found = try #require(harness.detections.first?.detection)
        #expect(found.figures.first == Detection.Figure("price_delta_pct", "4.0"))
        #expect(found.figures.contains(Detection.Figure("low", "100")))
        guard case .place(let order) = harness.log.last?.intent else { Issue.record("\(harness.log)"); return }
        #expect(order.side == .sell)
        #expect(order.kind == .limit(Price(units: 10_348_000_000)), "the mirror of BuyPrice: bid 104 × (1 − 0.5 %) = 103.48")
    }
}
