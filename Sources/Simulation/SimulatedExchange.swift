import MarketModel
import OrderBook
import Trading

/// A simulated exchange that fills orders against the replayed market.
///
/// Fill rules, in plain words. None of them lets a fill be larger than what the market
/// printed or offered: a backtest must not flatter a strategy, least of all the spike
/// strategies whose orders sit exactly where a wick turns.
/// 1. An order reaches the exchange after the order-entry latency; what the exchange
///    says reaches the kernel after the response latency. Nothing fills before it
///    arrives.
/// 2. On arrival, a market order, or the part of a limit order priced through the
///    opposite best price, takes the book's resting levels best first, each at its own
///    price, as a taker; what the book cannot fill expires. A post-only order that
///    would take is rejected. A fill-or-kill order fills whole or expires untouched.
/// 3. The rest of a good-till-cancel limit order rests. It queues behind everything
///    already at its price (see ``QueueModel``) and fills, as a maker at its own price,
///    only from volume that trades:
///    - A print *at* its price first consumes the queue ahead; only the excess fills
///      it.
///    - A print *through* its price (a sell below a resting buy, a buy above a resting
///      sell) means the level was cleared, so the queue ahead is gone; the order fills
///      at most that print's quantity. A 1 BTC bid with 0.3 BTC printed below it fills
///      0.3 and rests with 0.7.
///    This is hftbacktest's queue rule, made stricter on prints through the price,
///    which hftbacktest fills whole: one small print through a level says nothing about
///    how much volume would have met our order there.
/// 4. A *touch* (the opposite best price reaching the order's price on a book update,
///    with no print) fills at most the quantity offered at or through its price, and
///    only once: while the book stays crossed, only quantity beyond what already
///    filled it counts again. A bid at 100 with 0.1 offered at 100 fills 0.1.
/// 5. Trade prints and depth updates travel on separate streams, so for a moment the
///    book may still show levels a print has already consumed. A print newer than the
///    book's last update therefore hides the levels it went through: after a sell print
///    at P, bids above P are not offered to a taker; after a buy print, asks below it.
/// 6. Our orders do not change the replayed book: their size is small beside it, and
///    the recording cannot say how others would have reacted.
/// 7. Futures positions use isolated margin: when a trade reaches the liquidation
///    price, the exchange closes the position there, the whole margin is lost, and the
///    symbol's open orders are cancelled.
/// 8. Fees: maker or taker rate of the account terms on each fill's value.
/// A fill is never at a price better than the book or the trades offered at that moment.
public struct SimulatedExchange: Sendable {
    public let settings: SimulationSettings
    public private(set) var account: Account
    private var resting: [RestingOrder] = []
    /// Per symbol, found through `printIndex` with the last symbol cached: the hot
    /// loop touches it on every event and hashing a String each time shows.
    private var printStates: [PrintState] = []
    private var printIndex: [String: Int] = [:]
    private var lastPrintSymbol = ""
    private var lastPrintSlot = -1

    private mutating func printSlot(_ symbol: String) -> Int {
        if lastPrintSlot >= 0, symbol == lastPrintSymbol { return lastPrintSlot }
        let slot: Int
        if let known = printIndex[symbol] {
            slot = known
        } else {
            slot = printStates.count
            printStates.append(PrintState(generator: Self.generator(seed: settings.seed, symbol: symbol)))
            printIndex[symbol] = slot
        }
        lastPrintSymbol = symbol
        lastPrintSlot = slot
        return slot
    }

    /// The latest print on each side and the book's last update, per symbol.
    struct PrintState: Sendable {
        /// This symbol's own random draws (latencies): another symbol's orders never
        /// shift them, so a symbol trades the same beside others as alone.
        var generator: SeededGenerator
        var lastSell: (price: Price, time: Timestamp)?
        var lastBuy: (price: Price, time: Timestamp)?
        var bookTime = Timestamp(nanoseconds: .min)
        /// When the last report on this symbol reaches the kernel: reports are never
        /// delivered out of order (an exchange's stream keeps its order; with jitter
        /// drawn per report, a fill could otherwise overtake its own acceptance).
        var lastDelivery = Int64.min
    }

    struct RestingOrder: Sendable {
        var request: OrderRequest
        var remaining: Quantity
        var queueAhead: Int64
        var levelQuantity: Int64
        var tradedSinceUpdate: Int64
        /// What the opposite side offered at or through the price, already credited
        /// to this order by touches (rule 4) while the book stays crossed.
        var touchCredited: Int64 = 0
        var price: Price { request.kind.limitPrice! }
    }

    public init(settings: SimulationSettings, cash: Money) {
        self.settings = settings
        account = Account(terms: settings.account, cash: cash)
    }

    /// The seed mixed with the symbol's name (FNV-1a: stable across processes, unlike
    /// `Hasher`), so each symbol draws its own sequence.
    static func generator(seed: UInt64, symbol: String) -> SeededGenerator {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in symbol.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return SeededGenerator.derived(from: seed, index: hash)
    }

    /// Orders resting on `symbol`.
    public func hasRestingOrders(on symbol: String) -> Bool { resting.contains { $0.request.symbol == symbol } }
    public var restingCount: Int { resting.count }

    /// The estimated quantity ahead of each resting order in its price's queue.
    public var queueAhead: [ClientOrderID: Quantity] {
        var result: [ClientOrderID: Quantity] = [:]
        for order in resting { result[order.request.id] = Quantity(units: max(0, order.queueAhead)) }
        return result
    }

    /// Draws the order-entry delay for the next order (or cancel) on `symbol`.
    ///
    /// Feed latency is folded in here rather than by delaying every market event on
    /// its way to the kernel: a strategy that sees the market D late and sends an order
    /// that takes L to arrive is, in the kernel's own time shifted back by D, one that
    /// sees it at once and whose order takes D + L, with its answers coming back D
    /// sooner. The exchange meets the order with the same book either way, and the hot
    /// loop keeps one book per symbol and no queue of delayed events (a second,
    /// exchange-time book and that queue made a backtest 2.5× slower).
    public mutating func orderEntryDelay(symbol: String) -> Int64 {
        let slot = printSlot(symbol)
        return settings.latency.draw(settings.latency.orderEntryNanoseconds, using: &printStates[slot].generator) + settings.latency.marketDataNanoseconds
    }

    private mutating func report(_ event: OrderEvent, symbol: String, at time: Timestamp) -> SimulatedReport {
        let slot = printSlot(symbol)
        // The feed latency comes off the answer's way back (see orderEntryDelay); an
        // answer is never delivered before it happened.
        let delay = max(0, settings.latency.draw(settings.latency.responseNanoseconds, using: &printStates[slot].generator) - settings.latency.marketDataNanoseconds)
        let deliverAt = max(time.nanoseconds + delay, printStates[slot].lastDelivery)
        printStates[slot].lastDelivery = deliverAt
        return SimulatedReport(event: event, deliverAt: Timestamp(nanoseconds: deliverAt))
    }

    // MARK: - Orders arriving

    /// An order reaches the exchange at `time`, with the book as it is then.
    public mutating func orderArrived(_ request: OrderRequest, at time: Timestamp, book: OrderBook?) -> [SimulatedReport] {
        var reports: [SimulatedReport] = []
        if let reason = balanceProblem(request, book: book) {
            reports.append(report(.rejected(request.id, time: time, reason: reason), symbol: request.symbol, at: time))
            return reports
        }
        let opposite = request.side == .buy ? book?.asks : book?.bids
        let limit = request.kind.limitPrice
        func crosses(_ price: Price) -> Bool {
            guard let limit else { return true }
            return request.side == .buy ? price <= limit : price >= limit
        }
        // What the book offers at or through the limit, best first.
        // Levels a newer print has consumed are not offered (rule 4).
        let state = printIndex[request.symbol].map { printStates[$0] }
        let consumed: Price? = request.side == .buy
            ? state.flatMap { $0.lastBuy.flatMap { $0.time >= state!.bookTime ? $0.price : nil } }
            : state.flatMap { $0.lastSell.flatMap { $0.time >= state!.bookTime ? $0.price : nil } }
        var takeable: [BookLevel] = []
        var available: Int64 = 0
        opposite?.forEachFromBest { level in
            if let consumed, request.side == .buy ? level.price < consumed : level.price > consumed { return true }
            guard crosses(level.price), available < request.quantity.units else { return false }
            takeable.append(level)
            available += level.quantity.units
            return true
        }
        if request.timeInForce == .postOnly, !takeable.isEmpty {
            reports.append(report(.rejected(request.id, time: time, reason: "post-only order would take liquidity at \(takeable[0].price)"), symbol: request.symbol, at: time))
            return reports
        }
        if request.timeInForce == .fillOrKill, available < request.quantity.units {
            reports.append(report(.accepted(request.id, time: time), symbol: request.symbol, at: time))
            reports.append(report(.expired(request.id, time: time), symbol: request.symbol, at: time))
            return reports
        }
        reports.append(report(.accepted(request.id, time: time), symbol: request.symbol, at: time))
        var remaining = request.quantity
        for level in takeable where remaining.units > 0 {
            let quantity = Quantity(units: min(level.quantity.units, remaining.units))
            remaining = remaining - quantity
            reports.append(contentsOf: fill(request, price: level.price, quantity: quantity, liquidity: .taker, at: time))
        }
        guard remaining.units > 0 else { return reports }
        if let limit, request.timeInForce == .goodTillCancel || request.timeInForce == .postOnly {
            let sameSide = request.side == .buy ? book?.bids : book?.asks
            let ahead = sameSide?.quantity(at: limit).units ?? 0
            resting.append(RestingOrder(request: request, remaining: remaining, queueAhead: ahead, levelQuantity: ahead, tradedSinceUpdate: 0))
        } else {
            reports.append(report(.expired(request.id, time: time), symbol: request.symbol, at: time))
        }
        return reports
    }

    /// A cancel reaches the exchange.
    public mutating func cancelArrived(_ id: ClientOrderID, at time: Timestamp) -> [SimulatedReport] {
        guard let index = resting.firstIndex(where: { $0.request.id == id }) else {
            // Already filled or never rested: the exchange answers "unknown order".
            return []
        }
        let symbol = resting.remove(at: index).request.symbol
        return [report(.cancelled(id, time: time, reason: "cancelled by request"), symbol: symbol, at: time)]
    }

    // MARK: - The market moving

    /// The replayed book of `symbol` changed at `time`.
    public mutating func bookUpdated(symbol: String, at time: Timestamp) {
        printStates[printSlot(symbol)].bookTime = time
    }

    /// A public trade: advances queues, fills what it reaches, checks liquidations.
    public mutating func trade(_ trade: TradePrint) -> [SimulatedReport] {
        var reports: [SimulatedReport] = []
        let time = trade.time.received
        if trade.aggressor == .sell {
            printStates[printSlot(trade.symbol)].lastSell = (trade.price, time)
        } else {
            printStates[printSlot(trade.symbol)].lastBuy = (trade.price, time)
        }
        if !resting.isEmpty {
            var index = 0
            while index < resting.count {
                var order = resting[index]
                guard order.request.symbol == trade.symbol, order.request.side != trade.aggressor else {
                    index += 1
                    continue
                }
                let price = order.price
                let through = order.request.side == .buy ? trade.price < price : trade.price > price
                var fillUnits: Int64 = 0
                if through {
                    // Rule 3: the level was cleared; this print's volume is all there is.
                    order.queueAhead = 0
                    fillUnits = min(order.remaining.units, trade.quantity.units)
                } else if trade.price == price {
                    order.queueAhead -= trade.quantity.units
                    order.tradedSinceUpdate += trade.quantity.units
                    if order.queueAhead < 0 {
                        fillUnits = min(order.remaining.units, -order.queueAhead)
                        order.queueAhead = 0
                    }
                }
                if fillUnits > 0 {
                    let quantity = Quantity(units: fillUnits)
                    order.remaining = order.remaining - quantity
                    reports.append(contentsOf: fill(order.request, price: price, quantity: quantity, liquidity: .maker, at: time))
                }
                if order.remaining.units == 0 {
                    resting.remove(at: index)
                } else {
                    resting[index] = order
                    index += 1
                }
            }
        }
        reports.append(contentsOf: checkLiquidation(trade.symbol, price: trade.price, at: time))
        return reports
    }

    /// The book changed: updates queue positions at resting prices and fills orders the
    /// opposite best price has reached.
    public mutating func bookChanged(symbol: String, book: OrderBook, at time: Timestamp) -> [SimulatedReport] {
        guard !resting.isEmpty else { return [] }
        var reports: [SimulatedReport] = []
        var index = 0
        while index < resting.count {
            var order = resting[index]
            guard order.request.symbol == symbol else {
                index += 1
                continue
            }
            let price = order.price
            let level = (order.request.side == .buy ? book.bids : book.asks).quantity(at: price).units
            if level != order.levelQuantity {
                order.queueAhead = settings.queue.queueAhead(order.queueAhead, levelBefore: order.levelQuantity, levelAfter: level, tradedSinceUpdate: order.tradedSinceUpdate)
                order.levelQuantity = level
                order.tradedSinceUpdate = 0
            }
            // Rule 4: what the opposite side offers at or through our price.
            var offered: Int64 = 0
            let buying = order.request.side == .buy
            (buying ? book.asks : book.bids).forEachFromBest { level in
                guard buying ? level.price <= price : level.price >= price else { return false }
                offered += level.quantity.units
                return true
            }
            let fillUnits = min(order.remaining.units, max(0, offered - order.touchCredited))
            order.touchCredited = offered > 0 ? max(order.touchCredited, offered) : 0
            if fillUnits > 0 {
                let quantity = Quantity(units: fillUnits)
                order.remaining = order.remaining - quantity
                reports.append(contentsOf: fill(order.request, price: price, quantity: quantity, liquidity: .maker, at: time))
            }
            if order.remaining.units == 0 {
                resting.remove(at: index)
            } else {
                resting[index] = order
                index += 1
            }
        }
        return reports
    }

    // MARK: - Fills, balances, liquidation

    private mutating func fill(_ request: OrderRequest, price: Price, quantity: Quantity, liquidity: Liquidity, at time: Timestamp) -> [SimulatedReport] {
        let value = settings.account.kind.value(of: quantity, at: price)
        let fee = settings.account.fees.fee(on: value, as: liquidity)
        let fill = Fill(orderID: request.id, symbol: request.symbol, side: request.side, price: price, quantity: quantity, fee: fee, liquidity: liquidity, time: time)
        do {
            try account.apply(fill)
        } catch {
            // The balance check on arrival makes this unreachable for one order at a
            // time; should several resting orders overdraw, the fill still stands
            // (the exchange reserved the funds when the order was placed).
        }
        return [report(.filled(fill), symbol: request.symbol, at: time)]
    }

    private func balanceProblem(_ request: OrderRequest, book: OrderBook?) -> String? {
        let terms = settings.account
        let position = account.position(request.symbol)
        let reducing: Bool = {
            guard let position, !position.isFlat else { return false }
            return (position.isLong ? request.side == .sell : request.side == .buy) && request.quantity <= position.absoluteQuantity
        }()
        if request.reduceOnly && !reducing { return "reduce-only order would not reduce the position" }
        if reducing { return nil }
        if terms.kind == .spot, request.side == .sell {
            return "insufficient balance: sell of \(request.quantity) with \(position?.quantity ?? .zero) held"
        }
        let reference = request.kind.limitPrice ?? (request.side == .buy ? book?.bestAsk?.price : book?.bestBid?.price)
        guard let reference else { return "no price in the book for a market order" }
        let value = terms.kind.value(of: request.quantity, at: reference)
        let needed = terms.kind.isFutures ? value.scaled(by: 1, over: terms.leverage) : value
        var reserved = Money.zero
        for order in resting where order.request.side == .buy || terms.kind.isFutures {
            let orderValue = terms.kind.value(of: order.remaining, at: order.price)
            reserved += terms.kind.isFutures ? orderValue.scaled(by: 1, over: terms.leverage) : orderValue
        }
        if needed + terms.fees.fee(on: value, as: .taker) > account.availableCash - reserved {
            return "insufficient balance: order needs \(needed), \(account.availableCash - reserved) available"
        }
        return nil
    }

    private mutating func checkLiquidation(_ symbol: String, price: Price, at time: Timestamp) -> [SimulatedReport] {
        guard settings.account.kind.isFutures, let position = account.position(symbol), !position.isFlat,
              let liquidation = position.liquidationPrice(maintenancePartsPerMillion: settings.account.maintenancePartsPerMillion) else { return [] }
        let breached = position.isLong ? price <= liquidation : price >= liquidation
        guard breached else { return [] }
        var reports: [SimulatedReport] = []
        for order in resting where order.request.symbol == symbol {
            reports.append(report(.cancelled(order.request.id, time: time, reason: "liquidation"), symbol: symbol, at: time))
        }
        resting.removeAll { $0.request.symbol == symbol }
        let fill = Fill(orderID: ClientOrderID(0), symbol: symbol, side: position.isLong ? .sell : .buy, price: liquidation, quantity: position.absoluteQuantity, fee: .zero, liquidity: .taker, time: time, isLiquidation: true)
        try? account.apply(fill)
        reports.append(report(.filled(fill), symbol: symbol, at: time))
        return reports
    }
}
