import MarketModel

/// One side of an L2 book, kept sorted with the best level last.
///
/// Levels live in two parallel arrays of integers ordered by a sort key: the price for
/// bids, the negated price for asks. Both sides are then ascending with the best level
/// at the end, so the busy part of the book (the top) is where inserts and removals
/// move the fewest elements, and the best level is one load away.
public struct BookSide: Sendable {
    public let side: Side
    @usableFromInline var keys: [Int64] = []
    @usableFromInline var quantities: [Int64] = []

    public init(side: Side) {
        self.side = side
        keys.reserveCapacity(2048)
        quantities.reserveCapacity(2048)
    }

    @inlinable func key(_ price: Price) -> Int64 { side == .buy ? price.units : -price.units }
    @inlinable func price(_ key: Int64) -> Price { Price(units: side == .buy ? key : -key) }

    /// Number of price levels.
    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The best level: highest bid or lowest ask.
    public var best: BookLevel? {
        guard let key = keys.last, let quantity = quantities.last else { return nil }
        return BookLevel(price: price(key), quantity: Quantity(units: quantity))
    }

    /// Index of the first key not below `key` (binary search).
    @inlinable func lowerBound(_ key: Int64) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low &+ high) >> 1
            if keys[middle] < key { low = middle &+ 1 } else { high = middle }
        }
        return low
    }

    /// Sets the absolute quantity at `price`; zero removes the level (removing a level
    /// that is not there is normal on Binance and changes nothing).
    @inlinable public mutating func set(_ price: Price, _ quantity: Quantity) {
        let key = key(price)
        // Most updates touch the top of the book, which sits at the end.
        let index: Int
        if let last = keys.last, key > last {
            index = keys.count
        } else {
            index = lowerBound(key)
        }
        let found = index < keys.count && keys[index] == key
        if quantity.units == 0 {
            if found {
                keys.remove(at: index)
                quantities.remove(at: index)
            }
        } else if found {
            quantities[index] = quantity.units
        } else {
            keys.insert(key, at: index)
            quantities.insert(quantity.units, at: index)
        }
    }

    /// Replaces the whole side with `levels`.
    public mutating func replace(with levels: [BookLevel]) {
        keys.removeAll(keepingCapacity: true)
        quantities.removeAll(keepingCapacity: true)
        for level in levels where level.quantity.units > 0 {
            set(level.price, level.quantity)
        }
    }

    public mutating func removeAll() {
        keys.removeAll(keepingCapacity: true)
        quantities.removeAll(keepingCapacity: true)
    }

    /// Removes the levels at or beyond `price` towards the other side: on the bid side
    /// the bids at or above an ask price, on the ask side the asks at or below a bid
    /// price. Returns how many levels went.
    @inlinable public mutating func removeLevels(crossing price: Price) -> Int {
        // A level crosses when its key is at or past the key of `price` on this side.
        let limit = key(price)
        var removed = 0
        while let last = keys.last, last >= limit {
            keys.removeLast()
            quantities.removeLast()
            removed += 1
        }
        return removed
    }

    /// Quantity resting at `price` (zero when there is no level).
    public func quantity(at price: Price) -> Quantity {
        let key = key(price)
        let index = lowerBound(key)
        guard index < keys.count, keys[index] == key else { return .zero }
        return Quantity(units: quantities[index])
    }

    /// The best `count` levels, best first.
    public func top(_ count: Int) -> [BookLevel] {
        var levels: [BookLevel] = []
        levels.reserveCapacity(min(count, keys.count))
        var index = keys.count - 1
        while index >= 0, levels.count < count {
            levels.append(BookLevel(price: price(keys[index]), quantity: Quantity(units: quantities[index])))
            index -= 1
        }
        return levels
    }

    /// Total quantity from the best level down to and including `price`.
    public func cumulativeQuantity(through price: Price) -> Quantity {
        let limit = key(price)
        var total: Int64 = 0
        var index = keys.count - 1
        while index >= 0, keys[index] >= limit {
            total += quantities[index]
            index -= 1
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
