import Backtesting
import ArgumentParser
import MarketModel
import LiveEngine

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay recorded market data and rebuild the order books.",
        discussion: """
            FILE is a recording of raw exchange messages, one per line, each preceded by \
            its local receive time in nanoseconds (`<ns> <json>`), gzip-compressed or \
            plain. Several files are merged by receive time.

            With --headless the replay runs flat out and prints a report: events by kind, \
            malformed lines, book gaps and resyncs, the book audit (the rebuilt book \
            against the exchange's own bookTicker at every matching update id), trade \
            volume and VWAP, and the final book. Malformed lines are counted and the \
            replay goes on; --strict stops at the first one instead.

            With --headless, SIGINT or SIGTERM stops the replay at the next event and \
            prints the report so far, marked interrupted.

            Exit status: 0 done; 1 a file is missing or unreadable; 2 --strict met a \
            malformed line; 64 the command line is wrong; 130/143 stopped by \
            SIGINT/SIGTERM. See docs/exit-status.md.
            """)

    @Argument(help: "Recording files (.gz or plain text), or stored sessions (an id from `apogee sessions`).")
    var files: [String]

    @OptionGroup var database: DatabaseOption

    @Flag(help: "Run without the full-screen view and print a report.")
    var headless = false

    @Flag(help: "Print the report as one JSON object on stdout.")
    var json = false

    @Flag(help: "Stop at the first malformed line (exit status 2).")
    var strict = false

    @Option(help: "Market of the recordings: spot, usdm or coinm (default: from the file name, else inferred).")
    var market: MarketKind?

    @OptionGroup var view: ViewOptions

    @OptionGroup var redis: RedisOption

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one recording file") }
    }

    func run() throws {
        let entries = DatabaseOption.entries(files)
        guard headless else {
            try view.open(entries, database: database.path, redis: redis)
            return
        }
        var options = ReplayOptions(files: entries, market: market, strict: strict)
        options.database = database.path
        options.malformedSamples = 5
        StopSignals.install()
        options.stop = StopRequest.process
        let line = ProgressLine()
        let progress: ((ReplayProgress) -> Void)? = line.enabled ? { line.show(Self.describe($0)) } : nil
        let mirror = try redis.start()
        let report: ReplayReport
        do throws(ReplayFailure) {
            report = try HeadlessReplay.run(options, mirror: mirror, progress: progress)
        } catch {
            mirror?.finish()
            line.clear()
            StandardError.write("apogee: \(error)\n")
            switch error {
            case .recording, .exchangeRules: throw ExitStatus.failure
            case .malformed: throw ExitStatus.malformedInput
            }
        }
        line.clear()
        print(json ? report.json : report.summary)
        if let nothing = NothingReplayed.message(verb: "replay", files: report.files, events: report.events, lines: report.lines, malformed: report.malformed, interrupted: report.interrupted != nil) {
            StandardError.write("apogee: \(nothing)\n")
            throw ExitStatus.failure
        }
        if let warning = report.mirror?.warning { StandardError.write("apogee: warning: \(warning)\n") }
        if let signal = options.stop?.signal {
            StandardError.write("apogee: replay interrupted by \(StopRequest.name(signal)) after \(report.events) events\n")
            throw StopSignals.exitCode(signal)
        }
    }

    static func describe(_ progress: ReplayProgress) -> String {
        "replaying: \(Int((progress.fraction * 100).rounded(.down)))%  \(progress.lines) lines  \(progress.events) events"
    }
}

extension MarketKind: ExpressibleByArgument {}
