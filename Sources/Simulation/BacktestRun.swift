import DequeModule
import EngineCore
import HeapModule
import MarketModel
import OrderBook
import Strategies
import Trading

/// One backtest: the kernel and the simulated venue, driven in a plain loop by market
/// events in receive order and by a time-ordered queue of what is in flight between
/// them (orders travelling to the venue, reports travelling back, timers).
///
/// Ties at the same nanosecond go in the order they were scheduled; queued items due
/// at or before a market event's time are handled before it. The venue reads the
/// kernel's own book (they are the same replayed book); feed latency is folded into
/// the order and answer delays (``SimulatedExchange/orderEntryDelay(symbol:)``).
public struct BacktestRun {
    public private(set) var kernel: TradingKernel
    public private(set) var venue: SimulatedExchange
    private var queue = Heap<Scheduled>()
    private var sequence: UInt64 = 0
    fileprivate(set) var effects: [KernelEffect] = []
    public private(set) var fills = 0
    public private(set) var detects = 0
    public private(set) var equity: [(time: Timestamp, value: Money)] = []
    public private(set) var logTail: Deque<LogLine> = []
    public private(set) var warnings = 0
    public private(set) var firstTime: Timestamp?
    public private(set) var lastTime = Timestamp(nanoseconds: 0)
    public private(set) var events = 0
    /// Sees what happens, in order (tests check their invariants through it).
    public var observer: ((Observation) -> Void)?
    /// Receives every log line (the terminal writes them to its log file).
    public var logSink: ((LogLine) -> Void)?

    public typealias Observation = KernelObservation

    public init(kernel: TradingKernel, venue: SimulatedExchange) {
        self.kernel = kernel
        self.venue = venue
        effects.reserveCapacity(16)
    }

    public mutating func feed(_ event: MarketEvent) {
        let time = event.time.received
        if firstTime == nil { firstTime = time }
        if time > lastTime { lastTime = time }
        events += 1
        drain(upTo: time)
        observer?(.market(event))
        kernel.handle(.market(event), into: &effects)
        apply(at: time)
        reactVenue(to: event)
    }

    /// Moves time on without a market event (a live session's wall clock): orders,
    /// reports and timers due by then are handled.
    public mutating func advanceClock(to time: Timestamp) {
        drain(upTo: time)
        if time > lastTime { lastTime = time }
    }

    /// Lets what is in flight land (a few seconds past the last event) and takes the
    /// final equity.
    public mutating func finish() {
        drain(upTo: Timestamp(nanoseconds: lastTime.nanoseconds + 5_000_000_000))
        equity.append((lastTime, kernel.equity))
    }

    /// The venue sees the event, reading the kernel's book in place.
    private mutating func reactVenue(to event: MarketEvent) {
        var book: OrderBook?
        if venue.restingCount > 0, let symbol = event.symbol {
            switch event {
            case .bookDelta, .bookSnapshot: book = kernel.book(for: symbol)
            default: break
            }
        }
        let reports: [SimulatedReport]
        switch event {
        case .trade(let trade):
            reports = venue.trade(trade)
        case .bookDelta(let delta):
            venue.bookUpdated(symbol: delta.symbol, at: delta.time.received)
            guard let book, venue.restingCount > 0 else { return }
            reports = venue.bookChanged(symbol: delta.symbol, book: book, at: delta.time.received)
        case .bookSnapshot(let snapshot):
            guard let symbol = snapshot.symbol else { return }
            venue.bookUpdated(symbol: symbol, at: snapshot.time.received)
            guard let book, venue.restingCount > 0 else { return }
            reports = venue.bookChanged(symbol: symbol, book: book, at: snapshot.time.received)
        case .bestBidAsk:
            return
        }
        for report in reports { schedule(.deliver(report.event), at: report.deliverAt.nanoseconds) }
    }

    private mutating func drain(upTo time: Timestamp) {
        while let next = queue.min, next.time <= time.nanoseconds {
            _ = queue.removeMin()
            let at = Timestamp(nanoseconds: next.time)
            switch next.action {
            case .arrive(let request):
                for report in venue.orderArrived(request, at: at, book: kernel.book(for: request.symbol)) {
                    schedule(.deliver(report.event), at: report.deliverAt.nanoseconds)
                }
            case .cancel(let id):
                for report in venue.cancelArrived(id, at: at) {
                    schedule(.deliver(report.event), at: report.deliverAt.nanoseconds)
                }
            case .deliver(let event):
                kernel.handle(.order(event, receivedAt: at), into: &effects)
                apply(at: at)
            case .timer(let timer):
                kernel.handle(.timer(timer), into: &effects)
                apply(at: at)
            }
        }
    }

    /// Carries out the kernel's effects.
    fileprivate mutating func apply(at time: Timestamp) {
        guard !effects.isEmpty else { return }
        for effect in effects {
            if let observer, case .record(let record) = effect {
                observer(.delivered(record, at: time))
                // With the order as the kernel holds it now, for the journal.
                if case .order(let event) = record { observer(.orderChanged(event, order: kernel.order(event.orderID), at: time)) }
            }
            switch effect {
            case .submit(let request):
                let arrival = time.nanoseconds + venue.orderEntryDelay(symbol: request.symbol)
                observer?(.submitted(request, arrivesAt: Timestamp(nanoseconds: arrival)))
                schedule(.arrive(request), at: arrival)
            case .cancel(let id, let symbol):
                observer?(.cancelRequested(id, at: time))
                schedule(.cancel(id), at: time.nanoseconds + venue.orderEntryDelay(symbol: symbol))
            case .scheduleTimer(let at):
                schedule(.timer(at), at: at.nanoseconds)
            case .log(let line):
                logSink?(line)
                if line.level != .info { warnings += 1 }
                if logTail.count == 50 { logTail.removeFirst() }
                logTail.append(line)
            case .record(.order(.filled)):
                fills += 1
            case .record(.trade(let trade)):
                equity.append((trade.closedAt, kernel.equity))
            case .record(.equity(let at, let value)):
                equity.append((at, value))
            case .record(.detect):
                detects += 1
            case .record(.order), .record(.attention):
                break
            }
        }
        effects.removeAll(keepingCapacity: true)
    }

    private mutating func schedule(_ action: Scheduled.Action, at time: Int64) {
        sequence += 1
        queue.insert(Scheduled(time: time, sequence: sequence, action: action))
    }
}

/// Something due at a time: ordered by time, then by when it was scheduled.
public struct Scheduled: Comparable {
    public enum Action {
        case arrive(OrderRequest)
        case cancel(ClientOrderID)
        case deliver(OrderEvent)
        case timer(Timestamp)
    }

    public var time: Int64
    public var sequence: UInt64
    public var action: Action

    public static func < (lhs: Scheduled, rhs: Scheduled) -> Bool {
        lhs.time != rhs.time ? lhs.time < rhs.time : lhs.sequence < rhs.sequence
    }

    public static func == (lhs: Scheduled, rhs: Scheduled) -> Bool {
        lhs.time == rhs.time && lhs.sequence == rhs.sequence
    }
}

extension BacktestRun {
    /// The kernel on a simulated venue with the terminal's account terms (spot, or USD-M
    /// at 5x), default latency and a conservative queue: the engine of a replay in the
    /// terminal, of a paper session, and of the emulated strategies of a live one.
    public static func simulated(market kind: MarketKind, strategies: [any Strategy], cash: Money, risk: RiskSettings = RiskSettings(), exchangeRules: [String: SymbolRules] = [:]) -> BacktestRun {
        let terms: AccountTerms = kind == .spot ? .spot : .usdMargined(leverage: 5)
        var configuration = KernelConfiguration(account: terms, initialCash: cash, marketKind: kind)
        configuration.risk = risk
        configuration.exchangeRules = exchangeRules
        let settings = SimulationSettings(latency: .default, queue: .conservative, account: terms, seed: 1)
        return BacktestRun(kernel: TradingKernel(configuration: configuration, strategies: strategies), venue: SimulatedExchange(settings: settings, cash: cash))
    }

    /// The exchange's rules of a symbol, as they are from now on (a listing, a status
    /// change).
    public mutating func rules(_ rules: SymbolRules) {
        kernel.handle(.rules(rules), into: &effects)
        apply(at: lastTime)
    }

    /// A command from the trader at the current replay time.
    public mutating func user(_ command: UserCommand) {
        let at = lastTime
        kernel.handle(.user(command, at: at), into: &effects)
        apply(at: at)
    }
}
