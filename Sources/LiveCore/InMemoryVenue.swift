import MarketModel
import Trading

/// An exchange's order API as a plain value: it keeps the orders it was sent, answers
/// the live session machine's actions in its typed vocabulary, and misbehaves exactly
/// as told (answers lost, refusals, 429s with a wait, cancels that fail, an order that
/// fills before its cancel arrives). Deterministic and without I/O: the session logic
/// is tested against it with a clock the test moves, never with sleeps.
///
/// Its rules follow Binance's: a cancel of an order that is no longer open (filled,
/// cancelled) or never arrived is answered -2011 "Unknown order sent."; a look-up of
/// an order it never got answers "not found" (nil).
public struct InMemoryVenue: Sendable {
    /// An order as the exchange holds it.
    public struct Resting: Sendable, Equatable {
        public var clientOrderID: String
        public var symbol: String
        public var side: Side
        public var price: Price
        public var quantity: Quantity
        public var executed: Quantity = .zero
        public var executedQuote: Money = .zero
        public var status: ExchangeOrderStatus = .new

        public var report: VenueOrderReport {
            VenueOrderReport(clientOrderID: clientOrderID, status: status, executed: executed, executedQuote: executedQuote)
        }
    }

    /// The exchange's clock; answers carry it. The test moves it.
    public var now: Int64
    /// The orders it holds, in the order they arrived.
    public private(set) var orders: [Resting] = []
    /// What the account holds per symbol (for `readHolding`).
    public var holdings: [String: Quantity] = [:]
    /// Rules and rates per symbol (for `readRules`).
    public var rules: [String: SymbolRules] = [:]
    public var rates: [String: FeeSchedule] = [:]
    /// Every request it received, in order (`place BUY ETHUSDT s1-apg-1`, `cancel …`).
    public private(set) var requests: [String] = []

    // Faults, each used up as it is applied.
    /// The next placements are refused with these failures (a -2010, a 429 with
    /// `retryAt`…), one each.
    public var refuseNextPlacements: [OrderVenueFailure] = []
    /// The next placements reach the book but their answers are lost (and the client's
    /// look-up fails too): the machine gets an unknown outcome.
    public var loseNextPlacementAnswers = 0
    /// Like that, but the order never reached the book.
    public var dropNextPlacements = 0
    /// The next cancels fail with these failures (a 503, a timeout), one each; the
    /// order stays on the book.
    public var failNextCancels: [OrderVenueFailure] = []
    /// The next look-ups fail with this failure, one each.
    public var failNextLookUps: [OrderVenueFailure] = []

    public init(now: Int64) { self.now = now }

    /// Binance's answer to a cancel or query of an order it does not have (open).
    public static let unknownOrder = OrderVenueFailure(description: "Unknown order sent. (code -2011)", code: -2011)
    /// A gateway failure: the request was not carried out.
    public static let unavailable = OrderVenueFailure(description: "HTTP 503 Service Unavailable: the exchange did not process the request")

    public func order(_ clientOrderID: String) -> Resting? { orders.first { $0.clientOrderID == clientOrderID } }

    /// Answers one action of the machine; nil for journal entries (not the exchange's).
    public mutating func perform(_ action: LiveAction) -> (answer: VenueAnswer, at: Int64)? {
        switch action {
        case .journal:
            return nil
        case .place(let request, let clientID, _):
            requests.append("place \(request.side == .buy ? "BUY" : "SELL") \(request.symbol) \(clientID)")
            return (place(request, clientID), now)
        case .cancel(let id, _, let clientID):
            requests.append("cancel \(clientID)")
            if !failNextCancels.isEmpty { return (.cancelFailed(id, failNextCancels.removeFirst()), now) }
            guard let index = orders.firstIndex(where: { $0.clientOrderID == clientID }), orders[index].status.end == nil else {
                return (.cancelFailed(id, Self.unknownOrder), now)
            }
            orders[index].status = .cancelled
            return (.cancelAnswered(id, orders[index].report), now)
        case .lookUp(let id, _, let clientID, let purpose):
            requests.append("look up \(clientID)")
            if !failNextLookUps.isEmpty { return (.lookUpFailed(id, failNextLookUps.removeFirst(), purpose: purpose), now) }
            return (.lookedUp(id, order(clientID)?.report, purpose: purpose), now)
        case .readHolding(let symbol):
            requests.append("holding \(symbol)")
            return (.holding(symbol: symbol, holdings[symbol] ?? .zero), now)
        case .readRules(let symbol):
            requests.append("rules \(symbol)")
            return (.rules(symbol: symbol, rules[symbol], rates[symbol]), now)
        }
    }

    private mutating func place(_ request: OrderRequest, _ clientID: String) -> VenueAnswer {
        if !refuseNextPlacements.isEmpty { return .placeFailed(request.id, refuseNextPlacements.removeFirst()) }
        let lost = OrderVenueFailure(description: "order \(clientID): no answer, and the look-up by client id failed: outcome unknown", outcomeUnknown: true)
        if dropNextPlacements > 0 {
            dropNextPlacements -= 1
            return .placeFailed(request.id, lost)
        }
        if let existing = order(clientID) {
            // The same client id again (a resend after a lost answer): the exchange
            // refuses a duplicate; the client finds the order instead.
            return .placed(request.id, existing.report, recovered: true)
        }
        let resting = Resting(clientOrderID: clientID, symbol: request.symbol, side: request.side, price: request.kind.limitPrice ?? .zero, quantity: request.quantity)
        orders.append(resting)
        if loseNextPlacementAnswers > 0 {
            loseNextPlacementAnswers -= 1
            return .placeFailed(request.id, lost)
        }
        return .placed(request.id, resting.report, recovered: false)
    }

    /// Fills `quantity` of an open order at `price` (the market traded through it) and
    /// returns the update the exchange pushes for it; nil if the order is not open.
    public mutating func fill(_ clientOrderID: String, quantity: Quantity, at price: Price, isMaker: Bool = true, commission: Quantity? = nil, commissionAsset: String? = nil) -> VenueOrderReport? {
        guard let index = orders.firstIndex(where: { $0.clientOrderID == clientOrderID }), orders[index].status.end == nil else { return nil }
        let part = Quantity(units: min(quantity.units, orders[index].quantity.units - orders[index].executed.units))
        guard part.units > 0 else { return nil }
        orders[index].executed = orders[index].executed + part
        orders[index].executedQuote = orders[index].executedQuote + .notional(price, part)
        orders[index].status = orders[index].executed == orders[index].quantity ? .filled : .partiallyFilled
        var report = orders[index].report
        report.lastFill = .init(price: price, quantity: part, isMaker: isMaker, commission: commission, commissionAsset: commissionAsset)
        return report
    }

    /// Cancels an order on the exchange's side (the trader elsewhere, an expiry) and
    /// returns the update it pushes.
    public mutating func cancelOnTheExchange(_ clientOrderID: String, status: ExchangeOrderStatus = .cancelled) -> VenueOrderReport? {
        guard let index = orders.firstIndex(where: { $0.clientOrderID == clientOrderID }), orders[index].status.end == nil else { return nil }
        orders[index].status = status
        return orders[index].report
    }
}
