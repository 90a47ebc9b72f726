/// A sorted run of price levels inside a ``BookSide``: sort keys ascending, with the
/// quantity for each key at the same index.

struct LevelBlock: Sendable {
    var keys: [Int64]
    var quantities: [Int64]

    init(key: Int64, quantity: Int64) {
        keys = [key]
        quantities = [quantity]
        keys.reserveCapacity(BookSide.blockLimit + 1)
        quantities.reserveCapacity(BookSide.blockLimit + 1)
    }

    init(keys: [Int64], quantities: [Int64]) {
        self.keys = keys
        self.quantities = quantities
    }

    /// Index of the first key not below `key`.
    func lowerBound(_ key: Int64) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low &+ high) >> 1
            if keys[middle] < key { low = middle &+ 1 } else { high = middle }
        }
        return low
    }

    /// Sets `key` to `quantity` (zero removes it); returns the change in level count.
    mutating func set(_ key: Int64, _ quantity: Int64) -> Int {
        // The top of the book sits at the end of the last block: look there first.
        let index: Int
        if let last = keys.last, key > last {
            index = keys.count
        } else {
            index = lowerBound(key)
        }
        let found = index < keys.count && keys[index] == key
        if quantity == 0 {
            guard found else { return 0 }
            keys.remove(at: index)
            quantities.remove(at: index)
            return -1
        }
        if found {
            quantities[index] = quantity
            return 0
        }
        keys.insert(key, at: index)
        quantities.insert(quantity, at: index)
        return 1
    }

    /// Moves the upper half of the levels into a new block and returns it.
    mutating func splitUpperHalf() -> LevelBlock {
        let middle = keys.count / 2
        var upper = LevelBlock(keys: Array(keys[middle...]), quantities: Array(quantities[middle...]))
        upper.keys.reserveCapacity(BookSide.blockLimit + 1)
        upper.quantities.reserveCapacity(BookSide.blockLimit + 1)
        keys.removeSubrange(middle...)
        quantities.removeSubrange(middle...)
        return upper
    }
}
