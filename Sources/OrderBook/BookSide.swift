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
    public private(set) var count = 0
    static let blockLimit = 256

    public init(side: Side) {
        self.side = side
    }

    func key(_ price: Price) -> Int64 { side == .buy ? price.units : -price.units }
    func price(_ key: Int64) -> Price { Price(units: side == .buy ? key : -key) }

    public var isEmpty: Bool { count == 0 }

    /// The best level: highest bid or lowest ask.
    public var best: BookLevel? {
        guard let block = blocks.last, let key = block.keys.last, let quantity = block.quantities.last else { return nil }
        return BookLevel(price: price(key), quantity: Quantity(units: quantity))
    }

    /// The block that holds, or would hold, `key`: the first whose last key is not below it.
    func blockIndex(for key: Int64) -> Int {
        var low = 0
        var high = blocks.count - 1
        while low < high {
            let middle = (low &+ high) >> 1
            if blocks[middle].keys[blocks[middle].keys.count &- 1] < key { low = middle &+ 1 } else { high = middle }
        }
        return low
    }

    /// Sets the absolute quantity at `price`; zero removes the level (removing a level
    /// that is not there is normal on Binance and changes nothing).
    public mutating func set(_ price: Price, _ quantity: Quantity) {
        let key = key(price)
        guard !blocks.isEmpty else {
            if quantity.units != 0 {
                blocks.append(LevelBlock(key: key, quantity: quantity.units))
                count = 1
            }
            return
        }
        // The top of the book sits in the last block: most updates land there.
        let lastBlock = blocks.count &- 1
        let blockIndex = key >= blocks[lastBlock].keys[0] ? lastBlock : blockIndex(for: key)
        let change = blocks[blockIndex].set(key, quantity.units)
        count &+= change
        if change < 0, blocks[blockIndex].keys.isEmpty {
            blocks.remove(at: blockIndex)
        } else if change > 0, blocks[blockIndex].keys.count > Self.blockLimit {
            let upper = blocks[blockIndex].splitUpperHalf()
            blocks.insert(upper, at: blockIndex &+ 1)
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
        count = 0
    }

    /// Removes the levels at or beyond `price` towards the other side: on the bid side
    /// the bids at or above an ask price, on the ask side the asks at or below a bid
    /// price. Returns how many levels went.
    public mutating func removeLevels(crossing price: Price) -> Int {
        let limit = key(price)
        var removed = 0
        while let last = blocks.last?.keys.last, last >= limit {
            blocks[blocks.count - 1].keys.removeLast()
            blocks[blocks.count - 1].quantities.removeLast()
            if blocks[blocks.count - 1].keys.isEmpty { blocks.removeLast() }
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
        guard index < block.keys.count, block.keys[index] == key else { return .zero }
        return Quantity(units: block.quantities[index])
    }

    /// Visits levels from the best outwards until `body` returns false.
    public func forEachFromBest(_ body: (BookLevel) -> Bool) {
        for block in blocks.reversed() {
            for index in stride(from: block.keys.count - 1, through: 0, by: -1) {
                let level = BookLevel(price: price(block.keys[index]), quantity: Quantity(units: block.quantities[index]))
                if !body(level) { return }
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
