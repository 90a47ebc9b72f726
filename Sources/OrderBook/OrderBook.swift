import DequeModule
import MarketModel

/// An L2 order book kept in step with an exchange feed by the exchange's own rules.
///
/// The procedure (Binance's, which Gate.io shares in substance):
/// 1. Diffs that arrive before the snapshot are buffered. Meanwhile they are also
///    applied to the empty book, so a feed without a snapshot still gives a useful,
///    partial book (state ``BookSyncState/partial``).
/// 2. A snapshot seeds the book; buffered diffs it already covers are dropped, and the
///    book continues from the diff that straddles the snapshot's id.
/// 3. Every later diff must continue the previous one (``BookSyncRule``). One that does
///    not is a gap: the book says so (``BookSyncState/resyncing``), keeps applying diffs
///    best-effort and buffers them until a new snapshot reseeds it.
///
/// Whatever the state, the book never stays crossed: a bid at or above the best ask
/// (or an ask at or below the best bid) is newer information than the level it
/// crosses, which is therefore stale and removed (counted in
/// ``BookStatistics/prunedLevels``).
public struct OrderBook: Sendable {
    enum Phase: Sendable, Equatable {
        /// No usable snapshot: diffs are applied and buffered. `afterSync` is true once
        /// the book had been synced and lost it.
        case awaitingSnapshot(afterSync: Bool)
        /// Seeded from the snapshot with this id; waiting for the diff that straddles it.
        case awaitingStraddle(snapshotID: UInt64)
        /// Continuous since the snapshot.
        case synced
    }

    public let symbol: String
    public let rule: BookSyncRule
    public private(set) var bids = BookSide(side: .buy)
    public private(set) var asks = BookSide(side: .sell)
    /// Final update id of the last applied diff, or the id of the snapshot just seeded.
    public private(set) var lastUpdateID: UInt64?
    public private(set) var statistics = BookStatistics()
    /// How many early diffs are kept for a snapshot to come.
    public let bufferLimit: Int
    var phase: Phase = .awaitingSnapshot(afterSync: false)
    var buffer: Deque<BookDelta> = []

    public init(symbol: String, rule: BookSyncRule, bufferLimit: Int = 4096) {
        precondition(bufferLimit > 0, "an order book needs room to buffer at least one diff")
        self.symbol = symbol
        self.rule = rule
        self.bufferLimit = bufferLimit
    }

    public var state: BookSyncState {
        switch phase {
        case .synced, .awaitingStraddle: return .synced
        case .awaitingSnapshot(let afterSync): return afterSync ? .resyncing : .partial
        }
    }

    /// Whether the book lacks levels the exchange has (no snapshot, or sync lost).
    public var isDepthPartial: Bool { state != .synced }

    public var bestBid: BookLevel? { bids.best }
    public var bestAsk: BookLevel? { asks.best }

    /// Whether the best bid is at or above the best ask. Never true after `apply`.
    public var isCrossed: Bool {
        guard let bid = bids.best, let ask = asks.best else { return false }
        return bid.price >= ask.price
    }

    /// Quantity resting at `price` on `side`.
    public func quantity(at price: Price, side: Side) -> Quantity {
        side == .buy ? bids.quantity(at: price) : asks.quantity(at: price)
    }

    // MARK: - Diffs

    /// Applies one diff under the synchronisation rules.
    @discardableResult
    public mutating func apply(_ delta: BookDelta) -> BookDeltaOutcome {
        process(delta, counting: true)
    }

    mutating func process(_ delta: BookDelta, counting: Bool) -> BookDeltaOutcome {
        switch phase {
        case .synced:
            let last = lastUpdateID ?? 0
            if delta.finalUpdateID <= last {
                if counting { statistics.staleDiffs += 1 }
                return .stale
            }
            if rule.continues(delta, after: last) {
                applyLevels(delta, counting: counting)
                return .applied
            }
            return breakContinuity(delta, expectedAfter: last, counting: counting)

        case .awaitingStraddle(let snapshotID):
            if rule.isCovered(delta, bySnapshot: snapshotID) {
                if counting { statistics.staleDiffs += 1 }
                return .stale
            }
            if rule.straddles(delta, snapshot: snapshotID) {
                phase = .synced
                applyLevels(delta, counting: counting)
                return .applied
            }
            // The first diff on hand starts after the snapshot: it is too old to chain.
            statistics.staleSnapshots += 1
            return breakContinuity(delta, expectedAfter: snapshotID, counting: counting)

        case .awaitingSnapshot:
            var outcome = BookDeltaOutcome.appliedUnsynced
            if let last = lastUpdateID {
                if delta.finalUpdateID <= last {
                    if counting { statistics.staleDiffs += 1 }
                    return .stale
                }
                if !rule.continues(delta, after: last) {
                    // Diffs before a gap can never chain to a snapshot taken after it.
                    statistics.gaps += 1
                    buffer.removeAll()
                    outcome = .gap(expectedAfter: last, firstUpdateID: delta.firstUpdateID, finalUpdateID: delta.finalUpdateID)
                }
            }
            remember(delta)
            applyLevels(delta, counting: counting)
            return outcome
        }
    }

    private mutating func breakContinuity(_ delta: BookDelta, expectedAfter last: UInt64, counting: Bool) -> BookDeltaOutcome {
        statistics.gaps += 1
        phase = .awaitingSnapshot(afterSync: true)
        buffer.removeAll()
        remember(delta)
        applyLevels(delta, counting: counting)
        return .gap(expectedAfter: last, firstUpdateID: delta.firstUpdateID, finalUpdateID: delta.finalUpdateID)
    }

    private mutating func remember(_ delta: BookDelta) {
        if buffer.count == bufferLimit {
            buffer.removeFirst()
            statistics.bufferOverflows += 1
        }
        buffer.append(delta)
    }

    private mutating func applyLevels(_ delta: BookDelta, counting: Bool) {
        for level in delta.bids { bids.set(level.price, level.quantity) }
        for level in delta.asks { asks.set(level.price, level.quantity) }
        lastUpdateID = delta.finalUpdateID
        if counting { statistics.appliedDiffs += 1 }
        if isCrossed { repairCrossing(after: delta) }
    }

    /// Removes the stale levels that leave the book crossed after `delta`.
    ///
    /// A diff carries the exchange's latest word on the levels it names; a level it does
    /// not name may be stale (its removal was in a diff that never arrived, or the book
    /// was built without a snapshot). So the side whose best level this diff set keeps
    /// it, and the crossed levels on the other side go. A consistent feed never
    /// reaches here once synced.
    private mutating func repairCrossing(after delta: BookDelta) {
        guard let bid = bids.best, let ask = asks.best else { return }
        let bidIsNew = delta.bids.contains { $0.price == bid.price }
        let askIsNew = delta.asks.contains { $0.price == ask.price }
        if askIsNew && !bidIsNew {
            statistics.prunedLevels += bids.removeLevels(crossing: ask.price)
        } else {
            // The bid is new, or neither or both are (no way to tell): the bid wins, a
            // rule chosen so the outcome is deterministic.
            statistics.prunedLevels += asks.removeLevels(crossing: bid.price)
        }
    }

    // MARK: - Snapshots

    /// Seeds the book from a snapshot and replays the buffered diffs that follow it.
    @discardableResult
    public mutating func apply(_ snapshot: BookSnapshot) -> BookSnapshotOutcome {
        switch phase {
        case .synced:
            if let last = lastUpdateID, snapshot.lastUpdateID <= last {
                statistics.ignoredSnapshots += 1
                return .ignoredOlder
            }
        case .awaitingStraddle(let snapshotID):
            if snapshot.lastUpdateID <= snapshotID {
                statistics.ignoredSnapshots += 1
                return .ignoredOlder
            }
        case .awaitingSnapshot(let afterSync):
            if afterSync { statistics.resyncs += 1 }
        }
        bids.replace(with: snapshot.bids)
        asks.replace(with: snapshot.asks)
        lastUpdateID = snapshot.lastUpdateID
        statistics.snapshots += 1
        phase = .awaitingStraddle(snapshotID: snapshot.lastUpdateID)

        let pending = buffer
        buffer.removeAll()
        var applied = 0
        var tooOld: UInt64?
        for delta in pending {
            switch process(delta, counting: false) {
            case .applied: applied += 1
            case .gap(_, let first, _) where tooOld == nil && applied == 0: tooOld = first
            default: break
            }
        }
        if let first = tooOld { return .tooOld(firstBufferedUpdateID: first) }
        return .seeded(appliedBufferedDiffs: applied)
    }
}
