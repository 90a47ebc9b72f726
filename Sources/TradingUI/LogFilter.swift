import EngineCore

/// Which log lines the log panel shows.
public enum LogFilter: String, CaseIterable, Sendable {
    case all
    /// Warnings and errors.
    case warn
    /// Orders placed, filled, cancelled, refused.
    case orders
    /// Detectors firing.
    case detects

    public func admits(_ line: LogLine) -> Bool {
        switch self {
        case .all: return true
        case .warn: return line.level != .info
        case .detects: return line.isDetect
        case .orders:
            let text = line.text
            return ["order ", "filled ", "Order", "CANCEL", "cancel", "opened ", "closed ", "AutoCancelBuy"].contains { text.hasPrefix($0) }
        }
    }
}
