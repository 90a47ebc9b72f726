import EngineCore
import Feeds
import Foundation
import MarketModel
import Storage
import Strategies
import Synchronization
import Trading
import TradingUI
import Venues

/// The live trading session as a machine that is pumped: headless
/// (`LiveTradingSession.run` pumps it in a loop) or behind the terminal (the engine
/// thread pumps it between frames and hands it the trader's commands).
///
/// A market frame is run through the kernel on the thread it arrived on, as soon as it
/// arrives, when the engine is free: the kernel's effects are carried out there — an
/// order's intent is committed to the journal before the signed request goes out — so
/// no thread hand-over lies between a frame and its order. Frames that arrive while
/// the engine is busy wait for the pump. Each pump takes those frames (waiting for the
/// first up to a limit), the user-data stream's reports, fetches a snapshot for a book
/// out of sync, fires due timers and polls the open orders' fills every 100 ms.
/// Strategies with `EmulatorMode=YES` trade a simulated account in a second kernel on
/// the same events. Time in the kernels is the local receive time (wall clock).
///
/// Every entry point holds `exclusive`, so the engine is used by one thread at a time:
/// that is what makes the unchecked `Sendable` safe. The feed's thread only ever
/// tries the lock, so a network thread never waits for the session.
public final class LiveTradingEngine: @unchecked Sendable {
    /// Held by whichever thread is using the engine (recursive: a terminal command
    /// reads the kernel and then places through ``user(_:)``).
    private let exclusive = NSRecursiveLock()
    /// Read only while holding `exclusive` (the session's outcome carries a copy).
    private(set) var kernel: TradingKernel
    private let options: LiveTradingSession.Options
    private let configuration: KernelConfiguration
    private var emulator: BacktestRun?
    private var emulatorJournal: KernelJournalFeed?
    private var client: any OrderVenue
    /// When the last order request was handed to the socket (the latency figure).
    private let written = Mailbox<Int64>()
    private var journalFeed: KernelJournalFeed?
    private let prefix: String
    private let inbox = FrameInbox()
    private let feed: MarketStreamSet
    private var parser: VenueFeedParser
    /// One frame's events (reused: no allocation per frame).
    private var frameEvents: [MarketEvent] = []
    private var lastCountdown: Int64 = 0
    private var effects: [KernelEffect] = []
    private var executed: [ClientOrderID: Quantity] = [:]
    /// The quote amount booked per order.
    private var executedQuote: [ClientOrderID: Money] = [:]
    private var timers: [Timestamp] = []
    private var lastSnapshotTry: [String: Int64] = [:]
    private var lastPoll: Int64 = 0
    private var frameToOrder: [Int64] = []
    private var orderStages: [OrderStages] = []
    /// When the session thread picked up the frame being handled (the stages' split).
    private var framePickedUp: Int64 = 0
    private var reconciliation: [String] = []
    private var cancelledLeftovers: [String] = []
    private var restoring: [PositionSnapshotRow] = []
    private var restoredFrom: Int64?
    private var ordersSent = 0
    private var recovered = 0
    /// Orders the exchange refused (answered with an error), by the refusal's code or
    /// label (`-2010`, `INVALID_PARAM`, `other`).
    private var refusals: [String: Int] = [:]
    /// Orders held for the request rate and failed cancels, and when to try again.
    private var retries = OrderRetries()
    /// Orders whose answers were lost and whose look-up failed: open in the kernel and
    /// looked up by the poll until the exchange says whether it has them.
    private var unconfirmed = Set<ClientOrderID>()
    /// Submits the kernel asked for while handling one input: past
    /// ``maximumOrdersPerInput`` the rest are refused locally (a loop would show here).
    private var submitsThisInput = 0
    static let maximumOrdersPerInput = 64
    /// The account's commission rates per symbol, as the exchange said at start.
    private var fees: [String: FeeSchedule] = [:]
    /// The last problems the session met, newest last (the summary shows them).
    private var lastErrors: [String] = []
    /// When the last market frame arrived, and whether the silence was reported.
    private var lastFrameAt = LiveTradingEngine.now()
    private var silent = false
    private var silences = 0
    /// How long without a market frame before the session says so.
    static let silenceLimit: Int64 = 10_000_000_000
    /// When the exchange's rules and the account's rates were last read; they are read
    /// again every ``rulesRefreshInterval`` (exchanges change ticks and fee tiers).
    private var rulesReadAt = LiveTradingEngine.now()
    static let rulesRefreshInterval: Int64 = 3_600_000_000_000
    /// What the terminal draws around the kernel (prices, tape, candles, equity).
    var history = ScreenHistory()
    private var finished = false
    /// Order updates pushed by the exchange (spot), when it took the subscription.
    private var userData: UserDataStream?
    /// Exchange client ids back to the kernel's.
    private var byExchangeID: [String: ClientOrderID] = [:]
    /// USD-M: the user-data stream's listen key, kept alive every 30 minutes and made
    /// anew when the exchange says it expired.
    private var listenKeys: ListenKeyHolder?
    private var lastKeepAlive: Int64 = 0
    /// Market frames the feed's thread handled as they arrived, and those that
    /// waited for the session thread because the engine was busy.
    private var framesOnArrival = 0
    private var framesWaited = 0
    private var fillsPushed = 0
    private var fillReports = 0
    private var fillsPolled = 0
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
        parser = .of(options.connection, multipliers: multipliers)
        emulator = emulated.isEmpty ? nil : BacktestRun.simulated(market: market, strategies: emulated, cash: options.cash, risk: options.risk)
        var configuration = KernelConfiguration(account: market == .spot ? .spot : .usdMargined(leverage: Int64(options.leverage)), initialCash: options.cash, marketKind: market)
        configuration.risk = options.risk
        self.configuration = configuration
        kernel = TradingKernel(configuration: configuration, strategies: strategies)
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
        for symbol in options.symbols {
            do throws(OrderVenueFailure) {
                if let rules = try client.symbolRules(symbol: symbol, at: Timestamp(nanoseconds: Self.now())) {
                    kernel.handle(.rules(rules), into: &effects)
                } else {
                    kernel.note(.warning, "\(symbol): the exchange's order rules are not read on \(options.connection.venue.rawValue) yet; tick and lot are inferred from the market", into: &effects)
                }
            } catch {
                throw LiveFailure(description: "\(symbol): \(error); no order was sent (without the exchange's filters, orders would be refused)")
            }
            do throws(OrderVenueFailure) {
                if let rates = try client.commissionRates(symbol: symbol) {
                    fees[symbol] = rates
                    kernel.note(.info, "\(symbol) commission: maker \(Double(rates.makerPartsPerMillion) / 1e4) %, taker \(Double(rates.takerPartsPerMillion) / 1e4) % (the account's rates, from the exchange)", into: &effects)
                }
            } catch {
                kernel.note(.warning, "\(symbol): commission rates not read (\(error)); fees estimated at the standard rates until fills report them", into: &effects)
            }
        }
        let written = self.written
        client.onRequestWritten = { time in written.publish(time) }

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
        prefix = journalFeed?.idPrefix ?? "s0-"

        // The feed's thread hands frames over and wakes the session at once: a frame
        // must not wait for a polling tick before the kernel sees it.
        let inbox = self.inbox
        feed = MarketStreamSet(connection: options.connection, symbols: options.symbols) { text, received in
            inbox.put(text, received)
        }
        try feed.start()
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
        // Positions taken over from the latest session: booked into the kernel and
        // journaled as `restored`, so this session's exits manage them.
        for row in restoring {
            guard let entry = row.entryPrice else { continue }
            kernel.restorePosition(symbol: row.symbol, quantity: Quantity(units: abs(row.quantity)), side: row.quantity > 0 ? .buy : .sell, entryPrice: Price(units: entry), at: Timestamp(nanoseconds: Self.now()), note: "left by session \(restoredFrom ?? 0)", into: &effects)
        }
        if !restoring.isEmpty {
            journalFeed?.restored(kernel)
            drainEffects()
        }
        // From here on, frames are handled as they arrive when the engine is free.
        inbox.handleFramesOnArrival { [weak self] in self?.handleFramesOnArrival() ?? false }
    }

    deinit { feed.stop() }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1e9) }

    private func exchangeID(_ id: ClientOrderID) -> String { prefix + id.description }

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
    func exclusively<Result>(_ body: () throws -> Result) rethrows -> Result {
        exclusive.lock()
        defer { exclusive.unlock() }
        return try body()
    }

    /// One step: frames that waited for the engine (waiting up to `seconds` for the
    /// first, or until a timer or the fill poll is due), reports, snapshots, timers,
    /// the fill poll.
    public func pump(waitingUpTo seconds: Double) {
        let wakeAt = exclusively { min(timers.min()?.nanoseconds ?? Int64.max, lastPoll + pollInterval, retries.nextDue ?? Int64.max, Self.now() + Int64(seconds * 1e9)) }
        inbox.wait(upTo: max(0, Double(wakeAt - Self.now()) / 1e9))
        exclusive.lock()
        defer { exclusive.unlock() }
        guard !finished else { return }
        for report in inbox.takeReports() { apply(report) }
        let frames = inbox.take()
        framesWaited += frames.count
        handle(frames)
        snapshotsAndTimers()
    }

    /// Market frames, in the order they arrived, through the kernel (and the emulator's).
    private func handle(_ frames: [(String, Int64)]) {
        if !frames.isEmpty {
            lastFrameAt = Self.now()
            if silent {
                silent = false
                note(.info, "market data flows again")
            }
        }
        for (text, received) in frames {
            framePickedUp = Self.now()
            frameEvents.removeAll(keepingCapacity: true)
            guard (try? parser.parse(text, received: Timestamp(nanoseconds: received), into: &frameEvents)) != nil else { continue }
            for event in frameEvents {
                eventsSinceRate += 1
                deliver(.market(event))
                // After the kernel: the screen's history is off the frame-to-order path.
                history.record(event)
                if emulator != nil {
                    emulator!.feed(event)
                    emulatorJournal?.sync(emulator!.kernel)
                }
            }
        }
    }

    /// The pump's own work: snapshots for books out of sync, timers, the fill poll,
    /// the countdown, the listen key, the screen's samples.
    private func snapshotsAndTimers() {
        for symbol in options.symbols where kernel.book(for: symbol) != nil && kernel.book(for: symbol)?.state != .synced {
            if let last = lastSnapshotTry[symbol], Self.now() - last < 1_000_000_000 { continue }
            lastSnapshotTry[symbol] = Self.now()
            guard let body = feed.depthSnapshot(of: symbol),
                  let snapshot = try? parser.snapshot(body, of: symbol, received: Timestamp(nanoseconds: Self.now())) else { continue }
            deliver(.market(.bookSnapshot(snapshot)))
            emulator?.feed(MarketEvent.bookSnapshot(snapshot))
        }
        let current = Self.now()
        if emulator != nil {
            emulator!.advanceClock(to: Timestamp(nanoseconds: current))
            emulatorJournal?.sync(emulator!.kernel)
        }
        if timers.contains(where: { $0.nanoseconds <= current }) {
            timers.removeAll { $0.nanoseconds <= current }
            deliver(.timer(Timestamp(nanoseconds: current)))
        }
        if current - lastPoll >= pollInterval {
            lastPoll = current
            poll()
        }
        retryDue(at: current)
        if current - rulesReadAt >= Self.rulesRefreshInterval {
            rulesReadAt = current
            refreshRules(at: current)
        }
        if !silent, current - lastFrameAt >= Self.silenceLimit {
            silent = true
            silences += 1
            note(.error, "NO MARKET DATA for \((current - lastFrameAt) / 1_000_000_000) s from \(options.connection.streams) (connection \(feed.status.connected ? "up" : "down")): strategies see nothing; check the endpoint")
        }
        armCountdown(at: current)
        keepListenKey(at: current)
        history.sampleEquity(kernel.equity, at: Timestamp(nanoseconds: current))
        if current - rateSince >= 500_000_000 {
            recentRate = recentRate * 0.5 + Double(eventsSinceRate) / (Double(current - rateSince) / 1e9) * 0.5
            eventsSinceRate = 0
            rateSince = current
        }
    }

    /// How often open orders are queried by client id: every 100 ms, or with the
    /// user-data stream taken, once a second as its safety net.
    private var pollInterval: Int64 { userData?.isSubscribed == true ? 1_000_000_000 : 100_000_000 }

    /// The exchange's rules and the account's rates, read again; a failure keeps the
    /// ones known (with a warning), it does not stop trading.
    private func refreshRules(at current: Int64) {
        for symbol in options.symbols {
            do throws(OrderVenueFailure) {
                if let rules = try client.symbolRules(symbol: symbol, at: Timestamp(nanoseconds: current)) {
                    // Told to the kernel (and logged) only when they changed.
                    var known = kernel.rules(for: symbol)
                    known?.fetchedAt = rules.fetchedAt
                    if rules != known { kernel.handle(.rules(rules), into: &effects) }
                }
                if let rates = try client.commissionRates(symbol: symbol), rates != fees[symbol] {
                    fees[symbol] = rates
                    note(.info, "\(symbol) commission now: maker \(Double(rates.makerPartsPerMillion) / 1e4) %, taker \(Double(rates.takerPartsPerMillion) / 1e4) %")
                }
            } catch {
                note(.warning, "\(symbol): the exchange's rules or rates could not be read again (\(error)); the ones read before stay")
            }
        }
        drainEffects()
    }

    /// USD-M and Gate.io spot: re-arms the exchange's countdown cancel-all every third of its time.
    private func armCountdown(at current: Int64) {
        guard client.hasCountdownCancel, let seconds = options.countdownSeconds, seconds > 0,
              current - lastCountdown >= Int64(seconds) * 1_000_000_000 / 3 else { return }
        lastCountdown = current
        for symbol in options.symbols {
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
    /// A market order goes out as a limit at the touch (the best ask to buy, the best
    /// bid to sell): the order client sends limit orders only, and a limit caps what a
    /// thin book can cost.
    /// Returns why nothing was done, if so.
    @discardableResult
    public func user(_ command: UserCommand) -> String? {
        exclusive.lock()
        defer { exclusive.unlock() }
        var command = command
        if case .place(var intent) = command, intent.kind == .market {
            let book = kernel.book(for: intent.symbol)
            let touch = intent.side == .buy ? book?.bestAsk?.price : book?.bestBid?.price
            guard let price = touch ?? kernel.lastPrice(of: intent.symbol) else {
                return "no price known yet for \(intent.symbol): order not sent"
            }
            intent.kind = .limit(price)
            command = .place(intent)
        }
        deliver(.user(command, at: Timestamp(nanoseconds: Self.now())))
        return nil
    }

    /// What the terminal draws now (LIVE mode).
    func screenData() -> ScreenData {
        exclusive.lock()
        defer { exclusive.unlock() }
        var snapshot = kernel.snapshot(depth: 30)
        snapshot.time = Timestamp(nanoseconds: Self.now())
        return ScreenData(
            mode: .live, exchange: options.connection.venue.rawValue, snapshot: snapshot, replay: nil, feed: feedHeader,
            feedLagMilliseconds: history.feedLag, eventsPerSecond: recentRate, redis: "off",
            priceHistory: history.priceHistory.mapValues { Array($0) }, tape: history.tape.mapValues { Array($0) },
            equityHistory: Array(history.equityHistory), volume: history.volume, candles: history.candleBars)
    }

    /// The last fills, the journal closed complete; the outcome of the session.
    public func finish() -> LiveTradingSession.Outcome {
        exclusive.lock()
        defer { exclusive.unlock() }
        if !finished {
            finished = true
            // One last try for the cancels still failing (the order client itself refuses
            // at once during a wait the exchange asked for): a clean end should leave
            // none unconfirmed.
            for pending in retries.cancels { attemptCancel(pending.id, symbol: pending.symbol) }
            drainEffects()
            poll()
            // A clean end: the orders stay (as on spot), the dead-man switch is disarmed.
            if client.hasCountdownCancel, options.countdownSeconds != nil {
                for symbol in options.symbols { try? client.armCountdown(symbol: symbol, seconds: 0) }
            }
            journalFeed?.finish(kernel, complete: true)
            if let emulator { emulatorJournal?.finish(emulator.kernel, complete: true) }
            feed.stop()
            userData?.stop()
        }
        var outcome = LiveTradingSession.Outcome(kernel: kernel, journalSession: journalFeed?.journal.sessionID, ordersSent: ordersSent, recovered: recovered, journalFailure: journalFeed?.failure ?? emulatorJournal?.failure, reconciliation: reconciliation, cancelledLeftovers: cancelledLeftovers, frameToOrder: frameToOrder, orderStages: orderStages, emulator: emulator?.kernel, emulatorJournalSession: emulatorJournal?.journal.sessionID, rateLimit: client.rateStatus, fillsPushed: fillsPushed, fillsPolled: fillsPolled, fillReports: fillReports, framesOnArrival: framesOnArrival, framesWaited: framesWaited)
        outcome.refusals = refusals
        outcome.ordersHeld = retries.ordersHeld
        outcome.stillHeld = retries.held.count
        outcome.cancelFailures = retries.cancelFailures
        outcome.cancelsRetried = retries.cancelsRetried
        outcome.cancelsPending = retries.cancels.count
        outcome.marketDataSilences = silences
        outcome.drops = feed.status.drops
        outcome.countdownFailure = countdownFailure
        outcome.lastErrors = lastErrors
        outcome.attention = kernel.attention.map { "\($0.symbol): \($0.reason)" }
        outcome.dust = kernel.dust.map { "\($0.symbol) \($0.quantity)" }
        return outcome
    }

    /// The connection and rate state for the header.
    public var feedHeader: String {
        exclusive.lock()
        defer { exclusive.unlock() }
        let status = feed.status
        let state = status.connected ? "up" : "down"
        let stream = options.connection.userData == nil ? "" : userData?.isSubscribed == true ? ", orders pushed" : ", orders polled"
        let countdown = client.hasCountdownCancel && options.countdownSeconds != nil ? (countdownFailure == nil ? ", countdown armed" : ", COUNTDOWN FAILED") : ""
        let pending = retries.cancels.isEmpty ? "" : ", \(retries.cancels.count) CANCEL\(retries.cancels.count == 1 ? "" : "S") PENDING"
        let held = retries.held.isEmpty ? "" : ", \(retries.held.count) held for the rate"
        let quiet = silent ? ", NO MARKET DATA" : ""
        let attention = kernel.attention.isEmpty ? "" : ", NEEDS ATTENTION: " + kernel.attention.map(\.symbol).joined(separator: " ")
        let connection: String = status.drops == 0 ? state : "\(state) (\(status.drops) drop\(status.drops == 1 ? "" : "s"))"
        let rate: String = client.rateStatus
        let clock: String = client.clockStatus
        return "\(connection), \(rate), \(clock)\(stream)\(countdown)\(pending)\(held)\(quiet)\(attention)"
    }

    public var reconciliationLines: [String] { reconciliation }

    private func deliver(_ input: KernelInput) {
        submitsThisInput = 0
        kernel.handle(input, into: &effects)
        drainEffects()
    }

    /// A line of the driver's into the kernel's log (the screen, the journal's log),
    /// kept for the summary when it is a problem.
    private func note(_ level: LogLine.Level, _ text: String) {
        kernel.note(level, text, into: &effects)
        guard level != .info else { return }
        if lastErrors.count == 8 { lastErrors.removeFirst() }
        lastErrors.append(text)
    }

    private func drainEffects() {
        while !effects.isEmpty {
            let batch = effects
            effects.removeAll()
            for effect in batch { carryOut(effect) }
        }
        journalFeed?.sync(kernel)
    }

    private func carryOut(_ effect: KernelEffect) {
        let time = Timestamp(nanoseconds: Self.now())
        switch effect {
        case .submit(let request):
            journalFeed?.observe(.submitted(request, arrivesAt: time))
            let committed = Self.now()
            // An order whose intent could not be made durable is not sent: after a crash
            // nobody would know it.
            if let failure = journalFeed?.failure {
                kernel.handle(.order(.rejected(request.id, time: time, reason: "not sent: the order journal cannot record it (\(failure))"), receivedAt: time), into: &effects)
                return
            }
            // However the kernel came to ask for them, this many orders from one input
            // are a loop: the rest are refused here, each journaled as rejected.
            submitsThisInput += 1
            if submitsThisInput > Self.maximumOrdersPerInput {
                record(.rejected(request.id, time: time, reason: "not sent: more than \(Self.maximumOrdersPerInput) orders asked for by one event"))
                return
            }
            transmit(request, decidedAt: time, committed: committed)
        case .cancel(let id, let symbol):
            journalFeed?.observe(.cancelRequested(id, at: time))
            if retries.release(id) != nil {
                // Held for the request rate, never sent: nothing to ask the exchange.
                record(.cancelled(id, time: time, reason: "cancelled before it was sent (it was held for the request rate)"))
                return
            }
            attemptCancel(id, symbol: symbol)
        case .scheduleTimer(let at):
            timers.append(at)
        case .record(.order(let event)):
            // Orders the risk gate denied never reach the exchange; the journal still
            // keeps them (everything else is journaled where it happens).
            if case .denied = event { journalFeed?.observe(.orderChanged(event, order: kernel.order(event.orderID), at: time)) }
        case .record(.attention(_, let order, let reason)):
            if let request = kernel.order(order)?.request { journalFeed?.attention(request, reason: reason, at: time) }
        case .log, .record:
            break
        }
    }

    /// Sends an order to the exchange. Held back by the request rate, it stays open in
    /// the kernel and goes again, unchanged, when the wait is over; refused by the
    /// exchange, it is rejected with the exchange's code and message.
    private func transmit(_ request: OrderRequest, decidedAt time: Timestamp, committed: Int64, again: Bool = false) {
        byExchangeID[exchangeID(request.id)] = request.id
        let price = request.kind.limitPrice?.formatted(fractionDigits: 2) ?? "0"
        do {
            let outcome = try client.place(symbol: request.symbol, side: request.side == .buy ? "BUY" : "SELL", price: price, quantity: request.quantity.formatted(fractionDigits: 0), clientOrderID: exchangeID(request.id), reduceOnly: request.reduceOnly)
            ordersSent += 1
            retries.release(request.id)
            // Strategy entries only: they are decided on a market frame, whose
            // arrival is the order's creation time in the kernel.
            let sentAt = written.take() ?? 0
            if sentAt > 0, !again, !request.origin.hasPrefix("exits:"), request.origin != "user" {
                frameToOrder.append(sentAt - request.createdAt.nanoseconds)
                orderStages.append(OrderStages(wake: framePickedUp - request.createdAt.nanoseconds, decide: time.nanoseconds - framePickedUp, commit: committed - time.nanoseconds, send: sentAt - committed))
            }
            if case .recovered = outcome { recovered += 1 }
            if executed[request.id] == nil { executed[request.id] = .zero }
            record(.accepted(request.id, time: Timestamp(nanoseconds: Self.now())))
        } catch {
            if error.outcomeUnknown {
                // Maybe on the book: never refused, never sent anew; the poll finds out.
                unconfirmed.insert(request.id)
                retries.release(request.id)
                ordersSent += 1
                if executed[request.id] == nil { executed[request.id] = .zero }
                note(.warning, error.description)
                return
            }
            if let retryAt = error.retryAt {
                if retries.hold(request, until: retryAt, because: error.description) {
                    note(.warning, "order \(exchangeID(request.id)) \(request.side.rawValue) \(request.quantity) \(request.symbol) held: \(error.description); sent again with the same client id in \(max(0, retryAt - Self.now()) / 1_000_000) ms")
                }
                return
            }
            retries.release(request.id)
            ordersSent += 1
            refusals[error.code.map { String($0) } ?? error.label ?? "other", default: 0] += 1
            note(.warning, error.description)
            record(.rejected(request.id, time: Timestamp(nanoseconds: Self.now()), reason: error.description))
            // Refused for balance: what does the account hold? A spot sell the exchange
            // cannot cover means the kernel books more coin than there is.
            if error.code == -2010 || error.label == "BALANCE_NOT_ENOUGH", request.side == .sell, configuration.account.kind == .spot {
                do throws(OrderVenueFailure) {
                    let holding = try client.holding(symbol: request.symbol)
                    kernel.reconcileHolding(symbol: request.symbol, held: holding.quantity, at: Timestamp(nanoseconds: Self.now()), into: &effects)
                } catch {
                    note(.warning, "\(request.symbol): the balance could not be read after a refusal for balance (\(error))")
                }
            }
        }
    }

    /// Asks the exchange to cancel an order. An answer saying how the order ended
    /// settles it; "unknown order" is resolved by looking the order up; any other
    /// failure (429, 503, no answer) is tried again until the exchange confirms.
    private func attemptCancel(_ id: ClientOrderID, symbol: String) {
        guard kernel.order(id)?.isOpen == true else {
            retries.cancelSettled(id)
            return
        }
        let time = Timestamp(nanoseconds: Self.now())
        var failure: OrderVenueFailure
        do throws(OrderVenueFailure) {
            let state = try client.cancel(symbol: symbol, clientOrderID: exchangeID(id))
            settle(id, symbol: symbol, state, at: time)
            return
        } catch {
            failure = error
        }
        if failure.isUnknownOrder {
            // Filled, or cancelled, meanwhile; or it never reached the exchange.
            do throws(OrderVenueFailure) {
                if let state = try client.query(symbol: symbol, clientOrderID: exchangeID(id)) {
                    settle(id, symbol: symbol, state, at: time)
                } else {
                    retries.cancelSettled(id)
                    record(.cancelled(id, time: time, reason: "the exchange does not know the order: it never got there"))
                }
                return
            } catch {
                failure = error
            }
        }
        let attempts = retries.cancelFailed(id, symbol: symbol, error: failure.description, retryAt: failure.retryAt, now: Self.now())
        if attempts == 1 {
            note(.warning, "cancel of \(exchangeID(id)) on \(symbol) failed: \(failure.description); tried again until the exchange confirms")
        } else if attempts % 10 == 0 {
            note(.error, "cancel of \(exchangeID(id)) on \(symbol) still failing after \(attempts) attempts: \(failure.description)")
        }
    }

    /// How the exchange says an order stands after a cancel: what it executed is booked
    /// first (a part filled just before the cancel must reach the kernel), then its end.
    /// Still open on the exchange, the cancel is tried again.
    private func settle(_ id: ClientOrderID, symbol: String, _ state: ExchangeOrderState, at time: Timestamp) {
        bookExecuted(id, total: state.executedQuantity, quote: state.executedQuote, price: nil)
        switch ExchangeOrderState.end(of: state.status) {
        case .cancelled:
            let retried = retries.isCancelPending(id)
            retries.cancelSettled(id)
            if kernel.order(id)?.isOpen == true { record(.cancelled(id, time: time, reason: retried ? "cancelled after retries" : "cancelled by request")) }
        case .rejected:
            retries.cancelSettled(id)
            if kernel.order(id)?.isOpen == true { record(.rejected(id, time: time, reason: "rejected by the exchange")) }
        case .filled:
            retries.cancelSettled(id)
        case nil:
            retries.cancelFailed(id, symbol: symbol, error: "the order is still \(state.status) after the cancel", retryAt: nil, now: Self.now())
        }
    }

    /// Held orders and failed cancels whose time has come, tried again.
    private func retryDue(at now: Int64) {
        for request in retries.dueOrders(at: now) {
            guard kernel.order(request.id)?.isOpen == true else {
                retries.release(request.id)
                continue
            }
            submitsThisInput = 0
            transmit(request, decidedAt: Timestamp(nanoseconds: now), committed: now, again: true)
            drainEffects()
        }
        for pending in retries.dueCancels(at: now) {
            submitsThisInput = 0
            attemptCancel(pending.id, symbol: pending.symbol)
            drainEffects()
        }
    }

    /// An order event into the kernel (and, through its record effects, the journal).
    private func record(_ event: OrderEvent) {
        kernel.handle(.order(event, receivedAt: event.time), into: &effects)
        journalFeed?.observe(.orderChanged(event, order: kernel.order(event.orderID), at: event.time))
    }

    /// An order update pushed by the exchange: a fill of what the order executed since
    /// the last look (at the report's own price), or its end on the exchange (a cancel
    /// from elsewhere, the countdown, an expiry) told to the kernel.
    private func apply(_ report: ExecutionReport) {
        if report.executionType == "TRADE", byExchangeID[report.clientOrderID] != nil { fillReports += 1 }
        guard let id = byExchangeID[report.clientOrderID], kernel.order(id)?.isOpen == true else { return }
        let time = Timestamp(nanoseconds: Self.now())
        let price = (try? Price(parsing: report.lastPrice)).flatMap { $0.units > 0 ? $0 : nil }
        // The report's commission is its last fill's (`n` for `l`): exact for that
        // fill; parts before it that this report also brings (a report lost or out of
        // order) are estimated.
        let last = try? Quantity(parsing: report.lastQuantity)
        let commission = last.flatMap { covers in report.commission.flatMap { amount in report.commissionAsset.map { (amount, $0, covers) } } }
        if bookExecuted(id, total: report.cumulativeQuantity, quote: report.cumulativeQuote, price: price, maker: report.isMaker, commission: commission) {
            fillsPushed += 1
            drainEffects()
        }
        endOnTheExchange(id, status: report.status, detail: report.rejectReason, at: time)
    }

    /// Books what an order executed beyond what the kernel has (the exchange's
    /// cumulative quantity); false when nothing was new. The part's price is what its
    /// quote amount came to (the growth of the exchange's cumulative quote over the
    /// growth of its quantity: exact however many fills one report covers, and the
    /// market's price for an order that crossed it), else `price` (the report's last
    /// fill), else the order's limit. Pushed reports, polls and cancel answers all come
    /// through here, so no part is booked twice.
    @discardableResult
    private func bookExecuted(_ id: ClientOrderID, total text: String, quote quoteText: String?, price: Price?, maker: Bool? = nil, commission: (amount: String, asset: String, covers: Quantity)? = nil) -> Bool {
        guard let order = kernel.order(id), order.isOpen, let total = try? Quantity(parsing: text),
              total > (executed[id] ?? .zero) else { return false }
        let quantity = total - (executed[id] ?? .zero)
        let quote = quoteText.flatMap { try? Money(parsing: $0) }
        let bookedQuote = executedQuote[id] ?? .zero
        let partPrice: Price?
        var newQuote: Money?
        if let quote, quote > bookedQuote {
            // The average of the part's fills, rounded to 10⁻⁸.
            partPrice = Price(units: Money.rounded(Int128(quote.units - bookedQuote.units) * Int128(FixedPoint.unitsPerWhole), dividingBy: Int128(quantity.units)))
            newQuote = quote
        } else {
            partPrice = price ?? order.request.kind.limitPrice
        }
        guard let price = partPrice else { return false }
        executed[id] = total
        executedQuote[id] = newQuote ?? Money(units: bookedQuote.units + Money.notional(price, quantity).units)
        // As the exchange says (Binance's `m`); otherwise inferred: filled better than its
        // limit, it took liquidity (a resting order fills at its own price).
        let limit = order.request.kind.limitPrice
        let improved = limit.map { order.request.side == .buy ? price < $0 : price > $0 } ?? false
        let liquidity: Liquidity = (maker.map { !$0 } ?? improved) ? .taker : .maker
        let symbol = order.request.symbol
        let rates = fees[symbol] ?? configuration.account.fees
        var fill = Fill(orderID: id, symbol: symbol, side: order.request.side, price: price, quantity: quantity, fee: rates.fee(on: .notional(price, quantity), as: liquidity), liquidity: liquidity, time: Timestamp(nanoseconds: Self.now()))
        let base = ExchangeHolding.baseAsset(of: symbol)
        let spotBuy = configuration.account.kind == .spot && order.request.side == .buy
        if let commission, let amount = try? Quantity(parsing: commission.amount), commission.covers.units > 0, commission.covers <= quantity {
            // The exchange's own figure for its last fill, in the asset it took it in;
            // the rest of the new quantity (fills this report does not itemise) estimated.
            let rest = quantity - commission.covers
            if commission.asset == base {
                let inCoin = amount + (spotBuy ? rates.feeInCoin(on: rest, as: liquidity) : .zero)
                fill.feeInBase = configuration.account.kind == .spot ? inCoin : .zero
                fill.fee = .notional(price, inCoin)
            } else if symbol.hasSuffix(commission.asset) || symbol.hasSuffix("_" + commission.asset) {
                fill.fee = Money(units: amount.units) + rates.fee(on: .notional(price, rest), as: liquidity)
            }
            // Another asset (BNB): its value in the quote is the rate's estimate above.
        } else if spotBuy {
            // Spot exchanges take a buy's fee out of the coin bought: what is held, and
            // so what an exit may sell, is the quantity less the fee.
            fill.feeInBase = rates.feeInCoin(on: quantity, as: liquidity)
            fill.fee = .notional(price, fill.feeInBase)
        }
        record(.filled(fill))
        return true
    }

    /// Fills by polling: an order's executed quantity grew since the last look.
    private func poll() {
        for order in kernel.openOrders where executed[order.id] != nil {
            let found: ExchangeOrderState?
            do throws(OrderVenueFailure) {
                found = try client.query(symbol: order.request.symbol, clientOrderID: exchangeID(order.id))
            } catch {
                continue
            }
            let time = Timestamp(nanoseconds: Self.now())
            guard let state = found else {
                // An order whose answers were lost and that the exchange does not know:
                // it never got there.
                if unconfirmed.remove(order.id) != nil {
                    record(.rejected(order.id, time: time, reason: "not on the exchange: its answers were lost and it never got there"))
                    drainEffects()
                }
                continue
            }
            if unconfirmed.remove(order.id) != nil, kernel.order(order.id)?.status == .new {
                note(.info, "order \(exchangeID(order.id)) is on the exchange (\(state.status)) after its answers were lost")
                record(.accepted(order.id, time: time))
                drainEffects()
            }
            if bookExecuted(order.id, total: state.executedQuantity, quote: state.executedQuote, price: nil) {
                fillsPolled += 1
                drainEffects()
            }
            // An end the pushed reports did not bring (a lost event, no stream).
            if !retries.isCancelPending(order.id) { endOnTheExchange(order.id, status: state.status, detail: nil, at: time) }
        }
    }

    /// An order that ended on the exchange without Apogee asking (a cancel from
    /// elsewhere, the countdown, an expiry, a rejection) told to the kernel, once; its
    /// fills are booked before.
    private func endOnTheExchange(_ id: ClientOrderID, status: String, detail: String?, at time: Timestamp) {
        guard kernel.order(id)?.isOpen == true else { return }
        switch ExchangeOrderState.end(of: status) {
        case .cancelled:
            record(.cancelled(id, time: time, reason: "\(status.lowercased()) on the exchange"))
        case .rejected:
            record(.rejected(id, time: time, reason: "rejected by the exchange: \(detail ?? "-")"))
        case .filled, nil:
            return
        }
        drainEffects()
    }
}
