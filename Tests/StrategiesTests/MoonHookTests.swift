import MarketModel
import Strategies
import Testing
import Trading

@Suite("MoonHook")
struct MoonHookTests {
    func harness(_ given: [(String, ParameterValue)] = [], flatQuantity: Double = 1) throws -> StrategyHarness<MoonHook> {
        var harness = StrategyHarness(MoonHook(parameters: try parameters(MoonHook.specs, [("BuyOrderReduce", .number(0))] + given)))
        for step in 0..<20 { harness.print(Double(step) * 0.5, 100, quantity: flatQuantity) }
        return harness
    }

    /// Falls from 100 to `bottom` in one print at 10.6 s.
    func fall(_ harness: inout StrategyHarness<MoonHook>, to bottom: Double, quantity: Double = 1) {
        harness.print(10.6, bottom, quantity: quantity)
    }

    @Test("the order and its corridor scale with the detected depth", arguments: [
        (96.0, 95.61, 97.53),   // d = 4 %: 0.4 % under 96; take profit 2 % over the buy
        (92.0, 91.26, 94.92),   // d = 8 %: 0.8 % under 92; take profit 4 % over the buy, up to the tick
    ])
    func orderScalesWithDepth(bottom: Double, order: Double, takeProfit: Double) throws {
        var hook = try harness()
        fall(&hook, to: bottom)
        let detection = try #require(hook.detections.first?.detection)
        let depth = (100 - bottom)
        #expect(detection.figures.first == Detection.Figure("depth_pct", DropsDetectionText.text(depth)))
        #expect(detection.figures.contains(Detection.Figure("corridor_pct", DropsDetectionText.text(depth * 0.25, places: 3))))
        #expect(hook.orderPrices == [order])
        guard case .place(let intent) = hook.log.last?.intent else { Issue.record("\(hook.log)"); return }
        #expect(intent.takeProfit.map { Double($0.units) / 1e8 } == takeProfit)
    }

    @Test("a slow fall, or one deeper than HookDetectDepthMax, is not a hook")
    func ignoresSlowAndTooDeep() throws {
        var slow = try harness()
        for step in 0..<120 { slow.print(10 + Double(step) * 0.5, 100 - 4 * Double(step) / 119, quantity: 1) }
        #expect(slow.detections.isEmpty)
        var deep = try harness([("HookDetectDepthMax", .number(3.5))])
        fall(&deep, to: 96)
        #expect(deep.detections.isEmpty, "4 % is beyond the 3.5 % ceiling")
    }

    @Test("BuyOrderReduce caps the size at the volume traded per 100 ms; below MinReducedSize there is no order")
    func reducesSize() throws {
        var hook = try harness([("BuyOrderReduce", .number(100)), ("HookTimeFrame", .number(2))], flatQuantity: 0.01)
        fall(&hook, to: 96, quantity: 0.01)
        // The 2 s window holds 4 prints at 100 and the fall, 0.01 each: ≈ 4.96 USDT → 0.25 per 100 ms.
        let detection = try #require(hook.detections.first?.detection)
        let size = try #require(detection.figures.first { $0.name == "order_size" }?.value)
        #expect(Double(size)! < 1)
        var small = try harness([("BuyOrderReduce", .number(100)), ("MinReducedSize", .number(5))], flatQuantity: 0.01)
        fall(&small, to: 96, quantity: 0.01)
        #expect(small.detections.first?.detection.trades == false)
        #expect(small.orderPrices.isEmpty)
    }

    @Test("after the detect the order follows a recovering price once HookRaiseWait has passed")
    func followsRecovery() throws {
        var hook = try harness([("HookRaiseWait", .number(5))])
        fall(&hook, to: 96)
        for step in 0..<10 { hook.print(11 + Double(step), 97) }
        #expect(hook.orderPrices == [95.61, 96.61], "97 × 0.996 = 96.612, once 5 s beyond the far bound (0.9 %)")
    }
}

/// The detection figures' number format.
enum DropsDetectionText {
    static func text(_ value: Double, places: Int = 2) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return "\((value * scale).rounded() / scale)"
    }
}
