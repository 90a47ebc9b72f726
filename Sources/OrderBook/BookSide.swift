import MarketModel

/// One side of an L2 book, kept sorted with the best level last.
///
/// Levels are integers ordered by a sort key: the price for bids, the negated price for
/// asks. Both sides are then ascending with the best level at the very end, where the
/// busy top of the book is cheap to reach and change. The levels are stored in blocks of
/// at most ``blockLimit`` sorted entries, so inserting or removing a level far from the
/// top (futures feeds touch levels across the whole book) moves at most one block's
/// worth of memory instead of the whole side.
public struct BookSide: Sendable {
    public let side: Side
    var blocks: [LevelBlock] = []
    /// Each block's highest key, so finding a level's block searches one flat array.
    var lastKeys: [Int64] = []
    public private(set) var count = 0
    static let blockLimit = 64

    public init(side: Side) {
        self.side = side
    }

    func key(_ price: Price) -> Int64 { side == .buy ? price.units : -price.units }
    func price(_ key: Int64) -> Price { Price(units: side == .buy ? key : -key) }

    public var isEmpty: Bool { count == 0 }

    /// The best level: highest bid or lowest ask.
    public var best: BookLevel? {
        guard let block = blocks.last, let level = block.levels.last else { return nil }
        return BookLevel(price: price(level.key), quantity: Quantity(units: level.quantity))
    }

    /// The block that holds, or would hold, `key`: the first whose last key is not below it.
    func blockIndex(for key: Int64) -> Int {
        lastKeys.withUnsafeBufferPointer { maxima in
            // Branch-free, as in LevelBlock.lowerBound; a key above every block goes to
            // the last one.
            var base = 0
            var length = maxima.count
            guard length > 1 else { return 0 }
            while length > 1 {
                let half = length >> 1
                base = maxima[base &+ half] < key ? base &+ half : base
                length &-= half
            }
            return maxima[base] < key ? min(base &+ 1, maxima.count &- 1) : base
        }
    }

    /// Sets the absolute quantity at `price`; zero removes the level (removing a level
    /// that is not there is normal on Binance and changes nothing).
    public mutating func set(_ price: Price, _ quantity: Quantity) {
        let key = key(price)
        guard !blocks.isEmpty else {
            if quantity.units != 0 {
                blocks.append(LevelBlock(key: key, quantity: quantity.units))
                lastKeys.append(key)
                count = 1
            }
            return
        }
        // The top of the book sits in the last block: most updates land there.
        let lastBlock = blocks.count &- 1
        let blockIndex = key >= blocks[lastBlock].firstKey ? lastBlock : blockIndex(for: key)
        let change = blocks[blockIndex].set(key, quantity.units)
        guard change != 0 else { return }
        count &+= change
        if blocks[blockIndex].isEmpty {
            blocks.remove(at: blockIndex)
            lastKeys.remove(at: blockIndex)
            return
        }
        lastKeys[blockIndex] = blocks[blockIndex].lastKey
        if change > 0, blocks[blockIndex].count > Self.blockLimit {
            let upper = blocks[blockIndex].splitUpperHalf()
            blocks.insert(upper, at: blockIndex &+ 1)
            lastKeys[blockIndex] = blocks[blockIndex].lastKey
            lastKeys.insert(upper.lastKey, at: blockIndex &+ 1)
        }
    }

    /// Replaces the whole side with `levels`.
    public mutating func replace(with levels: [BookLevel]) {
        removeAll()
        for level in levels where level.quantity.units > 0 {
            set(level.price, level.quantity)
        }
    }

    public mutating func removeAll() {
        blocks.removeAll()
        lastKeys.removeAll()
        count = 0
    }

    /// Removes the levels at or beyond `price` towards the other side: on the bid side
    /// the bids at or above an ask price, on the ask side the asks at or below a bid
    /// price. Returns how many levels went.
    public mutating func removeLevels(crossing price: Price) -> Int {
        let limit = key(price)
        var removed = 0
        while let last = blocks.last?.levels.last?.key, last >= limit {
            blocks[blocks.count - 1].levels.removeLast()
            if blocks[blocks.count - 1].isEmpty {
                blocks.removeLast()
                lastKeys.removeLast()
            } else {
                lastKeys[blocks.count - 1] = blocks[blocks.count - 1].lastKey
            }
            removed += 1
        }
        count -= removed
        return removed
    }

    /// Quantity resting at `price` (zero when there is no level).
    public func quantity(at price: Price) -> Quantity {
        guard !blocks.isEmpty else { return .zero }
        let key = key(price)
        let block = blocks[blockIndex(for: key)]
        let index = block.lowerBound(key)
        guard index < block.count, block.levels[index].key == key else { return .zero }
        return Quantity(units: block.levels[index].quantity)
    }

    /// Visits levels from the best outwards until `body` returns false.
    public func forEachFromBest(_ body: (BookLevel) -> Bool) {
        for block in blocks.reversed() {
            for stored in block.levels.reversed() {
                if !body(BookLevel(price: price(stored.key), quantity: Quantity(units: stored.quantity))) { return }
            }
        }
    }

    /// The best `count` levels, best first.
    public func top(_ count: Int) -> [BookLevel] {
        var levels: [BookLevel] = []
        levels.reserveCapacity(min(count, self.count))
        guard count > 0 else { return levels }
        forEachFromBest { level in
            levels.append(level)
            return levels.count < count
        }
        return levels
    }

    /// Total quantity from the best level down to and including `price`.
    public func cumulativeQuantity(through price: Price) -> Quantity {
        let limit = key(price)
        var total: Int64 = 0
        forEachFromBest { level in
            guard key(level.price) >= limit else { return false }
            total += level.quantity.units
            return true
        }
        return Quantity(units: total)
    }

    /// Cumulative depth of the best `count` levels, best first: each level's price with
    /// the total quantity up to and including it.
    public func cumulativeDepth(_ count: Int) -> [BookLevel] {
        var running: Int64 = 0
        return top(count).map { level in
            running += level.quantity.units
            return BookLevel(price: level.price, quantity: Quantity(units: running))
        }
    }
}
