/// A venue Apogee trades on.
public enum Exchange: String, Sendable, CaseIterable {
    case binance
    case gateio
}

/// The kind of market an instrument trades in.
public enum MarketKind: String, Sendable, CaseIterable {
    /// Spot: the base asset itself changes hands.
    case spot
    /// USDⓈ-margined perpetuals and futures (Binance `fapi`, Gate.io USDT futures).
    case usdMargined = "usdm"
    /// Coin-margined futures (Binance `dapi`): quantities are contracts of a fixed
    /// quote value.
    case coinMargined = "coinm"

    public var isFutures: Bool { self != .spot }
}

/// One tradable market: where it trades, what it is called, and its increments.
public struct Instrument: Hashable, Sendable {
    public var exchange: Exchange
    public var symbol: String
    public var kind: MarketKind
    /// Smallest price increment.
    public var tickSize: Price
    /// Smallest quantity increment.
    public var lotSize: Quantity
    /// Value of one contract: 1 unit of the base asset on spot and USD-M; on COIN-M
    /// the contract's face value in the quote currency (100 USD for BTCUSD_PERP).
    public var contractSize: Quantity

    public init(exchange: Exchange, symbol: String, kind: MarketKind, tickSize: Price, lotSize: Quantity, contractSize: Quantity = Quantity(whole: 1)) {
        self.exchange = exchange
        self.symbol = symbol
        self.kind = kind
        self.tickSize = tickSize
        self.lotSize = lotSize
        self.contractSize = contractSize
    }

    /// Decimal places of the tick size: how the exchange prints this instrument's prices.
    public var priceDecimals: Int { Self.decimals(of: tickSize.units) }
    /// Decimal places of the lot size: how the exchange prints quantities.
    public var quantityDecimals: Int { Self.decimals(of: lotSize.units) }

    public static func decimals(of units: Int64) -> Int {
        guard units > 0 else { return FixedPoint.fractionDigits }
        var places = FixedPoint.fractionDigits
        var value = units
        while places > 0, value % 10 == 0 {
            value /= 10
            places -= 1
        }
        return places
    }
}
