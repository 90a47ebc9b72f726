import EngineCore
import MarketModel
import Strategies
import Trading

/// The live trading session's decisions, as a state machine with no I/O: market
/// events, the exchange's typed answers, clock ticks and the trader's commands go in;
/// ``LiveAction``s come out for an I/O shell to carry out (send, cancel, look up,
/// journal). Time arrives with every input (wall-clock nanoseconds); nothing here
/// reads a clock, sleeps or blocks, so every path — lost answers, refusals, 429s,
/// cancels that fail, pushes duplicated or out of order — runs in a unit test against
/// ``InMemoryVenue`` exactly as it runs against an exchange.
///
/// What it owns: the kernel; the orders held for the request rate and the cancels not
/// yet confirmed (``OrderRetries``); what each order executed so far (so no part is
/// booked twice, whichever of a push, a poll or a cancel answer brings it first); the
/// orders whose answers were lost; the account's commission rates; the silence watch.
///
/// Why a refusal cannot loop: a refused order is booked refused in the kernel, whose
/// exits and entries back off (``ExitManager``, ``StrategySlot``); a cancel that fails
/// is never dropped and never retried at once (``OrderRetries``); and one input may
/// ask for at most ``Configuration/maximumOrdersPerInput`` orders.
public struct LiveOrderMachine: Sendable {
    public struct Configuration: Sendable {
        /// Prepended to the kernel's order ids to make the exchange's client ids
        /// (`s12-apg-3`: unique across sessions sharing one account).
        public var idPrefix: String
        /// The symbols traded (rules are read again for each).
        public var symbols: [String]
        /// The streams' description, for the silence warning.
        public var streams: String
        public var maximumOrdersPerInput = 64
        /// How often open orders are looked up: without pushed updates, and with them
        /// (then only as their safety net).
        public var pollInterval: Int64 = 100_000_000
        public var pollIntervalWhenPushed: Int64 = 1_000_000_000
        /// How long without a market event before the session says so.
        public var silenceLimit: Int64 = 10_000_000_000
        /// How often the exchange's rules and the account's rates are read again.
        public var rulesRefreshInterval: Int64 = 3_600_000_000_000
        /// Hand every record of the kernel to the shell (`.journal(.delivered)`), for
        /// a mirror of the session's state; off, records cost nothing on the order path.
        public var passesRecords = false

        public init(idPrefix: String, symbols: [String], streams: String) {
            (self.idPrefix, self.symbols, self.streams) = (idPrefix, symbols, streams)
        }
    }

    /// What happened since the start, for the summary and the header.
    public struct Counts: Sendable, Equatable {
        /// Orders that reached the exchange's API (placed, refused, or of unknown outcome).
        public var ordersSent = 0
        /// Placements whose answer was lost and that were found by client id.
        public var recovered = 0
        /// Refusals by the exchange's code or label (`-2010`, `INVALID_PARAM`, `other`).
        public var refusals: [String: Int] = [:]
        public var fillsPushed = 0
        public var fillsPolled = 0
        /// Pushed fill updates for this session's orders, booked or already known.
        public var fillReports = 0
        public var marketDataSilences = 0
        public init() {}
    }

    /// A clock tick: what is due now (timers, retries, polls, the silence watch).
    public struct Tick: Sendable {
        public var now: Int64
        /// Whether the market connection is up (for the silence warning's words).
        public var feedConnected: Bool
        /// Whether the exchange pushes order updates (polling is then a safety net).
        public var ordersPushed: Bool

        public init(now: Int64, feedConnected: Bool = true, ordersPushed: Bool = false) {
            (self.now, self.feedConnected, self.ordersPushed) = (now, feedConnected, ordersPushed)
        }
    }

    public enum Input: Sendable {
        case market(MarketEvent, at: Int64)
        case user(UserCommand, at: Int64)
        case tick(Tick)
        case answer(VenueAnswer, at: Int64)
        /// The session ends: one last try for every cancel not yet confirmed and one
        /// last look at every open order's fills, whatever their timers say.
        case finishing(at: Int64)
    }

    public internal(set) var kernel: TradingKernel
    public private(set) var configuration: Configuration
    public internal(set) var retries = OrderRetries()
    public internal(set) var counts = Counts()
    /// The last problems met, newest last (the summary shows them).
    public private(set) var lastErrors: [String] = []
    /// True while no market event came for ``Configuration/silenceLimit``.
    public private(set) var isSilent = false

    /// The kernel's effects not yet turned into actions.
    var effects: [KernelEffect] = []
    /// Cumulative quantity and quote booked per order (the exchange's figures).
    var executed: [ClientOrderID: Quantity] = [:]
    var executedQuote: [ClientOrderID: Money] = [:]
    /// Orders whose answers were lost and whose look-up failed: open in the kernel and
    /// looked up by the poll until the exchange says whether it has them.
    var unconfirmed = Set<ClientOrderID>()
    var byExchangeID: [String: ClientOrderID] = [:]
    private var timers: [Timestamp] = []
    var fees: [String: FeeSchedule] = [:]
    private var submitsThisInput = 0
    private var lastPoll: Int64 = 0
    private var lastEventAt: Int64
    private var rulesReadAt: Int64

    /// `startedAt`: the session's start (the silence watch and the rules' age count from it).
    public init(kernel: TradingKernel, configuration: Configuration, startedAt: Int64) {
        self.kernel = kernel
        self.configuration = configuration
        lastEventAt = startedAt
        rulesReadAt = startedAt
    }

    /// The exchange's client id of a kernel order.
    public func exchangeID(_ id: ClientOrderID) -> String { configuration.idPrefix + id.description }

    /// The next time a tick has something to do (a timer, a retry, the poll), if sooner
    /// than the shell's own rhythm.
    public func nextDue(ordersPushed: Bool) -> Int64 {
        let poll = lastPoll + (ordersPushed ? configuration.pollIntervalWhenPushed : configuration.pollInterval)
        return min(timers.min()?.nanoseconds ?? .max, retries.nextDue ?? .max, poll)
    }

    /// The account's commission rates on `symbol`, when the exchange said.
    public func feeRates(of symbol: String) -> FeeSchedule? { fees[symbol] }

    // MARK: - Inputs

    /// Handles one input; the actions to carry out are appended to `actions`.
    public mutating func handle(_ input: Input, into actions: inout [LiveAction]) {
        switch input {
        case .market(let event, let at):
            lastEventAt = max(lastEventAt, at)
            if isSilent {
                isSilent = false
                note(.info, "market data flows again")
            }
            submitsThisInput = 0
            kernel.handle(.market(event), into: &effects)
        case .user(let command, let at):
            submitsThisInput = 0
            kernel.handle(.user(command, at: Timestamp(nanoseconds: at)), into: &effects)
        case .tick(let tick):
            handleTick(tick, into: &actions)
        case .answer(let answer, let at):
            handleAnswer(answer, at: at, into: &actions)
        case .finishing(let at):
            for pending in retries.cancels { attemptCancel(pending.id, symbol: pending.symbol, at: at, into: &actions) }
            for order in kernel.openOrders where executed[order.id] != nil && !retries.isCancelPending(order.id) {
                actions.append(.lookUp(order.id, symbol: order.request.symbol, clientOrderID: exchangeID(order.id), purpose: .poll))
            }
        }
        drain(at: Self.time(of: input), into: &actions)
    }

    /// Runs one input to the end: its actions are carried out by `perform` in order,
    /// and each answer is handled at once (its own actions queued behind). `perform`
    /// returns nil for an action without an answer (a journal entry).
    public mutating func run(_ input: Input, perform: (LiveAction) -> (answer: VenueAnswer, at: Int64)?) {
        var actions: [LiveAction] = []
        handle(input, into: &actions)
        var next = 0
        while next < actions.count {
            let action = actions[next]
            next += 1
            if let reply = perform(action) { handle(.answer(reply.answer, at: reply.at), into: &actions) }
            // Keep the queue short on long cascades (a poll of many orders).
            if next > 256 {
                actions.removeFirst(next)
                next = 0
            }
        }
    }

    /// The exchange's rules and rates read at start (before any order).
    public mutating func start(rules: SymbolRules?, rates: FeeSchedule?, of symbol: String, venue: String, into actions: inout [LiveAction]) {
        if let rules {
            kernel.handle(.rules(rules), into: &effects)
        } else {
            note(.warning, "\(symbol): the exchange's order rules are not read on \(venue) yet; tick and lot are inferred from the market")
        }
        if let rates {
            fees[symbol] = rates
            note(.info, "\(symbol) commission: \(Self.describe(rates)) (the account's rates, from the exchange)")
        }
        drain(at: rulesReadAt, into: &actions)
    }

    /// A symbol the exchange listed, or whose status changed, while the session runs:
    /// traded from now on, its rules and rates read at once (and with every refresh).
    /// Until they arrive the kernel infers tick and lot, as for any symbol without them.
    /// A market that stopped trading takes the listing's rules at once (its status
    /// refuses every order); one that trades has its rules read from the order API.
    public mutating func relist(_ rules: SymbolRules, listed: Bool, at now: Int64, into actions: inout [LiveAction]) {
        let symbol = rules.symbol
        if listed, !configuration.symbols.contains(symbol) {
            configuration.symbols.append(symbol)
            note(.info, "\(symbol) listed on the exchange: watched and traded from now on")
        }
        if rules.isTrading {
            actions.append(.readRules(symbol: symbol))
        } else {
            kernel.handle(.rules(rules), into: &effects)
            drain(at: now, into: &actions)
        }
    }

    /// Positions left by an earlier session, booked so this session's exits manage them.
    public mutating func restore(symbol: String, quantity: Quantity, side: Side, entryPrice: Price, at: Int64, note: String, into actions: inout [LiveAction]) {
        kernel.restorePosition(symbol: symbol, quantity: quantity, side: side, entryPrice: entryPrice, at: Timestamp(nanoseconds: at), note: note, into: &effects)
        drain(at: at, into: &actions)
    }

    /// A line of the driver's into the kernel's log, kept for the summary when it is a
    /// problem; it reaches the screen with the next drain.
    public mutating func note(_ level: LogLine.Level, _ text: String) {
        kernel.note(level, text, into: &effects)
        guard level != .info else { return }
        if lastErrors.count == 8 { lastErrors.removeFirst() }
        lastErrors.append(text)
    }

    /// A trader's market order as the exchange will get it: a limit at the touch (the
    /// best ask to buy, the best bid to sell), which caps what a thin book can cost.
    /// Nil (with the reason) when no price is known yet.
    public func limitAtTouch(_ command: UserCommand) -> Result<UserCommand, UserCommandRefusal> {
        guard case .place(var intent) = command, intent.kind == .market else { return .success(command) }
        let book = kernel.book(for: intent.symbol)
        let touch = intent.side == .buy ? book?.bestAsk?.price : book?.bestBid?.price
        guard let price = touch ?? kernel.lastPrice(of: intent.symbol) else {
            return .failure(UserCommandRefusal(description: "no price known yet for \(intent.symbol): order not sent"))
        }
        intent.kind = .limit(price)
        return .success(.place(intent))
    }

    private static func time(of input: Input) -> Int64 {
        switch input {
        case .market(_, let at), .user(_, let at), .answer(_, let at), .finishing(let at): return at
        case .tick(let tick): return tick.now
        }
    }

    static func describe(_ rates: FeeSchedule) -> String {
        "maker \(Double(rates.makerPartsPerMillion) / 1e4) %, taker \(Double(rates.takerPartsPerMillion) / 1e4) %"
    }

    // MARK: - Ticks

    private mutating func handleTick(_ tick: Tick, into actions: inout [LiveAction]) {
        let now = tick.now
        let time = Timestamp(nanoseconds: now)
        if timers.contains(where: { $0.nanoseconds <= now }) {
            timers.removeAll { $0.nanoseconds <= now }
            submitsThisInput = 0
            kernel.handle(.timer(time), into: &effects)
            drain(at: now, into: &actions)
        }
        let interval = tick.ordersPushed ? configuration.pollIntervalWhenPushed : configuration.pollInterval
        if now - lastPoll >= interval {
            lastPoll = now
            for order in kernel.openOrders where executed[order.id] != nil {
                actions.append(.lookUp(order.id, symbol: order.request.symbol, clientOrderID: exchangeID(order.id), purpose: .poll))
            }
        }
        for request in retries.dueOrders(at: now) {
            guard kernel.order(request.id)?.isOpen == true else {
                retries.release(request.id)
                continue
            }
            retries.sending(request.id)
            actions.append(.place(request, clientOrderID: exchangeID(request.id), resend: true))
        }
        for pending in retries.dueCancels(at: now) {
            attemptCancel(pending.id, symbol: pending.symbol, at: now, into: &actions)
        }
        if now - rulesReadAt >= configuration.rulesRefreshInterval {
            rulesReadAt = now
            for symbol in configuration.symbols { actions.append(.readRules(symbol: symbol)) }
        }
        if !isSilent, now - lastEventAt >= configuration.silenceLimit {
            isSilent = true
            counts.marketDataSilences += 1
            note(.error, "NO MARKET DATA for \((now - lastEventAt) / 1_000_000_000) s from \(configuration.streams) (connection \(tick.feedConnected ? "up" : "down")): strategies see nothing; check the endpoint")
        }
    }

    // MARK: - Kernel effects into actions

    private mutating func drain(at now: Int64, into actions: inout [LiveAction]) {
        while !effects.isEmpty {
            let batch = effects
            effects.removeAll(keepingCapacity: true)
            for effect in batch { carryOut(effect, at: now, into: &actions) }
        }
    }

    private mutating func carryOut(_ effect: KernelEffect, at now: Int64, into actions: inout [LiveAction]) {
        let time = Timestamp(nanoseconds: now)
        switch effect {
        case .submit(let request):
            // However the kernel came to ask for them, this many orders from one input
            // are a loop: the rest are refused here, each journaled as rejected.
            submitsThisInput += 1
            if submitsThisInput > configuration.maximumOrdersPerInput {
                record(.rejected(request.id, time: time, reason: "not sent: more than \(configuration.maximumOrdersPerInput) orders asked for by one event"), into: &actions)
                return
            }
            byExchangeID[exchangeID(request.id)] = request.id
            actions.append(.journal(.submitted(request, at: time)))
            actions.append(.place(request, clientOrderID: exchangeID(request.id), resend: false))
        case .cancel(let id, let symbol):
            actions.append(.journal(.cancelRequested(id, at: time)))
            if retries.isHeldBack(id) {
                // Held for the request rate, never sent: nothing to ask the exchange.
                // (A resend already on its way is cancelled on the exchange, after it.)
                retries.release(id)
                record(.cancelled(id, time: time, reason: "cancelled before it was sent (it was held for the request rate)"), into: &actions)
                return
            }
            attemptCancel(id, symbol: symbol, at: now, into: &actions)
        case .scheduleTimer(let at):
            timers.append(at)
        case .record(.order(let event)):
            // Orders the risk gate denied never reach the exchange; the journal still
            // keeps them (everything else is journaled where it happens).
            if case .denied = event { actions.append(.journal(.orderChanged(event, order: kernel.order(event.orderID)))) }
        case .record(.attention(_, let order, let reason)):
            if let request = kernel.order(order)?.request { actions.append(.journal(.attention(request, reason: reason, at: time))) }
        case .log, .record:
            break
        }
        if configuration.passesRecords, case .record(let record) = effect { actions.append(.journal(.delivered(record, at: time))) }
    }

    /// An order event into the kernel and the journal.
    mutating func record(_ event: OrderEvent, into actions: inout [LiveAction]) {
        kernel.handle(.order(event, receivedAt: event.time), into: &effects)
        actions.append(.journal(.orderChanged(event, order: kernel.order(event.orderID))))
    }

    // MARK: - Cancels

    /// Asks the exchange to cancel an order, if it is still open.
    mutating func attemptCancel(_ id: ClientOrderID, symbol: String, at now: Int64, into actions: inout [LiveAction]) {
        guard kernel.order(id)?.isOpen == true else {
            retries.cancelSettled(id)
            return
        }
        actions.append(.cancel(id, symbol: symbol, clientOrderID: exchangeID(id)))
    }
}

/// Why a trader's command was not carried out.
public struct UserCommandRefusal: Error, Sendable, CustomStringConvertible {
    public var description: String
}
