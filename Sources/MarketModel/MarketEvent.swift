/// Everything a market feed can say, normalised across venues.
public enum MarketEvent: Hashable, Sendable {
    case trade(TradePrint)
    case bookDelta(BookDelta)
    case bookSnapshot(BookSnapshot)
    case bestBidAsk(BestBidAsk)

    /// The kind as reports and counters name it.
    public var kind: MarketEventKind {
        switch self {
        case .trade: return .trade
        case .bookDelta: return .depth
        case .bookSnapshot: return .snapshot
        case .bestBidAsk: return .ticker
        }
    }

    public var time: EventTime {
        switch self {
        case .trade(let trade): return trade.time
        case .bookDelta(let delta): return delta.time
        case .bookSnapshot(let snapshot): return snapshot.time
        case .bestBidAsk(let ticker): return ticker.time
        }
    }

    /// The symbol the event belongs to; `nil` for a snapshot nobody has named yet.
    public var symbol: String? {
        switch self {
        case .trade(let trade): return trade.symbol
        case .bookDelta(let delta): return delta.symbol
        case .bookSnapshot(let snapshot): return snapshot.symbol
        case .bestBidAsk(let ticker): return ticker.symbol
        }
    }
}

/// The kinds of ``MarketEvent``, in report order.
public enum MarketEventKind: String, Sendable, CaseIterable, Comparable {
    case trade
    case depth
    case ticker
    case snapshot

    public static func < (lhs: MarketEventKind, rhs: MarketEventKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
