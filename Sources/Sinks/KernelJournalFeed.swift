import EngineCore
import MarketModel
import Storage
import Trading

/// Writes a kernel run's order journal: each order's intent before it leaves for the
/// venue (committed synchronously), then every state change the venue reports, fills,
/// and the position after each fill and at the end.
///
/// ``observe(_:)`` is the run's observer and writes order rows as they happen, in
/// order; ``sync(_:)``, called after each event is fed, adds the position snapshots.
/// A journal that cannot be written stops journaling and says why once (``failure``);
/// it never stops the engine of a replay (a live session refuses to trade instead).
public final class KernelJournalFeed {
    public let journal: TradingJournal
    /// Prepended to the kernel's client ids (`apg-3` → `s12-apg-3`): a live session's
    /// ids must not repeat an earlier session's orders still open on the exchange.
    public var idPrefix = ""
    /// Open orders' requests, for the rows of cancel requests.
    private var requests: [ClientOrderID: OrderRequest] = [:]
    /// Symbols whose position a fill changed since the last ``sync(_:)``.
    private var touched: [String] = []
    public private(set) var failure: StorageError?

    public init(journal: TradingJournal) {
        self.journal = journal
    }

    public func observe(_ observation: KernelObservation) {
        guard failure == nil else { return }
        switch observation {
        case .submitted(let request, _):
            requests[request.id] = request
            // The intent is on disk before the venue can see the order.
            write { try journal.writeIntent(row(request, event: "intent", reason: nil, time: request.createdAt)) }
        case .cancelRequested(let id, let at):
            if let request = requests[id] { write { try journal.append(.order(row(request, event: "cancel-requested", reason: nil, time: at))) } }
        case .orderChanged(let event, let order, _):
            guard let order else { return }
            requests[order.id] = order.isOpen ? order.request : nil
            var entry = row(order.request, event: Self.name(of: event), reason: nil, time: event.time)
            switch event {
            case .filled(let fill):
                // The order row of a fill names how much executed; the fill row has the rest.
                entry.event = order.isOpen ? "partially-filled" : "filled"
                entry.price = fill.price.units
                entry.quantity = fill.quantity.units
                write { try journal.append(.order(entry)) }
                var row = FillRow(tradingSessionID: journal.sessionID, clientOrderID: idPrefix + fill.orderID.description, symbol: fill.symbol, side: fill.side.rawValue, price: fill.price.units, quantity: fill.quantity.units, fee: fill.fee.units, liquidity: fill.liquidity.rawValue, liquidation: fill.isLiquidation, timeNanoseconds: fill.time.nanoseconds)
                row.feeInBase = fill.feeInBase.units
                write { try journal.append(.fill(row)) }
                if !touched.contains(fill.symbol) { touched.append(fill.symbol) }
                return
            case .cancelled(_, _, let reason), .rejected(_, _, let reason):
                entry.reason = reason
            case .cancelRejected(_, _, let reason, let attempt):
                entry.reason = "attempt \(attempt): \(reason)"
            case .denied(_, _, let rule, let reason):
                entry.reason = "\(rule): \(reason)"
            case .accepted, .expired:
                break
            }
            write { try journal.append(.order(entry)) }
        case .market, .delivered:
            break
        }
    }

    /// A symbol's exits need the trader: a row on the last refused order, with why.
    public func attention(_ request: OrderRequest, reason: String, at time: Timestamp) {
        guard failure == nil else { return }
        write { try journal.append(.order(row(request, event: "needs-attention", reason: reason, time: time))) }
    }

    /// Snapshots the positions that fills changed since the last call.
    public func sync(_ kernel: TradingKernel) {
        guard failure == nil, !touched.isEmpty else { return }
        for symbol in touched { snapshot(symbol, kernel, reason: "fill") }
        touched.removeAll(keepingCapacity: true)
    }

    /// Snapshots the positions taken over from an earlier session, so this session's
    /// journal carries them if it ends too (reason `restored`).
    public func restored(_ kernel: TradingKernel) {
        for position in kernel.account.openPositions { snapshot(position.symbol, kernel, reason: "restored") }
    }

    /// Snapshots the open positions and closes the session's record.
    public func finish(_ kernel: TradingKernel, complete: Bool) {
        sync(kernel)
        for position in kernel.account.openPositions { snapshot(position.symbol, kernel, reason: "end") }
        write { try journal.finish(complete: complete) }
    }

    /// The journal's word for an order event (docs/storage.md).
    public static func name(of event: OrderEvent) -> String {
        switch event {
        case .accepted: return "accepted"
        case .filled: return "filled"
        case .cancelled: return "cancelled"
        case .rejected: return "rejected"
        case .expired: return "expired"
        case .denied: return "denied"
        case .cancelRejected: return "cancel-rejected"
        }
    }

    private func snapshot(_ symbol: String, _ kernel: TradingKernel, reason: String) {
        let position = kernel.account.position(symbol)
        let unrealized = position.flatMap { position in kernel.lastPrice(of: symbol).map { position.unrealizedPnL(at: $0).units } }
        let row = PositionSnapshotRow(tradingSessionID: journal.sessionID, symbol: symbol, quantity: position?.quantity.units ?? 0, entryPrice: position?.entryPrice?.units, realizedPnL: position?.realizedPnL.units ?? 0, unrealizedPnL: unrealized, reason: reason, timeNanoseconds: kernel.now.nanoseconds)
        write { try journal.append(.position(row)) }
    }

    private func row(_ request: OrderRequest, event: String, reason: String?, time: Timestamp) -> OrderJournalRow {
        let kind: String
        switch request.kind {
        case .limit: kind = "limit"
        case .market: kind = "market"
        }
        return OrderJournalRow(tradingSessionID: journal.sessionID, clientOrderID: idPrefix + request.id.description, event: event, symbol: request.symbol, side: request.side.rawValue, orderKind: kind, price: request.kind.limitPrice?.units, quantity: request.quantity.units, reduceOnly: request.reduceOnly, origin: request.origin, reason: reason, timeNanoseconds: time.nanoseconds)
    }

    private func write(_ body: () throws -> Void) {
        guard failure == nil else { return }
        do {
            try body()
        } catch let error as StorageError {
            failure = error
        } catch {
            failure = StorageError("order journal: \(error)")
        }
    }
}
