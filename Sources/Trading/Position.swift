import MarketModel

/// How a position's value relates to price.
public enum ContractKind: Hashable, Sendable {
    /// Spot holdings: the base asset itself; never short, no leverage.
    case spot
    /// USDⓈ-margined futures: value = quantity × price, in the quote currency.
    case linear
    /// Coin-margined futures: quantity is contracts of `contractSize` quote units each;
    /// value = contracts × contractSize / price, in the coin.
    case inverse(contractSize: Quantity)

    public var isFutures: Bool { self != .spot }

    /// The value of `quantity` (absolute) at `price`, in the account currency.
    public func value(of quantity: Quantity, at price: Price) -> Money {
        switch self {
        case .spot, .linear:
            return .notional(price, quantity)
        case .inverse(let contractSize):
            guard price.units > 0 else { return .zero }
            return Money(units: Money.rounded(Int128(quantity.units) * Int128(contractSize.units), dividingBy: Int128(price.units)))
        }
    }

    /// Gain of a long holding whose cost was `cost` and whose value is now `value`.
    /// An inverse long gains when its coin value falls (price rose).
    func longGain(value: Money, cost: Money) -> Money {
        switch self {
        case .spot, .linear: return value - cost
        case .inverse: return cost - value
        }
    }
}

/// A holding or futures position in one symbol (one-way mode, isolated margin).
///
/// `quantity` is signed on futures (negative is short). `cost` is the exact value paid
/// for the open quantity (sum of fill values, less the shares of what was closed), so
/// entry price, realised and unrealised P&L all come from the same rounded amounts.
public struct Position: Hashable, Sendable {
    public let symbol: String
    public let kind: ContractKind
    public private(set) var quantity: Quantity = .zero
    public private(set) var cost: Money = .zero
    /// Isolated margin held for the position (futures).
    public private(set) var margin: Money = .zero
    public private(set) var realizedPnL: Money = .zero
    public let leverage: Int64
    public private(set) var openedAt: Timestamp?

    public init(symbol: String, kind: ContractKind, leverage: Int64 = 1) {
        precondition(leverage >= 1, "leverage is at least 1")
        self.symbol = symbol
        self.kind = kind
        self.leverage = kind.isFutures ? leverage : 1
    }

    public var isFlat: Bool { quantity.units == 0 }
    public var isLong: Bool { quantity.units > 0 }
    public var isShort: Bool { quantity.units < 0 }
    public var absoluteQuantity: Quantity { Quantity(units: abs(quantity.units)) }

    /// Average entry price, from the exact cost.
    public var entryPrice: Price? {
        guard !isFlat else { return nil }
        switch kind {
        case .spot, .linear:
            return Price(units: Money.rounded(Int128(cost.units) * Int128(FixedPoint.unitsPerWhole), dividingBy: Int128(absoluteQuantity.units)))
        case .inverse(let contractSize):
            guard cost.units > 0 else { return nil }
            return Price(units: Money.rounded(Int128(absoluteQuantity.units) * Int128(contractSize.units), dividingBy: Int128(cost.units)))
        }
    }

    /// Unrealised P&L at `mark`.
    public func unrealizedPnL(at mark: Price) -> Money {
        guard !isFlat else { return .zero }
        let gain = kind.longGain(value: kind.value(of: absoluteQuantity, at: mark), cost: cost)
        return isLong ? gain : -gain
    }

    /// What applying a fill did to the account's cash.
    public struct Change: Hashable, Sendable {
        /// P&L realised by the part of the fill that reduced the position.
        public var realized: Money
        /// Change of the cash balance: spot pays and receives the value; futures only
        /// book realised P&L. Fees are not included.
        public var cash: Money
        /// Change of the isolated margin held.
        public var margin: Money
    }

    /// Applies a fill. Spot sells beyond the holding are the caller's to refuse.
    public mutating func apply(_ fill: Fill) -> Change {
        let signedFill = fill.side == .buy ? fill.quantity.units : -fill.quantity.units
        var change = Change(realized: .zero, cash: .zero, margin: .zero)
        var remaining = signedFill
        // The part that reduces an open position of the other direction.
        if quantity.units != 0, (quantity.units > 0) != (signedFill > 0) {
            let closing = min(abs(signedFill), abs(quantity.units))
            let share = cost.scaled(by: closing, over: abs(quantity.units))
            let marginShare = margin.scaled(by: closing, over: abs(quantity.units))
            let value = kind.value(of: Quantity(units: closing), at: fill.price)
            let gain = kind.longGain(value: value, cost: share)
            let realized = quantity.units > 0 ? gain : -gain
            change.realized = realized
            change.cash = kind.isFutures ? realized : value
            change.margin = -marginShare
            cost -= share
            margin -= marginShare
            quantity = Quantity(units: quantity.units + (signedFill > 0 ? closing : -closing))
            realizedPnL += realized
            remaining = signedFill > 0 ? signedFill - closing : signedFill + closing
            if quantity.units == 0 {
                // Rounding leftovers of a closed position belong to its P&L.
                change.realized += -cost
                realizedPnL += -cost
                if kind.isFutures { change.cash += -cost }
                cost = .zero
                change.margin -= margin
                margin = .zero
                openedAt = nil
            }
        }
        // The part that opens or adds.
        if remaining != 0 {
            let opening = Quantity(units: abs(remaining))
            let value = kind.value(of: opening, at: fill.price)
            if quantity.units == 0 { openedAt = fill.time }
            cost += value
            quantity = Quantity(units: quantity.units + remaining)
            if kind.isFutures {
                let addedMargin = value.scaled(by: 1, over: leverage)
                margin += addedMargin
                change.margin += addedMargin
            } else {
                change.cash -= value
            }
        }
        return change
    }

    /// Takes `other`'s holding into this one (same symbol, same direction): quantity,
    /// cost, margin and realised P&L add up, so the entry price becomes the two lots'
    /// average. A lot too small to sell alone joins another this way (MoonBot's JoinSell).
    public mutating func absorb(_ other: Position) {
        precondition(other.symbol == symbol && (other.isFlat || isFlat || other.isLong == isLong), "only a holding of the same symbol and direction can join")
        quantity = Quantity(units: quantity.units + other.quantity.units)
        cost += other.cost
        margin += other.margin
        realizedPnL += other.realizedPnL
        if let when = other.openedAt { openedAt = openedAt.map { min($0, when) } ?? when }
    }

    /// Isolated-margin liquidation price of a linear position, for a maintenance margin
    /// rate in parts per million (Binance's first tier for BTCUSDT is 0.4 % = 4000).
    ///
    /// Long: `(cost − margin) / (quantity × (1 − mmr))`; short: `(cost + margin) /
    /// (quantity × (1 + mmr))`, the point where margin plus unrealised P&L falls to the
    /// maintenance margin. `nil` when flat, on spot, and (not modelled yet) on COIN-M.
    public func liquidationPrice(maintenancePartsPerMillion mmr: Int64) -> Price? {
        guard kind == .linear, !isFlat else { return nil }
        let numerator = isLong ? Int128(cost.units - margin.units) : Int128(cost.units + margin.units)
        let denominator = Int128(absoluteQuantity.units) * Int128(isLong ? 1_000_000 - mmr : 1_000_000 + mmr)
        guard numerator > 0, denominator > 0 else { return Price(units: 0) }
        return Price(units: Money.rounded(numerator * Int128(FixedPoint.unitsPerWhole) * 1_000_000, dividingBy: denominator))
    }
}
