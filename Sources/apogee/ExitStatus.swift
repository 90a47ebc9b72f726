import ArgumentParser

/// Exit statuses shared by the subcommands.
enum ExitStatus {
    /// A file is missing or unreadable, or the request cannot be done.
    static let failure = ExitCode(1)
    /// `--strict` met a malformed line.
    static let malformedInput = ExitCode(2)
}
