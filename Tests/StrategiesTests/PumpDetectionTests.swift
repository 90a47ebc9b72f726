import MarketModel
import Strategies
import Testing
import Trading

@Suite("Pump detection")
struct PumpDetectionTests {
    func harness(_ given: [(String, ParameterValue)] = []) throws -> StrategyHarness<PumpDetection> {
        var harness = StrategyHarness(PumpDetection(parameters: try parameters(PumpDetection.specs, [("PumpVolPerSec", .number(1000)), ("PumpVolEMA", .integer(0))] + given)))
        for second in 0..<30 { harness.print(Double(second), 100, quantity: 0.5, aggressor: second % 2 == 0 ? .buy : .sell) }
        return harness
    }

    /// `perSecond` taker-buy prints a second, climbing linearly from 100 to `top` over `seconds`.
    func pump(_ harness: inout StrategyHarness<PumpDetection>, to top: Double, seconds: Int, perSecond: Int, quantity: Double) {
        for second in 0..<seconds {
            for print in 0..<perSecond {
                let fraction = (Double(second) + Double(print) / Double(perSecond)) / Double(seconds)
                harness.print(30 + Double(second) + Double(print) / Double(perSecond), 100 + (top - 100) * fraction, quantity: quantity, aggressor: .buy)
            }
        }
    }

    @Test("a crowd of buyers lifting the price 8 % in 8 s is a pump; detect only by default")
    func detectsPump() throws {
        var detector = try harness()
        pump(&detector, to: 108, seconds: 8, perSecond: 20, quantity: 1)
        let found = detector.detections
        #expect(found.count == 1)
        let detection = try #require(found.first?.detection)
        #expect(detection.figures.first?.name == "price_delta_pct")
        #expect(detection.figures.contains(Detection.Figure("price_before", "100")))
        #expect(!detection.trades)
        #expect(detector.orderPrices.isEmpty)
    }

    @Test("one whale print a second, or a rise spread over two minutes, is not a pump")
    func ignoresWhaleAndSlowRise() throws {
        var whale = try harness()
        pump(&whale, to: 108, seconds: 8, perSecond: 1, quantity: 20)
        #expect(whale.detections.isEmpty, "1 buy a second, 15 needed")
        var slow = try harness()
        pump(&slow, to: 108, seconds: 120, perSecond: 20, quantity: 1)
        #expect(slow.detections.isEmpty, "never 7 % within 30 s")
    }

    @Test("AutoBuy buys BuyPrice % above the price before the pump, and PumpMoveTimer lifts an unfilled order")
    func autoBuyAndMove() throws {
        var detector = try harness([("AutoBuy", .flag(true)), ("BuyPrice", .number(1)), ("PumpMoveTimer", .number(2)), ("PumpMovePersent", .number(0.5))])
        pump(&detector, to: 108, seconds: 8, perSecond: 20, quantity: 1)
        #expect(detector.orderPrices.count == 1)
        for second in 0..<5 { detector.print(38 + Double(second), 108, quantity: 0.1, aggressor: .buy) }
        let first = try #require(detector.orderPrices.first)
        #expect(first == 101, "100 × 1.01")
        #expect(detector.orderPrices.count >= 2, "moved up while unfilled: \(detector.orderPrices)")
        #expect(detector.orderPrices.dropFirst().first == 101.5, "101 × 1.005 = 101.505, down to the tick")
    }

    @Test("Short on futures is the mirror: a crowd of sellers dumping 8 % is detected and sold short under the pre-dump price")
    func dumpShort() throws {
        var detector = StrategyHarness(PumpDetection(parameters: try parameters(PumpDetection.specs, [("PumpVolPerSec", .number(1000)), ("PumpVolEMA", .integer(0)), ("Short", .flag(true)), ("AutoBuy", .flag(true)), ("BuyPrice", .number(1))])))
        detector.kind = .usdMargined
        for second in 0..<30 { detector.print(Double(second), 100, quantity: 0.5, aggressor: second % 2 == 0 ? .buy : .sell) }
        for second in 0..<8 {
            for print in 0..<20 {
                let fraction = (Double(second) + Double(print) / 20) / 8
                detector.print(30 + Double(second) + Double(print) / 20, 100 - 8 * fraction, quantity: 1, aggressor: .sell)
            }
        }
        #expect(detector.detections.count == 1)
        #expect(detector.orderPrices == [99], "100 × (1 − 1 %)")
        guard case .place(let order) = detector.log.last?.intent else { return }
        #expect(order.side == .sell)
    }
}
