import GRDB

/// A session that traded (the terminal's replay, paper, live): what its journal
/// belongs to.
public struct TradingSessionRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    public static let databaseTableName = "trading_session"

    public var id: Int64?
    public var kind: String
    public var venue: String
    public var source: String
    public var strategies: String
    public var firstNanoseconds: Int64?
    public var lastNanoseconds: Int64?
    public var complete: Bool
    public var createdAt: String

    enum CodingKeys: String, CodingKey {
        case id, kind, venue, source, strategies, complete
        case firstNanoseconds = "first_ns"
        case lastNanoseconds = "last_ns"
        case createdAt = "created_at"
    }

    public init(kind: String, venue: String, source: String, strategies: String, createdAt: String) {
        self.kind = kind
        self.venue = venue
        self.source = source
        self.strategies = strategies
        self.complete = false
        self.createdAt = createdAt
    }
}

/// One state of one order: the intent (written before the order is sent), then each
/// change the venue reports.
public struct OrderJournalRow: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "order_journal"

    public var id: Int64?
    public var tradingSessionID: Int64
    public var clientOrderID: String
    public var event: String
    public var symbol: String
    public var side: String
    public var orderKind: String
    public var price: Int64?
    public var quantity: Int64
    public var reduceOnly: Bool
    public var origin: String
    public var reason: String?
    public var timeNanoseconds: Int64

    enum CodingKeys: String, CodingKey {
        case id, event, symbol, side, price, quantity, origin, reason
        case tradingSessionID = "trading_session_id"
        case clientOrderID = "client_order_id"
        case orderKind = "order_kind"
        case reduceOnly = "reduce_only"
        case timeNanoseconds = "time_ns"
    }

    public init(tradingSessionID: Int64, clientOrderID: String, event: String, symbol: String, side: String, orderKind: String, price: Int64?, quantity: Int64, reduceOnly: Bool, origin: String, reason: String?, timeNanoseconds: Int64) {
        self.tradingSessionID = tradingSessionID
        self.clientOrderID = clientOrderID
        self.event = event
        self.symbol = symbol
        self.side = side
        self.orderKind = orderKind
        self.price = price
        self.quantity = quantity
        self.reduceOnly = reduceOnly
        self.origin = origin
        self.reason = reason
        self.timeNanoseconds = timeNanoseconds
    }
}

/// One execution.
public struct FillRow: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "fill"

    public var id: Int64?
    public var tradingSessionID: Int64
    public var clientOrderID: String
    public var symbol: String
    public var side: String
    public var price: Int64
    public var quantity: Int64
    public var fee: Int64
    public var liquidity: String
    public var liquidation: Bool
    public var timeNanoseconds: Int64
    /// The part of the fee taken out of the coin bought (10⁻⁸ units; spot buys).
    public var feeInBase: Int64 = 0

    enum CodingKeys: String, CodingKey {
        case id, symbol, side, price, quantity, fee, liquidity, liquidation
        case tradingSessionID = "trading_session_id"
        case clientOrderID = "client_order_id"
        case timeNanoseconds = "time_ns"
        case feeInBase = "fee_in_base"
    }

    public init(tradingSessionID: Int64, clientOrderID: String, symbol: String, side: String, price: Int64, quantity: Int64, fee: Int64, liquidity: String, liquidation: Bool, timeNanoseconds: Int64) {
        self.tradingSessionID = tradingSessionID
        self.clientOrderID = clientOrderID
        self.symbol = symbol
        self.side = side
        self.price = price
        self.quantity = quantity
        self.fee = fee
        self.liquidity = liquidity
        self.liquidation = liquidation
        self.timeNanoseconds = timeNanoseconds
    }
}

/// A position as it stood after a fill, or at the end of the session.
public struct PositionSnapshotRow: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "position_snapshot"

    public var id: Int64?
    public var tradingSessionID: Int64
    public var symbol: String
    public var quantity: Int64
    public var entryPrice: Int64?
    public var realizedPnL: Int64
    public var unrealizedPnL: Int64?
    public var reason: String
    public var timeNanoseconds: Int64

    enum CodingKeys: String, CodingKey {
        case id, symbol, quantity, reason
        case tradingSessionID = "trading_session_id"
        case entryPrice = "entry_price"
        case realizedPnL = "realized_pnl"
        case unrealizedPnL = "unrealized_pnl"
        case timeNanoseconds = "time_ns"
    }

    public init(tradingSessionID: Int64, symbol: String, quantity: Int64, entryPrice: Int64?, realizedPnL: Int64, unrealizedPnL: Int64?, reason: String, timeNanoseconds: Int64) {
        self.tradingSessionID = tradingSessionID
        self.symbol = symbol
        self.quantity = quantity
        self.entryPrice = entryPrice
        self.realizedPnL = realizedPnL
        self.unrealizedPnL = unrealizedPnL
        self.reason = reason
        self.timeNanoseconds = timeNanoseconds
    }
}

/// Anything the journal writes.
public enum JournalRow: Sendable {
    case order(OrderJournalRow)
    case fill(FillRow)
    case position(PositionSnapshotRow)

    var time: Int64 {
        switch self {
        case .order(let row): return row.timeNanoseconds
        case .fill(let row): return row.timeNanoseconds
        case .position(let row): return row.timeNanoseconds
        }
    }
}
