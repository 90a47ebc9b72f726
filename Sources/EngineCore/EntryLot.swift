import MarketModel
import Trading

/// One entry's part of a symbol's position, MoonBot's way: each buy carries its own
/// sell. The exchange holds one net position per symbol (the ``Account`` books that);
/// the kernel keeps a lot per entry beside it, with its own exits, its own P&L and its
/// own round trip in the journal, so a second strategy's entry on a coin another
/// strategy holds is a trade of its own, and neither strategy's exits sell the other's
/// coins.
struct EntryLot: Sendable {
    /// Ascending in the order lots open: every walk over lots goes by it.
    let id: Int
    let symbol: String
    /// The strategy (or `user`, `restored`) whose entry opened the lot.
    let origin: String
    /// `.buy` for a long, `.sell` for a short.
    let direction: Side
    let openedAt: Timestamp
    /// The first fill's price (the journal's entry price, as for a round trip).
    let entryPrice: Price
    /// The lot's own holding, booked with exactly the fills (or parts of fills) that
    /// are the lot's: its entry price and realised P&L are the lot's alone.
    var position: Position
    var largestQuantity: Quantity
    /// The lot's share of every fee paid on its fills.
    var fees: Money
    var exits: ExitManager
    /// Which strategies' entries are in it (more than one once a lot joined another).
    var shares = TradeShares()
    /// Why the order that closed (part of) it was sent, when an exit, a liquidation or
    /// a reconciliation did.
    var closingReason: String?

    var isLong: Bool { direction == .buy }

    /// A lot opened by `fill` (or the part of it that opened it).
    init(id: Int, origin: String, fill: Fill, kind: ContractKind, leverage: Int64, settings: ExitSettings, takeProfit: Price?) {
        self.id = id
        symbol = fill.symbol
        self.origin = origin
        direction = fill.side
        openedAt = fill.time
        entryPrice = fill.price
        position = Position(symbol: fill.symbol, kind: kind, leverage: leverage)
        _ = position.apply(fill)
        largestQuantity = fill.quantity
        fees = fill.fee
        exits = ExitManager(symbol: fill.symbol, settings: settings, entryTime: fill.time, takeProfitPrice: takeProfit)
        shares.add(origin: origin, quantity: fill.quantity, price: fill.price)
    }

    /// Books the part of a fill that is this lot's: adding to it (an entry's later
    /// fill) or reducing it (its exit, or a sell taken from it).
    mutating func book(_ part: Fill, addsToEntry: Bool) {
        _ = position.apply(part)
        fees += part.fee
        if position.absoluteQuantity > largestQuantity { largestQuantity = position.absoluteQuantity }
        if addsToEntry { shares.add(origin: origin, quantity: part.quantity, price: part.price) }
    }

    /// Takes `other` into this lot: one holding, one set of exits (this lot's), each
    /// strategy's part kept in `shares`.
    mutating func absorb(_ other: EntryLot) {
        position.absorb(other.position)
        fees += other.fees
        largestQuantity = Quantity(units: largestQuantity.units + other.largestQuantity.units)
        shares.merge(other.shares)
    }
}
