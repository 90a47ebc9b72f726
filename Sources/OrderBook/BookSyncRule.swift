import MarketModel

/// How consecutive diffs chain, and which diff first follows a snapshot.
///
/// - `sequential` (Binance spot, Gate.io): a diff continues the book when its first id
///   `U` is the previous final id `u` plus one; the first diff after a snapshot with id
///   `L` is the one with `U <= L + 1 <= u`.
/// - `previousID` (Binance USD-M and COIN-M): a diff continues the book when its `pu`
///   equals the previous `u`; the first diff after a snapshot is the one with
///   `U <= L <= u`.
public enum BookSyncRule: String, Sendable {
    case sequential
    case previousID

    public init(for kind: MarketKind) {
        self = kind.isFutures ? .previousID : .sequential
    }

    /// Whether `delta` is entirely covered by a snapshot with id `snapshotID`.
    func isCovered(_ delta: BookDelta, bySnapshot snapshotID: UInt64) -> Bool {
        switch self {
        case .sequential: return delta.finalUpdateID <= snapshotID
        case .previousID: return delta.finalUpdateID < snapshotID
        }
    }

    /// Whether `delta` is the one that straddles a snapshot with id `snapshotID`.
    func straddles(_ delta: BookDelta, snapshot snapshotID: UInt64) -> Bool {
        switch self {
        case .sequential: return delta.firstUpdateID <= snapshotID + 1 && snapshotID + 1 <= delta.finalUpdateID
        case .previousID: return delta.firstUpdateID <= snapshotID && snapshotID <= delta.finalUpdateID
        }
    }

    /// Whether `delta` follows directly on a book whose last applied final id is `lastID`.
    /// On the sequential rule an overlap (`U <= lastID < u`) also continues the book:
    /// quantities are absolute, so re-applying the overlap is exact.
    func continues(_ delta: BookDelta, after lastID: UInt64) -> Bool {
        switch self {
        case .sequential:
            return delta.firstUpdateID <= lastID + 1 && delta.finalUpdateID > lastID
        case .previousID:
            return delta.previousFinalUpdateID == lastID
        }
    }
}
