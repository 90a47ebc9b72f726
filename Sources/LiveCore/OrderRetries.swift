import MarketModel
import Trading

/// What the live session could not get the exchange to take yet, and when to try
/// each again: orders held back by the request rate (the exchange's 429/418 with its
/// `Retry-After`, or Apogee's own guard), and cancels that failed.
///
/// A held order was never carried out, so it goes again unchanged, with the same
/// client id, once its time comes: it is not a new order and is not journaled again.
/// A failed cancel is retried with a growing wait (0.25 s, 0.5 s, 1 s … at most 10 s)
/// until the exchange says how the order ended: a cancel is never dropped.
/// Times are wall-clock nanoseconds, passed in.
public struct OrderRetries: Sendable {
    public struct HeldOrder: Sendable {
        public var request: OrderRequest
        public var due: Int64
        public var attempts: Int
        public var reason: String
        /// Its resend is on its way to the exchange (asked for, not yet answered): a
        /// cancel must now go to the exchange too, after it.
        public var sending = false
    }

    public struct PendingCancel: Sendable {
        public var id: ClientOrderID
        public var symbol: String
        public var due: Int64
        public var attempts: Int
        public var lastError: String
    }

    public private(set) var held: [HeldOrder] = []
    public private(set) var cancels: [PendingCancel] = []
    /// Orders held at least once (each counted once, however often it was held).
    public private(set) var ordersHeld = 0
    /// Cancel attempts that failed, and cancels that needed more than one attempt.
    public private(set) var cancelFailures = 0
    public private(set) var cancelsRetried = 0

    /// The wait before the next attempt of a failing cancel: 0.25 s, 0.5 s … 10 s.
    public static let cancelBackoff = Backoff(first: 250_000_000, longest: 10_000_000_000)

    /// The earliest time something is due (the pump wakes for it).
    public var nextDue: Int64? {
        let orders = held.map(\.due).min()
        let pending = cancels.map(\.due).min()
        switch (orders, pending) {
        case (let a?, let b?): return min(a, b)
        case (let a?, nil): return a
        case (nil, let b?): return b
        case (nil, nil): return nil
        }
    }

    public var isEmpty: Bool { held.isEmpty && cancels.isEmpty }

    // MARK: - Orders

    /// Holds `request` until `due`; true the first time this order is held.
    public mutating func hold(_ request: OrderRequest, until due: Int64, because reason: String) -> Bool {
        if let index = held.firstIndex(where: { $0.request.id == request.id }) {
            held[index].due = due
            held[index].attempts += 1
            held[index].reason = reason
            held[index].sending = false
            return false
        }
        held.append(HeldOrder(request: request, due: due, attempts: 1, reason: reason))
        ordersHeld += 1
        return true
    }

    /// The held orders whose time has come, in the order they were held (they stay
    /// held until ``release(_:)``).
    public func dueOrders(at now: Int64) -> [OrderRequest] {
        held.filter { $0.due <= now && !$0.sending }.map(\.request)
    }

    /// The held order's resend was asked for: it stays held until the exchange answers.
    public mutating func sending(_ id: ClientOrderID) {
        if let index = held.firstIndex(where: { $0.request.id == id }) { held[index].sending = true }
    }

    /// Whether the order is held and not on its way: cancelling it needs no exchange.
    public func isHeldBack(_ id: ClientOrderID) -> Bool { held.contains { $0.request.id == id && !$0.sending } }

    /// The order went out, or ended otherwise: no longer held.
    @discardableResult
    public mutating func release(_ id: ClientOrderID) -> OrderRequest? {
        guard let index = held.firstIndex(where: { $0.request.id == id }) else { return nil }
        return held.remove(at: index).request
    }

    // MARK: - Cancels

    /// A cancel attempt failed: it is tried again at `retryAt` (the exchange's wait)
    /// or after the backoff. Returns how many attempts of it failed so far (1: the first).
    @discardableResult
    public mutating func cancelFailed(_ id: ClientOrderID, symbol: String, error: String, retryAt: Int64?, now: Int64) -> Int {
        cancelFailures += 1
        if let index = cancels.firstIndex(where: { $0.id == id }) {
            cancels[index].attempts += 1
            cancels[index].lastError = error
            cancels[index].due = max(retryAt ?? 0, now + Self.cancelBackoff.delay(after: cancels[index].attempts))
            return cancels[index].attempts
        }
        cancelsRetried += 1
        cancels.append(PendingCancel(id: id, symbol: symbol, due: max(retryAt ?? 0, now + Self.cancelBackoff.delay(after: 1)), attempts: 1, lastError: error))
        return 1
    }

    /// The cancels due for another attempt.
    public func dueCancels(at now: Int64) -> [PendingCancel] {
        cancels.filter { $0.due <= now }
    }

    public func isCancelPending(_ id: ClientOrderID) -> Bool { cancels.contains { $0.id == id } }

    /// The exchange said how the order ended (or the order ended otherwise).
    public mutating func cancelSettled(_ id: ClientOrderID) {
        cancels.removeAll { $0.id == id }
    }
}
