import MarketModel

/// The exchange's own rules for orders on one symbol (Binance's exchangeInfo filters,
/// Gate.io's pair and contract details), as fetched at `fetchedAt`.
///
/// Every order is made to fit them before it leaves the kernel: its price rounded to
/// the tick in the direction that is safe for the order (a buy never pays more than
/// asked, a sell never sells for less), its quantity rounded down to the lot step, and
/// then checked against the minimums and the price band. What cannot fit is not sent:
/// an exchange would refuse it (`-1013 Filter failure`), and a refused exit that is
/// re-sent is how order loops start.
public struct SymbolRules: Hashable, Sendable {
    public var symbol: String
    /// PRICE_FILTER `tickSize` (zero: any price).
    public var tickSize: Price
    /// PRICE_FILTER `minPrice` (zero: none).
    public var minPrice: Price = .zero
    /// LOT_SIZE `stepSize` (zero: any quantity).
    public var stepSize: Quantity
    /// LOT_SIZE `minQty`.
    public var minQuantity: Quantity = .zero
    /// LOT_SIZE `maxQty` (nil: none).
    public var maxQuantity: Quantity?
    /// NOTIONAL / MIN_NOTIONAL `minNotional`, in the quote currency (zero: none).
    public var minNotional: Money = .zero
    /// USD-M: reduce-only orders are exempt from the minimum notional (`-4164` names the
    /// exception); Binance spot has no such exemption.
    public var reduceOnlyIgnoresMinNotional = false
    /// PERCENT_PRICE(_BY_SIDE): a limit may be at most `percentUp` times and at least
    /// `percentDown` times the reference price (nil: no band). Binance takes the
    /// average price of the last minutes as the reference; the kernel takes the last
    /// trade, which is close to it and known.
    public var percentUp: Double?
    public var percentDown: Double?
    /// MAX_NUM_ORDERS: open orders the symbol may have at once (nil: no limit known).
    public var maxOpenOrders: Int?
    /// The symbol's trading status as the exchange states it (`TRADING`, `BREAK`,
    /// `HALT`, …; nil: not stated). Any other than TRADING refuses every order: a
    /// delisted or halted market takes none.
    public var status: String?
    /// Whether the exchange takes orders on the symbol now.
    public var isTrading: Bool { status.map { $0 == "TRADING" } ?? true }
    /// When the rules were read from the exchange (local receive time).
    public var fetchedAt: Timestamp

    public init(symbol: String, tickSize: Price, stepSize: Quantity, fetchedAt: Timestamp) {
        self.symbol = symbol
        self.tickSize = tickSize
        self.stepSize = stepSize
        self.fetchedAt = fetchedAt
    }

    /// A filter, by the exchange's own name for it.
    public enum Filter: String, Hashable, Sendable {
        case lotSize = "LOT_SIZE"
        case priceFilter = "PRICE_FILTER"
        case notional = "NOTIONAL"
        case percentPrice = "PERCENT_PRICE"
        /// The symbol's status is not TRADING.
        case status = "STATUS"
    }

    /// Which filter an order breaks, and how.
    public struct Violation: Error, Hashable, Sendable, CustomStringConvertible {
        public var filter: Filter
        public var message: String
        public var description: String { "\(filter.rawValue): \(message)" }
    }

    /// `price` on the tick grid, rounded down for a buy and up for a sell.
    public func price(_ price: Price, for side: Side) -> Price {
        guard tickSize.units > 1 else { return price }
        let step = tickSize.units
        let remainder = price.units % step
        guard remainder != 0 else { return price }
        let down = price.units - remainder
        return Price(units: side == .buy ? down : down + step)
    }

    /// `quantity` rounded down to the lot step: what may be sent of it.
    public func quantity(_ quantity: Quantity) -> Quantity {
        guard stepSize.units > 1 else { return quantity }
        return Quantity(units: quantity.units - quantity.units % stepSize.units)
    }

    /// Whether a holding of `quantity` is too small to be sold at `price` in one order
    /// (under the lot minimum or the minimum notional once rounded down to the lot):
    /// dust, which is shown and not traded.
    public func isDust(_ quantity: Quantity, at price: Price, reduceOnly: Bool) -> Bool {
        let filter = brokenFilter(price: self.price(price, for: .sell), quantity: self.quantity(quantity), reduceOnly: reduceOnly, reference: nil)
        return filter == .lotSize || filter == .notional
    }

    /// The name of the filter a limit order at `price` for `quantity` breaks, if any,
    /// without writing out why (the kernel asks this on hot paths). Both are expected on
    /// the grid already (``price(_:for:)``, ``quantity(_:)``); `reference` is the price
    /// the percent band is measured from.
    public func brokenFilter(price: Price, quantity: Quantity, reduceOnly: Bool, reference: Price?) -> Filter? {
        if !isTrading { return .status }
        if quantity.units <= 0 || quantity < minQuantity { return .lotSize }
        if let maxQuantity, quantity > maxQuantity { return .lotSize }
        if stepSize.units > 1, quantity.units % stepSize.units != 0 { return .lotSize }
        if price.units <= 0 || price < minPrice { return .priceFilter }
        if tickSize.units > 1, price.units % tickSize.units != 0 { return .priceFilter }
        if minNotional.units > 0, !(reduceOnly && reduceOnlyIgnoresMinNotional), Money.notional(price, quantity) < minNotional { return .notional }
        if let reference, reference.units > 0 {
            let ratio = Double(price.units) / Double(reference.units)
            if let up = percentUp, ratio > up { return .percentPrice }
            if let down = percentDown, ratio < down { return .percentPrice }
        }
        return nil
    }

    /// The filter a limit order breaks, with why in words, if it breaks one.
    public func check(price: Price, quantity: Quantity, reduceOnly: Bool, reference: Price?) -> Violation? {
        guard let filter = brokenFilter(price: price, quantity: quantity, reduceOnly: reduceOnly, reference: reference) else { return nil }
        let message: String
        switch filter {
        case .lotSize:
            if let maxQuantity, quantity > maxQuantity {
                message = "\(symbol): quantity \(quantity) is over the maximum \(maxQuantity)"
            } else if quantity.units > 0, quantity >= minQuantity {
                message = "\(symbol): quantity \(quantity) is not a multiple of the step \(stepSize)"
            } else {
                message = "\(symbol): quantity \(quantity) is under the minimum \(minQuantity) (step \(stepSize))"
            }
        case .priceFilter:
            message = price.units <= 0 || price < minPrice ? "\(symbol): price \(price) is under the minimum \(minPrice)" : "\(symbol): price \(price) is not on the tick \(tickSize)"
        case .notional:
            message = "\(symbol): \(quantity) at \(price) is worth \(Money.notional(price, quantity).roundedText(fractionDigits: 4)), under the minimum \(minNotional.roundedText(fractionDigits: 4))"
        case .status:
            message = "\(symbol) is not trading on the exchange (status \(status ?? "?")): no order is sent on it"
        case .percentPrice:
            let ratio = reference.map { Double(price.units) / Double(max($0.units, 1)) } ?? 1
            message = ratio > 1 ? "\(symbol): price \(price) is over \(percentUp ?? 0)× the reference \(reference ?? .zero)" : "\(symbol): price \(price) is under \(percentDown ?? 0)× the reference \(reference ?? .zero)"
        }
        return Violation(filter: filter, message: message)
    }
}
