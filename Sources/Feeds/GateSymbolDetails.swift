import MarketModel
import Trading

/// Gate.io's details of one market read into its ``SymbolRules``: a spot pair
/// (`GET /spot/currency_pairs/{pair}`: `precision` and `amount_precision` decimals,
/// `min_base_amount`, `min_quote_amount`) or a USDT futures contract
/// (`GET /futures/usdt/contracts/{contract}`: `order_price_round`, whole contracts of
/// `quanto_multiplier` base currency, at least `order_size_min` of them).
///
/// The live order client reads them from the exchange; `apogee record` saves the
/// answer with the session (wrapped as ``spotLinePrefix`` / ``futuresLinePrefix``), so
/// a replay and a backtest fit their orders to the rules that were in force. (The JSON
/// is decoded by the caller: this module stays free of Foundation.)
public enum GateSymbolDetails {
    /// How a recorded spot pair's details begin: `{"gate_currency_pair":{…}}`.
    public static let spotLinePrefix = "{\"gate_currency_pair\":"
    /// How a recorded futures contract's details begin: `{"gate_contract":{…}}`.
    public static let futuresLinePrefix = "{\"gate_contract\":"

    /// The rules of the market `object` describes. Throws when a futures contract has
    /// no usable `quanto_multiplier`: every size would be wrong without it.
    public static func rules(_ object: [String: Any], symbol: String, futures: Bool, multiplier known: Quantity? = nil, at now: Timestamp) throws(FeedError) -> SymbolRules {
        func decimal(_ key: String) -> Quantity? { (object[key] as? String).flatMap { try? Quantity(parsing: $0) } }
        if futures {
            guard let multiplier = known ?? decimal("quanto_multiplier"), multiplier.units > 0 else {
                throw FeedError("the contract \(symbol) has no quanto_multiplier (base currency per contract)")
            }
            var rules = SymbolRules(symbol: symbol, tickSize: Price(units: decimal("order_price_round")?.units ?? 0), stepSize: multiplier, fetchedAt: now)
            let minimumContracts = (object["order_size_min"] as? Int).map(Int64.init) ?? 1
            rules.minQuantity = Quantity(units: max(1, minimumContracts) * multiplier.units)
            rules.reduceOnlyIgnoresMinNotional = true
            return rules
        }
        var rules = SymbolRules(symbol: symbol, tickSize: Price(units: step(object["precision"] as? Int)), stepSize: Quantity(units: step(object["amount_precision"] as? Int)), fetchedAt: now)
        rules.minQuantity = decimal("min_base_amount") ?? .zero
        rules.minNotional = Money(units: decimal("min_quote_amount")?.units ?? 0)
        return rules
    }

    /// A contract's base currency per contract (nil: not a contract's details).
    public static func multiplier(_ object: [String: Any]) -> Quantity? {
        (object["quanto_multiplier"] as? String).flatMap { try? Quantity(parsing: $0) }.flatMap { $0.units > 0 ? $0 : nil }
    }

    /// The market's name in its details: a pair's `id`, a contract's `name`.
    public static func symbol(_ object: [String: Any]) -> String? {
        (object["id"] as? String) ?? (object["name"] as? String)
    }

    /// 10^-digits as a fixed-point step (digits above 8 are finer than Apogee keeps:
    /// one unit, any quantity it can hold).
    static func step(_ digits: Int?) -> Int64 {
        guard let digits, digits >= 0, digits <= 8 else { return 1 }
        var units: Int64 = FixedPoint.unitsPerWhole
        for _ in 0..<digits { units /= 10 }
        return units
    }
}
