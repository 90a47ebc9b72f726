/// One price level as a block stores it: the side's sort key and the quantity, next to
/// each other so a search and a shift touch one array.
struct StoredLevel: Sendable {
    var key: Int64
    var quantity: Int64
}

/// A sorted run of price levels inside a ``BookSide``, sort keys ascending.
struct LevelBlock: Sendable {
    var levels: [StoredLevel]

    init(key: Int64, quantity: Int64) {
        levels = []
        levels.reserveCapacity(BookSide.blockLimit + 1)
        levels.append(StoredLevel(key: key, quantity: quantity))
    }

    init(levels: ArraySlice<StoredLevel>) {
        self.levels = []
        self.levels.reserveCapacity(BookSide.blockLimit + 1)
        self.levels.append(contentsOf: levels)
    }

    var count: Int { levels.count }
    var isEmpty: Bool { levels.isEmpty }
    var firstKey: Int64 { levels[0].key }
    var lastKey: Int64 { levels[levels.count &- 1].key }

    /// Index of the first key not below `key`.
    func lowerBound(_ key: Int64) -> Int {
        levels.withUnsafeBufferPointer { buffer in
            // Branch-free halving: the loop runs log2(count) times whatever the keys,
            // and the choice is a conditional move, not a branch to mispredict.
            var base = 0
            var length = buffer.count
            guard length > 0 else { return 0 }
            while length > 1 {
                let half = length >> 1
                base = buffer[base &+ half].key < key ? base &+ half : base
                length &-= half
            }
            return buffer[base].key < key ? base &+ 1 : base
        }
    }

    /// Sets `key` to `quantity` (zero removes it); returns the change in level count.
    @inline(__always)
    mutating func set(_ key: Int64, _ quantity: Int64) -> Int {
        let count = levels.count
        // The top of the book sits at the end of the last block: look there first.
        let index: Int
        if count > 0, key >= levels[count &- 1].key {
            index = key == levels[count &- 1].key ? count &- 1 : count
        } else {
            index = lowerBound(key)
        }
        let found = index < count && levels[index].key == key
        if quantity == 0 {
            guard found else { return 0 }
            levels.remove(at: index)
            return -1
        }
        if found {
            levels[index].quantity = quantity
            return 0
        }
        levels.insert(StoredLevel(key: key, quantity: quantity), at: index)
        return 1
    }

    /// Moves the upper half of the levels into a new block and returns it.
    mutating func splitUpperHalf() -> LevelBlock {
        let middle = levels.count / 2
        let upper = LevelBlock(levels: levels[middle...])
        levels.removeSubrange(middle...)
        return upper
    }
}
