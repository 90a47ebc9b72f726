import MarketModel
import OrderBook

/// What a replay knows about one symbol: its book, the audit of that book against the
/// exchange's tickers, trade totals and event counts. Pure: events in, state out.
public struct SymbolReplay: Sendable {
    public let symbol: String
    /// The sync rule, when the market is known up front; otherwise read off the first
    /// diff or snapshot (futures diffs carry `pu`, futures snapshots carry `E`).
    public let declaredRule: BookSyncRule?
    public private(set) var book: OrderBook?
    public private(set) var audit = BookAudit()
    public private(set) var trades = TradeTally()
    public private(set) var counts = EventCounts()
    public private(set) var firstReceived: Timestamp?
    public private(set) var lastReceived: Timestamp?
    /// Times the book was seen crossed after a diff; the pruning rule keeps it at 0.
    public private(set) var crossedAfterDiff = 0

    public init(symbol: String, rule: BookSyncRule?) {
        self.symbol = symbol
        self.declaredRule = rule
    }

    /// Applies one event. `source` identifies it in reports (its line number).
    public mutating func handle(_ event: MarketEvent, source: Int) {
        counts.add(event.kind)
        let received = event.time.received
        if firstReceived == nil { firstReceived = received }
        lastReceived = received
        switch event {
        case .trade(let trade):
            trades.add(trade)
        case .bookDelta(let delta):
            if book == nil { book = OrderBook(symbol: symbol, rule: declaredRule ?? (delta.previousFinalUpdateID != nil ? .previousID : .sequential)) }
            book!.apply(delta)
            if book!.isCrossed { crossedAfterDiff += 1 }
            audit.bookAdvanced(book!)
        case .bookSnapshot(let snapshot):
            if book == nil { book = OrderBook(symbol: symbol, rule: declaredRule ?? (snapshot.time.exchange != nil ? .previousID : .sequential)) }
            book!.apply(snapshot)
            audit.bookAdvanced(book!)
        case .bestBidAsk(let ticker):
            if let book {
                audit.observe(ticker, source: source, book: book)
            }
        }
    }
}

/// Events counted by kind, without a dictionary so counts print in a fixed order.
public struct EventCounts: Hashable, Sendable {
    public private(set) var trade = 0
    public private(set) var depth = 0
    public private(set) var ticker = 0
    public private(set) var snapshot = 0

    public init() {}

    public var total: Int { trade + depth + ticker + snapshot }

    public mutating func add(_ kind: MarketEventKind) {
        switch kind {
        case .trade: trade += 1
        case .depth: depth += 1
        case .ticker: ticker += 1
        case .snapshot: snapshot += 1
        }
    }

    public mutating func add(_ other: EventCounts) {
        trade += other.trade
        depth += other.depth
        ticker += other.ticker
        snapshot += other.snapshot
    }

    public subscript(kind: MarketEventKind) -> Int {
        switch kind {
        case .trade: return trade
        case .depth: return depth
        case .ticker: return ticker
        case .snapshot: return snapshot
        }
    }
}
