import MarketModel

/// What happened to an order, in the past tense, as venues and the risk gate report it.
public enum OrderEvent: Hashable, Sendable {
    /// The venue took the order.
    case accepted(ClientOrderID, time: Timestamp)
    /// Part or all of it executed.
    case filled(Fill)
    /// Cancelled at our request (or by the venue for a reason it gives).
    case cancelled(ClientOrderID, time: Timestamp, reason: String)
    /// The venue refused it.
    case rejected(ClientOrderID, time: Timestamp, reason: String)
    /// Its time ran out (the unfilled rest of an IOC, a killed FOK).
    case expired(ClientOrderID, time: Timestamp)
    /// Never sent: the risk gate denied it under `rule`.
    case denied(ClientOrderID, time: Timestamp, rule: String, reason: String)
    /// A cancel the venue did not carry out (an error, no answer, the order still
    /// open after it): the order stays open and the cancel is tried again (`attempt`
    /// counts the failures so far) until the venue says how the order ended.
    case cancelRejected(ClientOrderID, time: Timestamp, reason: String, attempt: Int)

    public var orderID: ClientOrderID {
        switch self {
        case .accepted(let id, _), .cancelled(let id, _, _), .rejected(let id, _, _), .expired(let id, _), .denied(let id, _, _, _), .cancelRejected(let id, _, _, _): return id
        case .filled(let fill): return fill.orderID
        }
    }

    public var time: Timestamp {
        switch self {
        case .accepted(_, let time), .cancelled(_, let time, _), .rejected(_, let time, _), .expired(_, let time), .denied(_, let time, _, _), .cancelRejected(_, let time, _, _): return time
        case .filled(let fill): return fill.time
        }
    }

    /// The name of the event as logs print it.
    public var name: String {
        switch self {
        case .accepted: return "OrderAccepted"
        case .filled: return "OrderFilled"
        case .cancelled: return "OrderCancelled"
        case .rejected: return "OrderRejected"
        case .expired: return "OrderExpired"
        case .denied: return "OrderDenied"
        case .cancelRejected: return "OrderCancelRejected"
        }
    }
}
