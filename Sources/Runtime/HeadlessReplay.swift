import Feeds
import MarketModel
import OrderBook

/// Replays recordings flat out, without a screen, and reports.
///
/// Several files are merged by local receive time (ties keep file order), as they
/// were received side by side; every symbol gets its own book and audit.
public enum HeadlessReplay {
    public static func run(_ options: ReplayOptions, progress: ((ReplayProgress) -> Void)? = nil) throws(ReplayFailure) -> ReplayReport {
        let clock = ContinuousClock()
        let started = clock.now
        let stream = try RecordingEventStream(options: options)
        var symbols: [SymbolReplay] = []
        var index: [String: Int] = [:]
        var lastKey = ""
        var lastIndex = -1
        var meter = ProgressMeter(clock: clock, started: started)

        while let item = try stream.next() {
            let slot: Int
            if item.key == lastKey, lastIndex >= 0 {
                slot = lastIndex
            } else if let known = index[item.key] {
                slot = known
            } else {
                slot = symbols.count
                index[item.key] = slot
                symbols.append(SymbolReplay(symbol: item.key, rule: item.market.map(BookSyncRule.init(for:))))
            }
            lastKey = item.key
            lastIndex = slot
            symbols[slot].handle(item.event, source: item.line)
            if let progress { meter.tick(stream: stream, report: progress) }
        }

        var report = ReplayReport(files: options.files)
        report.lines = stream.lines
        report.counts = stream.counts
        report.malformed = stream.malformed
        report.malformedSamples = stream.malformedSamples
        report.symbols = symbols.sorted { $0.symbol < $1.symbol }
        report.decimals = stream.decimals
        report.elapsedSeconds = seconds(clock.now - started)
        return report
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

/// Reports progress at most five times a second, checking the clock only every few
/// thousand lines.
struct ProgressMeter {
    let clock: ContinuousClock
    let started: ContinuousClock.Instant
    var nextCheck = 16_384
    var last: ContinuousClock.Instant

    init(clock: ContinuousClock, started: ContinuousClock.Instant) {
        self.clock = clock
        self.started = started
        last = started
    }

    mutating func tick(stream: RecordingEventStream, report: (ReplayProgress) -> Void) {
        guard stream.lines >= nextCheck else { return }
        nextCheck = stream.lines + 16_384
        let now = clock.now
        guard now - last >= .milliseconds(200) else { return }
        last = now
        report(ReplayProgress(fileBytesRead: stream.fileBytesRead, fileBytesTotal: stream.fileBytesTotal, lines: stream.lines, events: stream.events, elapsedSeconds: HeadlessReplay.seconds(now - started)))
    }
}
