import MarketModel
import Strategies
import Testing
import Trading

@Suite("MoonShot")
struct MoonShotTests {
    func harness(_ given: [(String, ParameterValue)] = []) throws -> StrategyHarness<MoonShot> {
        StrategyHarness(MoonShot(parameters: try parameters(MoonShot.specs, [("MShotAddHourlyDelta", .number(0))] + given)))
    }

    @Test("places one order MShotPrice % under the lowest print of the last 100 ms, take profit from that pre-spike price")
    func placesTheShot() throws {
        var shot = try harness([("MShotPrice", .number(3)), ("SellPrice", .number(0.5))])
        shot.print(0.00, 100.2)
        // The second print comes 50 ms later: the order is priced off the lower one.
        let intents = shot.print(0.05, 100.0)
        #expect(intents.isEmpty, "the first print placed it already; one order per market")
        #expect(shot.orderPrices == [97.19], "100.2 × 0.97 = 97.194, down to the tick")
        guard case .place(let order) = shot.log.first?.intent else { Issue.record("\(shot.log)"); return }
        #expect(order.side == .buy)
        #expect(order.takeProfit == Price(units: 10_071_000_000), "100.2 × 1.005 = 100.701, up to the tick")
        #expect(order.quantity == Quantity(units: 102_800_000), "100 worth at 97.19: 1.028… → 1.028")
    }

    @Test("follows a slow drift down with its corridor but never sits within MShotPriceMin % of the price")
    func followsDriftDown() throws {
        var shot = try harness([("MShotPrice", .number(3)), ("MShotPriceMin", .number(2))])
        shot.ramp(from: 100, to: 90, seconds: 101, start: 0)
        let prices = shot.orderPrices
        #expect(prices.count > 3, "the order moved with the price: \(prices)")
        #expect(zip(prices, prices.dropFirst()).allSatisfy { $0 > $1 }, "each move goes lower")
        #expect(prices.last! < 90 * 0.98 && prices.last! >= 90 * 0.96, "it ends in the corridor under 90: \(prices.last!)")
    }

    @Test("waits MShotRaiseWait seconds before following a rising price")
    func raiseWait() throws {
        var shot = try harness([("MShotPrice", .number(3)), ("MShotPriceMin", .number(2)), ("MShotRaiseWait", .number(30))])
        shot.print(0, 100)
        // Far bound: 2 × 3 − 2 = 4 %. At 102 the order (97) is 4.9 % away: beyond it.
        for second in 1...29 { shot.print(Double(second), 102) }
        #expect(shot.orderPrices == [97], "no move before 30 s beyond the far bound")
        shot.print(30, 102)
        shot.print(31, 102)
        #expect(shot.orderPrices == [97, 98.94], "re-placed at 102 × 0.97 once the wait is over")
    }

    @Test("a spike down through the order asks for no new order while the first is unacknowledged")
    func oneReplacementInFlight() throws {
        var shot = try harness([("MShotPrice", .number(3)), ("MShotPriceMin", .number(2))])
        shot.acknowledge = false
        shot.print(0, 100)
        shot.print(1, 97.5)    // inside the near bound, but the order is still unacknowledged
        shot.print(2, 97.4)
        #expect(shot.orderPrices == [97])
        shot.acknowledgeAll()
        shot.print(3, 97.4)
        #expect(shot.orderPrices == [97, 94.47], "once acknowledged, one replacement")
        shot.print(4, 96)
        #expect(shot.orderPrices == [97, 94.47], "the replacement is itself unacknowledged: nothing more")
    }

    @Test("no order while a position is open; a short on futures shoots above the price, not on spot")
    func positionAndShort() throws {
        var short = try harness([("MShotPrice", .number(3)), ("Short", .flag(true))])
        short.print(0, 100)
        #expect(short.orderPrices.isEmpty, "no short on spot")
        short.kind = .usdMargined
        short.print(1, 100)
        #expect(short.orderPrices == [103])
        guard case .place(let order) = short.log.last?.intent else { return }
        #expect(order.side == .sell)
        #expect(order.takeProfit == Price(units: 9_950_000_000), "a short's take profit: 100 × 0.995")
    }
}
