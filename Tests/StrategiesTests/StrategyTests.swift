import MarketModel
import OrderBook
import Strategies
import Testing
import Trading

func price(_ text: String) -> Price { try! Price(parsing: text) }

@Suite("Strategy parameters")
struct ParameterTests {
    let specs = EMAReversal.specs

    @Test("defaults, then given values; names are matched without case")
    func resolves() throws {
        let set = try ParameterSet(specs: specs, given: [("emaperiod", .text("45"), "--param"), ("UseTrailing", .text("yes"), "--param"), ("StopLoss", .integer(-2), "file")])
        #expect(set.integer("EMAPeriod") == 45)
        #expect(set.flag("UseTrailing"))
        #expect(set.number("StopLoss") == -2)
        #expect(set.number("StretchPercent") == 0.05)
        #expect(set.text("Direction") == "long")
    }

    @Test("unknown keys, wrong types and values out of range are refused with a reason", arguments: [
        ("EMAPerod", ParameterValue.text("45"), "unknown parameter 'EMAPerod'"),
        ("EMAPeriod", .text("fast"), "EMAPeriod must be a whole number, got 'fast'"),
        ("EMAPeriod", .integer(1), "EMAPeriod = 1 is out of range 2...86400"),
        ("StopLoss", .text("-200"), "StopLoss = -200.0 is out of range"),
        ("UseTrailing", .text("maybe"), "UseTrailing must be YES or NO"),
        ("Direction", .text("sideways"), "Direction must be one of long, short, both"),
        ("SellPrice", .flag(true), "SellPrice must be a number"),
        // Whole but no Int: converting them trapped (found by the strategy-toml fuzzer).
        ("EMAPeriod", .number(1e300), "EMAPeriod must be a whole number, got '1e+300'"),
        ("EMAPeriod", .number(.infinity), "EMAPeriod must be a whole number, got 'inf'"),
        ("EMAPeriod", .number(2.5), "EMAPeriod must be a whole number, got '2.5'"),
    ])
    func refuses(key: String, value: ParameterValue, reason: String) {
        do {
            _ = try ParameterSet(specs: specs, given: [(key, value, "--param \(key)")])
            Issue.record("accepted \(key)=\(value)")
        } catch {
            #expect(error.description.contains(reason), "\(error.description)")
            #expect(error.description.hasPrefix("--param \(key)"))
        }
    }
}

@Suite("EMA reversal")
struct EMAReversalTests {
    func context(_ seconds: Double, last: String, flat: Bool = true) -> StrategyContext {
        var book = OrderBook(symbol: "BTCUSDT", rule: .sequential)
        let bid = price(last)
        book.apply(BookSnapshot(symbol: "BTCUSDT", lastUpdateID: 1, bids: [BookLevel(price: bid, quantity: Quantity(whole: 5))], asks: [BookLevel(price: Price(units: bid.units + 1_000_000), quantity: Quantity(whole: 5))], time: EventTime(exchange: nil, received: Timestamp(nanoseconds: 0))))
        return StrategyContext(symbol: "BTCUSDT", now: Timestamp(nanoseconds: Int64(seconds * 1e9)), kind: .spot, book: book, lastPrice: bid, recentTrades: RecentTrades(), candles: CandleSeries(), position: nil, availableCash: Money(whole: 10_000), openOrders: [], tick: Price(units: 1_000_000), lot: Quantity(units: 100_000))
    }

    func feed(_ strategy: inout EMAReversal, _ prints: [(Double, String)]) -> [(Double, [StrategyIntent])] {
        prints.map { second, text in
            let trade = TradePrint(symbol: "BTCUSDT", id: 1, price: price(text), quantity: Quantity(units: 1_000_000), aggressor: .sell, tradeTime: Timestamp(nanoseconds: Int64(second * 1e9)), time: EventTime(exchange: nil, received: Timestamp(nanoseconds: Int64(second * 1e9))))
            return (second, strategy.handle(.market(.trade(trade)), context: context(second, last: text)))
        }
    }

    func strategy(_ given: [(key: String, value: ParameterValue, source: String)] = []) throws -> EMAReversal {
        EMAReversal(parameters: try ParameterSet(specs: EMAReversal.specs, given: [("EMAPeriod", .integer(10), "test"), ("StretchPercent", .number(0.05), "test"), ("TurnPercent", .number(0.02), "test")] + given))
    }

    @Test("buys the turn after a stretch below the EMA")
    func buysTheTurn() throws {
        var reversal = try strategy()
        var prints: [(Double, String)] = (0...12).map { (Double($0), "100") }
        // Stretch: 0.1 % under the EMA, a lower low, then a turn of 0.02 % off it.
        prints += [(12.5, "99.9"), (12.6, "99.85"), (12.7, "99.87")]
        let results = feed(&reversal, prints)
        let fired = results.filter { !$0.1.isEmpty }
        #expect(fired.count == 1)
        #expect(fired.first?.0 == 12.7)
        guard case .place(let order)? = fired.first?.1.first else {
            Issue.record("expected an order")
            return
        }
        #expect(order.side == .buy)
        #expect(order.kind == .limit(price("99.87")))
        // 100 of value at 99.87 is 1.00130... → 1.001 at the 0.001 lot
        #expect(order.quantity == Quantity(units: 100_100_000))
    }

    @Test("does nothing before the EMA has warmed up, without a stretch, or when the price goes back without a turn")
    func staysOut() throws {
        var early = try strategy()
        #expect(feed(&early, [(0, "100"), (1, "100"), (2, "99.8"), (2.1, "99.7"), (2.2, "99.9")]).allSatisfy { $0.1.isEmpty })

        var calm = try strategy()
        let quiet: [(Double, String)] = (0...30).map { (Double($0), $0 % 2 == 0 ? "100" : "99.98") }
        #expect(feed(&calm, quiet).allSatisfy { $0.1.isEmpty })

        var back = try strategy()
        var prints: [(Double, String)] = (0...12).map { (Double($0), "100") }
        prints += [(12.5, "99.9"), (12.6, "99.91"), (12.7, "100.01"), (12.8, "100.02")]
        #expect(feed(&back, prints).allSatisfy { $0.1.isEmpty })
    }
}
