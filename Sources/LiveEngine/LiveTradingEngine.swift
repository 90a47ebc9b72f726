import Sinks
import VenueClients
import Backtesting
import Simulation
import EngineCore
import Feeds
import Foundation
import LiveCore
import MarketModel
import Storage
import Strategies
import Synchronization
import Trading
import TradingUI
import Venues

/// The I/O shell of a live trading session: it owns the sockets (the market streams,
/// the order client, the user-data stream), the journal and the clock, and carries out
/// what ``LiveOrderMachine`` decides. The machine owns every decision (what to send,
/// retry, cancel, book); this class only performs its actions and hands it the
/// exchange's answers, typed. Pumped headless (`LiveTradingSession.run`) or behind
/// the terminal (the engine thread pumps it between frames and hands it the trader's
/// commands).
///
/// A market frame is run through the machine on the thread it arrived on, as soon as
/// it arrives, when the engine is free: its actions are carried out there — an order's
/// intent is committed to the journal before the signed request goes out — so no
/// thread hand-over lies between a frame and its order. Frames that arrive while the
/// engine is busy wait for the pump. Each pump takes those frames (waiting for the
/// first up to a limit), the user-data stream's updates, fetches a snapshot for a book
/// out of sync and ticks the machine (timers, retries, the fill poll). Strategies with
/// `EmulatorMode=YES` trade a simulated account in a second kernel on the same events.
/// Time in the kernels is the local receive time (wall clock).
///
/// Every entry point holds `exclusive`, so the engine is used by one thread at a time:
/// that is what makes the unchecked `Sendable` safe. The feed's thread only ever
/// tries the lock, so a network thread never waits for the session.
public final class LiveTradingEngine: @unchecked Sendable {
    /// Held by whichever thread is using the engine (recursive: a terminal command
    /// reads the kernel and then places through ``user(_:)``).
    private let exclusive = NSRecursiveLock()
    /// The session's decisions; read only while holding `exclusive`.
    private(set) var machine: LiveOrderMachine
    public var kernel: TradingKernel { machine.kernel }
    private let options: LiveTradingSession.Options
    private var emulator: BacktestRun?
    private var emulatorJournal: KernelJournalFeed?
    private var client: any OrderVenue
    /// When the last order request was handed to the socket (the latency figure).
    private let written = Mailbox<Int64>()
    private var journalFeed: KernelJournalFeed?
    /// The Redis mirror's feed, when the session mirrors (`--redis`).
    private var mirrorFeed: KernelMirrorFeed?
    private let inbox = FrameInbox()
    /// The market data: the same ingest path as paper (parsing, malformed frames
    /// counted, snapshots fetched in the background).
    private let feed: LiveEventSource
    /// One frame's events (reused: no allocation per frame).
    private var frameEvents: [MarketEvent] = []
    private var lastCountdown: Int64 = 0
    private var frameToOrder: [Int64] = []
    private var orderStages: [OrderStages] = []
    /// When the session thread picked up the frame being handled, and when the last
    /// intent's journal commit began and ended (the stages' split).
    private var framePickedUp: Int64 = 0
    private var intentStarted: Int64 = 0
    private var intentCommitted: Int64 = 0
    private var reconciliation: [String] = []
    private var cancelledLeftovers: [String] = []
    /// What the terminal draws around the kernel (prices, tape, candles, equity).
    var history = ScreenHistory()
    private var finished = false
    /// Order updates pushed by the exchange, when it took the subscription.
    private var userData: UserDataStream?
    /// USD-M: the user-data stream's listen key, kept alive every 30 minutes and made
    /// anew when the exchange says it expired.
    private var listenKeys: ListenKeyHolder?
    private var lastKeepAlive: Int64 = 0
    /// Market frames the feed's thread handled as they arrived, and those that
    /// waited for the session thread because the engine was busy.
    private var framesOnArrival = 0
    private var framesWaited = 0
    private var eventsSinceRate = 0
    private var rateSince = LiveTradingEngine.now()
    private var recentRate: Double = 0

    public init(options: LiveTradingSession.Options) throws(LiveFailure) {
        self.options = options
        // Strategies with EmulatorMode=YES trade a simulated account of their own, on
        // the same feed: their orders never reach the exchange and their positions
        // never mix with the real ones.
        var strategies: [any Strategy] = []
        var emulated: [any Strategy] = []
        for (name, given) in options.strategies {
            guard let entry = StrategyCatalog.entry(named: name) else { throw LiveFailure(description: "unknown strategy '\(name)'") }
            let parameters: ParameterSet
            do { parameters = try ParameterSet(specs: entry.specs, given: given) } catch { throw LiveFailure(description: error.description) }
            if parameters.emulated { emulated.append(entry.make(parameters)) } else { strategies.append(entry.make(parameters)) }
        }
        let market: MarketKind = options.connection.isFutures ? .usdMargined : .spot
        let multipliers = try GateContracts.multipliers(options.connection, symbols: options.symbols)
        emulator = emulated.isEmpty ? nil : BacktestRun.simulated(market: market, strategies: emulated, cash: options.cash, risk: options.risk)
        var configuration = KernelConfiguration(account: market == .spot ? .spot : .usdMargined(leverage: Int64(options.leverage)), initialCash: options.cash, marketKind: market)
        configuration.risk = options.risk
        let kernel = TradingKernel(configuration: configuration, strategies: strategies)
        client = makeOrderVenue(connection: options.connection, credentials: options.credentials, multipliers: multipliers)
        // Signed requests carry the exchange's time, not ours (Binance refuses one outside
        // recvWindow, Gate one more than 60 s off).
        client.syncClock(samples: 3)
        // Futures: margin type and leverage per symbol before any order; a refusal
        // stops the session (trading on settings the trader did not ask for is worse).
        for symbol in options.symbols where options.connection.isFutures {
            do throws(OrderVenueFailure) {
                try client.configureFutures(symbol: symbol, leverage: options.leverage, marginType: options.marginType)
            } catch {
                throw LiveFailure(description: "\(symbol): \(error); no order was sent")
            }
        }
        // The exchange's own order rules and fee rates, before any order: an order that
        // breaks a filter is refused by the exchange, and a refused exit re-sent is how
        // order loops start.
        var startRules: [(symbol: String, rules: SymbolRules?, rates: FeeSchedule?, problem: String?)] = []
        for symbol in options.symbols {
            let rules: SymbolRules?
            do throws(OrderVenueFailure) {
                rules = try client.symbolRules(symbol: symbol, at: Timestamp(nanoseconds: Self.now()))
            } catch {
                throw LiveFailure(description: "\(symbol): \(error); no order was sent (without the exchange's filters, orders would be refused)")
            }
            do throws(OrderVenueFailure) {
                startRules.append((symbol, rules, try client.commissionRates(symbol: symbol), nil))
            } catch {
                startRules.append((symbol, rules, nil, "\(symbol): commission rates not read (\(error)); fees estimated at the standard rates until fills report them"))
            }
        }
        let written = self.written
        client.onRequestWritten = { time in written.publish(time) }

        var restoring: [PositionSnapshotRow] = []
        var restoredFrom: Int64?
        // The journal: the intent of each order is committed before the order is sent.
        let venue = options.connection.label
        if let path = options.database {
            do {
                let database = try ApogeeDatabase(path: path)
                // Before this session's record exists: what did crashed sessions leave?
                // First the intents a crash left only in their logs, so every order the
                // exchange saw is in the journal the reconciliation reads.
                let imported = try TradingJournal.recoverIntents(database: database)
                var found = try LiveTradingSession.reconcile(database: database, venue: venue, client: client, symbols: options.symbols, cancelBuys: options.cancelLeftoverBuys)
                if imported > 0 { found.lines.insert("\(imported) order intent(s) recovered from the intent log of a crashed session", at: 0) }
                (reconciliation, cancelledLeftovers) = (found.lines, found.cancelled)
                restoring = found.positions
                restoredFrom = found.fromSession
                let journal = try TradingJournal(database: database, session: TradingSessionRecord(kind: "live", venue: venue, source: options.symbols.joined(separator: ","), strategies: options.strategies.map(\.name).joined(separator: ","), createdAt: Timestamp(nanoseconds: Self.now()).description))
                // Now, not on the first order's path. If it cannot be opened, the first
                // order tries again and, failing, is not sent (with the reason).
                try? journal.openIntentLog()
                let journalFeed = KernelJournalFeed(journal: journal)
                journalFeed.idPrefix = "s\(journal.sessionID)-"
                self.journalFeed = journalFeed
                if emulator != nil {
                    let record = TradingSessionRecord(kind: "emulator", venue: "simulator", source: "\(venue) " + options.symbols.joined(separator: ","), strategies: options.strategies.filter { item in emulated.contains { $0.name == item.name } }.map(\.name).joined(separator: ","), createdAt: Timestamp(nanoseconds: Self.now()).description)
                    let emulatorFeed = KernelJournalFeed(journal: try TradingJournal(database: database, session: record))
                    emulator?.observer = { emulatorFeed.observe($0) }
                    emulatorJournal = emulatorFeed
                }
            } catch let error as LiveFailure {
                throw error
            } catch let error as OrderVenueFailure {
                // The exchange's own words (a wrong key: -2015 …), not the journal's.
                throw LiveFailure(description: "the start-up check against the exchange failed: \(error); no order was sent")
            } catch {
                throw LiveFailure(description: "order journal: \(error)")
            }
        }
        var machineConfiguration = LiveOrderMachine.Configuration(idPrefix: journalFeed?.idPrefix ?? "s0-", symbols: options.symbols, streams: "\(options.connection.streams)")
        if let mirror = options.mirror {
            mirrorFeed = KernelMirrorFeed(mirror: mirror, mode: "live")
            machineConfiguration.passesRecords = true
        }
        machine = LiveOrderMachine(kernel: kernel, configuration: machineConfiguration, startedAt: Self.now())

        // The feed's thread hands frames over and wakes the session at once: a frame
        // must not wait for a polling tick before the kernel sees it.
        let inbox = self.inbox
        feed = try LiveEventSource(connection: options.connection, symbols: options.symbols, depth: options.depth) { text, received in
            inbox.put(text, received)
        }
        if let watch = options.listingWatch { feed.watchListings(quote: watch.quote, every: watch.every) }
        if let address = options.connection.userData {
            let deliver: @Sendable (ExecutionReport) -> Void = { report in inbox.put(report) }
            let stream: UserDataStream?
            switch options.connection.venue {
            case .gate:
                stream = UserDataStream(gate: address, tls: options.connection.tls, credentials: options.credentials, pairs: options.symbols, clock: { LiveTradingEngine.now() }, deliver: deliver)
            case .gateFutures:
                if let gate = client as? GateOrderClient, let user = try? gate.futuresUserID() {
                    stream = UserDataStream(gate: address, tls: options.connection.tls, credentials: options.credentials, pairs: options.symbols, futuresUser: user, multipliers: multipliers, clock: { LiveTradingEngine.now() }, deliver: deliver)
                } else {
                    stream = nil
                }
            case .binanceFutures:
                let keys = ListenKeyHolder()
                if let futures = client as? BinanceOrderClient, let key = try? futures.createListenKey() {
                    keys.set(key)
                    listenKeys = keys
                    lastKeepAlive = Self.now()
                    stream = UserDataStream(futures: address, tls: options.connection.tls, keys: keys, deliver: deliver)
                } else {
                    stream = nil
                }
            case .binance:
                stream = UserDataStream(address: address, tls: options.connection.tls, credentials: options.credentials, clock: { LiveTradingEngine.now() }, deliver: deliver)
            }
            // Without it, fills are still found by polling: not a reason to stop.
            if let stream, (try? stream.start()) != nil { userData = stream }
        }
        var actions: [LiveAction] = []
        for start in startRules {
            machine.start(rules: start.rules, rates: start.rates, of: start.symbol, venue: options.connection.venue.rawValue, into: &actions)
            if let problem = start.problem { machine.note(.warning, problem) }
        }
        // Positions taken over from the latest session: booked into the kernel and
        // journaled as `restored`, so this session's exits manage them.
        for row in restoring {
            guard let entry = row.entryPrice else { continue }
            machine.restore(symbol: row.symbol, quantity: Quantity(units: abs(row.quantity)), side: row.quantity > 0 ? .buy : .sell, entryPrice: Price(units: entry), at: Self.now(), note: "left by session \(restoredFrom ?? 0)", into: &actions)
        }
        carryOut(actions)
        if !restoring.isEmpty { journalFeed?.restored(machine.kernel) }
        // From here on, frames are handled as they arrive when the engine is free.
        inbox.handleFramesOnArrival { [weak self] in self?.handleFramesOnArrival() ?? false }
    }

    deinit { feed.stop() }

    static func now() -> Int64 { WallClock.now() }

    /// On the feed's thread, as a frame arrives: handles the frames waiting if nothing
    /// else holds the engine; false (the session thread will) if something does.
    private func handleFramesOnArrival() -> Bool {
        guard exclusive.try() else { return false }
        defer { exclusive.unlock() }
        // After `finish` the journal is closed: nothing more may reach the kernel.
        guard !finished else { return true }
        let frames = inbox.take()
        framesOnArrival += frames.count
        handle(frames)
        return true
    }

    /// Runs `body` while holding the engine.
    public func exclusively<Result>(_ body: () throws -> Result) rethrows -> Result {
        exclusive.lock()
        defer { exclusive.unlock() }
        return try body()
    }

    /// One step: frames that waited for the engine (waiting up to `seconds` for the
    /// first, or until the machine has something due), updates, snapshots, the tick.
    public func pump(waitingUpTo seconds: Double) {
        let wakeAt = exclusively { min(machine.nextDue(ordersPushed: ordersPushed), Self.now() + Int64(seconds * 1e9)) }
        inbox.wait(upTo: max(0, Double(wakeAt - Self.now()) / 1e9))
        exclusive.lock()
        defer { exclusive.unlock() }
        guard !finished else { return }
        for update in inbox.takeReports() {
            do throws(OrderVenueFailure) {
                run(.answer(.pushed(try VenueOrderReport(update)), at: Self.now()))
            } catch {
                machine.note(.warning, error.description)
            }
        }
        let frames = inbox.take()
        framesWaited += frames.count
        handle(frames)
        snapshotsAndTick()
    }

    private var ordersPushed: Bool { userData?.isSubscribed == true }

    /// Market frames, in the order they arrived, through the machine (and the emulator's).
    private func handle(_ frames: [(String, Int64)]) {
        for (text, received) in frames {
            framePickedUp = Self.now()
            frameEvents.removeAll(keepingCapacity: true)
            feed.parse(text, received: received, into: &frameEvents)
            for event in frameEvents {
                eventsSinceRate += 1
                run(.market(event, at: received))
                mirrorFeed?.observe(.market(event))
                // After the kernel: the screen's history is off the frame-to-order path.
                history.record(event)
                if emulator != nil {
                    emulator!.feed(event)
                    emulatorJournal?.sync(emulator!.kernel)
                }
            }
        }
    }

    /// The pump's own work: snapshots for books out of sync, the machine's tick (timers,
    /// retries, the fill poll, the rules' refresh, the silence watch), the countdown,
    /// the listen key, the screen's samples.
    private func snapshotsAndTick() {
        // Fetched in the background (the session thread never waits on the network);
        // each arrives with a later pump.
        for symbol in feed.symbols where kernel.book(for: symbol) != nil && kernel.book(for: symbol)?.state != .synced {
            feed.requestSnapshot(of: symbol)
        }
        // Listings and delistings seen by the watch (`--quote`): traded, or stopped.
        for change in feed.takeListingChanges() {
            var actions: [LiveAction] = []
            machine.relist(change.rules, listed: change.listed, at: Self.now(), into: &actions)
            carryOut(actions)
        }
        frameEvents.removeAll(keepingCapacity: true)
        feed.takeSnapshots(into: &frameEvents)
        for snapshot in frameEvents {
            run(.market(snapshot, at: Self.now()))
            emulator?.feed(snapshot)
        }
        let current = Self.now()
        if emulator != nil {
            emulator!.advanceClock(to: Timestamp(nanoseconds: current))
            emulatorJournal?.sync(emulator!.kernel)
        }
        run(.tick(.init(now: current, feedConnected: feed.status.connected, ordersPushed: ordersPushed)))
        armCountdown(at: current)
        keepListenKey(at: current)
        history.sampleEquity(kernel.equity, at: Timestamp(nanoseconds: current))
        if current - rateSince >= 500_000_000 {
            recentRate = recentRate * 0.5 + Double(eventsSinceRate) / (Double(current - rateSince) / 1e9) * 0.5
            eventsSinceRate = 0
            rateSince = current
        }
    }

    /// USD-M and Gate.io spot: re-arms the exchange's countdown cancel-all every third of its time.
    private func armCountdown(at current: Int64) {
        guard client.hasCountdownCancel, let seconds = options.countdownSeconds, seconds > 0,
              current - lastCountdown >= Int64(seconds) * 1_000_000_000 / 3 else { return }
        lastCountdown = current
        for symbol in feed.symbols {
            do throws(OrderVenueFailure) {
                try client.armCountdown(symbol: symbol, seconds: seconds)
                countdownFailure = nil
            } catch {
                countdownFailure = "\(error)"
            }
        }
    }

    /// USD-M: the listen key lives 60 minutes unless kept alive; a key the exchange
    /// no longer knows (-1125) or said expired is replaced, and the stream's next
    /// reconnection uses the new one.
    private func keepListenKey(at current: Int64) {
        guard let keys = listenKeys, let futures = client as? BinanceOrderClient else { return }
        let due = current - lastKeepAlive >= 30 * 60 * 1_000_000_000
        guard due || keys.isExpired else { return }
        lastKeepAlive = current
        if !keys.isExpired {
            do throws(OrderVenueFailure) {
                try futures.keepListenKeyAlive()
                return
            } catch {
                if error.code != -1125 { return }
            }
        }
        if let key = try? futures.createListenKey() { keys.set(key) }
    }

    /// Why the last countdown arming failed, if it did (shown in the header).
    public private(set) var countdownFailure: String?

    /// A command of the trader (a hotkey, the kill switch), at the wall clock's time.
    /// A market order goes out as a limit at the touch (the order client sends limit
    /// orders only, and a limit caps what a thin book can cost).
    /// Returns why nothing was done, if so.
    @discardableResult
    public func user(_ command: UserCommand) -> String? {
        exclusive.lock()
        defer { exclusive.unlock() }
        switch machine.limitAtTouch(command) {
        case .success(let command):
            run(.user(command, at: Self.now()))
            return nil
        case .failure(let refusal):
            return refusal.description
        }
    }

    /// What the terminal draws now (LIVE mode).
    public func screenData(focus: String? = nil) -> ScreenData {
        exclusive.lock()
        defer { exclusive.unlock() }
        var snapshot = kernel.snapshot(depth: 30)
        snapshot.time = Timestamp(nanoseconds: Self.now())
        // The book on screen is streamed, whatever the session streams of the rest.
        if let shown = focus ?? snapshot.markets.first?.symbol { feed.needDepth(shown) }
        let drawn = history.drawn(focus: focus)
        var data = ScreenData(
            mode: .live, exchange: options.connection.venue.rawValue, snapshot: snapshot, replay: nil, feed: feedHeader,
            feedLagMilliseconds: history.feedLag, eventsPerSecond: recentRate, redis: options.mirror?.status.headerText ?? "off",
            priceHistory: drawn.prices, tape: drawn.tape,
            equityHistory: Array(history.equityHistory), volume: history.volume, candles: drawn.candles)
        data.priceTimes = drawn.times
        data.dayTickers = feed.dayTickers
        return data
    }

    /// The last fills, the journal closed complete; the outcome of the session.
    public func finish() -> LiveTradingSession.Outcome {
        exclusive.lock()
        defer { exclusive.unlock() }
        if !finished {
            finished = true
            // One last try for the cancels still failing (the order client itself refuses
            // at once during a wait the exchange asked for) and a last look at the fills:
            // a clean end should leave none unconfirmed.
            run(.finishing(at: Self.now()))
            // A clean end: the orders stay (as on spot), the dead-man switch is disarmed.
            if client.hasCountdownCancel, options.countdownSeconds != nil {
                for symbol in options.symbols { try? client.armCountdown(symbol: symbol, seconds: 0) }
            }
            journalFeed?.finish(kernel, complete: true)
            mirrorFeed?.sync(kernel, force: true)
            if let emulator { emulatorJournal?.finish(emulator.kernel, complete: true) }
            feed.stop()
            userData?.stop()
        }
        let counts = machine.counts
        let retries = machine.retries
        var outcome = LiveTradingSession.Outcome(kernel: kernel, journalSession: journalFeed?.journal.sessionID, ordersSent: counts.ordersSent, recovered: counts.recovered, journalFailure: journalFeed?.failure ?? emulatorJournal?.failure, reconciliation: reconciliation, cancelledLeftovers: cancelledLeftovers, frameToOrder: frameToOrder, orderStages: orderStages, emulator: emulator?.kernel, emulatorJournalSession: emulatorJournal?.journal.sessionID, rateLimit: client.rateStatus, fillsPushed: counts.fillsPushed, fillsPolled: counts.fillsPolled, fillReports: counts.fillReports, framesOnArrival: framesOnArrival, framesWaited: framesWaited)
        outcome.refusals = counts.refusals
        outcome.ordersHeld = retries.ordersHeld
        outcome.stillHeld = retries.held.count
        outcome.cancelFailures = retries.cancelFailures
        outcome.cancelsRetried = retries.cancelsRetried
        outcome.cancelsPending = retries.cancels.count
        outcome.marketDataSilences = counts.marketDataSilences
        outcome.drops = feed.status.drops
        outcome.countdownFailure = countdownFailure
        outcome.lastErrors = machine.lastErrors
        outcome.attention = kernel.attention.map { "\($0.symbol): \($0.reason)" }
        outcome.dust = kernel.dust.map { "\($0.symbol) \($0.quantity)" }
        return outcome
    }

    /// The connection and rate state for the header.
    public var feedHeader: String {
        exclusive.lock()
        defer { exclusive.unlock() }
        let status = feed.status
        let retries = machine.retries
        let state = status.connected ? "up" : "down"
        let stream = options.connection.userData == nil ? "" : ordersPushed ? ", orders pushed" : ", orders polled"
        let countdown = client.hasCountdownCancel && options.countdownSeconds != nil ? (countdownFailure == nil ? ", countdown armed" : ", COUNTDOWN FAILED") : ""
        let pending = retries.cancels.isEmpty ? "" : ", \(retries.cancels.count) CANCEL\(retries.cancels.count == 1 ? "" : "S") PENDING"
        let held = retries.held.isEmpty ? "" : ", \(retries.held.count) held for the rate"
        let quiet = machine.isSilent ? ", NO MARKET DATA" : ""
        let attention = kernel.attention.isEmpty ? "" : ", NEEDS ATTENTION: " + kernel.attention.map(\.symbol).joined(separator: " ")
        let connection: String = status.drops == 0 ? state : "\(state) (\(status.drops) drop\(status.drops == 1 ? "" : "s"))"
        let rate: String = client.rateStatus
        let clock: String = client.clockStatus
        return "\(connection), \(rate), \(clock)\(stream)\(countdown)\(pending)\(held)\(quiet)\(attention)"
    }

    public var reconciliationLines: [String] { reconciliation }

    // MARK: - Carrying out the machine's actions

    /// One input through the machine, its actions carried out against the exchange and
    /// the journal, then the journal's positions brought up to date.
    private func run(_ input: LiveOrderMachine.Input) {
        machine.run(input) { action in perform(action) }
        journalFeed?.sync(machine.kernel)
        mirrorFeed?.sync(machine.kernel)
    }

    /// Actions decided outside an input (at start), carried out the same way.
    private func carryOut(_ actions: [LiveAction]) {
        for action in actions {
            if let reply = perform(action) { run(.answer(reply.answer, at: reply.at)) }
        }
        journalFeed?.sync(machine.kernel)
    }

    /// Carries out one action; the exchange's answer, typed, with the time it came.
    private func perform(_ action: LiveAction) -> (answer: VenueAnswer, at: Int64)? {
        switch action {
        case .journal(let entry):
            write(entry)
            return nil
        case .place(let request, let clientOrderID, let resend):
            // An order whose intent could not be made durable is not sent: after a crash
            // nobody would know it.
            if let failure = journalFeed?.failure {
                return (.notSent(request.id, reason: "not sent: the order journal cannot record it (\(failure))"), Self.now())
            }
            let answer: VenueAnswer
            do throws(OrderVenueFailure) {
                let outcome = try client.place(symbol: request.symbol, side: request.side == .buy ? "BUY" : "SELL", price: request.kind.limitPrice?.formatted(fractionDigits: 2) ?? "0", quantity: request.quantity.formatted(fractionDigits: 0), clientOrderID: clientOrderID, reduceOnly: request.reduceOnly)
                switch outcome {
                case .placed(let state), .resent(let state): answer = .placed(request.id, try? VenueOrderReport(state), recovered: false)
                case .recovered(let state): answer = .placed(request.id, try? VenueOrderReport(state), recovered: true)
                }
                measure(request, resend: resend)
            } catch {
                answer = .placeFailed(request.id, error)
            }
            return (answer, Self.now())
        case .cancel(let id, let symbol, let clientOrderID):
            do throws(OrderVenueFailure) {
                return (.cancelAnswered(id, try VenueOrderReport(try client.cancel(symbol: symbol, clientOrderID: clientOrderID))), Self.now())
            } catch {
                return (.cancelFailed(id, error), Self.now())
            }
        case .lookUp(let id, let symbol, let clientOrderID, let purpose):
            do throws(OrderVenueFailure) {
                let state = try client.query(symbol: symbol, clientOrderID: clientOrderID)
                return (.lookedUp(id, try state.map { state throws(OrderVenueFailure) in try VenueOrderReport(state) }, purpose: purpose), Self.now())
            } catch {
                return (.lookUpFailed(id, error, purpose: purpose), Self.now())
            }
        case .readHolding(let symbol):
            do throws(OrderVenueFailure) {
                return (.holding(symbol: symbol, try client.holding(symbol: symbol).quantity), Self.now())
            } catch {
                return (.holdingUnread(symbol: symbol, error), Self.now())
            }
        case .readRules(let symbol):
            do throws(OrderVenueFailure) {
                let rules = try client.symbolRules(symbol: symbol, at: Timestamp(nanoseconds: Self.now()))
                return (.rules(symbol: symbol, rules, try client.commissionRates(symbol: symbol)), Self.now())
            } catch {
                return (.rulesUnread(symbol: symbol, error), Self.now())
            }
        }
    }

    /// A journal entry to the sinks: the order journal, and the mirror when on.
    private func write(_ entry: LiveJournalEntry) {
        switch entry {
        case .submitted(let request, let at):
            intentStarted = Self.now()
            journalFeed?.observe(.submitted(request, arrivesAt: at))
            intentCommitted = Self.now()
        case .cancelRequested(let id, let at):
            journalFeed?.observe(.cancelRequested(id, at: at))
        case .orderChanged(let event, let order):
            journalFeed?.observe(.orderChanged(event, order: order, at: event.time))
        case .attention(let request, let reason, let at):
            journalFeed?.attention(request, reason: reason, at: at)
        case .delivered(let record, let at):
            mirrorFeed?.observe(.delivered(record, at: at))
        }
    }

    /// The frame-to-order latency of a strategy's entry (decided on a market frame,
    /// whose arrival is the order's creation time in the kernel), split into stages.
    private func measure(_ request: OrderRequest, resend: Bool) {
        let sentAt = written.take() ?? 0
        guard sentAt > 0, !resend, !request.origin.hasPrefix("exits:"), request.origin != "user" else { return }
        frameToOrder.append(sentAt - request.createdAt.nanoseconds)
        orderStages.append(OrderStages(wake: framePickedUp - request.createdAt.nanoseconds, decide: intentStarted - framePickedUp, commit: intentCommitted - intentStarted, send: sentAt - intentCommitted))
    }
}
