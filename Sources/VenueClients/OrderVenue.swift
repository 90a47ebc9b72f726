import MarketModel
import Trading
import LiveCore
import Venues

/// What a live trading session asks of an exchange's order API, whichever exchange it
/// is: place a limit order that is safe to retry, look an order up and cancel it by
/// the client id Apogee gave it, list the open ones, and keep the exchange's dead-man
/// switch armed where it has one. ``BinanceOrderClient`` (spot and USD-M) and
/// ``GateOrderClient`` (spot) speak it; the session never sees which.
///
/// Order states use one vocabulary whatever the exchange calls them (Binance's: NEW,
/// PARTIALLY_FILLED, FILLED, CANCELED, EXPIRED, REJECTED), so the session books fills
/// and ends the same way for every venue.
public protocol OrderVenue: AnyObject {
    /// `reduceOnly` (futures): the order may only shrink the position.
    func place(symbol: String, side: String, price: String, quantity: String, clientOrderID: String, reduceOnly: Bool) throws(OrderVenueFailure) -> PlaceOutcome
    /// The order with this client id, or nil when the exchange does not know it.
    func query(symbol: String, clientOrderID: String) throws(OrderVenueFailure) -> ExchangeOrderState?
    func cancel(symbol: String, clientOrderID: String) throws(OrderVenueFailure) -> ExchangeOrderState
    func openOrders(symbol: String) throws(OrderVenueFailure) -> [ExchangeOrderState]
    /// What the account holds of `symbol` on the exchange, for the reconciliation at
    /// start: futures, the signed position and its entry price; spot, the balance of
    /// the base currency (free and locked).
    func holding(symbol: String) throws(OrderVenueFailure) -> ExchangeHolding
    /// Futures: the symbol's margin type (ISOLATED or CROSSED) and leverage, set before
    /// any order. Spot: nothing to do.
    func configureFutures(symbol: String, leverage: Int, marginType: String) throws(OrderVenueFailure)
    /// Whether the exchange cancels a symbol's orders when the session stops calling
    /// (Binance USD-M `countdownCancelAll`, Gate.io spot `countdown_cancel_all`).
    var hasCountdownCancel: Bool { get }
    /// Arms (or with 0, disarms) that switch for `seconds`.
    func armCountdown(symbol: String, seconds: Int) throws(OrderVenueFailure)
    /// Samples the exchange's clock (the fastest of `samples` round trips wins); signed
    /// requests carry the exchange's time from then on.
    func syncClock(samples: Int)
    /// Our clock against the exchange's, from ``syncClock(samples:)``.
    var clock: ClockOffset { get }
    /// The rate limit as the status line shows it: `weight 12/6000`, `rate-limited 1 s`.
    var rateStatus: String { get }
    /// Called with the wall time (ns) each order request was handed to the socket.
    var onRequestWritten: (@Sendable (Int64) -> Void)? { get set }
    /// The exchange's order rules for `symbol` (tick, lot, minimums, price band), nil
    /// when this venue's client cannot read them.
    func symbolRules(symbol: String, at now: Timestamp) throws(OrderVenueFailure) -> SymbolRules?
    /// The account's commission rates on `symbol` as the exchange charges them (its
    /// tier and discounts included), nil when this venue's client cannot read them.
    func commissionRates(symbol: String) throws(OrderVenueFailure) -> FeeSchedule?
}

/// An order as the exchange reports it, in the common vocabulary of ``OrderVenue``.
public struct ExchangeOrderState: Sendable, Equatable {
    /// Apogee's client id (Gate's `t-` prefix taken off).
    public var clientOrderID: String
    /// BUY or SELL.
    public var side: String = ""
    public var orderID: Int
    /// NEW, PARTIALLY_FILLED, FILLED, CANCELED, EXPIRED, REJECTED.
    public var status: String
    /// The base quantity executed so far, as the exchange printed it.
    public var executedQuantity: String
    /// What the fills so far came to in the quote currency (Binance's
    /// `cummulativeQuoteQty`/`cumQuote`, Gate's `filled_total`, or the average price
    /// times the executed quantity), nil when the answer did not say: the session
    /// prices each newly booked part by it instead of by the order's limit.
    public var executedQuote: String? = nil

    /// The status in the common vocabulary, typed.
    public var typedStatus: ExchangeOrderStatus { ExchangeOrderStatus(exchangeWord: status) }

    /// Average price × executed quantity as a quote amount (8 decimals), nil when
    /// either is unreadable or nothing executed.
    public static func quote(averagePrice: String?, executed: String?) -> String? {
        guard let average = averagePrice.flatMap({ try? Price(parsing: $0) }), average.units > 0,
              let quantity = executed.flatMap({ try? Quantity(parsing: $0) }), !quantity.isZero else { return nil }
        return Quantity(units: Money.notional(average, quantity).units).formatted(fractionDigits: 8)
    }
}

/// What an account holds of a symbol, as the exchange reports it.
public struct ExchangeHolding: Sendable, Equatable {
    /// Futures: the position, signed (short below zero). Spot: the base currency's
    /// balance, free and locked.
    public var quantity: Quantity
    /// Futures: the position's entry price.
    public var entryPrice: Price?
    /// True for a futures position, false for a spot balance.
    public var isPosition: Bool

    public init(quantity: Quantity, entryPrice: Price?, isPosition: Bool) {
        self.quantity = quantity
        self.entryPrice = entryPrice
        self.isPosition = isPosition
    }

    /// The base currency of a symbol: `ETH_USDT` → ETH, `ETHUSDT` → ETH.
    public static func baseAsset(of symbol: String) -> String { LiveOrderMachine.baseAsset(of: symbol) }
}

public enum PlaceOutcome: Sendable, Equatable {
    /// Sent and acknowledged.
    case placed(ExchangeOrderState)
    /// The answer was lost; the order was found by its client id and not sent again.
    case recovered(ExchangeOrderState)
    /// The answer was lost and the exchange had no such order: sent once more.
    case resent(ExchangeOrderState)
}

/// The order client of a live session's venue; Gate.io futures need each contract's
/// quanto multiplier (``GateContracts``).
public func makeOrderVenue(connection: VenueConnection, credentials: APICredentials, multipliers: [String: Quantity] = [:]) -> any OrderVenue {
    switch connection.venue {
    case .binance, .binanceFutures:
        return BinanceOrderClient(connection: connection, credentials: credentials)
    case .gate:
        return GateOrderClient(connection: connection, credentials: credentials)
    case .gateFutures:
        return GateOrderClient(connection: connection, credentials: credentials, multipliers: multipliers)
    }
}

extension OrderVenue {
    /// For the status line: `clock +12 ms` (the exchange's clock ahead of ours), or
    /// `clock ?` before any sample came back.
    public var clockStatus: String {
        guard clock.samples > 0 else { return "clock ?" }
        let milliseconds = Double(clock.offset) / 1e6
        return "clock \(milliseconds >= 0 ? "+" : "")\(Int(milliseconds.rounded())) ms"
    }
}
