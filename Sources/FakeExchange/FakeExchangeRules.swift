import Foundation
import MarketModel
import Trading

/// The order rules the fake exchange lists in exchangeInfo and enforces as Binance
/// does, and its account's commission rates and starting quote balance.
///
/// The defaults are Binance's own for ETHUSDT spot (tick 0.01, lot 0.0001, minimum
/// notional 5) and BTCUSDT USD-M (tick 0.10, lot 0.001), except USD-M's minimum
/// notional: Binance lists 100 USDT for BTCUSDT, the fake 5, so small test orders
/// trade; a test can raise it. The commission rates are a discounted tier on purpose
/// (0.075 % spot, 0.018 %/0.045 % USD-M): a session that books Apogee's standard
/// rates instead of the account's is caught by every journal comparison.
public struct FakeExchangeRules: Sendable {
    public var spotTick = Price(units: 1_000_000)
    public var spotStep = Quantity(units: 10_000)
    public var spotMinQuantity = Quantity(units: 10_000)
    public var spotMinNotional = Money(whole: 5)
    public var futuresTick = Price(units: 10_000_000)
    public var futuresStep = Quantity(units: 100_000)
    public var futuresMinQuantity = Quantity(units: 100_000)
    public var futuresMinNotional = Money(whole: 5)
    /// PERCENT_PRICE_BY_SIDE around the last trade (Binance: the average price).
    public var percentUp = 5.0
    public var percentDown = 0.2
    public var spotMakerPartsPerMillion: Int64 = 750
    public var spotTakerPartsPerMillion: Int64 = 750
    public var futuresMakerPartsPerMillion: Int64 = 180
    public var futuresTakerPartsPerMillion: Int64 = 450
    /// The spot account's USDT at the start.
    public var quoteBalance = Money(whole: 100_000)
    /// Enforce the filters and balances (off: the fake takes any order, as it used to).
    public var enforced = true
    /// Symbols with filters of their own (a synthetic market's `exchangeinfo.json`):
    /// listed and enforced instead of the defaults above.
    public var symbols: [String: SymbolRules] = [:]

    public init() {}

    func tick(_ symbol: String, futures: Bool) -> Price {
        if let own = symbols[symbol], own.tickSize.units > 0 { return own.tickSize }
        return futures ? futuresTick : spotTick
    }
    func step(_ symbol: String, futures: Bool) -> Quantity {
        if let own = symbols[symbol], own.stepSize.units > 0 { return own.stepSize }
        return futures ? futuresStep : spotStep
    }
    func minQuantity(_ symbol: String, futures: Bool) -> Quantity {
        symbols[symbol]?.minQuantity ?? (futures ? futuresMinQuantity : spotMinQuantity)
    }

    /// Binance's refusal of a limit order that breaks a filter: `-1013 Filter failure:
    /// NAME` (USD-M: `-4164` for a notional under the minimum, reduce-only exempt).
    func violation(symbol: String, price: Price, quantity: Quantity, futures: Bool, reduceOnly: Bool, lastPrice: Price?) -> (code: Int, message: String)? {
        guard enforced else { return nil }
        let tick = tick(symbol, futures: futures)
        let step = step(symbol, futures: futures)
        if price.units <= 0 || price.units % tick.units != 0 { return (-1013, "Filter failure: PRICE_FILTER") }
        if quantity < minQuantity(symbol, futures: futures) || quantity.units % step.units != 0 { return (-1013, "Filter failure: LOT_SIZE") }
        let notional = Money.notional(price, quantity)
        if futures {
            if !reduceOnly, notional < futuresMinNotional { return (-4164, "Order's notional must be no smaller than \(futuresMinNotional.roundedText(fractionDigits: 1)) (unless you choose reduce only).") }
        } else if notional < spotMinNotional {
            return (-1013, "Filter failure: NOTIONAL")
        }
        if let lastPrice, lastPrice.units > 0 {
            let ratio = Double(price.units) / Double(lastPrice.units)
            if ratio > percentUp || ratio < percentDown { return (-1013, "Filter failure: PERCENT_PRICE_BY_SIDE") }
        }
        return nil
    }

    /// One symbol's entry of exchangeInfo, with its filters as Binance writes them.
    func exchangeInfoEntry(_ symbol: String, status: String = "TRADING", futures: Bool) -> String {
        let base = FakeOrders.baseAsset(of: symbol)
        let tick = tick(symbol, futures: futures).formatted(fractionDigits: 8)
        let step = step(symbol, futures: futures).formatted(fractionDigits: 8)
        let minimum = minQuantity(symbol, futures: futures).formatted(fractionDigits: 8)
        let maximum = symbols[symbol]?.maxQuantity?.formatted(fractionDigits: 8) ?? "9000.00000000"
        let notional = futures
            ? "{\"filterType\":\"MIN_NOTIONAL\",\"notional\":\"\(futuresMinNotional.formatted(fractionDigits: 1))\"}"
            : "{\"filterType\":\"NOTIONAL\",\"minNotional\":\"\(spotMinNotional.formatted(fractionDigits: 8))\",\"applyMinToMarket\":true,\"maxNotional\":\"9000000.00000000\",\"applyMaxToMarket\":false,\"avgPriceMins\":5}"
        let percent = futures
            ? "{\"filterType\":\"PERCENT_PRICE\",\"multiplierUp\":\"\(percentUp)\",\"multiplierDown\":\"\(percentDown)\",\"multiplierDecimal\":\"4\"}"
            : "{\"filterType\":\"PERCENT_PRICE_BY_SIDE\",\"bidMultiplierUp\":\"\(percentUp)\",\"bidMultiplierDown\":\"\(percentDown)\",\"askMultiplierUp\":\"\(percentUp)\",\"askMultiplierDown\":\"\(percentDown)\",\"avgPriceMins\":5}"
        return "{\"symbol\":\"\(symbol)\",\"status\":\"\(status)\",\"baseAsset\":\"\(base)\",\"quoteAsset\":\"USDT\",\"orderTypes\":[\"LIMIT\",\"MARKET\"],\"filters\":[{\"filterType\":\"PRICE_FILTER\",\"minPrice\":\"\(tick)\",\"maxPrice\":\"1000000.00000000\",\"tickSize\":\"\(tick)\"},{\"filterType\":\"LOT_SIZE\",\"minQty\":\"\(minimum)\",\"maxQty\":\"\(maximum)\",\"stepSize\":\"\(step)\"},{\"filterType\":\"MARKET_LOT_SIZE\",\"minQty\":\"0.00000000\",\"maxQty\":\"1000.00000000\",\"stepSize\":\"0.00000000\"},\(notional),\(percent),{\"filterType\":\"MAX_NUM_ORDERS\",\"maxNumOrders\":200}]}"
    }

    /// `GET /api/v3/exchangeInfo` (one symbol asked) or `/fapi/v1/exchangeInfo` (all).
    func exchangeInfo(symbols: [(symbol: String, status: String)], futures: Bool, now: Int64) -> String {
        let limits = "[{\"rateLimitType\":\"REQUEST_WEIGHT\",\"interval\":\"MINUTE\",\"intervalNum\":1,\"limit\":\(futures ? 2400 : 6000)},{\"rateLimitType\":\"ORDERS\",\"interval\":\"SECOND\",\"intervalNum\":10,\"limit\":100}]"
        return "{\"timezone\":\"UTC\",\"serverTime\":\(now),\"rateLimits\":\(limits),\"symbols\":[\(symbols.map { exchangeInfoEntry($0.symbol, status: $0.status, futures: futures) }.joined(separator: ","))]}"
    }

    /// `GET /api/v3/account/commission` or `/fapi/v1/commissionRate`.
    func commission(symbol: String, futures: Bool) -> String {
        func rate(_ partsPerMillion: Int64) -> String { Quantity(units: partsPerMillion * 100).formatted(fractionDigits: 8) }
        if futures {
            return "{\"symbol\":\"\(symbol)\",\"makerCommissionRate\":\"\(rate(futuresMakerPartsPerMillion))\",\"takerCommissionRate\":\"\(rate(futuresTakerPartsPerMillion))\"}"
        }
        let standard = "{\"maker\":\"\(rate(spotMakerPartsPerMillion))\",\"taker\":\"\(rate(spotTakerPartsPerMillion))\",\"buyer\":\"0.00000000\",\"seller\":\"0.00000000\"}"
        return "{\"symbol\":\"\(symbol)\",\"standardCommission\":\(standard),\"taxCommission\":{\"maker\":\"0.00000000\",\"taker\":\"0.00000000\",\"buyer\":\"0.00000000\",\"seller\":\"0.00000000\"},\"discount\":{\"enabledForAccount\":true,\"enabledForSymbol\":true,\"discountAsset\":\"BNB\",\"discount\":\"0.75000000\"}}"
    }

    /// The commission on a fill, rounded up to 10⁻⁸: spot buys pay it in the coin
    /// bought (base units), spot sells and futures in USDT (quote units).
    func commission(quantity: Quantity, price: Price, side: String, taker: Bool, futures: Bool) -> (amount: Int64, inBase: Bool) {
        let rate = futures ? (taker ? futuresTakerPartsPerMillion : futuresMakerPartsPerMillion) : (taker ? spotTakerPartsPerMillion : spotMakerPartsPerMillion)
        if !futures, side == "BUY" {
            return (Int64((Int128(quantity.units) * Int128(rate) + 999_999) / 1_000_000), true)
        }
        let notional = Int128(Money.notional(price, quantity).units)
        return (Int64((notional * Int128(rate) + 999_999) / 1_000_000), false)
    }
}
