import ArgumentParser

/// The `apogee` command tree. Only argument handling lives here; the work is in
/// `Runtime` and the modules below it.
@main
struct Apogee: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apogee",
        abstract: "A MoonBot-style crypto trading terminal: live markets, strategies and replayable backtests.",
        discussion: """
            The full-screen terminal is not built yet. Today Apogee replays recorded \
            Binance feeds headless, rebuilds their order books by the exchange's sync \
            rules and audits them against the exchange's own best bid/ask.

            Example:
              apogee replay ../shared/data/binance/spot_btcusdt_20240808.gz --headless
            """,
        version: "0.1.0",
        subcommands: [ReplayCommand.self, BacktestCommand.self, BenchCommand.self])
}
