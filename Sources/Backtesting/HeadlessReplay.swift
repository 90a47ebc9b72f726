import Feeds
import MarketModel
import OrderBook
import RedisMirror

/// Replays recordings flat out, without a screen, and reports.
///
/// Several files are merged by local receive time (ties keep file order), as they
/// were received side by side; every symbol gets its own book and audit.
public enum HeadlessReplay {
    ///
    /// With a `mirror`, the state also goes to Redis as it changes; the mirror never
    /// slows the replay down or changes its results, and is finished (flushed) before
    /// this returns.
    /// `afterEvent` is called with the count of events handled so far (tests use it to
    /// inject faults at a chosen point).
    public static func run(_ options: ReplayOptions, mirror: RedisMirror? = nil, progress: ((ReplayProgress) -> Void)? = nil, afterEvent: ((Int) -> Void)? = nil) throws(ReplayFailure) -> ReplayReport {
        let clock = ContinuousClock()
        let started = clock.now
        let stream = try RecordingEventStream(options: options)
        var symbols: [SymbolReplay] = []
        var index: [String: Int] = [:]
        var lastKey = ""
        var lastIndex = -1
        var meter = ProgressMeter(clock: clock, started: started)
        var mirrorFeed = mirror.map { ReplayMirrorFeed(mirror: $0, files: options.files) }
        var handled = 0
        var interrupted: Int32?

        while true {
            // A stop is looked for every 4,096 events (see StopRequest), before the
            // next is read: the report then counts exactly the events replayed.
            if stream.events & 4095 == 0, let stop = options.stop, let signal = stop.signal {
                interrupted = signal
                break
            }
            guard let item = try stream.next() else { break }
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
            mirrorFeed?.observe(item.event, slot: slot, symbol: symbols[slot])
            if let afterEvent {
                handled += 1
                afterEvent(handled)
            }
            if let progress { meter.tick(stream: stream, report: progress) }
        }

        var report = ReplayReport(files: options.files)
        report.lines = stream.lines
        report.counts = stream.counts
        report.malformed = stream.malformed
        report.malformedSamples = stream.malformedSamples
        report.clockSteps = stream.clockSteps
        report.repeatedTrades = stream.repeatedTrades
        report.emptyFiles = stream.emptyFiles
        report.interrupted = interrupted.map(StopRequest.name)
        report.symbols = symbols.sorted { $0.symbol < $1.symbol }
        report.decimals = stream.decimals
        report.elapsedSeconds = seconds(clock.now - started)
        if let mirror {
            mirrorFeed?.finish(report)
            report.mirror = MirrorReport(url: mirror.settings.url.description, instance: mirror.settings.instance, status: mirror.finish())
        }
        return report
    }

    public static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

/// Reports progress at most five times a second, checking the clock only every few
/// thousand lines.
public struct ProgressMeter {
    public let clock: ContinuousClock
    public let started: ContinuousClock.Instant
    public var nextCheck = 16_384
    public var last: ContinuousClock.Instant

    public init(clock: ContinuousClock, started: ContinuousClock.Instant) {
        self.clock = clock
        self.started = started
        last = started
    }

    public mutating func tick(stream: RecordingEventStream, report: (ReplayProgress) -> Void) {
        guard stream.lines >= nextCheck else { return }
        nextCheck = stream.lines + 16_384
        let now = clock.now
        guard now - last >= .milliseconds(200) else { return }
        last = now
        report(ReplayProgress(fileBytesRead: stream.fileBytesRead, fileBytesTotal: stream.fileBytesTotal, lines: stream.lines, events: stream.events, elapsedSeconds: HeadlessReplay.seconds(now - started)))
    }
}
