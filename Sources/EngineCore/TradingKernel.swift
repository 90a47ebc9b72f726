import DequeModule
import MarketModel
import OrderBook
import Strategies
import Trading

/// The trading kernel: one input in, a list of effects out.
///
/// It owns the market view, the account, the orders, the strategies, the shared exits
/// and the risk gate, and is the same value in backtest, paper and live: only the
/// driver around it changes. It is a plain value with no clock, no I/O and no tasks;
/// a replay feeds it the recorded inputs and gets the same effects, bit for bit.
public struct TradingKernel: Sendable {
    public let configuration: KernelConfiguration
    public private(set) var account: Account
    public private(set) var risk: RiskGate
    public private(set) var now = Timestamp(nanoseconds: 0)
    /// Round trips closed so far.
    public private(set) var journal: [TradeRecord] = []
    public private(set) var log: Deque<LogLine> = []
    public private(set) var eventsHandled = 0
    /// Orders strategies asked for (MoonBot's detects that trade), and warnings or
    /// errors logged (risk events): the replay can jump to the next of either.
    public private(set) var strategyIntents = 0
    public private(set) var alerts = 0
    /// The earliest AutoCancelBuy deadline of an open entry (nanoseconds), or nil: a
    /// timer is set for it, so an entry is cancelled when its time is up, whatever
    /// other symbols trade in between.
    private var nextStaleDeadline: Int64?
    /// The next whole second the exits are evaluated on a timer: on a grid, so the
    /// times they are looked at never depend on when another symbol traded.
    private var nextExitCheck: Int64 = 0
    /// Take-profit prices strategies gave with their open entry orders.
    private var entryTakeProfit: [ClientOrderID: Price] = [:]
    /// Replacements waiting for their old order's cancel to be confirmed, by the old
    /// order's id (see ``PendingReplacement``).
    private var pendingReplacements: [ClientOrderID: PendingReplacement] = [:]
    /// Detector firings, in all strategies.
    public private(set) var detects = 0

    var markets: [SymbolMarket] = []
    /// BTC's and the market's changes, for the header and the Delta_BTC/Delta_Market filters.
    public private(set) var marketContext: MarketContext
    private var marketAverage = MarketAverage()
    var marketIndex: [String: Int] = [:]
    var lastSymbol = ""
    var lastMarket = -1
    var slots: [StrategySlot]
    var slotIndex: [String: Int] = [:]
    var orders: [ClientOrderID: Order] = [:]
    /// Ids of open orders, ascending (so every walk over them is in a fixed order).
    var openOrderIDs: [ClientOrderID] = []
    /// How many of them each market (by its index in `markets`) has: a strategy's view
    /// of a symbol skips the walk over every open order when its own market has none.
    /// (300 symbols with MoonShot's 20 resting orders: the walk, a dictionary lookup an
    /// order, ran for every strategy on every trade of every symbol.)
    var openOrderCount: [Int] = []
    var nextOrderID: UInt64 = 1
    /// Open entry lots by id (see ``EntryLot``): each entry's part of a position, with
    /// its own exits.
    var lots: [Int: EntryLot] = [:]
    /// Ids of the open lots of each symbol, oldest first.
    var lotIDs: [String: [Int]] = [:]
    var nextLotID = 1
    /// Exit orders: which lot's exits they belong to.
    var exitOrders: [ClientOrderID: Int] = [:]
    /// Entry orders that have filled: the lot their fills go to.
    var entryLots: [ClientOrderID: Int] = [:]
    /// Set by a kill switch without flattening: positions stay as they are, with no
    /// order at all, until the trader resumes trading.
    public private(set) var exitsSuspended = false
    /// Symbols whose exit orders the trader cancelled: their exits stay off (no new
    /// take-profit or stop order) until the trader panic-sells or resumes trading,
    /// so a cancel is not undone a moment later by the exits placing it again.
    public private(set) var exitsHeld: Set<String> = []
    /// What the last user command did (``UserReply``).
    public private(set) var lastUserReply: UserReply?
    /// Highest equity seen by the kill switch's drawdown rule.
    private var peakEquity: Money?
    var nextEquitySample: Int64?
    var timerPending: Timestamp?
    /// Keeps ``openOrderCount`` of `symbol`'s market (made if it is new).
    private mutating func countOpenOrder(on symbol: String, by change: Int) {
        let index = marketSlot(symbol)
        if openOrderCount.count <= index { openOrderCount += Array(repeating: 0, count: index + 1 - openOrderCount.count) }
        openOrderCount[index] += change
    }

    /// Why the last order ``send`` refused was refused.
    private var lastDenial = ""

    public init(configuration: KernelConfiguration, strategies: [any Strategy]) {
        self.configuration = configuration
        marketContext = MarketContext(btcSymbol: configuration.btcSymbol)
        account = Account(terms: configuration.account, cash: configuration.initialCash)
        risk = RiskGate(settings: configuration.risk)
        slots = strategies.map(StrategySlot.init)
        for (index, slot) in slots.enumerated() { slotIndex[slot.name] = index }
    }

    // MARK: - Reading

    /// The book of `symbol`, as the kernel has it.
    public func book(for symbol: String) -> OrderBook? {
        if lastMarket >= 0, symbol == lastSymbol { return markets[lastMarket].book }
        return marketIndex[symbol].flatMap { markets[$0].book }
    }

    public func lastPrice(of symbol: String) -> Price? {
        marketIndex[symbol].flatMap { markets[$0].lastPrice }
    }

    public func order(_ id: ClientOrderID) -> Order? { orders[id] }

    public var openOrders: [Order] { openOrderIDs.compactMap { orders[$0] } }

    /// Every order so far, by id.
    public var orderCount: Int { orders.count }

    /// Equity marked at the last trade prices.
    public var equity: Money {
        // The marks closure captures the two tables, not the whole kernel.
        let markets = self.markets
        let marketIndex = self.marketIndex
        return account.equity(marks: { symbol in marketIndex[symbol].flatMap { markets[$0].lastPrice } })
    }

    // MARK: - Handling inputs

    public mutating func handle(_ input: KernelInput) -> [KernelEffect] {
        var effects: [KernelEffect] = []
        handle(input, into: &effects)
        return effects
    }

    public mutating func handle(_ input: KernelInput, into effects: inout [KernelEffect]) {
        eventsHandled += 1
        switch input {
        case .market(let event):
            advanceClock(to: event.time.received, effects: &effects)
            handleMarket(event, effects: &effects)
        case .order(let event, let receivedAt):
            advanceClock(to: receivedAt, effects: &effects)
            handleOrderEvent(event, effects: &effects)
        case .timer(let time):
            advanceClock(to: time, effects: &effects)
            if let pending = timerPending, pending <= time { timerPending = nil }
            if time.nanoseconds >= nextExitCheck {
                nextExitCheck = Self.nextWholeSecond(after: time.nanoseconds)
                checkKillSwitchDrawdown(effects: &effects)
                for symbol in lotIDs.keys.sorted() { evaluateExits(symbol, effects: &effects) }
            }
            if let deadline = nextStaleDeadline, time.nanoseconds >= deadline { cancelStaleEntries(effects: &effects) }
        case .user(let command, let time):
            advanceClock(to: time, effects: &effects)
            handleUser(command, effects: &effects)
        case .rules(let rules):
            let index = marketSlot(rules.symbol)
            markets[index].rules = rules
            if rules.isTrading {
                write(.info, "\(rules.symbol) exchange rules: tick \(rules.tickSize), lot \(rules.stepSize), min quantity \(rules.minQuantity), min notional \(rules.minNotional.roundedText(fractionDigits: 2))", into: &effects)
            } else {
                write(.warning, "\(rules.symbol) is not trading on the exchange (status \(rules.status ?? "?")): no order is sent on it until it trades again", into: &effects)
            }
        }
        scheduleTimerIfNeeded(effects: &effects)
    }

    private mutating func advanceClock(to time: Timestamp, effects: inout [KernelEffect]) {
        if time > now { now = time }
        let interval = configuration.equityIntervalNanoseconds
        if nextEquitySample == nil {
            nextEquitySample = (now.nanoseconds / interval + 1) * interval
            effects.append(.record(.equity(now, equity)))
        }
        if let next = nextEquitySample, now.nanoseconds >= next {
            effects.append(.record(.equity(Timestamp(nanoseconds: next), equity)))
            nextEquitySample = (now.nanoseconds / interval + 1) * interval
        }
    }

    private mutating func scheduleTimerIfNeeded(effects: inout [KernelEffect]) {
        guard !openOrderIDs.isEmpty || !lots.isEmpty else { return }
        // The next whole second (exits, the kill switch), or an entry's AutoCancelBuy
        // deadline if that comes first. A later timer already set still fires: the
        // checks it runs are idempotent.
        var at = Self.nextWholeSecond(after: now.nanoseconds)
        if let deadline = nextStaleDeadline { at = min(at, max(deadline, now.nanoseconds + 1)) }
        if let pending = timerPending, pending.nanoseconds <= at { return }
        timerPending = Timestamp(nanoseconds: at)
        effects.append(.scheduleTimer(Timestamp(nanoseconds: at)))
    }

    static func nextWholeSecond(after nanoseconds: Int64) -> Int64 {
        (nanoseconds / 1_000_000_000 + 1) * 1_000_000_000
    }

    private mutating func marketSlot(_ symbol: String) -> Int {
        if symbol == lastSymbol, lastMarket >= 0 { return lastMarket }
        let index: Int
        if let known = marketIndex[symbol] {
            index = known
        } else {
            index = markets.count
            var market = SymbolMarket(symbol: symbol)
            market.rules = configuration.exchangeRules[symbol]
            markets.append(market)
            marketIndex[symbol] = index
        }
        lastSymbol = symbol
        lastMarket = index
        return index
    }

    private mutating func handleMarket(_ event: MarketEvent, effects: inout [KernelEffect]) {
        guard let symbol = event.symbol else { return }
        let index = marketSlot(symbol)
        markets[index].apply(event, rule: BookSyncRule(for: configuration.marketKind))
        let isTrade: Bool
        if case .trade = event { isTrade = true } else { isTrade = false }
        if isTrade { updateMarketContext(market: index) }
        if isTrade, !lots.isEmpty, let ids = lotIDs[symbol] {
            if case .trade(let print) = event {
                for id in ids { lots[id]?.exits.observe(print.price, at: print.time.received) }
            }
            evaluateExits(symbol, effects: &effects)
        }
        for slotNumber in slots.indices where slots[slotNumber].enabled && (isTrade || slots[slotNumber].wantsBookUpdates) {
            let context = makeContext(symbol: symbol, market: index, strategy: slots[slotNumber].name)
            let intents = slots[slotNumber].strategy.handle(.market(event), context: context)
            if !intents.isEmpty { process(intents, from: slotNumber, effects: &effects) }
        }
        // AutoCancelBuy is a timer at the earliest deadline (see scheduleTimerIfNeeded).
        // A live session fires timers on its ticks: an event of any symbol that comes
        // past the deadline first cancels without waiting for the tick (a backtest
        // always handles the timer first).
        if let deadline = nextStaleDeadline, now.nanoseconds >= deadline { cancelStaleEntries(effects: &effects) }
    }

    /// A trade moved one symbol's candles: BTC's changes, or that symbol's share of the
    /// market average, follow.
    private mutating func updateMarketContext(market index: Int) {
        let changes = MarketContext.Changes(candles: markets[index].candles)
        if markets[index].symbol == marketContext.btcSymbol {
            marketContext.btc = changes
            return
        }
        marketAverage.replace(markets[index].changes, with: changes)
        markets[index].changes = changes
        marketContext.market = marketAverage.changes
        marketContext.symbols = marketAverage.symbols
    }

    /// `mutating` though it changes nothing: called from the mutating hot loop, a
    /// non-mutating method made the compiler copy the whole kernel for each call.
    mutating func makeContext(symbol: String, market index: Int, strategy: String) -> StrategyContext {
        var own: [Order] = []
        if index < openOrderCount.count, openOrderCount[index] > 0 {
            for id in openOrderIDs {
                if let order = orders[id], order.request.symbol == symbol, order.request.origin == strategy { own.append(order) }
            }
        }
        // The strategy's own lots: another strategy's holding on the coin, or dust a
        // round trip left, is not its position and must not keep it from its entry.
        let position = lots.isEmpty ? nil : ownPosition(symbol: symbol, origin: strategy)
        // Field by field: copying the whole SymbolMarket would retain every buffer it holds.
        var context = StrategyContext(
            symbol: symbol, now: now, kind: configuration.marketKind, book: markets[index].book,
            lastPrice: markets[index].lastPrice, recentTrades: markets[index].recentTrades, candles: markets[index].candles,
            position: position, availableCash: account.availableCash,
            openOrders: own, tick: markets[index].tick, lot: markets[index].lot, market: marketContext)
        context.tickerBid = markets[index].bestBid
        context.tickerAsk = markets[index].bestAsk
        return context
    }

    // MARK: - Intents and orders

    private mutating func process(_ intents: [StrategyIntent], from slot: Int, effects: inout [KernelEffect]) {
        let origin = slots[slot].name
        strategyIntents += intents.count
        for intent in intents {
            if let refusal = refusal(of: intent, slot: slot) {
                slots[slot].filtered += 1
                if case .detect(let detection) = intent { write(.info, "\(detection.summary): filtered, \(refusal)", into: &effects) }
                continue
            }
            switch intent {
            case .place(let order):
                // A strategy whose entry was refused lately waits before the next one:
                // asking again on every trade would flood the journal (and, rejected by
                // the exchange, the exchange).
                if !order.reduceOnly, !slots[slot].entryBackoff.isEmpty, slots[slot].entryWaits(on: order.symbol, at: now.nanoseconds) {
                    slots[slot].entriesHeldBack += 1
                    continue
                }
                send(order, for: slot, effects: &effects)
            case .cancel(let id):
                requestCancel(id, effects: &effects)
            case .replace(let id, let price, let quantity, let takeProfit):
                guard let old = orders[id], old.isOpen else { continue }
                let replacement = OrderIntent(symbol: old.request.symbol, side: old.request.side, kind: .limit(price), quantity: quantity ?? old.remainingQuantity, timeInForce: old.request.timeInForce, reduceOnly: old.request.reduceOnly, takeProfit: takeProfit ?? entryTakeProfit[id], reason: "replaces order \(id)")
                // Sent once the cancel is confirmed, never beside it (a wick could fill
                // both); a later replace of the same order before then wins.
                pendingReplacements[id] = PendingReplacement(intent: replacement, origin: origin, filledAtRequest: old.filledQuantity)
                requestCancel(id, effects: &effects)
            case .closePosition(let symbol):
                startPanic(symbol, reason: .manual, effects: &effects)
            case .panicSellAll:
                for position in account.openPositions { startPanic(position.symbol, reason: .manual, effects: &effects) }
            case .detect(let detection):
                slots[slot].detects += 1
                slots[slot].lastDetect = detection
                if let market = marketIndex[detection.symbol] { markets[market].lastDetect = detection.time }
                detects += 1
                write(LogLine(time: now, level: .info, detection: detection), into: &effects)
                effects.append(.record(.detect(detection)))
            }
        }
    }

    /// Why the strategy's own filters and order limits stop an entry or a detect, if
    /// they do. Exits, cancels and replacements always pass.
    private mutating func refusal(of intent: StrategyIntent, slot: Int) -> String? {
        if slots[slot].unfiltered { return nil }
        let filters = slots[slot].strategy.filters
        let symbol: String
        switch intent {
        case .place(let order) where !order.reduceOnly: symbol = order.symbol
        case .detect(let detection): symbol = detection.symbol
        default: return nil
        }
        if filters == .none { return nil }
        if case .place = intent {
            let origin = slots[slot].name
            var total = 0
            var here = 0
            for id in openOrderIDs {
                guard let order = orders[id], order.request.origin == origin, !order.request.reduceOnly, exitOrders[id] == nil else { continue }
                total += 1
                if order.request.symbol == symbol { here += 1 }
            }
            if total >= filters.maxActiveOrders { return "MaxActiveOrders \(filters.maxActiveOrders) reached" }
            if here >= filters.maxOrdersPerMarket { return "MaxOrdersPerMarket \(filters.maxOrdersPerMarket) reached on \(symbol)" }
        }
        guard let market = marketIndex[symbol] else { return nil }
        return filters.refusal(makeContext(symbol: symbol, market: market, strategy: slots[slot].strategy.name))
    }

    /// The symbols whose exits were refused too often, and why, by symbol: nothing is
    /// placed on them until the trader acts (a panic sell, a cancel, or resuming).
    public var attention: [(symbol: String, reason: String)] {
        var listed: [(symbol: String, reason: String)] = []
        for id in lots.keys.sorted() {
            guard let lot = lots[id], let reason = lot.exits.attention, !listed.contains(where: { $0.symbol == lot.symbol }) else { continue }
            listed.append((lot.symbol, reason))
        }
        return listed
    }

    /// Positions too small to sell in one order under the exchange's rules (at the
    /// last price), by symbol.
    public var dust: [(symbol: String, quantity: Quantity)] {
        account.openPositions.filter { isDust($0) }.map { ($0.symbol, $0.absoluteQuantity) }
    }

    /// Whether `position` is too small to sell under its symbol's rules.
    func isDust(_ position: Position) -> Bool {
        isDust(position.absoluteQuantity, of: position)
    }

    /// Whether `quantity` of `position`'s symbol is too small to sell under its rules.
    func isDust(_ quantity: Quantity, of position: Position) -> Bool {
        guard let index = marketIndex[position.symbol], let rules = markets[index].rules,
              let price = markets[index].lastPrice ?? position.entryPrice else { return false }
        return rules.isDust(quantity, at: price, reduceOnly: position.kind.isFutures)
    }

    /// The exchange's rules of `symbol`, when they were given.
    public func rules(for symbol: String) -> SymbolRules? {
        marketIndex[symbol].flatMap { markets[$0].rules } ?? configuration.exchangeRules[symbol]
    }

    /// Fits an order to the exchange's rules of its symbol: the price onto the tick
    /// (down for a buy, up for a sell), the quantity down to the lot; then the filter
    /// it still breaks, if any.
    private func fitted(_ intent: OrderIntent) -> (OrderIntent, SymbolRules.Violation?) {
        // The rules hold from the start, before the symbol's first market event (a
        // trader's order can come first: the kernel fuzz target sent one unchecked).
        guard let rules = rules(for: intent.symbol) else { return (intent, nil) }
        let lastPrice = marketIndex[intent.symbol].flatMap { markets[$0].lastPrice }
        var fitted = intent
        fitted.quantity = rules.quantity(intent.quantity)
        guard case .limit(let price) = intent.kind else {
            // A market order has no price of its own, but the exchange still applies the
            // lot filter and (Binance's applyMinToMarket) the minimum notional at about
            // the last price: checked here at the last trade. Before any trade only the
            // quantity can be judged. (A quantity rounded down to 0 was once sent: the
            // kernel fuzz target found it.)
            let last = lastPrice.map { rules.price($0, for: intent.side) }
            var judged = rules
            if last == nil { judged.minNotional = .zero }
            let stand = last ?? Price(units: max(rules.minPrice.units, rules.tickSize.units, 1))
            return (fitted, judged.check(price: stand, quantity: fitted.quantity, reduceOnly: intent.reduceOnly, reference: nil))
        }
        let onTick = rules.price(price, for: intent.side)
        fitted.kind = .limit(onTick)
        return (fitted, rules.check(price: onTick, quantity: fitted.quantity, reduceOnly: intent.reduceOnly, reference: lastPrice))
    }

    /// Checks an order with the exchange's rules and the risk gate and sends it, or
    /// records the denial.
    @discardableResult
    mutating func send(_ given: OrderIntent, origin: String, effects: inout [KernelEffect]) -> ClientOrderID {
        let id = ClientOrderID(nextOrderID)
        nextOrderID += 1
        let (intent, violation) = fitted(given)
        let request = OrderRequest(id: id, symbol: intent.symbol, side: intent.side, kind: intent.kind, quantity: intent.quantity, timeInForce: intent.timeInForce, reduceOnly: intent.reduceOnly, origin: origin, createdAt: now)
        var order = Order(request: request)
        let context = RiskGate.Context(account: account, openOrders: openOrders, lastPrice: lastPrice(of: intent.symbol), now: now)
        var denial = violation.map { RiskGate.Denial(rule: "exchange-filter", message: "\($0.description); not sent") }
        // Nothing to trade, or no price: never sent, rules or not.
        if denial == nil, intent.quantity.units <= 0 {
            denial = RiskGate.Denial(rule: "quantity", message: "\(intent.symbol): quantity \(intent.quantity)\(given.quantity != intent.quantity ? " (\(given.quantity) rounded down to the lot step)" : "") is nothing to trade; not sent")
        } else if denial == nil, let price = intent.kind.limitPrice, price.units <= 0 {
            denial = RiskGate.Denial(rule: "price", message: "\(intent.symbol): limit price \(price) is not a price; not sent")
        }
        if denial == nil, !origin.hasPrefix("exits:"), let reason = attention(on: intent.symbol) {
            denial = RiskGate.Denial(rule: "needs-attention", message: reason)
        }
        if denial == nil, let held = oppositeLot(to: intent, from: origin) {
            denial = RiskGate.Denial(rule: "one-way-position", message: "\(intent.symbol): \(held.origin) holds a \(held.isLong ? "long" : "short") \(held.position.absoluteQuantity); a \(intent.side.rawValue) entry of \(origin) would close it on the exchange's one position; not sent")
        }
        if let denial = denial ?? risk.check(request, context: context) {
            lastDenial = denial.description
            let event = OrderEvent.denied(id, time: now, rule: denial.rule, reason: denial.message)
            try? order.apply(event)
            orders[id] = order
            effects.append(.record(.order(event)))
            write(.warning, "OrderDenied \(id) \(request.side.rawValue) \(request.quantity) \(request.symbol) from \(origin): \(denial)", into: &effects)
            return id
        }
        orders[id] = order
        openOrderIDs.append(id)
        countOpenOrder(on: intent.symbol, by: 1)
        if !origin.hasPrefix("exits:"), let deadline = staleDeadline(of: order) { nextStaleDeadline = min(nextStaleDeadline ?? .max, deadline) }
        if let takeProfit = intent.takeProfit { entryTakeProfit[id] = takeProfit }
        effects.append(.submit(request))
        // Every order in the log with its origin and why, written out only when read:
        // the order is on its way to the exchange first.
        write(LogLine(time: now, order: request, reason: given.reason), into: &effects)
        return id
    }

    private mutating func requestCancel(_ id: ClientOrderID, effects: inout [KernelEffect]) {
        guard var order = orders[id], order.isOpen, !order.cancelRequested else { return }
        order.cancelRequested = true
        orders[id] = order
        effects.append(.cancel(id, symbol: order.request.symbol))
    }

    /// Cancels the entries whose AutoCancelBuy time is up and finds the next deadline.
    private mutating func cancelStaleEntries(effects: inout [KernelEffect]) {
        nextStaleDeadline = nil
        for id in openOrderIDs {
            guard let order = orders[id], !order.cancelRequested, exitOrders[id] == nil,
                  let deadline = staleDeadline(of: order) else { continue }
            if now.nanoseconds >= deadline {
                let filled = order.filledQuantity.isZero ? "unfilled" : "\(order.filledQuantity) of \(order.request.quantity) filled"
                write(.info, "AutoCancelBuy: \(id) \(order.request.symbol) \(filled) after \(slots[slotIndex[order.request.origin]!].strategy.exits.autoCancelBuy) s", into: &effects)
                requestCancel(id, effects: &effects)
            } else {
                nextStaleDeadline = min(nextStaleDeadline ?? .max, deadline)
            }
        }
    }

    /// When AutoCancelBuy cancels `order` if nothing of it has filled by then.
    private func staleDeadline(of order: Order) -> Int64? {
        // A partly filled entry too: its rest could fill much later, with no signal behind it.
        guard let slot = slotIndex[order.request.origin] else { return nil }
        let limit = slots[slot].strategy.exits.autoCancelBuy
        guard limit > 0 else { return nil }
        return order.request.createdAt.nanoseconds + Int64((limit * 1e9).rounded(.up))
    }

    private mutating func handleOrderEvent(_ event: OrderEvent, effects: inout [KernelEffect]) {
        effects.append(.record(.order(event)))
        let id = event.orderID
        if case .filled(let fill) = event, fill.isLiquidation {
            bookFill(fill, origin: "liquidation", effects: &effects)
            write(.error, "LIQUIDATED \(fill.symbol): \(fill.quantity) at \(fill.price)", into: &effects)
            return
        }
        guard var order = orders[id] else {
            write(.warning, "\(event.name) for unknown order \(id): ignored", into: &effects)
            return
        }
        do {
            try order.apply(event)
        } catch {
            write(.warning, "\(error): ignored", into: &effects)
            return
        }
        orders[id] = order
        switch event {
        case .accepted:
            risk.orderSucceeded()
            if let lot = exitOrders[id] { lots[lot]?.exits.orderAccepted(id) }
            if let slot = slotIndex[order.request.origin], !slots[slot].entryBackoff.isEmpty { slots[slot].entryBackoff[order.request.symbol] = nil }
        case .filled(let fill):
            risk.orderSucceeded()
            write(.info, "filled \(id) \(fill.side.rawValue) \(fill.quantity) \(fill.symbol) @\(fill.price) (\(order.request.origin))" + (order.isOpen ? ", \(order.remainingQuantity) left" : ""), into: &effects)
            bookFill(fill, origin: order.request.origin, effects: &effects)
            if exitOrders[id] != nil { cancelEntriesAfterSell(fill.symbol, effects: &effects) }
        case .rejected(_, _, let reason):
            write(.warning, "OrderRejected \(id) \(order.request.symbol): \(reason)", into: &effects)
            if let lot = exitOrders[id], let attention = lots[lot]?.exits.refused(because: reason, at: now) {
                raiseAttention(order.request.symbol, order: id, reason: attention, effects: &effects)
            } else if !order.request.reduceOnly, let slot = slotIndex[order.request.origin] {
                slots[slot].entryRefused(on: order.request.symbol, at: now.nanoseconds)
            }
            if let reason = risk.orderRejected() { halt(because: reason, effects: &effects) }
        case .cancelRejected(_, _, let reason, let attempt):
            // The screen's log says so every time it matters: the first failure, then
            // every tenth (the driver keeps trying; a stuck cancel must stay visible).
            if attempt == 1 || attempt % 10 == 0 {
                write(attempt == 1 ? .warning : .error, "CANCEL FAILED \(id) \(order.request.symbol) (attempt \(attempt)): \(reason); tried again until the exchange confirms", into: &effects)
            }
        case .cancelled, .expired, .denied:
            break
        }
        if !order.isOpen {
            entryTakeProfit[id] = nil
            if let index = openOrderIDs.firstIndex(of: id) {
                openOrderIDs.remove(at: index)
                countOpenOrder(on: order.request.symbol, by: -1)
            }
            if let pending = pendingReplacements.removeValue(forKey: id) { sendReplacement(pending, of: order, closedBy: event, effects: &effects) }
            entryLots[id] = nil
            if let lot = exitOrders.removeValue(forKey: id), lots[lot] != nil {
                lots[lot]?.exits.orderClosed(id)
                evaluateLot(lot, effects: &effects)
            }
        }
        if let slot = slotIndex[order.request.origin], let market = marketIndex[order.request.symbol] {
            let context = makeContext(symbol: order.request.symbol, market: market, strategy: order.request.origin)
            let intents = slots[slot].strategy.handle(.order(event), context: context)
            if !intents.isEmpty { process(intents, from: slot, effects: &effects) }
        }
    }

    /// Takes over a position an earlier session left (a crash, or a quit with it
    /// open): booked like a fill at its entry price without a fee, origin `restored`,
    /// with the default exits (stop loss, take profit) managing it from the next price.
    public mutating func restorePosition(symbol: String, quantity: Quantity, side: Side, entryPrice: Price, at time: Timestamp, note: String, into effects: inout [KernelEffect]) {
        advanceClock(to: time, effects: &effects)
        guard quantity.units > 0, account.position(symbol)?.isFlat ?? true else { return }
        let fill = Fill(orderID: ClientOrderID(0), symbol: symbol, side: side, price: entryPrice, quantity: quantity, fee: .zero, liquidity: .maker, time: time)
        write(.warning, "restored \(side == .buy ? "long" : "short") \(quantity) \(symbol) at \(entryPrice): \(note)", into: &effects)
        bookFill(fill, origin: "restored", effects: &effects)
        scheduleTimerIfNeeded(effects: &effects)
    }

    /// A line from the driver (an exchange's refusal, a retry, the connection) into the
    /// log the screen shows and the journal keeps, at the kernel's time.
    public mutating func note(_ level: LogLine.Level, _ text: String, into effects: inout [KernelEffect]) {
        write(level, text, into: &effects)
    }

    /// The exchange holds less of a spot coin than the kernel books (coins sold outside
    /// Apogee, a fee it did not know of): the difference is booked as a sale at the
    /// last price, without a fee, origin `reconciled`, so the exits sell what is there
    /// instead of being refused for balance again and again.
    public mutating func reconcileHolding(symbol: String, held: Quantity, at time: Timestamp, into effects: inout [KernelEffect]) {
        advanceClock(to: time, effects: &effects)
        guard configuration.account.kind == .spot, let position = account.position(symbol), position.isLong, held < position.quantity,
              let price = lastPrice(of: symbol) ?? position.entryPrice else { return }
        let missing = position.quantity - Quantity(units: max(held.units, 0))
        write(.warning, "\(symbol): the exchange holds \(held), the journal \(position.quantity): \(missing) booked as gone (sold outside Apogee, or a fee not known) at \(price)", into: &effects)
        let fill = Fill(orderID: ClientOrderID(0), symbol: symbol, side: .sell, price: price, quantity: missing, fee: .zero, liquidity: .maker, time: time)
        bookFill(fill, origin: "reconciled", reason: "reconciled with the exchange", effects: &effects)
        scheduleTimerIfNeeded(effects: &effects)
    }

    /// Books a fill into the account (the exchange's one position per symbol), and into
    /// the entry lots: an exit's fill reduces its own lot; another fill against the
    /// lots' direction (a manual sell, a liquidation, a reconciliation) reduces them
    /// oldest first, the order's own strategy's lots before others'; what is left
    /// opens a lot, or adds to the lot its entry order already opened.
    private mutating func bookFill(_ fill: Fill, origin: String, reason: String? = nil, effects: inout [KernelEffect]) {
        let feesBefore = account.fees
        do {
            try account.apply(fill)
        } catch {
            write(.error, "fill not booked: \(error)", into: &effects)
            return
        }
        let fee = account.fees - feesBefore
        let symbol = fill.symbol
        let exitLot = exitOrders[fill.orderID]
        let closing: String
        if let reason {
            closing = reason
        } else if fill.isLiquidation {
            closing = "liquidation"
        } else if let exitLot {
            closing = lots[exitLot]?.exits.panic?.rawValue ?? "take-profit"
        } else {
            closing = origin == "user" ? "manual" : "strategy"
        }
        // The lots this fill reduces, in turn, and how much of it each takes.
        var reducing: [Int] = []
        if let exitLot, lots[exitLot] != nil { reducing.append(exitLot) }
        let against = (lotIDs[symbol] ?? []).filter { $0 != exitLot && lots[$0]?.direction != fill.side }
        reducing += against.filter { lots[$0]?.origin == origin } + against.filter { lots[$0]?.origin != origin }
        // A spot buy whose fee was taken in the coin holds that much less (as the account books it).
        let booked = account.terms.kind == .spot && fill.side == .buy && fill.feeInBase.units > 0 ? fill.quantity - fill.feeInBase : fill.quantity
        var parts: [(lot: Int?, quantity: Int64)] = []
        var left = booked.units
        for id in reducing where left > 0 {
            guard let lot = lots[id], lot.direction != fill.side else { continue }
            let taken = min(left, lot.position.absoluteQuantity.units)
            parts.append((id, taken))
            left -= taken
        }
        // What no lot takes opens (or adds to) a lot; a liquidation or reconciliation
        // only ever takes from lots.
        if left > 0, !fill.isLiquidation, reason == nil { parts.append((nil, left)) }
        var feeGiven = Money.zero
        for (index, part) in parts.enumerated() {
            let partFee = index == parts.count - 1 ? fee - feeGiven : fee.scaled(by: part.quantity, over: booked.units)
            feeGiven += partFee
            var piece = fill
            piece.quantity = Quantity(units: part.quantity)
            piece.fee = partFee
            piece.feeInBase = .zero
            if let id = part.lot {
                lots[id]!.book(piece, addsToEntry: false)
                if exitLot == id || fill.isLiquidation || reason != nil || origin == "user" { lots[id]!.closingReason = closing }
            } else {
                openOrAdd(piece, origin: origin, effects: &effects)
            }
        }
        // A lot sold to nothing closes its round trip; so does one whose own exit sold
        // all that can be sold, the rest being dust under the exchange's minimums (kept
        // in the account, not traded).
        for part in parts {
            guard let id = part.lot, let lot = lots[id] else { continue }
            let leftDust = !lot.position.isFlat && (id == exitLot || fill.isLiquidation) && isDust(lot.position)
            if lot.position.isFlat || leftDust {
                closeLot(id, exitFill: fill, effects: &effects)
                if leftDust { write(.info, "\(symbol): \(lot.position.absoluteQuantity) left as dust (under the exchange's minimums)", into: &effects) }
            }
        }
        if lotIDs[symbol] != nil { evaluateExits(symbol, effects: &effects) }
    }

    /// The part of a fill no lot took: an entry order's later fill adds to the lot its
    /// first fill opened; anything else opens a lot of its own, with its strategy's exits.
    private mutating func openOrAdd(_ fill: Fill, origin: String, effects: inout [KernelEffect]) {
        if let id = entryLots[fill.orderID], lots[id]?.direction == fill.side {
            lots[id]!.book(fill, addsToEntry: true)
            return
        }
        let settings = slotIndex[origin].map { slots[$0].strategy.exits } ?? ExitSettings()
        let id = nextLotID
        nextLotID += 1
        let lot = EntryLot(id: id, origin: origin, fill: fill, kind: account.terms.kind, leverage: account.terms.leverage, settings: settings, takeProfit: entryTakeProfit[fill.orderID])
        lots[id] = lot
        lotIDs[fill.symbol, default: []].append(id)
        if fill.orderID.number != 0 { entryLots[fill.orderID] = id }
        let others = (lotIDs[fill.symbol] ?? []).count - 1
        write(.info, "opened \(lot.isLong ? "long" : "short") \(fill.quantity) \(fill.symbol) at \(fill.price) (\(origin))" + (others > 0 ? ", beside \(others) other lot\(others == 1 ? "" : "s") on the coin, each with its own exits" : ""), into: &effects)
    }

    /// The round trip of lot `id` is over: what is left of its exits is cancelled and
    /// the trade goes to the journal and to its strategies' ledgers.
    private mutating func closeLot(_ id: Int, exitFill: Fill, effects: inout [KernelEffect]) {
        guard let lot = lots.removeValue(forKey: id) else { return }
        let symbol = lot.symbol
        lotIDs[symbol]?.removeAll { $0 == id }
        if lotIDs[symbol]?.isEmpty ?? false {
            lotIDs[symbol] = nil
            exitsHeld.remove(symbol)
        }
        for (order, owner) in exitOrders.sorted(by: { $0.key < $1.key }) where owner == id {
            requestCancel(order, effects: &effects)
        }
        let realized = lot.position.realizedPnL
        let record = TradeRecord(
            symbol: symbol, direction: lot.direction, openedAt: lot.openedAt, closedAt: exitFill.time,
            entryPrice: lot.entryPrice, exitPrice: exitFill.price, quantity: lot.largestQuantity,
            netPnL: realized - lot.fees, fees: lot.fees,
            exitReason: lot.closingReason ?? "strategy")
        journal.append(record)
        // Each strategy with an entry in it gets its part (one part: the whole).
        for part in lot.shares.split(realized: realized, fees: lot.fees, long: lot.isLong) {
            guard let slot = slotIndex[part.origin] else { continue }
            slots[slot].trades += 1
            slots[slot].netPnL += part.net
        }
        effects.append(.record(.trade(record)))
        write(.info, "closed \(symbol) \(record.exitReason): net \(record.netPnL) after \(record.fees) fees", into: &effects)
        for note in risk.tradeClosed(record, history: journal, equity: equity, now: now) {
            write(.warning, note, into: &effects)
            if note.hasPrefix("HALTED") { halt(because: note, effects: &effects) }
        }
    }

    /// The old order of a pending replacement closed: cancelled or expired, the
    /// replacement goes out for what is still wanted; filled or refused, it is dropped.
    private mutating func sendReplacement(_ pending: PendingReplacement, of old: Order, closedBy event: OrderEvent, effects: inout [KernelEffect]) {
        let closedByCancel: Bool
        switch event {
        case .cancelled, .expired: closedByCancel = true
        default: closedByCancel = false
        }
        guard closedByCancel, let intent = pending.replacement(oldOrderFilled: old.filledQuantity) else {
            write(.info, "order \(old.request.id) \(old.request.symbol) \(closedByCancel ? "filled what its replacement was for" : "ended (\(event.name)) before its cancel"): replacement not sent", into: &effects)
            return
        }
        guard let slot = slotIndex[pending.origin] else {
            send(intent, origin: pending.origin, effects: &effects)
            return
        }
        send(intent, for: slot, effects: &effects)
    }

    /// Sends a strategy's order and counts it in the strategy's ledger: placed, or
    /// denied (a denied entry makes the strategy wait before its next one).
    private mutating func send(_ intent: OrderIntent, for slot: Int, effects: inout [KernelEffect]) {
        let id = send(intent, origin: slots[slot].name, effects: &effects)
        if orders[id]?.status == .denied {
            slots[slot].ordersDenied += 1
            if !intent.reduceOnly { slots[slot].entryRefused(on: intent.symbol, at: now.nanoseconds) }
        } else {
            slots[slot].ordersPlaced += 1
        }
    }

    /// Replacements of open orders on `symbol` (every symbol when nil) dropped: the
    /// trader or a halt cancelled them, and a replacement sent after that would undo it.
    /// Returns how many were dropped.
    @discardableResult
    private mutating func dropReplacements(on symbol: String?) -> Int {
        let dropped = pendingReplacements.keys.filter { symbol == nil || orders[$0]?.request.symbol == symbol }
        for id in dropped { pendingReplacements[id] = nil }
        return dropped.count
    }

    /// MoonBot's `CancelBuyAfterSell`: an exit sold on `symbol`, so the entries still
    /// open there, of strategies that ask for it, are cancelled.
    private mutating func cancelEntriesAfterSell(_ symbol: String, effects: inout [KernelEffect]) {
        for id in openOrderIDs where exitOrders[id] == nil {
            guard let order = orders[id], order.request.symbol == symbol, !order.request.reduceOnly, !order.cancelRequested,
                  let slot = slotIndex[order.request.origin], slots[slot].strategy.exits.cancelBuyAfterSell else { continue }
            pendingReplacements[id] = nil
            write(.info, "CancelBuyAfterSell: the exit on \(symbol) sold, cancelling entry \(id) of \(order.request.origin)", into: &effects)
            requestCancel(id, effects: &effects)
        }
    }

    // MARK: - Exits

    /// Panic-sells every lot on `symbol`. What the account holds beyond the lots (a
    /// position nobody's entry opened) becomes a lot of its own first, so it is sold too.
    private mutating func startPanic(_ symbol: String, reason: PanicReason, effects: inout [KernelEffect]) {
        guard let position = account.position(symbol), !position.isFlat else { return }
        let inLots = (lotIDs[symbol] ?? []).reduce(Int64(0)) { total, id in
            guard let lot = lots[id] else { return total }
            return total + lot.position.quantity.units
        }
        let unowned = position.quantity.units - inLots
        if unowned != 0, (unowned > 0) == position.isLong, lotIDs[symbol] == nil || !isDust(Quantity(units: abs(unowned)), of: position) {
            let entry = Fill(orderID: ClientOrderID(0), symbol: symbol, side: unowned > 0 ? .buy : .sell, price: position.entryPrice ?? lastPrice(of: symbol) ?? Price(units: 1), quantity: Quantity(units: abs(unowned)), fee: .zero, liquidity: .maker, time: position.openedAt ?? now)
            openOrAdd(entry, origin: "manual", effects: &effects)
        }
        for id in lotIDs[symbol] ?? [] { lots[id]?.exits.startPanic(reason) }
        exitsHeld.remove(symbol)
        write(.warning, "panic sell \(symbol): \(reason.rawValue)", into: &effects)
        evaluateExits(symbol, effects: &effects)
    }

    /// Evaluates the exits of every lot on `symbol`, oldest first. A lot too small to
    /// sell alone joins the oldest other lot of its direction first (MoonBot's
    /// JoinSell): one sell for both, each strategy's part kept.
    private mutating func evaluateExits(_ symbol: String, effects: inout [KernelEffect]) {
        guard let ids = lotIDs[symbol] else { return }
        if ids.count > 1 { joinDustLots(symbol, effects: &effects) }
        for id in lotIDs[symbol] ?? [] { evaluateLot(id, effects: &effects) }
    }

    private mutating func joinDustLots(_ symbol: String, effects: inout [KernelEffect]) {
        for id in lotIDs[symbol] ?? [] {
            guard let lot = lots[id], !lot.position.isFlat, isDust(lot.position),
                  !exitOrders.values.contains(id), !entryLots.values.contains(id),
                  let target = lotIDs[symbol]?.first(where: { $0 != id && lots[$0]?.direction == lot.direction }) else { continue }
            lots[target]!.absorb(lot)
            lots[id] = nil
            lotIDs[symbol]?.removeAll { $0 == id }
            write(.info, "\(lot.origin)'s \(lot.position.absoluteQuantity) \(symbol) is too small to sell alone: joined \(lots[target]!.origin)'s lot (one sell for both, each ledger its own part)", into: &effects)
        }
    }

    private mutating func evaluateLot(_ id: Int, effects: inout [KernelEffect]) {
        guard !exitsSuspended, var lot = lots[id], !exitsHeld.contains(lot.symbol), !lot.position.isFlat,
              let index = marketIndex[lot.symbol], let last = markets[index].lastPrice else { return }
        let symbol = lot.symbol
        let panicBefore = lot.exits.panic
        let dustBefore = lot.exits.dust
        let actions = lot.exits.evaluate(position: lot.position, lastPrice: last, bestBid: markets[index].bestBid, bestAsk: markets[index].bestAsk, now: now, tick: markets[index].tick, rules: markets[index].rules) { [markets, now] seconds in
            markets[index].extremes(overLast: seconds, now: now)
        }
        if panicBefore == nil, let reason = lot.exits.panic {
            write(.warning, "\(reason.rawValue) hit on \(symbol) at \(last): panic sell", into: &effects)
        }
        if let dust = lot.exits.dust, dust != dustBefore {
            write(.warning, "\(symbol): \(lot.position.absoluteQuantity) held is dust (under the exchange's minimum quantity or notional once rounded to the lot): shown, not traded", into: &effects)
        }
        lots[id] = lot
        for action in actions {
            switch action {
            case .cancel(let order):
                requestCancel(order, effects: &effects)
            case .place(let symbol, let side, let price, let quantity, let purpose):
                let intent = OrderIntent(symbol: symbol, side: side, kind: .limit(price), quantity: quantity, reduceOnly: configuration.account.kind.isFutures)
                let order = send(intent, origin: "exits:\(purpose.rawValue)", effects: &effects)
                if orders[order]?.status == .denied {
                    if let attention = lots[id]?.exits.placementFailed(because: lastDenial, at: now) {
                        raiseAttention(symbol, order: order, reason: attention, effects: &effects)
                    }
                } else {
                    exitOrders[order] = id
                    lots[id]?.exits.placed(order, quantity: quantity)
                }
            }
        }
    }

    /// Why a lot on `symbol` needs the trader, if one does.
    func attention(on symbol: String) -> String? {
        guard !lots.isEmpty, let ids = lotIDs[symbol] else { return nil }
        return ids.lazy.compactMap { self.lots[$0]?.exits.attention }.first
    }

    /// What `origin`'s own lots on `symbol` hold, as one position (nil: none).
    func ownPosition(symbol: String, origin: String) -> Position? {
        guard let ids = lotIDs[symbol] else { return nil }
        var own: Position?
        for id in ids {
            guard let lot = lots[id], lot.origin == origin else { continue }
            if own == nil { own = lot.position } else { own!.absorb(lot.position) }
        }
        return own
    }

    /// A lot an entry of `origin` would close on a futures account's one position per
    /// symbol (one-way mode): a short entry while a long lot is open, or the reverse.
    /// A strategy's entry must not silently sell another entry's coins; the trader's
    /// own orders and reduce-only orders may.
    func oppositeLot(to intent: OrderIntent, from origin: String) -> EntryLot? {
        guard configuration.account.kind.isFutures, !intent.reduceOnly, slotIndex[origin] != nil, !lots.isEmpty,
              let ids = lotIDs[intent.symbol] else { return nil }
        return ids.lazy.compactMap { self.lots[$0] }.first { $0.direction != intent.side }
    }

    /// A symbol's exits need the trader: said loudly (an error line, a record the
    /// journal and the mirror keep), once.
    private mutating func raiseAttention(_ symbol: String, order: ClientOrderID, reason: String, effects: inout [KernelEffect]) {
        write(.error, "NEEDS ATTENTION \(reason) (panic sell, cancel or resume to try again)", into: &effects)
        effects.append(.record(.attention(symbol: symbol, order: order, reason: reason)))
    }

    /// The trader acted on `symbol` (or on every symbol): exits that needed attention
    /// work again.
    private mutating func acknowledgeAttention(_ symbol: String?, effects: inout [KernelEffect]) {
        var acknowledged: [String] = []
        for id in lots.keys.sorted() {
            guard let lot = lots[id], symbol == nil || lot.symbol == symbol, lot.exits.attention != nil else { continue }
            lots[id]?.exits.acknowledge()
            if !acknowledged.contains(lot.symbol) { acknowledged.append(lot.symbol) }
        }
        for name in acknowledged.sorted() { write(.info, "\(name): exits work again (the trader acted)", into: &effects) }
    }

    // MARK: - Risk state and the user

    private mutating func halt(because reason: String, effects: inout [KernelEffect]) {
        write(.error, "trading HALTED: \(reason); cancelling open entries", into: &effects)
        dropReplacements(on: nil)
        for id in openOrderIDs where exitOrders[id] == nil { requestCancel(id, effects: &effects) }
        if configuration.risk.flattenOnHalt {
            for position in account.openPositions { startPanic(position.symbol, reason: .manual, effects: &effects) }
        }
    }

    /// Every order cancelled (exits too) and trading HALTED; then either every position
    /// panic-sold, or the exits suspended so nothing at all is sent until a resume.
    private mutating func killSwitch(because reason: String, flatten: Bool, effects: inout [KernelEffect]) {
        risk.setState(.halted, reason: "kill switch: \(reason)")
        let open = openOrderIDs.count
        write(.error, "KILL SWITCH (\(reason)): cancelling \(open) open order\(open == 1 ? "" : "s"), trading HALTED, " + (flatten ? "flattening every position" : "positions kept without orders until resumed"), into: &effects)
        dropReplacements(on: nil)
        for id in openOrderIDs { requestCancel(id, effects: &effects) }
        exitsSuspended = !flatten
        if flatten {
            for position in account.openPositions { startPanic(position.symbol, reason: .manual, effects: &effects) }
        }
    }

    /// The kill switch as a risk rule: equity this far below its peak.
    private mutating func checkKillSwitchDrawdown(effects: inout [KernelEffect]) {
        guard let limit = configuration.risk.killSwitchDrawdown, risk.state != .halted else { return }
        let current = equity
        if peakEquity.map({ current > $0 }) ?? true { peakEquity = current }
        if let peak = peakEquity, peak - current > limit {
            killSwitch(because: "equity \(current.roundedText(fractionDigits: 2)) is \((peak - current).roundedText(fractionDigits: 2)) below its peak \(peak.roundedText(fractionDigits: 2)), over the \(limit.roundedText(fractionDigits: 2)) limit", flatten: configuration.risk.flattenOnHalt, effects: &effects)
        }
    }

    private mutating func handleUser(_ command: UserCommand, effects: inout [KernelEffect]) {
        switch command {
        case .setTradingState(let state):
            if state != .halted { acknowledgeAttention(nil, effects: &effects) }
            if state != .halted, exitsSuspended {
                exitsSuspended = false
                write(.info, "exits of open positions work again", into: &effects)
            }
            if state != .halted, !exitsHeld.isEmpty {
                write(.info, "exits of \(exitsHeld.sorted().joined(separator: ", ")) work again", into: &effects)
                let held = exitsHeld.sorted()
                exitsHeld.removeAll()
                for symbol in held { evaluateExits(symbol, effects: &effects) }
            }
            risk.setState(state, reason: "set by the user")
            write(.info, "trading state \(state.rawValue) (user)", into: &effects)
            if state == .halted { halt(because: "set by the user", effects: &effects) }
            lastUserReply = UserReply(done: true, "trading \(state.rawValue)")
        case .panicSell(let symbol):
            acknowledgeAttention(symbol, effects: &effects)
            let symbols = symbol.map { [$0] } ?? account.openPositions.map(\.symbol)
            let held = symbols.filter { account.position($0).map { !$0.isFlat } ?? false }
            for symbol in symbols { startPanic(symbol, reason: .manual, effects: &effects) }
            lastUserReply = held.isEmpty
                ? UserReply(done: false, "no position \(symbol.map { "in \($0) " } ?? "")to sell: nothing sent")
                : UserReply(done: true, "panic-selling \(held.map { "\($0) \(account.position($0)!.absoluteQuantity)" }.joined(separator: ", "))")
        case .cancelAll(let symbol):
            acknowledgeAttention(symbol, effects: &effects)
            // A replacement waiting on a cancel already sent is dropped with it.
            let replacementsDropped = dropReplacements(on: symbol)
            var cancelled: [String] = []
            var heldSymbols: [String] = []
            for id in openOrderIDs where symbol == nil || orders[id]?.request.symbol == symbol {
                guard let order = orders[id], !order.cancelRequested else { continue }
                requestCancel(id, effects: &effects)
                let request = order.request
                let price: String
                if case .limit(let limit) = request.kind { price = " @\(limit)" } else { price = "" }
                cancelled.append("\(request.origin.hasPrefix("exits:") ? String(request.origin.dropFirst(6)) + " " : "")\(request.side.rawValue) \(id) \(request.symbol)\(price)")
                if exitOrders[id] != nil, !heldSymbols.contains(request.symbol) { heldSymbols.append(request.symbol) }
            }
            // The trader took the exit orders off: they stay off (see `exitsHeld`).
            for held in heldSymbols {
                exitsHeld.insert(held)
                write(.warning, "exits of \(held) held by the trader's cancel: no take-profit or stop order until a panic sell (p) or resume", into: &effects)
            }
            let scope = symbol ?? "any market"
            if cancelled.isEmpty, replacementsDropped > 0 {
                lastUserReply = UserReply(done: true, "\(replacementsDropped) order replacement\(replacementsDropped == 1 ? "" : "s") on \(scope) dropped (the cancel was already on its way)")
            } else if cancelled.isEmpty {
                lastUserReply = UserReply(done: false, "no open order on \(scope) to cancel")
            } else {
                let held = heldSymbols.isEmpty ? "" : "; exits of \(heldSymbols.joined(separator: ", ")) held (no stop, no take-profit): p sells, :resume re-arms"
                lastUserReply = UserReply(done: true, "cancel sent for \(cancelled.count) order\(cancelled.count == 1 ? "" : "s"): \(cancelled.joined(separator: ", "))\(held)")
            }
        case .place(let intent):
            let id = send(intent, origin: "user", effects: &effects)
            guard let order = orders[id] else { return }
            let request = order.request
            if order.status == .denied {
                // A manual sell on a coin the exits already offer: say how to sell it.
                let hint = exitOrders.keys.contains(where: { orders[$0]?.request.symbol == intent.symbol }) ? "; the exit order holds the coin: p panic-sells (cancelling it first), c cancels it" : ""
                lastUserReply = UserReply(done: false, "\(intent.side.rawValue) \(intent.quantity) \(intent.symbol) REFUSED: \(lastDenial)\(hint)")
            } else {
                var adjusted: [String] = []
                if request.quantity != intent.quantity { adjusted.append("quantity \(intent.quantity) → \(request.quantity) (lot)") }
                if case .limit(let asked) = intent.kind, case .limit(let sent) = request.kind, asked != sent { adjusted.append("price \(asked) → \(sent) (tick)") }
                let price: String
                if case .limit(let limit) = request.kind { price = "@\(limit)" } else { price = "at market" }
                lastUserReply = UserReply(done: true, "\(request.side.rawValue) \(request.quantity) \(request.symbol) \(price) sent as order \(id)" + (adjusted.isEmpty ? "" : "; " + adjusted.joined(separator: ", ")))
            }
        case .killSwitch(let flatten):
            killSwitch(because: "the trader's kill switch", flatten: flatten, effects: &effects)
            lastUserReply = nil
        case .setStrategyEnabled(let name, let enabled):
            guard let slot = slotIndex[name] else {
                write(.warning, "no strategy named \(name)", into: &effects)
                lastUserReply = UserReply(done: false, "no strategy named \(name)")
                return
            }
            slots[slot].enabled = enabled
            write(.info, "strategy \(name) \(enabled ? "enabled" : "disabled")", into: &effects)
            lastUserReply = UserReply(done: true, "strategy \(name) \(enabled ? "ON" : "OFF")")
        }
    }

    private mutating func write(_ level: LogLine.Level, _ text: String, into effects: inout [KernelEffect]) {
        write(LogLine(time: now, level: level, text: text), into: &effects)
    }

    private mutating func write(_ line: LogLine, into effects: inout [KernelEffect]) {
        if line.level != .info { alerts += 1 }
        if log.count == configuration.logLinesKept { log.removeFirst() }
        log.append(line)
        effects.append(.log(line))
    }
}
