import EngineCore
import MarketModel
import Strategies
import Testing
import Trading

@Suite("Log lines")
struct LogLineTests {
    let detection = Detection(strategy: "drops", symbol: "ETHUSDT", time: Timestamp(nanoseconds: 5), figures: [
        .init("price_delta_pct", rounding: 3.14159, places: 2),
        .init("high", price: Price(units: 261_234_000_000)),
        .init("order_size", money: Money(units: 10_050_000_000), fractionDigits: 2),
        .init("window_s", integer: 100),
    ], trades: true)

    @Test("a detect's line, written out when read, reads and compares as the text line it stands for")
    func detectLineReadsAsText() {
        let lazy = LogLine(time: Timestamp(nanoseconds: 7), level: .info, detection: detection)
        let text = "detect drops ETHUSDT: price_delta_pct 3.14, high 2612.34, order_size 100.50, window_s 100"
        #expect(lazy.text == text)
        #expect(detection.summary == text)
        let written = LogLine(time: Timestamp(nanoseconds: 7), level: .info, text: text)
        #expect(lazy == written)
        #expect(lazy.hashValue == written.hashValue)
        #expect(lazy != LogLine(time: Timestamp(nanoseconds: 8), level: .info, text: text), "the time counts")
        var edited = lazy
        edited.text = "replaced"
        #expect(edited.text == "replaced")
    }

    @Test("a figure kept as a number reads as the text it was once stored as")
    func figuresCompareByText() {
        #expect(Detection.Figure("d", rounding: 2.996, places: 2) == Detection.Figure("d", "3.0"))
        #expect(Detection.Figure("p", price: Price(units: 12_345_600_000_000)) == Detection.Figure("p", "123456"))
        #expect(Detection.Figure("n", integer: -4) == Detection.Figure("n", "-4"))
        #expect(Detection.Figure("n", integer: 4) != Detection.Figure("m", "4"))
        #expect(Set([Detection.Figure("d", rounding: 1.5, places: 1), Detection.Figure("d", "1.5")]).count == 1)
    }
}
