import Foundation

/// Wakes those waiting for the fake exchange's state to change. The exchange's own
/// 20 ms clock broadcasts it (its countdowns run on the same tick), so a test waits on
/// a condition of the exchange's state — an order filled, a countdown fired, so many
/// messages sent — and is woken to look again, never after a fixed sleep.
final class StateChanges: @unchecked Sendable {
    private let condition = NSCondition()
    private var generation: UInt64 = 0

    func broadcast() {
        condition.lock()
        generation &+= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until `holds` is true or `deadline` passes; whether it held.
    func wait(until deadline: Date, for holds: () -> Bool) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !holds() {
            guard condition.wait(until: deadline) else { return holds() }
        }
        return true
    }
}
