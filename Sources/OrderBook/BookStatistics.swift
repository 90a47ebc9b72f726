/// Counters a book keeps about its own synchronisation, for reports and the status bar.
public struct BookStatistics: Hashable, Sendable {
    /// Diffs applied (synced or not).
    public var appliedDiffs = 0
    /// Diffs dropped because a snapshot or earlier diffs already covered them.
    public var staleDiffs = 0
    /// Breaks in continuity.
    public var gaps = 0
    /// Snapshots that seeded the book.
    public var snapshots = 0
    /// Snapshots that re-seeded a book after it had lost sync.
    public var resyncs = 0
    /// Snapshots too old to chain to the diffs on hand.
    public var staleSnapshots = 0
    /// Snapshots not newer than what the book already has (a repeat, or one fetched
    /// earlier and delivered late): left unused.
    public var ignoredSnapshots = 0
    /// Levels removed because a newer level on the other side proved them stale.
    public var prunedLevels = 0
    /// Buffered diffs dropped because the buffer was full.
    public var bufferOverflows = 0

    public init() {}
}
