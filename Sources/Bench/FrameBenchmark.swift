import LiveEngine
import Backtesting
import Strategies
import TUIKit
import TradingUI

/// Measures building and diffing one frame of the full screen with a full book.
public enum FrameBenchmark {
    public struct Figures: Sendable {
        public var width: Int
        public var height: Int
        public var frames: Int
        /// Median microseconds to render the frame from the screen data.
        public var renderMedian: Double
        /// Median microseconds to diff it against the previous frame.
        public var diffMedian: Double
        /// Median microseconds for snapshot + render + diff: what one frame costs.
        public var frameMedian: Double
    }

    public static func run(file: String, width: Int = 200, height: Int = 60, frames: Int = 300) throws(ReplayFailure) -> Figures {
        let session = try ReplaySession(files: [file], strategies: { [] })
        session.speed = 0
        session.flatOutBudget = 30_000
        session.advance(wallNanoseconds: 1)
        let clock = ContinuousClock()
        let keymap = Keymap(name: "bench", bindings: [])
        var previous: Buffer?
        var renders: [Double] = []
        var diffs: [Double] = []
        var totals: [Double] = []
        var changed = 0
        for _ in 0..<frames {
            session.flatOutBudget = 50
            let start = clock.now
            let data = session.screenData()
            let rendered = clock.now
            let buffer = Screen.render(AppModel(), data, width: width, height: height, glyphs: .unicode, keymap: keymap)
            let drawn = clock.now
            changed &+= buffer.changes(since: previous).count
            let diffed = clock.now
            previous = buffer
            renders.append(micro(drawn - rendered))
            diffs.append(micro(diffed - drawn))
            totals.append(micro(diffed - start))
            session.advance(wallNanoseconds: 1)
        }
        precondition(changed >= 0)
        return Figures(width: width, height: height, frames: frames, renderMedian: ReplayBenchmark.median(renders), diffMedian: ReplayBenchmark.median(diffs), frameMedian: ReplayBenchmark.median(totals))
    }

    public static func micro(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
    }
}
