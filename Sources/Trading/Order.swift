import MarketModel

/// Where an order stands.
public enum OrderStatus: String, Hashable, Sendable {
    /// Created and sent; the venue has not answered.
    case new
    case accepted
    case partiallyFilled
    case filled
    case cancelled
    case rejected
    case expired
    /// Stopped by the risk gate before it was sent.
    case denied

    /// No further event can change it.
    public var isFinal: Bool {
        switch self {
        case .filled, .cancelled, .rejected, .expired, .denied: return true
        case .new, .accepted, .partiallyFilled: return false
        }
    }
}

/// An order and everything that happened to it.
public struct Order: Hashable, Sendable {
    public let request: OrderRequest
    public private(set) var status: OrderStatus = .new
    public private(set) var filledQuantity: Quantity = .zero
    /// Sum of price × quantity of the fills, in 10⁻¹⁶ units, for the average price.
    public private(set) var filledNotional: Int128 = 0
    public private(set) var fees: Money = .zero
    public private(set) var lastUpdate: Timestamp
    /// A cancel was requested and not yet answered.
    public var cancelRequested = false

    public init(request: OrderRequest) {
        self.request = request
        lastUpdate = request.createdAt
    }

    public var id: ClientOrderID { request.id }
    public var remainingQuantity: Quantity { request.quantity - filledQuantity }
    public var isOpen: Bool { !status.isFinal }

    /// Average fill price, truncated to 10⁻⁸.
    public var averagePrice: Price? {
        guard filledQuantity.units > 0 else { return nil }
        return Price(units: Int64(filledNotional / Int128(filledQuantity.units)))
    }

    /// Why an event cannot apply to an order in its state.
    public struct TransitionError: Error, Hashable, Sendable, CustomStringConvertible {
        public var orderID: ClientOrderID
        public var status: OrderStatus
        public var event: String
        public var description: String { "order \(orderID) is \(status.rawValue): \(event) cannot apply" }
    }

    /// Moves the order along its state machine:
    /// new → accepted → partially filled → filled / cancelled / rejected / expired.
    /// A fill may arrive before the acceptance (venues race them); overfills and events
    /// after a final state are refused.
    public mutating func apply(_ event: OrderEvent) throws(TransitionError) {
        let refuse = TransitionError(orderID: id, status: status, event: event.name)
        guard !status.isFinal else { throw refuse }
        switch event {
        case .accepted(_, let time):
            guard status == .new else { throw refuse }
            status = .accepted
            lastUpdate = time
        case .filled(let fill):
            guard fill.quantity.units > 0, fill.quantity <= remainingQuantity, fill.side == request.side else { throw refuse }
            filledQuantity = filledQuantity + fill.quantity
            filledNotional += Int128(fill.price.units) * Int128(fill.quantity.units)
            fees += fill.fee
            status = filledQuantity == request.quantity ? .filled : .partiallyFilled
            lastUpdate = fill.time
        case .cancelled(_, let time, _):
            status = .cancelled
            lastUpdate = time
        case .rejected(_, let time, _):
            guard status == .new else { throw refuse }
            status = .rejected
            lastUpdate = time
        case .expired(_, let time):
            status = .expired
            lastUpdate = time
        case .denied(_, let time, _, _):
            guard status == .new else { throw refuse }
            status = .denied
            lastUpdate = time
        case .cancelRejected(_, let time, _, _):
            // The order is as it was: open, with a cancel still wanted.
            lastUpdate = time
        }
    }
}
