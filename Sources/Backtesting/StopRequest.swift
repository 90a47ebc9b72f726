import Synchronization

/// A request to stop a long run early (replay, backtest, Monte Carlo, import), set from
/// a signal handler and read by the loops between events.
///
/// The loops look at it every few thousand events, so a stop costs nothing measurable
/// and lands within a millisecond or so. What was done up to then is kept: the report
/// says the run was interrupted and how far it got.
public final class StopRequest: Sendable {
    private let signalNumber = Atomic<Int32>(0)

    /// The one the process's SIGINT and SIGTERM handlers set.
    public static let process = StopRequest()

    public init() {}

    /// Asks the run to stop, naming the signal (any nonzero number for a stop that
    /// did not come from one). Safe in a signal handler: one atomic exchange. Returns
    /// the signal asked before, 0 if none.
    @discardableResult
    public func request(_ signal: Int32) -> Int32 {
        signalNumber.exchange(signal, ordering: .relaxed)
    }

    /// The signal that asked the run to stop, or nil.
    public var signal: Int32? {
        let value = signalNumber.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }

    public var isRequested: Bool { signalNumber.load(ordering: .relaxed) != 0 }

    /// How a person reads the signal: "SIGINT", "SIGTERM" or "signal N".
    public static func name(_ signal: Int32) -> String {
        switch signal {
        case 2: "SIGINT"
        case 15: "SIGTERM"
        default: "signal \(signal)"
        }
    }
}
