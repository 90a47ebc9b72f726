import MarketModel

/// What the engine handed over since the writer last looked. Book tops, positions,
/// orders and metrics are coalesced (the latest wins); trades keep only the newest
/// `ticksKept` per symbol, since Redis keeps no more; events queue up to a bound.
struct MirrorBatch {
    var symbols: [String] = []
    var trades: [[TradePrint]] = []
    var books: [MirrorBook?] = []
    var positions: [String: String?] = [:]
    var orders: [String: String?] = [:]
    var metrics: [String: String] = [:]
    var events: [String] = []

    var isEmpty: Bool {
        trades.allSatisfy(\.isEmpty) && books.allSatisfy { $0 == nil } && positions.isEmpty && orders.isEmpty && metrics.isEmpty && events.isEmpty
    }
}
