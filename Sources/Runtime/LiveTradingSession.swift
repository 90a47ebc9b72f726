import EngineCore
import Feeds
import Foundation
import MarketModel
import OrderBook
import Storage
import Strategies
import Synchronization
import Trading
import Venues

/// A headless live trading session on Binance spot (over TLS, or the loopback fake exchange):
/// the exchange's streams feed the same kernel, strategies, exits and risk gate as a
/// replay; the kernel's orders go out as signed REST requests, each one's intent
/// committed to the order journal first; order states and fills come back by polling
/// the orders by client id (a user-data stream replaces the polling in issue #7).
///
/// Time in the kernel is the local receive time of the market data (wall clock).
public final class LiveTradingSession {
    public struct Options: Sendable {
        public var symbols: [String]
        public var connection: VenueConnection
        public var credentials: APICredentials
        public var strategies: [(name: String, parameters: [(key: String, value: ParameterValue, source: String)])]
        public var cash = Money(whole: 10_000)
        /// The risk gate's limits and halts, the kill switch's drawdown among them.
        public var risk = RiskSettings()
        public var database: String?
        /// On start, cancel the buy orders an earlier live session of this venue left
        /// open when it crashed (MoonBot's `KeepOrdersAfterCrash=0`); sells are kept so
        /// positions can still exit.
        public var cancelLeftoverBuys = true
        /// Checked every few milliseconds; true ends the session.
        public var stopWhen: @Sendable () -> Bool

        public init(symbols: [String], connection: VenueConnection, credentials: APICredentials, strategies: [(name: String, parameters: [(key: String, value: ParameterValue, source: String)])], stopWhen: @escaping @Sendable () -> Bool) {
            self.symbols = symbols
            self.connection = connection
            self.credentials = credentials
            self.strategies = strategies
            self.stopWhen = stopWhen
        }
    }

    public struct Outcome: Sendable {
        public var kernel: TradingKernel
        public var journalSession: Int64?
        public var ordersSent: Int
        public var recovered: Int
        public var journalFailure: StorageError?
        /// What the start-up reconciliation found and did, one line each.
        public var reconciliation: [String]
        /// Client ids of leftover orders it cancelled.
        public var cancelledLeftovers: [String]
        /// Per order sent: nanoseconds from the market frame's arrival (the kernel's
        /// time for it) to the order request handed to the socket.
        public var frameToOrder: [Int64]
        /// The strategies with `EmulatorMode=YES`: their kernel on the simulated venue,
        /// fed the same market events, and its journal session (kind `emulator`).
        public var emulator: TradingKernel?
        public var emulatorJournalSession: Int64?
        /// The request-weight state at the end (`weight 12/6000`, `rate-limited 1 s`).
        public var rateLimit: String = ""
    }

    public static func run(_ options: Options) throws(LiveFailure) -> Outcome {
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
        var emulator = emulated.isEmpty ? nil : BacktestRun.simulated(market: .spot, strategies: emulated, cash: options.cash, risk: options.risk)
        var emulatorJournal: KernelJournalFeed?
        var configuration = KernelConfiguration(account: .spot, initialCash: options.cash, marketKind: .spot)
        configuration.risk = options.risk
        var kernel = TradingKernel(configuration: configuration, strategies: strategies)
        guard options.connection.venue == .binance else { throw LiveFailure(description: "live orders are built for Binance spot so far (\(options.connection.venue.rawValue): issue #7)") }
        let client = BinanceOrderClient(connection: options.connection, credentials: options.credentials)
        let written = Mutex<Int64>(0)
        client.onRequestWritten = { time in written.withLock { $0 = time } }
        var frameToOrder: [Int64] = []

        // The journal: the intent of each order is committed before the order is sent.
        var journalFeed: KernelJournalFeed?
        var reconciliation: [String] = []
        var cancelledLeftovers: [String] = []
        let venue = options.connection.label
        if let path = options.database {
            do {
                let database = try ApogeeDatabase(path: path)
                // Before this session's record exists: what did crashed sessions leave?
                (reconciliation, cancelledLeftovers) = try reconcile(database: database, venue: venue, client: client, symbols: options.symbols, cancelBuys: options.cancelLeftoverBuys)
                let journal = try TradingJournal(database: database, session: TradingSessionRecord(kind: "live", venue: venue, source: options.symbols.joined(separator: ","), strategies: options.strategies.map(\.name).joined(separator: ","), createdAt: Timestamp(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9)).description))
                let feed = KernelJournalFeed(journal: journal)
                feed.idPrefix = "s\(journal.sessionID)-"
                journalFeed = feed
                if emulator != nil {
                    let record = TradingSessionRecord(kind: "emulator", venue: "simulator", source: "\(venue) " + options.symbols.joined(separator: ","), strategies: options.strategies.filter { item in emulated.contains { $0.name == item.name } }.map(\.name).joined(separator: ","), createdAt: Timestamp(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9)).description)
                    let emulatorFeed = KernelJournalFeed(journal: try TradingJournal(database: database, session: record))
                    emulator?.observer = { emulatorFeed.observe($0) }
                    emulatorJournal = emulatorFeed
                }
            } catch let error as LiveFailure {
                throw error
            } catch {
                throw LiveFailure(description: "order journal: \(error)")
            }
        }
        let prefix = journalFeed?.idPrefix ?? "s0-"
        func exchangeID(_ id: ClientOrderID) -> String { prefix + id.description }

        // The feed's thread hands frames over and wakes the session at once: a frame
        // must not wait for a polling tick before the kernel sees it.
        let inbox = FrameInbox()
        let feed = MarketStreamSet(connection: options.connection, symbols: options.symbols) { text, received in
            inbox.put(text, received)
        }
        try feed.start()
        defer { feed.stop() }

        var parser = BinanceFeedParser(market: .spot)
        var effects: [KernelEffect] = []
        var executed: [ClientOrderID: Quantity] = [:]
        var timers: [Timestamp] = []
        var lastSnapshotTry: [String: Int64] = [:]
        var lastPoll: Int64 = 0
        var ordersSent = 0
        var recovered = 0
        func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1e9) }

        func deliver(_ input: KernelInput) {
            kernel.handle(input, into: &effects)
            while !effects.isEmpty {
                let batch = effects
                effects.removeAll()
                for effect in batch { carryOut(effect) }
            }
            journalFeed?.sync(kernel)
        }

        func carryOut(_ effect: KernelEffect) {
            let time = Timestamp(nanoseconds: now())
            switch effect {
            case .submit(let request):
                journalFeed?.observe(.submitted(request, arrivesAt: time))
                ordersSent += 1
                let price = request.kind.limitPrice?.formatted(fractionDigits: 2) ?? "0"
                do {
                    let outcome = try client.place(symbol: request.symbol, side: request.side == .buy ? "BUY" : "SELL", price: price, quantity: request.quantity.formatted(fractionDigits: 0), clientOrderID: exchangeID(request.id))
                    // Strategy entries only: they are decided on a market frame, whose
                    // arrival is the order's creation time in the kernel.
                    let sentAt = written.withLock { $0 }
                    if sentAt > 0, !request.origin.hasPrefix("exits:"), request.origin != "user" { frameToOrder.append(sentAt - request.createdAt.nanoseconds) }
                    if case .recovered = outcome { recovered += 1 }
                    executed[request.id] = .zero
                    record(.accepted(request.id, time: time))
                } catch {
                    record(.rejected(request.id, time: time, reason: error.description))
                }
            case .cancel(let id, let symbol):
                journalFeed?.observe(.cancelRequested(id, at: time))
                if let state = try? client.cancel(symbol: symbol, clientOrderID: exchangeID(id)), state.status == "CANCELED" {
                    record(.cancelled(id, time: time, reason: "cancelled by request"))
                }
            case .scheduleTimer(let at):
                timers.append(at)
            case .record(.order(let event)):
                // Orders the risk gate denied never reach the exchange; the journal still
                // keeps them (everything else is journaled where it happens).
                if case .denied = event { journalFeed?.observe(.orderChanged(event, order: kernel.order(event.orderID), at: time)) }
            case .log, .record:
                break
            }
        }

        /// An order event into the kernel (and, through its record effects, the journal).
        func record(_ event: OrderEvent) {
            kernel.handle(.order(event, receivedAt: event.time), into: &effects)
            journalFeed?.observe(.orderChanged(event, order: kernel.order(event.orderID), at: event.time))
        }

        /// Fills by polling: an order's executed quantity grew since the last look.
        func poll() {
            for order in kernel.openOrders where executed[order.id] != nil {
                guard let state = try? client.query(symbol: order.request.symbol, clientOrderID: exchangeID(order.id)),
                      let total = try? Quantity(parsing: state.executedQuantity) else { continue }
                let before = executed[order.id] ?? .zero
                guard total > before, let price = order.request.kind.limitPrice else { continue }
                executed[order.id] = total
                let quantity = total - before
                let fee = configuration.account.fees.fee(on: .notional(price, quantity), as: .maker)
                let time = Timestamp(nanoseconds: now())
                record(.filled(Fill(orderID: order.id, symbol: order.request.symbol, side: order.request.side, price: price, quantity: quantity, fee: fee, liquidity: .maker, time: time)))
                while !effects.isEmpty {
                    let batch = effects
                    effects.removeAll()
                    for effect in batch { carryOut(effect) }
                }
                journalFeed?.sync(kernel)
            }
        }

        while !options.stopWhen() {
            // Sleep until a frame arrives (the inbox wakes us at once), the next timer
            // or fill poll is due, or 50 ms pass: an idle session wakes ~10 times a
            // second, not 500.
            let wakeAt = min(timers.min()?.nanoseconds ?? Int64.max, lastPoll + 100_000_000, now() + 50_000_000)
            for (text, received) in inbox.take(waiting: max(0, Double(wakeAt - now()) / 1e9)) {
                guard let event = try? parser.parse(text, received: Timestamp(nanoseconds: received)) else { continue }
                deliver(.market(event))
                if emulator != nil {
                    emulator!.feed(event)
                    emulatorJournal?.sync(emulator!.kernel)
                }
            }
            for symbol in options.symbols where kernel.book(for: symbol) != nil && kernel.book(for: symbol)?.state != .synced {
                if let last = lastSnapshotTry[symbol], now() - last < 1_000_000_000 { continue }
                lastSnapshotTry[symbol] = now()
                guard let body = feed.depthSnapshot(of: symbol),
                      case .bookSnapshot(var snapshot)? = try? parser.parse(body, received: Timestamp(nanoseconds: now())) else { continue }
                snapshot.symbol = symbol
                deliver(.market(.bookSnapshot(snapshot)))
                emulator?.feed(MarketEvent.bookSnapshot(snapshot))
            }
            let current = now()
            if emulator != nil {
                emulator!.advanceClock(to: Timestamp(nanoseconds: current))
                emulatorJournal?.sync(emulator!.kernel)
            }
            let due = timers.filter { $0.nanoseconds <= current }
            if !due.isEmpty {
                timers.removeAll { $0.nanoseconds <= current }
                deliver(.timer(Timestamp(nanoseconds: current)))
            }
            if current - lastPoll >= 100_000_000 {
                lastPoll = current
                poll()
            }
        }
        poll()
        journalFeed?.finish(kernel, complete: true)
        if let emulator { emulatorJournal?.finish(emulator.kernel, complete: true) }
        return Outcome(kernel: kernel, journalSession: journalFeed?.journal.sessionID, ordersSent: ordersSent, recovered: recovered, journalFailure: journalFeed?.failure ?? emulatorJournal?.failure, reconciliation: reconciliation, cancelledLeftovers: cancelledLeftovers, frameToOrder: frameToOrder, emulator: emulator?.kernel, emulatorJournalSession: emulatorJournal?.journal.sessionID, rateLimit: client.rateStatus)
    }

    /// Compares the journals of earlier live sessions on this venue that never closed
    /// (a crash, `kill -9`) with the exchange's open orders: their buys are cancelled
    /// (when asked), their sells kept; orders the journals do not know are reported and
    /// left alone. The positions those sessions last journaled are reported.
    static func reconcile(database: ApogeeDatabase, venue: String, client: BinanceOrderClient, symbols: [String], cancelBuys: Bool) throws -> ([String], [String]) {
        var lines: [String] = []
        var cancelled: [String] = []
        let crashed = try database.tradingSessions().filter { $0.session.kind == "live" && $0.session.venue == venue && !$0.session.complete }
        var known: [String: Int64] = [:]
        for entry in crashed {
            guard let id = entry.session.id, let journal = try database.journal(session: id) else { continue }
            for row in journal.orders { known[row.clientOrderID] = id }
            let positions = Dictionary(grouping: journal.positions, by: \.symbol).compactMap { $0.value.last }.filter { $0.quantity != 0 }.sorted { $0.symbol < $1.symbol }
            lines.append("session \(id) did not close: \(entry.orders) orders journaled" + (positions.isEmpty ? ", flat" : ", last positions " + positions.map { "\($0.symbol) \(Quantity(units: $0.quantity))" }.joined(separator: ", ")))
        }
        for symbol in symbols {
            for order in try client.openOrders(symbol: symbol) {
                guard let session = known[order.clientOrderID] else {
                    lines.append("open order \(order.clientOrderID) on \(symbol) is not in any journal: left alone")
                    continue
                }
                if order.side == "BUY", cancelBuys {
                    _ = try client.cancel(symbol: symbol, clientOrderID: order.clientOrderID)
                    cancelled.append(order.clientOrderID)
                    lines.append("cancelled buy \(order.clientOrderID) on \(symbol) left open by session \(session)")
                } else {
                    lines.append("kept \(order.side.lowercased()) \(order.clientOrderID) on \(symbol) from session \(session)")
                }
            }
        }
        return (lines, cancelled)
    }
}

/// Frames from the feed's thread to the session's, with a wake-up.
final class FrameInbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var frames: [(String, Int64)] = []

    func put(_ text: String, _ received: Int64) {
        condition.lock()
        frames.append((text, received))
        condition.signal()
        condition.unlock()
    }

    /// Everything waiting, or after at most `seconds` of nothing, nothing.
    func take(waiting seconds: Double) -> [(String, Int64)] {
        condition.lock()
        defer { condition.unlock() }
        if frames.isEmpty { _ = condition.wait(until: Date(timeIntervalSinceNow: seconds)) }
        defer { frames.removeAll(keepingCapacity: true) }
        return frames
    }
}
