import MarketModel
import Strategies
import Testing
import Trading

@Suite("MoonStrike")
struct MoonStrikeTests {
    func harness(_ given: [(String, ParameterValue)] = []) throws -> StrategyHarness<MoonStrike> {
        var harness = StrategyHarness(MoonStrike(parameters: try parameters(MoonStrike.specs, [("MStrikeDepth", .number(5)), ("MStrikeVolume", .number(100))] + given)))
        // Twenty seconds at 100: the smoothed bid settles there.
        for step in 0..<40 { harness.print(Double(step) * 0.5, 100) }
        return harness
    }

    @Test("a 5 % spike with volume detects and buys 20 % of the depth above the low, take profit at 80 % of it")
    func strikes() throws {
        var strike = try harness()
        strike.print(20.1, 99, quantity: 1)
        strike.print(20.2, 97, quantity: 1)
        #expect(strike.detections.isEmpty, "3 % is not deep enough")
        strike.print(20.3, 95, quantity: 1)
        let detection = try #require(strike.detections.first?.detection)
        #expect(detection.figures.first == Detection.Figure("depth_pct", "5.0"))
        #expect(detection.figures.contains(Detection.Figure("volume", "291.0")), "\(detection.figures)")
        guard case .place(let order) = strike.log.last?.intent else { Issue.record("\(strike.log)"); return }
        #expect(order.kind == .limit(Price(units: 9_600_000_000)), "95 + 20 % × 5 = 96")
        #expect(order.takeProfit == Price(units: 9_900_000_000), "95 + 80 % × 5 = 99")
    }

    @Test("the same spike on too little volume is ignored")
    func ignoresThinSpike() throws {
        var strike = try harness()
        for (second, price) in [(20.1, 99.0), (20.2, 97.0), (20.3, 95.0), (20.4, 94.0)] { strike.print(second, price, quantity: 0.1) }
        #expect(strike.detections.isEmpty, "38 USDT traded, 100 needed")
        #expect(strike.log.isEmpty)
    }

    @Test("a slow 6 % decline never strikes: the smoothed bid follows the bids down")
    func ignoresSlowDecline() throws {
        var strike = try harness()
        for step in 0..<120 { strike.print(20 + Double(step) * 0.5, 100 - 6 * Double(step) / 119, quantity: 5) }
        #expect(strike.detections.isEmpty)
    }

    @Test("MStrikeBuyDelay places the order later, off the spike's final low")
    func buyDelay() throws {
        var strike = try harness([("MStrikeBuyDelay", .number(500))])
        strike.print(20.1, 95, quantity: 2)
        #expect(strike.detections.count == 1)
        #expect(strike.orderPrices.isEmpty)
        strike.print(20.3, 90, quantity: 2)
        strike.print(20.7, 93, quantity: 2)
        #expect(strike.orderPrices == [92], "90 + 20 % × (100 − 90), placed 0.6 s after the detect")
    }

    @Test("MStrikeWaitDip waits for a print back above the low, and gives up after 10 s")
    func waitDip() throws {
        var strike = try harness([("MStrikeWaitDip", .flag(true))])
        strike.print(20.1, 95, quantity: 2)
        strike.print(20.2, 95, quantity: 2)
        #expect(strike.orderPrices.isEmpty, "no rebound yet")
        strike.print(20.5, 95.5, quantity: 2)
        #expect(strike.orderPrices == [96])

        var late = try harness([("MStrikeWaitDip", .flag(true)), ("NextDetectPenalty", .number(0))])
        late.print(20.1, 95, quantity: 2)
        late.print(31, 94, quantity: 0.01)
        late.print(31.5, 96, quantity: 0.01)
        #expect(late.orderPrices.isEmpty, "the dip came after 10 s: given up")
    }
}
