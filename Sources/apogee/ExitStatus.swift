import ArgumentParser

/// Exit statuses shared by the subcommands (docs/exit-status.md):
/// 0 done; 1 the request could not be done (a file missing, unreadable or wrong, the
/// database); 2 `--strict` met a malformed line; 3 a trading session ended with a
/// problem; 64 the command line is wrong (sysexits' EX_USAGE, as ArgumentParser's own
/// errors); 128 + N stopped by signal N (130 SIGINT, 143 SIGTERM; ``StopSignals``).
enum ExitStatus {
    /// The command line is wrong: an unknown strategy, a malformed `--param`, a value
    /// out of range.
    static let usage = ExitCode(64)
    /// A file is missing or unreadable, or the request cannot be done.
    static let failure = ExitCode(1)
    /// `--strict` met a malformed line.
    static let malformedInput = ExitCode(2)
    /// A trading session ended with a problem a trader must look at: market data went
    /// silent, a cancel was never confirmed, a symbol needs attention.
    static let unclean = ExitCode(3)
}
