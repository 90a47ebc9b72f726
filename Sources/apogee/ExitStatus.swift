import ArgumentParser

/// Exit statuses shared by the subcommands.
enum ExitStatus {
    /// A file is missing or unreadable, or the request cannot be done.
    static let failure = ExitCode(1)
    /// `--strict` met a malformed line.
    static let malformedInput = ExitCode(2)
    /// A trading session ended with a problem a trader must look at: market data went
    /// silent, a cancel was never confirmed, a symbol needs attention.
    static let unclean = ExitCode(3)
}
