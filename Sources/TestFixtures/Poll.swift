import Foundation

/// Waits for a condition on something outside the test's process that cannot say when
/// it changed — a tmux pane, a child's SQLite file, a redis-server — by looking again
/// every `interval` until it holds or `seconds` pass. The one place tests look at such
/// state over time; what the test process owns (the fake exchange) is waited on with
/// its own change signal instead, and nothing sleeps a fixed time hoping a condition
/// came true.
public enum Poll {
    /// Whether `condition` came true within `seconds`.
    @discardableResult
    public static func until(seconds: Double, every interval: Double = 0.05, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if try condition() { return true }
            if Date() >= deadline { return false }
            Thread.sleep(forTimeInterval: interval)
        }
    }

    /// The size of a file in bytes, 0 when it does not exist (yet).
    public static func size(of path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
