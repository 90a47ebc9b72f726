/// Whether the engine may open positions.
public enum TradingState: String, Hashable, Sendable {
    /// Everything allowed.
    case active = "ACTIVE"
    /// Only orders that reduce a position (exits) are allowed.
    case reducing = "REDUCING"
    /// No new orders at all; open buys are cancelled.
    case halted = "HALTED"
}
