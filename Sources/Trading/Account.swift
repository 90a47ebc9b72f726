import MarketModel

/// Terms of the account: what it trades and how.
public struct AccountTerms: Hashable, Sendable {
    public var kind: ContractKind
    /// The currency of the balance ("USDT", or the coin on COIN-M).
    public var currency: String
    public var leverage: Int64
    public var fees: FeeSchedule
    /// Maintenance margin rate, parts per million.
    public var maintenancePartsPerMillion: Int64

    public init(kind: ContractKind, currency: String = "USDT", leverage: Int64 = 1, fees: FeeSchedule, maintenancePartsPerMillion: Int64 = 4000) {
        self.kind = kind
        self.currency = currency
        self.leverage = kind.isFutures ? max(1, leverage) : 1
        self.fees = fees
        self.maintenancePartsPerMillion = maintenancePartsPerMillion
    }

    public static let spot = AccountTerms(kind: .spot, fees: .binanceSpot)
    public static func usdMargined(leverage: Int64) -> AccountTerms {
        AccountTerms(kind: .linear, leverage: leverage, fees: .binanceUSDM)
    }
}

/// Why a fill could not be booked.
public struct AccountError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
}

/// Cash, positions and their history: the single source of equity.
///
/// The identity kept after every event: `equity = cash + Σ marked positions` where a
/// spot holding is marked at its value and a futures position adds its unrealised
/// P&L (its margin is part of cash). Equivalently
/// `equity = initial cash + realised P&L − fees + unrealised P&L`.
public struct Account: Hashable, Sendable {
    public let terms: AccountTerms
    public let initialCash: Money
    public private(set) var cash: Money
    public private(set) var fees: Money = .zero
    public private(set) var realizedPnL: Money = .zero
    /// Open and closed positions by symbol (a closed one keeps its realised P&L).
    /// Positions in the order their symbols first traded. A linear scan: an account
    /// holds a handful of symbols, and comparing short symbol strings is cheaper than
    /// hashing one on every event of the hot loop.
    private var positions: [Position] = []

    public init(terms: AccountTerms, cash: Money) {
        self.terms = terms
        initialCash = cash
        self.cash = cash
    }

    public func position(_ symbol: String) -> Position? {
        for position in positions where position.symbol == symbol { return position }
        return nil
    }

    /// Open positions, sorted by symbol.
    public var openPositions: [Position] {
        positions.filter { !$0.isFlat }.sorted { $0.symbol < $1.symbol }
    }

    /// Margin held by open futures positions.
    public var marginHeld: Money {
        positions.reduce(.zero) { $0 + $1.margin }
    }

    /// Cash not tied up as margin.
    public var availableCash: Money { cash - marginHeld }

    /// Books a fill: cash, fees, position.
    public mutating func apply(_ fill: Fill) throws(AccountError) {
        let slot = positions.firstIndex { $0.symbol == fill.symbol }
        var position = slot.map { positions[$0] } ?? Position(symbol: fill.symbol, kind: terms.kind, leverage: terms.leverage)
        if terms.kind == .spot, fill.side == .sell, fill.quantity > position.quantity {
            throw AccountError(description: "\(fill.symbol): sell of \(fill.quantity) exceeds the holding of \(position.quantity) (order \(fill.orderID))")
        }
        var held = fill
        if terms.kind == .spot, fill.side == .buy, fill.feeInBase.units > 0 {
            // The coin taken as the fee never reaches the holding; its value is in `fee`.
            guard fill.feeInBase < fill.quantity else {
                throw AccountError(description: "\(fill.symbol): a fee of \(fill.feeInBase) in the coin takes all of the \(fill.quantity) bought (order \(fill.orderID))")
            }
            held.quantity = fill.quantity - fill.feeInBase
        }
        let change = position.apply(held)
        var fee = fill.fee
        if fill.isLiquidation {
            // The exchange keeps what is left of the isolated margin: the whole margin is lost.
            fee = change.realized + (-change.margin)
            if fee.units < 0 { fee = .zero }
        }
        cash += change.cash
        cash -= fee
        fees += fee
        realizedPnL += change.realized
        if let slot { positions[slot] = position } else { positions.append(position) }
    }

    /// Unrealised P&L of every open position, at the marks given.
    public func unrealizedPnL(marks: (String) -> Price?) -> Money {
        var total = Money.zero
        for position in positions where !position.isFlat {
            guard let mark = marks(position.symbol) ?? position.entryPrice else { continue }
            total += position.unrealizedPnL(at: mark)
        }
        return total
    }

    /// Equity at the marks given (a position without a mark is marked at its entry).
    public func equity(marks: (String) -> Price?) -> Money {
        var total = cash
        for position in positions where !position.isFlat {
            let mark = marks(position.symbol) ?? position.entryPrice ?? Price(units: 0)
            if terms.kind == .spot {
                total += terms.kind.value(of: position.absoluteQuantity, at: mark)
            } else {
                total += position.unrealizedPnL(at: mark)
            }
        }
        return total
    }
}
