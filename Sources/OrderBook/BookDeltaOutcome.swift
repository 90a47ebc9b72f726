/// What the book did with one diff.
public enum BookDeltaOutcome: Equatable, Sendable {
    /// Applied to a synced book.
    case applied
    /// Applied to a book that has no snapshot yet (or lost sync), and kept for the
    /// snapshot to come.
    case appliedUnsynced
    /// Already covered by the snapshot or by earlier diffs (duplicate, late or
    /// out-of-order): dropped.
    case stale
    /// Did not follow the previous diff: `expected` is the id it should have continued
    /// from. The book is no longer synced.
    case gap(expectedAfter: UInt64, firstUpdateID: UInt64, finalUpdateID: UInt64)
}

/// What the book did with one snapshot.
public enum BookSnapshotOutcome: Equatable, Sendable {
    /// Seeded, and the buffered diffs that follow it were applied.
    case seeded(appliedBufferedDiffs: Int)
    /// Older than the book's own state: ignored.
    case ignoredOlder
    /// Seeded, but the diffs on hand start after it: the snapshot is too old to chain to
    /// them and a newer one is needed.
    case tooOld(firstBufferedUpdateID: UInt64)
}
