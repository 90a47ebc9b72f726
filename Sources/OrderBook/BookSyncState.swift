/// What a book can promise about its contents.
public enum BookSyncState: String, Sendable {
    /// Seeded from a snapshot and continuous since: the full book, as the exchange has it.
    case synced
    /// No snapshot yet: built from diffs alone, so levels that have not changed since
    /// the feed started are missing. The top of the book is usually right; depth is not.
    case partial
    /// Continuity broke (a gap) after the book was synced. The book goes on applying
    /// diffs, with crossed levels pruned, until a new snapshot reseeds it.
    case resyncing
}
