import Backtesting
import RedisMirror

/// Replay throughput with the Redis mirror on against off, runs alternating so both
/// see the same machine. The mirrored time includes the final flush.
public enum MirrorBenchmark {
    public struct Figures: Sendable {
        public var file: String
        public var runs: Int
        public var events: Int
        public var offSeconds: Double
        public var onSeconds: Double
        public var status: MirrorStatus
        /// Throughput on / throughput off (1.0: no cost; the goal is at least 0.9).
        public var ratio: Double { onSeconds > 0 ? offSeconds / onSeconds : 0 }
    }

    public static func run(file: String, runs: Int, settings: MirrorSettings, progress: (String) -> Void) throws -> Figures {
        var off: [Double] = []
        var on: [Double] = []
        var events = 0
        var status = MirrorStatus()
        for index in 0..<runs {
            progress("mirror benchmark: run \(index + 1) of \(runs)")
            let plain = try HeadlessReplay.run(ReplayOptions(files: [file]))
            off.append(plain.elapsedSeconds)
            let mirror = try RedisMirror(settings: settings)
            let clock = ContinuousClock()
            let started = clock.now
            let mirrored = try HeadlessReplay.run(ReplayOptions(files: [file]), mirror: mirror)
            on.append(HeadlessReplay.seconds(clock.now - started))
            events = mirrored.events
            status = mirrored.mirror?.status ?? status
        }
        return Figures(file: file, runs: runs, events: events, offSeconds: ReplayBenchmark.median(off), onSeconds: ReplayBenchmark.median(on), status: status)
    }
}
