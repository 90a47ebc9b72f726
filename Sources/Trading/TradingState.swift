/// Whether the engine may open positions.
public enum TradingState: String, Hashable, Sendable {
    /// Everything allowed.
    case active = "ACTIVE"
    /// Only orders that reduce a position (exits) are allowed.
    case reducing = "REDUCING"
    /// No new entries and no orders of the trader's or the strategies'; open entries
    /// are cancelled. The exits of open positions (take profit, stops, panic sells)
    /// keep working, so a halt never leaves a position without its stop; the kill
    /// switch goes further and suspends them (see the kernel).
    case halted = "HALTED"
}
