import MarketModel
import Strategies
import Testing
import Trading

@Suite("Channel split")
struct ChannelSplitTests {
    /// 60 s swinging between 99.9 and 100.1 (a 0.2 % channel), one print a second.
    func harness(_ given: [(String, ParameterValue)] = []) throws -> StrategyHarness<ChannelSplit> {
        var harness = StrategyHarness(ChannelSplit(parameters: try parameters(ChannelSplit.specs, [("ChannelWindow", .integer(60)), ("ChannelConfirm", .number(3))] + given)))
        for second in 0..<61 { harness.print(Double(second), second % 2 == 0 ? 99.9 : 100.1) }
        return harness
    }

    @Test("a quiet channel broken upwards and held for ChannelConfirm seconds: detect, buy at the ask, target the measured move")
    func splitsUp() throws {
        var channel = try harness()
        channel.print(61, 100.3)
        channel.print(62, 100.35)
        channel.print(63, 100.4)
        #expect(channel.detections.isEmpty, "2 s beyond the high: not yet confirmed")
        channel.print(64.5, 100.4)
        let detection = try #require(channel.detections.first?.detection)
        #expect(detection.figures.contains(Detection.Figure("width_pct", "0.2")))
        #expect(detection.figures.contains(Detection.Figure("channel_high", "100.1")))
        guard case .place(let order) = channel.log.last?.intent else { Issue.record("\(channel.log)"); return }
        #expect(order.kind == .limit(Price(units: 10_041_000_000)), "the ask, a tick over the 100.40 print")
        #expect(order.takeProfit == Price(units: 10_042_000_000), "the measured move (100.1 + 0.2 = 100.3) is under the entry: a tick above it")
    }

    @Test("a break that falls back inside before the confirmation is no split")
    func fakeBreak() throws {
        var channel = try harness()
        channel.print(61, 100.3)
        channel.print(62, 100.05)
        #expect(channel.detections.isEmpty)
        // The failed break widened the channel to 99.9…100.3 (0.4 %, still quiet).
        channel.print(65, 100.3)
        channel.print(66, 100.3)
        channel.print(69, 100.3)
        #expect(channel.detections.isEmpty, "100.3 is the channel's high now, not beyond it")
        channel.print(70, 100.5)
        channel.print(73, 100.5)
        #expect(channel.detections.count == 1)
    }

    @Test("a wide channel is not quiet: breaking it means nothing")
    func wideChannel() throws {
        var channel = try harness([("ChannelMaxWidth", .number(0.1))])
        for second in 61..<70 { channel.print(Double(second), 100.5) }
        #expect(channel.detections.isEmpty)
    }

    @Test("short breaks trade only on futures")
    func shortBreak() throws {
        var spot = try harness([("Direction", .text("short"))])
        for second in 61..<66 { spot.print(Double(second), 99.7) }
        #expect(spot.detections.isEmpty)
        var futures = StrategyHarness(ChannelSplit(parameters: try parameters(ChannelSplit.specs, [("ChannelWindow", .integer(60)), ("Direction", .text("short"))])))
        futures.kind = .usdMargined
        for second in 0..<61 { futures.print(Double(second), second % 2 == 0 ? 99.9 : 100.1) }
        for second in 61..<66 { futures.print(Double(second), 99.7) }
        #expect(futures.detections.count == 1)
        guard case .place(let order) = futures.log.last?.intent else { Issue.record("\(futures.log)"); return }
        #expect(order.side == .sell)
        #expect(order.takeProfit == Price(units: 9_969_000_000), "99.9 − 0.2 = 99.7 is the entry itself: a tick under it")
    }
}
