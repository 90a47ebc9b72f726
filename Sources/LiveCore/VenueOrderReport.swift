import MarketModel
import Trading

/// An order's status on the exchange, in one vocabulary whatever the exchange calls it
/// (Binance: NEW, PARTIALLY_FILLED, FILLED, CANCELED, EXPIRED, REJECTED; Gate.io's
/// `open`/`closed`/`cancelled` are mapped to these by its client).
public enum ExchangeOrderStatus: Hashable, Sendable, CustomStringConvertible {
    case new
    case partiallyFilled
    /// Asked to cancel, not yet cancelled (Binance futures).
    case pendingCancel
    case filled
    case cancelled
    /// Its time ran out, or the exchange's self-trade prevention took it off.
    case expired
    case rejected
    /// A status this version does not know: the order is taken as still open.
    case other(String)

    /// Reads the exchange's word for it.
    public init(exchangeWord word: String) {
        switch word {
        case "NEW": self = .new
        case "PARTIALLY_FILLED": self = .partiallyFilled
        case "PENDING_CANCEL": self = .pendingCancel
        case "FILLED": self = .filled
        case "CANCELED", "CANCELLED": self = .cancelled
        case "EXPIRED", "EXPIRED_IN_MATCH": self = .expired
        case "REJECTED": self = .rejected
        default: self = .other(word)
        }
    }

    /// How an order ended on the exchange.
    public enum End: Sendable, Equatable {
        case filled
        /// Cancelled or expired (by us, the countdown, the trader elsewhere, its time).
        case cancelled
        case rejected
    }

    /// How an order with this status ended; nil while it is open.
    public var end: End? {
        switch self {
        case .filled: return .filled
        case .cancelled, .expired: return .cancelled
        case .rejected: return .rejected
        case .new, .partiallyFilled, .pendingCancel, .other: return nil
        }
    }

    public var description: String {
        switch self {
        case .new: return "NEW"
        case .partiallyFilled: return "PARTIALLY_FILLED"
        case .pendingCancel: return "PENDING_CANCEL"
        case .filled: return "FILLED"
        case .cancelled: return "CANCELED"
        case .expired: return "EXPIRED"
        case .rejected: return "REJECTED"
        case .other(let word): return word
        }
    }
}

/// What the exchange said about one order: the answer to a placement, a look-up or a
/// cancel, or an update it pushed. Numbers are exact values read at the edge (an
/// answer whose numbers do not read never gets here: its client says why instead).
public struct VenueOrderReport: Hashable, Sendable {
    /// The client id as the exchange knows it (Apogee's, with the session's prefix).
    public var clientOrderID: String
    public var status: ExchangeOrderStatus
    /// The base quantity executed so far (cumulative).
    public var executed: Quantity
    /// What those fills came to in the quote currency, when the exchange said: each
    /// newly booked part is priced by its growth.
    public var executedQuote: Money?
    /// A pushed update of one fill: its price and quantity, whether it was on the
    /// maker side, and its commission and the asset it was taken in, when given.
    public var lastFill: LastFill?
    /// The exchange's reason for a rejection, when it gave one.
    public var detail: String?

    public struct LastFill: Hashable, Sendable {
        public var price: Price
        public var quantity: Quantity
        public var isMaker: Bool?
        public var commission: Quantity?
        public var commissionAsset: String?

        public init(price: Price, quantity: Quantity, isMaker: Bool? = nil, commission: Quantity? = nil, commissionAsset: String? = nil) {
            (self.price, self.quantity, self.isMaker, self.commission, self.commissionAsset) = (price, quantity, isMaker, commission, commissionAsset)
        }
    }

    public init(clientOrderID: String, status: ExchangeOrderStatus, executed: Quantity, executedQuote: Money? = nil, lastFill: LastFill? = nil, detail: String? = nil) {
        self.clientOrderID = clientOrderID
        self.status = status
        self.executed = executed
        self.executedQuote = executedQuote
        self.lastFill = lastFill
        self.detail = detail
    }
}
