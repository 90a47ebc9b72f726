/// The error for a run that found nothing to work on: an empty file, or lines none of
/// which gave a market event. A replay or backtest of nothing is not a success: a
/// script reading exit status 0 would take it for a quiet market.
public enum NothingReplayed {
    /// The message, or nil when there were events (or the run was stopped before any).
    public static func message(verb: String, files: [String], events: Int, lines: Int, malformed: Int, interrupted: Bool) -> String? {
        guard events == 0, !interrupted else { return nil }
        let named = files.joined(separator: ", ")
        if lines == 0 { return "nothing to \(verb): \(named) \(files.count == 1 ? "is" : "are") empty (no lines)" }
        return "nothing to \(verb): no usable market event in \(named) (\(lines) line(s), \(malformed) malformed; see the report)"
    }
}
