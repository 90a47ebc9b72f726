import MarketModel
import Trading

/// Binance's exchangeInfo answer (spot `/api/v3/exchangeInfo`, USD-M
/// `/fapi/v1/exchangeInfo`) read into each symbol's ``SymbolRules``: PRICE_FILTER,
/// LOT_SIZE, (MIN_)NOTIONAL, PERCENT_PRICE(_BY_SIDE), MAX_NUM_ORDERS.
///
/// The live order client reads it from the exchange; a backtest or a replay reads the
/// same answer saved with its recordings, so the simulated orders meet the filters
/// that were in force. (The JSON is decoded by the caller: this module stays free of
/// Foundation.)
public enum BinanceExchangeInfo {
    /// One symbol's filters as exchangeInfo lists them. A filter missing or unreadable
    /// leaves its rule open (zero tick: any price), as the exchange would not check it.
    public static func rules(_ entry: [String: Any], symbol: String, futures: Bool, at now: Timestamp) -> SymbolRules {
        var rules = SymbolRules(symbol: symbol, tickSize: .zero, stepSize: .zero, fetchedAt: now)
        rules.reduceOnlyIgnoresMinNotional = futures
        rules.status = entry["status"] as? String
        func price(_ filter: [String: Any], _ key: String) -> Price? { (filter[key] as? String).flatMap { try? Price(parsing: $0) } }
        func quantity(_ filter: [String: Any], _ key: String) -> Quantity? { (filter[key] as? String).flatMap { try? Quantity(parsing: $0) } }
        func number(_ filter: [String: Any], _ key: String) -> Double? { (filter[key] as? String).flatMap(Double.init) ?? (filter[key] as? Double) }
        for filter in entry["filters"] as? [[String: Any]] ?? [] {
            switch filter["filterType"] as? String {
            case "PRICE_FILTER":
                rules.tickSize = price(filter, "tickSize") ?? .zero
                rules.minPrice = price(filter, "minPrice") ?? .zero
            case "LOT_SIZE":
                rules.stepSize = quantity(filter, "stepSize") ?? .zero
                rules.minQuantity = quantity(filter, "minQty") ?? .zero
                rules.maxQuantity = quantity(filter, "maxQty").flatMap { $0.units > 0 ? $0 : nil }
            case "NOTIONAL", "MIN_NOTIONAL":
                // Spot says minNotional; USD-M's MIN_NOTIONAL says notional.
                let text = filter["minNotional"] as? String ?? filter["notional"] as? String
                rules.minNotional = text.flatMap { try? Money(parsing: $0) } ?? .zero
            case "PERCENT_PRICE":
                rules.percentUp = number(filter, "multiplierUp")
                rules.percentDown = number(filter, "multiplierDown")
            case "PERCENT_PRICE_BY_SIDE":
                // The widest of the two sides' bands (a bid's and an ask's).
                if let bidUp = number(filter, "bidMultiplierUp"), let askUp = number(filter, "askMultiplierUp") { rules.percentUp = max(bidUp, askUp) }
                if let bidDown = number(filter, "bidMultiplierDown"), let askDown = number(filter, "askMultiplierDown") { rules.percentDown = min(bidDown, askDown) }
            case "MAX_NUM_ORDERS":
                rules.maxOpenOrders = (filter["maxNumOrders"] as? Int) ?? (filter["limit"] as? Int)
            default:
                break
            }
        }
        return rules
    }
}
