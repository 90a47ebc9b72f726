import ArgumentParser

/// The `apogee` command tree. Only argument handling lives here; the work is in
/// `Terminal`, `LiveEngine`, `Bench` and the modules below them.
@main
struct Apogee: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apogee",
        abstract: "A MoonBot-style crypto trading terminal: live markets, strategies and replayable backtests.",
        discussion: """
            With no command, opens the full-screen terminal replaying the demo market \
            (40 synthetic symbols, written into $XDG_DATA_HOME/apogee/ on first run; \
            `--demo bundled` for the three bundled ones). `apogee replay FILE` opens it on any recording; `--headless` \
            replays flat out and reports instead.

            Examples:
              apogee
              apogee replay ../shared/data/binance/usdm_btcusdt_20240808.gz --speed 10
              apogee replay ../shared/data/binance/spot_btcusdt_20240808.gz --headless
              apogee backtest --data ../shared/data/binance/usdm_btcusdt_20240808.gz
            """,
        version: "0.1.0",
        subcommands: [TerminalCommand.self, ReplayCommand.self, BacktestCommand.self, ImportCommand.self, SessionsCommand.self, RunsCommand.self, ExportCommand.self, JournalCommand.self, LiveCommand.self, RecordCommand.self, FakeExchangeCommand.self, DemoDataCommand.self, BenchCommand.self],
        defaultSubcommand: TerminalCommand.self)

    static func main() {
        main(NegativeNumberArguments.attached(Array(CommandLine.arguments.dropFirst())))
    }
}
