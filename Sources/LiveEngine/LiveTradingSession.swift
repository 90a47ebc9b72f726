import VenueClients
import LiveCore
import EngineCore
import Feeds
import Foundation
import MarketModel
import OrderBook
import RedisMirror
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
        /// USD-M: the leverage and margin type set on each symbol at start.
        public var leverage = 5
        public var marginType = "ISOLATED"
        /// USD-M: the exchange's countdown cancel-all, kept armed while the session runs
        /// (re-armed every third of it), so every open order dies this many seconds
        /// after the machine or the connection does. Nil: off.
        public var countdownSeconds: Int? = 30
        /// `--quote`: the quote market's listing read again this often, new listings
        /// traded and delistings stopped while the session runs (nil: the symbols stay
        /// as they were at the start).
        public var listingWatch: (quote: String, every: Double)?
        /// The symbols whose diff depth is streamed from the start (nil: all); the book
        /// on screen joins them when shown.
        public var depth: Set<String>?
        public var database: String?
        /// On start, cancel the buy orders an earlier live session of this venue left
        /// open when it crashed (MoonBot's `KeepOrdersAfterCrash=0`); sells are kept so
        /// positions can still exit.
        public var cancelLeftoverBuys = true
        /// The Redis mirror of the session's state (`--redis`), nil when off; the caller
        /// finishes it after the session.
        public var mirror: RedisMirror?
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
        /// The same orders split into stages (ns): the frame waiting for the engine,
        /// parse to the kernel's decision, the journal's intent commit, and
        /// signing to the request on the socket.
        public var orderStages: [OrderStages] = []
        /// The strategies with `EmulatorMode=YES`: their kernel on the simulated venue,
        /// fed the same market events, and its journal session (kind `emulator`).
        public var emulator: TradingKernel?
        public var emulatorJournalSession: Int64?
        /// The request-weight state at the end (`weight 12/6000`, `rate-limited 1 s`).
        public var rateLimit: String = ""
        /// Fills that arrived on the user-data stream, and those found by polling.
        public var fillsPushed = 0
        public var fillsPolled = 0
        /// Fill reports the user-data stream brought for this session's orders, booked
        /// or already known from a poll (which of the two comes first is a race).
        public var fillReports = 0
        /// Market frames the feed's thread ran through the kernel as they arrived, and
        /// those that waited for the session thread because the engine was busy (a
        /// fill poll, a snapshot, the terminal reading it).
        public var framesOnArrival = 0
        public var framesWaited = 0
        /// Orders the exchange refused, by its code or label.
        public var refusals: [String: Int] = [:]
        /// Orders held back by the request rate (each once), and those still held at the end.
        public var ordersHeld = 0
        public var stillHeld = 0
        /// Cancel attempts that failed, cancels that needed retries, and cancels the
        /// exchange had not confirmed at the end.
        public var cancelFailures = 0
        public var cancelsRetried = 0
        public var cancelsPending = 0
        /// Times the market data stopped for 10 s or more.
        public var marketDataSilences = 0
        /// Market-data connections lost.
        public var drops = 0
        public var countdownFailure: String?
        /// The session's last warnings and errors, newest last.
        public var lastErrors: [String] = []
        /// Symbols whose exits need the trader, and positions too small to trade.
        public var attention: [String] = []
        public var dust: [String] = []
    }

    /// Runs the session until `options.stopWhen` says so (headless).
    public static func run(_ options: Options) throws(LiveFailure) -> Outcome {
        let engine = try LiveTradingEngine(options: options)
        while !options.stopWhen() { engine.pump(waitingUpTo: 0.05) }
        return engine.finish()
    }

    /// What the start-up reconciliation found and did.
    struct Reconciliation {
        var lines: [String] = []
        /// Client ids of leftover buys it cancelled.
        var cancelled: [String] = []
        /// Positions the latest session of this venue last journaled, to take over.
        var positions: [PositionSnapshotRow] = []
        var fromSession: Int64?
    }

    /// Compares the journals of earlier live sessions on this venue with the exchange's
    /// open orders. Buys of sessions that never closed (a crash, `kill -9`) are
    /// cancelled (when asked); orders no journal knows are reported and left alone.
    /// The positions the latest session last journaled (crashed, or quit with them
    /// open) are taken over: their old exit sells are cancelled so this session's exits
    /// manage them. With `cancelBuys` off (`--keep-orders-after-crash`) every order is
    /// kept and the positions are only reported, so nothing is sold twice.
    static func reconcile(database: ApogeeDatabase, venue: String, client: any OrderVenue, symbols: [String], cancelBuys: Bool) throws -> Reconciliation {
        var result = Reconciliation()
        let sessions = try database.tradingSessions().filter { $0.session.kind == "live" && $0.session.venue == venue }
        var known: [String: Int64] = [:]
        // Each earlier order's journal entries, to write what the restart did to it.
        var entries: [String: [OrderJournalRow]] = [:]
        for entry in sessions where !entry.session.complete {
            guard let id = entry.session.id, let journal = try database.journal(session: id) else { continue }
            for row in journal.orders {
                known[row.clientOrderID] = id
                entries[row.clientOrderID, default: []].append(row)
            }
            let positions = Dictionary(grouping: journal.positions, by: \.symbol).compactMap { $0.value.last }.filter { $0.quantity != 0 }.sorted { $0.symbol < $1.symbol }
            result.lines.append("session \(id) did not close: \(entry.orders) orders journaled" + (positions.isEmpty ? ", flat" : ", last positions " + positions.map { "\($0.symbol) \(Quantity(units: $0.quantity))" }.joined(separator: ", ")))
        }
        if let latest = sessions.last, let id = latest.session.id, latest.session.complete, let journal = try database.journal(session: id) {
            for row in journal.orders {
                known[row.clientOrderID] = id
                entries[row.clientOrderID, default: []].append(row)
            }
        }
        if let latest = sessions.last, let id = latest.session.id, let journal = try database.journal(session: id) {
            result.positions = Dictionary(grouping: journal.positions, by: \.symbol).compactMap { $0.value.last }
                .filter { $0.quantity != 0 && $0.entryPrice != nil && symbols.contains($0.symbol) }.sorted { $0.symbol < $1.symbol }
            if !result.positions.isEmpty { result.fromSession = id }
        }
        let takenOver = Set(cancelBuys ? result.positions.map(\.symbol) : [])
        var written: [OrderJournalRow] = []
        let now = LiveTradingEngine.now()
        /// An entry in the earlier session's journal for `client`: what the restart did.
        func note(_ client: String, event: String, reason: String) {
            guard var row = entries[client]?.first else { return }
            row.id = nil
            row.event = event
            row.reason = reason
            row.timeNanoseconds = now
            written.append(row)
        }
        var openOnExchange = Set<String>()
        for symbol in symbols {
            let open = try client.openOrders(symbol: symbol)
            openOnExchange.formUnion(open.map(\.clientOrderID))
            for order in open {
                guard let session = known[order.clientOrderID] else {
                    result.lines.append("open order \(order.clientOrderID) on \(symbol) is not in any journal: left alone")
                    continue
                }
                let closedSession = sessions.first { $0.session.id == session }?.session.complete ?? false
                if order.side == "BUY", cancelBuys, !closedSession {
                    let state = try client.cancel(symbol: symbol, clientOrderID: order.clientOrderID)
                    result.cancelled.append(order.clientOrderID)
                    result.lines.append("cancelled buy \(order.clientOrderID) on \(symbol) left open by session \(session)")
                    note(order.clientOrderID, event: "cancelled", reason: "cancelled at restart: left open by a session that did not close (executed \(state.executedQuantity))")
                } else if takenOver.contains(symbol), session == result.fromSession {
                    let state = try client.cancel(symbol: symbol, clientOrderID: order.clientOrderID)
                    result.lines.append("cancelled \(order.side.lowercased()) \(order.clientOrderID) on \(symbol) from session \(session): this session's exits take its position over")
                    note(order.clientOrderID, event: "cancelled", reason: "cancelled at restart: the next session's exits took the position over (executed \(state.executedQuantity))")
                } else {
                    result.lines.append("kept \(order.side.lowercased()) \(order.clientOrderID) on \(symbol) from session \(session)")
                }
            }
        }
        // Orders of sessions that did not close, open in their journal and no longer
        // open on the exchange: how they ended there, written to their journal.
        for (id, rows) in entries.sorted(by: { $0.key < $1.key }) where !openOnExchange.contains(id) {
            guard let last = rows.last, ["intent", "accepted", "partially-filled", "cancel-requested"].contains(last.event),
                  symbols.contains(last.symbol), let state = try? client.query(symbol: last.symbol, clientOrderID: id) else { continue }
            let event: String
            switch state.status {
            case "FILLED": event = "filled"
            case "CANCELED": event = "cancelled"
            case "EXPIRED", "EXPIRED_IN_MATCH": event = "expired"
            case "REJECTED": event = "rejected"
            default: continue
            }
            note(id, event: event, reason: "final status on the exchange, read at restart: \(state.status), executed \(state.executedQuantity)")
            result.lines.append("order \(id) of an earlier session ended on the exchange as \(state.status) (executed \(state.executedQuantity)): journaled")
        }
        try database.appendToEarlierSession(written)
        if cancelBuys { compareWithExchange(&result, client: client, symbols: symbols) }
        if let from = result.fromSession {
            let listed = result.positions.map { "\($0.symbol) \(Quantity(units: $0.quantity))" }.joined(separator: ", ")
            result.lines.append(cancelBuys ? "took over from session \(from): \(listed)" : "session \(from) left \(listed): kept as it is (--keep-orders-after-crash), not managed by this session")
            if !cancelBuys { result.positions = [] }
        }
        return result
    }
}

extension LiveTradingSession {
    /// The journal's positions against what the exchange holds, before they are taken
    /// over. Futures: the exchange's position is the truth (a fill the crash kept from
    /// the journal, a close outside Apogee), so it replaces the journal's. Spot: never
    /// more than the account's balance of the base currency is taken over (coins sold
    /// outside Apogee); a larger balance is the trader's own and is left alone.
    static func compareWithExchange(_ result: inout Reconciliation, client: any OrderVenue, symbols: [String]) {
        for symbol in symbols {
            let index = result.positions.firstIndex { $0.symbol == symbol }
            let journaled = index.map { result.positions[$0].quantity } ?? 0
            let holding: ExchangeHolding
            do throws(OrderVenueFailure) {
                holding = try client.holding(symbol: symbol)
            } catch {
                if index != nil { result.lines.append("\(symbol): what the exchange holds could not be read (\(error)); the journal's position is taken over as it is") }
                continue
            }
            let held = holding.quantity.units
            if holding.isPosition {
                guard held != journaled else { continue }
                if let index {
                    if held == 0 {
                        result.positions.remove(at: index)
                        result.lines.append("\(symbol): the journal holds \(Quantity(units: journaled)) but the exchange no position (closed outside Apogee): nothing taken over")
                    } else {
                        result.positions[index].quantity = held
                        if let entry = holding.entryPrice { result.positions[index].entryPrice = entry.units }
                        result.lines.append("\(symbol): the journal holds \(Quantity(units: journaled)), the exchange \(holding.quantity)\(holding.entryPrice.map { " (entry \($0))" } ?? ""): the exchange's position is taken over")
                    }
                } else if held != 0 {
                    result.lines.append("\(symbol): the exchange holds a position of \(holding.quantity) that no journal knows: left alone")
                }
            } else if let index, journaled > 0, held < journaled {
                let asset = ExchangeHolding.baseAsset(of: symbol)
                if held <= 0 {
                    result.positions.remove(at: index)
                    result.lines.append("\(symbol): the journal holds \(Quantity(units: journaled)) but the account no \(asset): nothing taken over")
                } else {
                    result.positions[index].quantity = held
                    result.lines.append("\(symbol): the journal holds \(Quantity(units: journaled)) but the account only \(holding.quantity) \(asset): \(holding.quantity) taken over")
                }
            }
        }
        if result.positions.isEmpty { result.fromSession = nil }
    }
}

/// Where the time from a market frame to its order goes (nanoseconds each).
public struct OrderStages: Sendable, Equatable {
    /// The frame's arrival on the feed's thread to the engine taking it up: next to
    /// nothing when the feed's thread handles it at once, the session thread's wake-up
    /// when the engine was busy and the frame had to wait.
    public var wake: Int64
    /// Parsing, the book, the kernel, the strategy and the risk gate.
    public var decide: Int64
    /// The intent's commit to the journal.
    public var commit: Int64
    /// Building and signing the request, and handing it to the socket.
    public var send: Int64
}

/// Frames from the feed's thread to the session's. A frame is handled on the thread it
/// arrived on when the engine is free (``handleNow``); only when it is busy does the
/// session thread get woken for it.
final class FrameInbox: @unchecked Sendable {
    private let condition = NSCondition()
    private var frames: [(String, Int64)] = []

    private var reports: [ExecutionReport] = []
    /// Handles the frames waiting, on the calling thread, if the engine is free; false
    /// if it is not. Set once the engine is complete, under `condition`.
    private var handleNow: (@Sendable () -> Bool)?

    func handleFramesOnArrival(_ handler: @escaping @Sendable () -> Bool) {
        condition.lock()
        handleNow = handler
        condition.unlock()
    }

    func put(_ text: String, _ received: Int64) {
        condition.lock()
        frames.append((text, received))
        let handleNow = self.handleNow
        condition.unlock()
        if let handleNow, handleNow() { return }
        // The engine is busy (or not built yet): the session thread takes it as soon
        // as it looks, which is either now (woken here) or when its work is done.
        condition.lock()
        condition.signal()
        condition.unlock()
    }

    /// An order update from the user-data stream; wakes the session like a frame.
    func put(_ report: ExecutionReport) {
        condition.lock()
        reports.append(report)
        condition.signal()
        condition.unlock()
    }

    func takeReports() -> [ExecutionReport] {
        condition.lock()
        defer { condition.unlock() }
        defer { reports.removeAll(keepingCapacity: true) }
        return reports
    }

    /// Waits up to `seconds` for a frame or a report, unless one is waiting already.
    func wait(upTo seconds: Double) {
        condition.lock()
        defer { condition.unlock() }
        if frames.isEmpty, reports.isEmpty { _ = condition.wait(until: Date(timeIntervalSinceNow: seconds)) }
    }

    /// The frames waiting, in the order they arrived.
    func take() -> [(String, Int64)] {
        condition.lock()
        defer { condition.unlock() }
        guard !frames.isEmpty else { return [] }
        defer { frames.removeAll(keepingCapacity: true) }
        return frames
    }
}
