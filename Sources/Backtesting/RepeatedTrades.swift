import MarketModel

/// Trades seen twice (the same id for the same symbol and kind): a line repeated in
/// a recording, the same file given twice, a duplicated CSV row. Replaying them would
/// count their volume twice, so the second is skipped and counted.
///
/// Exchanges number a symbol's trades in increasing order, so a trade whose id is
/// above every id seen is new without a look. Only an id at or under the highest (a
/// repeat, or a late print from merged connections) is looked up among the last
/// ``remembered`` ids: the usual trade costs one comparison. A repeat more than
/// that many trades later is not caught.
struct RepeatedTrades {
    static let remembered = 1024

    private struct Memory {
        var highest: UInt64
        var recent: [UInt64] = []
        var head = 0

        mutating func remember(_ id: UInt64) {
            if recent.count < RepeatedTrades.remembered {
                recent.append(id)
            } else {
                recent[head] = id
                head = (head + 1) % RepeatedTrades.remembered
            }
        }
    }

    private var memories: [Memory] = []
    private var index: [String: Int] = [:]
    private var lastSymbol = ""
    private var lastInput = -1
    private var lastAggregate = false
    private var lastIndex = -1
    private(set) var count = 0

    /// Whether `trade` (read from input number `input`, whose symbols are qualified
    /// by `qualifier` when markets are mixed) was seen before; remembers it if not.
    mutating func isRepeat(_ trade: TradePrint, input: Int, qualifier: String) -> Bool {
        // Single trades and aggregates are numbered apart. The key is built only when
        // the stream changes: the usual trade compares, it does not allocate.
        let aggregate = trade.kind != .single
        if lastIndex < 0 || input != lastInput || aggregate != lastAggregate || trade.symbol != lastSymbol {
            lastSymbol = trade.symbol
            lastInput = input
            lastAggregate = aggregate
            let key = trade.symbol + qualifier + (aggregate ? "#agg" : "")
            if let known = index[key] {
                lastIndex = known
            } else {
                lastIndex = memories.count
                index[key] = lastIndex
                memories.append(Memory(highest: trade.id))
                memories[lastIndex].remember(trade.id)
                return false
            }
        }
        // In place: the memory's ring is never copied.
        if trade.id > memories[lastIndex].highest {
            memories[lastIndex].highest = trade.id
        } else if memories[lastIndex].recent.contains(trade.id) {
            count += 1
            return true
        }
        memories[lastIndex].remember(trade.id)
        return false
    }
}
