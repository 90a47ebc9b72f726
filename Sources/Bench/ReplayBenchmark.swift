#if canImport(Glibc)
import Backtesting
import Processes
import Recording
import Glibc
#endif

/// Measures replay speed against the floor set by decompression, in one run, so the
/// figures compare like with like on whatever machine runs it.
public struct ReplayBenchmark {
    public struct Figures: Sendable {
        public var file: String
        public var runs: Int
        public var lines: Int
        public var events: Int
        /// Median wall seconds of `gzip -dc FILE > /dev/null`.
        public var gzipSeconds: Double
        /// Median wall seconds of reading the file into lines, no parsing.
        public var readerSeconds: Double
        /// Median wall seconds of the full headless replay (parse, books, audit).
        public var replaySeconds: Double
        /// Median wall seconds of the backtest's main run with the reference strategy.
        public var backtestSeconds: Double
        /// Peak resident memory of this process, in bytes.
        public var peakResidentBytes: Int

        public var ratioToGzip: Double { replaySeconds / gzipSeconds }
        public var backtestToReplay: Double { backtestSeconds / replaySeconds }
        public var nanosecondsPerEvent: Double { events > 0 ? replaySeconds * 1e9 / Double(events) : 0 }
        public var eventsPerSecond: Double { replaySeconds > 0 ? Double(events) / replaySeconds : 0 }
    }

    public enum Failure: Error, CustomStringConvertible {
        case replay(ReplayFailure)
        case backtest(BacktestFailure)
        case gzip(String)

        public var description: String {
            switch self {
            case .replay(let failure): return failure.description
            case .backtest(let failure): return failure.description
            case .gzip(let reason): return reason
            }
        }
    }

    public static func run(file: String, runs: Int, progress: (String) -> Void) throws(Failure) -> Figures {
        let clock = ContinuousClock()
        var gzipTimes: [Double] = []
        var readerTimes: [Double] = []
        var replayTimes: [Double] = []
        var backtestTimes: [Double] = []
        var report: ReplayReport?
        for run in 1...runs {
            progress("run \(run)/\(runs): gzip -dc")
            let gzipStart = clock.now
            let status: Int32
            do {
                status = try ChildProcess.run(["gzip", "-dc", file])
            } catch {
                throw .gzip(error.description)
            }
            guard status == 0 else { throw .gzip("gzip -dc \(file) exited with status \(status)") }
            gzipTimes.append(HeadlessReplay.seconds(clock.now - gzipStart))

            progress("run \(run)/\(runs): reader")
            let readerStart = clock.now
            do {
                let reader = try RecordingReader(path: file)
                var bytes = 0
                while let line = try reader.nextLine() { bytes &+= line.count }
                precondition(bytes > 0 || reader.fileSize == 0)
            } catch {
                throw .replay(.recording(error))
            }
            readerTimes.append(HeadlessReplay.seconds(clock.now - readerStart))

            progress("run \(run)/\(runs): replay")
            do {
                let result = try HeadlessReplay.run(ReplayOptions(files: [file]))
                replayTimes.append(result.elapsedSeconds)
                report = result
            } catch {
                throw .replay(error)
            }

            progress("run \(run)/\(runs): backtest")
            do {
                backtestTimes.append(try Backtest.run(BacktestOptions(files: [file], strategy: "ema-reversal")).runSeconds)
            } catch {
                throw .backtest(error)
            }
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Figures(
            file: file,
            runs: runs,
            lines: report?.lines ?? 0,
            events: report?.events ?? 0,
            gzipSeconds: median(gzipTimes),
            readerSeconds: median(readerTimes),
            replaySeconds: median(replayTimes),
            backtestSeconds: median(backtestTimes),
            peakResidentBytes: Int(usage.ru_maxrss) * 1024)
    }

    public static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
