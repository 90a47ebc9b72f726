import Backtesting
import Sinks
import VenueClients
import DequeModule
import EngineCore
import MarketModel
import RedisMirror
import Storage
import Simulation
import Strategies
import TUIKit
import Trading
import TradingUI

/// A recording replayed through the kernel and the simulated venue on a replay clock:
/// the engine behind the terminal in REPLAY mode. Given a ``LiveEventSource`` instead,
/// the same engine trades a live feed on the simulated venue on the wall clock: PAPER
/// mode (`apogee live --paper`), where the replay controls do nothing.
///
/// The clock moves by the wall time between frames times the speed (1x…1000x); flat
/// out (speed 0) it feeds a fixed budget of events per frame instead. Pause, step one
/// event or one second, jump a minute or to the next fill, jump to a time, restart.
public final class ReplaySession {
    public let files: [String]
    private let replayOptions: ReplayOptions
    private let makeRun: () -> BacktestRun
    private(set) var run: BacktestRun
    /// The recordings are read as the clock reaches them (constant memory, a fast
    /// first frame); a restart opens them again.
    private var stream: RecordingEventStream?
    /// The live feed of a paper session (nil in a replay).
    public let live: LiveEventSource?
    private var pending: MarketEvent?
    private var exhausted = false
    public private(set) var eventsFed = 0
    private let firstTime: Timestamp
    public private(set) var clock: Timestamp
    public var speed = 1
    public var paused = false
    /// Events fed per frame when flat out.
    public var flatOutBudget = 20_000
    private var history = ScreenHistory()
    private var recentRate: Double = 0
    /// Where the engine's log lines go (the terminal sets it).
    public var logFile: LogFile? {
        didSet { attachLog() }
    }

    /// Mirrors the session's state to Redis (the terminal sets it from --redis).
    public var mirror: RedisMirror? {
        didSet { attachMirror() }
    }
    private var mirrorFeed: KernelMirrorFeed?

    private func attachMirror() {
        mirrorFeed = mirror.map { KernelMirrorFeed(mirror: $0, mode: live == nil ? "replay" : "paper") }
        attachObservers()
    }

    /// Opens the order journal of a run; a restart closes the journal of the old run
    /// and opens a new one (order ids start again with a new run). Set by the terminal.
    public var openJournal: (() -> TradingJournal?)? {
        didSet {
            journalFeed = openJournal?().map(KernelJournalFeed.init)
            attachObservers()
        }
    }
    private var journalFeed: KernelJournalFeed?
    /// The journal's session id in the database, when journaling.
    public var journalSessionID: Int64? { journalFeed?.journal.sessionID }
    /// Why the journal stopped, if it did.
    public var journalFailure: StorageError? { journalFeed?.failure }

    private func attachObservers() {
        let mirror = mirrorFeed
        let journal = journalFeed
        if mirror == nil, journal == nil {
            run.observer = nil
        } else {
            run.observer = { observation in
                mirror?.observe(observation)
                journal?.observe(observation)
            }
        }
    }

    /// Writes the journal's last rows and closes its session.
    public func closeJournal(complete: Bool = true) {
        journalFeed?.finish(run.kernel, complete: complete)
    }

    private func attachLog() {
        let file = logFile
        run.logSink = file.map { file in { file.write($0) } }
    }

    /// Opens the recordings and sets up the engine. The market (spot or futures) is
    /// read off the first events.
    public init(files: [String], database: String? = nil, strategies: @escaping () -> [any Strategy], cash: Money = Money(whole: 10_000), risk: RiskSettings = RiskSettings()) throws(ReplayFailure) {
        self.files = files
        var options = ReplayOptions(files: files)
        options.database = database
        replayOptions = options
        live = nil
        let opened = try RecordingEventStream(options: options)
        var head: [MarketEvent] = []
        var market: MarketKind?
        while head.count < 64, let item = try opened.next() {
            head.append(item.event)
            market = market ?? item.market
        }
        let exchangeRules: ExchangeRulesSource
        do {
            exchangeRules = try ExchangeRulesSource.resolve(explicit: nil, recordings: files, recorded: opened.exchangeRules)
        } catch {
            throw .exchangeRules(error.description)
        }
        makeRun = Self.runMaker(market: market ?? Backtest.inferMarket(head), strategies: strategies, cash: cash, risk: risk, exchangeRules: exchangeRules.rules)
        run = makeRun()
        firstTime = head.first?.time.received ?? Timestamp(nanoseconds: 0)
        clock = firstTime
        // Re-open so the events read to learn the market are replayed too.
        stream = try RecordingEventStream(options: options)
        warmUp()
    }

    /// A paper session: the live feed's events into the kernel and the simulated venue,
    /// as they arrive.
    public init(live source: LiveEventSource, strategies: @escaping () -> [any Strategy], cash: Money = Money(whole: 10_000), risk: RiskSettings = RiskSettings()) {
        files = [source.endpoint]
        replayOptions = ReplayOptions(files: [])
        live = source
        makeRun = Self.runMaker(market: source.market, strategies: strategies, cash: cash, risk: risk)
        run = makeRun()
        firstTime = Timestamp(nanoseconds: WallClock.now())
        clock = firstTime
    }

    private static func runMaker(market kind: MarketKind, strategies: @escaping () -> [any Strategy], cash: Money, risk: RiskSettings, exchangeRules: [String: SymbolRules] = [:]) -> () -> BacktestRun {
        { BacktestRun.simulated(market: kind, strategies: strategies(), cash: cash, risk: risk, exchangeRules: exchangeRules) }
    }

    /// The first second of the recording, so even a paused start shows books and prices.
    private func warmUp() {
        feed(until: Timestamp(nanoseconds: clock.nanoseconds + 1_000_000_000))
    }

    public var finished: Bool { live == nil && exhausted && pending == nil }
    public var progress: Double {
        if finished { return 1 }
        let total = stream?.fileBytesTotal ?? 0
        return total > 0 ? min(1, Double(stream?.fileBytesRead ?? 0) / Double(total)) : 0
    }
    public var kernel: TradingKernel { run.kernel }

    /// The next event without consuming it.
    private func peek() -> MarketEvent? {
        if pending == nil, !exhausted {
            // A damaged line ends nothing: it was counted by the stream; go on.
            pending = (try? stream?.next())?.event
            if pending == nil { exhausted = true }
        }
        return pending
    }

    /// Moves the clock by `wallNanoseconds` of real time and feeds what is due.
    public func advance(wallNanoseconds: Int64) {
        if let live {
            followLive(live, wallNanoseconds: wallNanoseconds)
            return
        }
        guard !paused, !finished else { return }
        let before = eventsFed
        if speed == 0 {
            feed(count: flatOutBudget)
        } else {
            clock = Timestamp(nanoseconds: clock.nanoseconds + wallNanoseconds * Int64(speed))
            feed(until: clock)
        }
        let seconds = Double(wallNanoseconds) / 1e9
        if seconds > 0 { recentRate = recentRate * 0.8 + Double(eventsFed - before) / seconds * 0.2 }
    }

    /// Paper: everything the feed delivered, timers due by the wall clock, and a
    /// snapshot asked for each book that is out of sync.
    private func followLive(_ live: LiveEventSource, wallNanoseconds: Int64) {
        let before = eventsFed
        for event in live.drain() { consume(event) }
        // Listings and delistings seen by the watch (`--quote`): the kernel learns the
        // new market's rules, or that a market stopped trading.
        for change in live.takeListingChanges() { run.rules(change.rules) }
        let now = Timestamp(nanoseconds: WallClock.now())
        if now > clock { clock = now }
        run.advanceClock(to: clock)
        mirrorFeed?.sync(run.kernel)
        journalFeed?.sync(run.kernel)
        for symbol in live.symbols {
            if let book = run.kernel.book(for: symbol), book.state != .synced { live.requestSnapshot(of: symbol) }
        }
        // A coin with an order or a position has its book streamed: the simulated
        // exchange fills against it (without one, only prints through a price fill).
        if live.depthSymbols != nil {
            for order in run.kernel.openOrders { live.needDepth(order.request.symbol, settled: false) }
            for position in run.kernel.account.openPositions { live.needDepth(position.symbol, settled: false) }
        }
        let seconds = Double(wallNanoseconds) / 1e9
        if seconds > 0 { recentRate = recentRate * 0.8 + Double(eventsFed - before) / seconds * 0.2 }
    }

    public func step() { feed(count: 1) }
    public func stepSecond() { feed(until: Timestamp(nanoseconds: clock.nanoseconds + 1_000_000_000)) }
    public func jumpMinute() { feed(until: Timestamp(nanoseconds: clock.nanoseconds + 60_000_000_000)) }

    /// Feeds until the next fill arrives (or the end).
    public func jumpToNextFill() {
        let fills = run.fills
        while !finished, run.fills == fills { feed(count: 1) }
    }

    /// Feeds until a strategy asks for an order or the kernel logs a warning or an error.
    public func jumpToNextEvent() {
        let intents = run.kernel.strategyIntents
        let alerts = run.kernel.alerts
        while !finished, run.kernel.strategyIntents == intents, run.kernel.alerts == alerts { feed(count: 1) }
    }

    /// Feeds until the given UTC time of day (only forward).
    public func jump(toHour hour: Int, minute: Int) {
        let day = clock.nanoseconds - clock.nanoseconds % 86_400_000_000_000
        let target = day + Int64(hour * 3600 + minute * 60) * 1_000_000_000
        if target > clock.nanoseconds { feed(until: Timestamp(nanoseconds: target)) }
    }

    public func restart() {
        guard live == nil else { return }
        closeJournal()
        run = makeRun()
        attachLog()
        mirrorFeed = mirror.map { KernelMirrorFeed(mirror: $0, mode: live == nil ? "replay" : "paper") }
        journalFeed = openJournal?().map(KernelJournalFeed.init)
        attachObservers()
        if let reopened = try? RecordingEventStream(options: replayOptions) {
            stream = reopened
            pending = nil
            exhausted = false
        }
        eventsFed = 0
        clock = firstTime
        history = ScreenHistory()
        warmUp()
    }

    public func user(_ command: UserCommand) {
        run.user(command)
        mirrorFeed?.sync(run.kernel)
        journalFeed?.sync(run.kernel)
    }

    private func feed(until time: Timestamp) {
        while let next = peek(), next.time.received <= time { feedOne() }
        if time > clock { clock = time }
    }

    private func feed(count: Int) {
        var left = count
        while left > 0, peek() != nil {
            feedOne()
            left -= 1
        }
    }

    private func feedOne() {
        guard let event = peek() else { return }
        pending = nil
        consume(event)
    }

    private func consume(_ event: MarketEvent) {
        eventsFed += 1
        if event.time.received > clock { clock = event.time.received }
        history.record(event)
        run.feed(event)
        mirrorFeed?.sync(run.kernel)
        journalFeed?.sync(run.kernel)
        history.sampleEquity(run.kernel.equity, at: clock)
    }

    /// What the screen draws now.
    public func screenData(focus: String? = nil) -> ScreenData {
        let exchange = "binance"
        var snapshot = run.kernel.snapshot(depth: 30)
        snapshot.time = clock
        // The book on screen is streamed, whatever the session streams of the rest.
        if let live, let shown = focus ?? snapshot.markets.first?.symbol { live.needDepth(shown) }
        let drawn = history.drawn(focus: focus)
        var replay = live == nil ? ReplayStatus(speed: speed, paused: paused, progress: progress, finished: finished) : nil
        replay?.elapsed = Timestamp(nanoseconds: max(0, clock.nanoseconds - firstTime.nanoseconds))
        var data = ScreenData(
            mode: live == nil ? .replay : .paper, exchange: live?.venue.rawValue ?? exchange, snapshot: snapshot,
            replay: replay,
            feed: live?.headerText,
            feedLagMilliseconds: history.feedLag, eventsPerSecond: recentRate, redis: mirror?.status.headerText ?? "off",
            priceHistory: drawn.prices, tape: drawn.tape,
            equityHistory: Array(history.equityHistory), volume: history.volume, candles: drawn.candles, queueAhead: run.venue.queueAhead)
        data.priceTimes = drawn.times
        if let live { data.dayTickers = live.dayTickers }
        return data
    }
}
