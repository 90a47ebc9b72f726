import ArgumentParser
import Backtesting
import Foundation

/// SIGINT and SIGTERM for the long batch commands (replay, backtest, import): the first
/// asks the run to stop at the next event and report what it did; a second of the same
/// kind ends the process at once, as the shell's default would.
///
/// Exit status after a stop: 128 + the signal (130 for SIGINT, 143 for SIGTERM), the
/// shells' convention, so a script can tell an interrupted run from a finished one.
enum StopSignals {
    static func install() {
        for number in [SIGINT, SIGTERM] {
            signal(number) { received in
                if StopRequest.process.request(received) == received {
                    signal(received, SIG_DFL)
                    raise(received)
                }
            }
        }
    }

    /// The exit status for a run that a signal stopped.
    static func exitCode(_ signal: Int32) -> ExitCode { ExitCode(128 + signal) }
}
