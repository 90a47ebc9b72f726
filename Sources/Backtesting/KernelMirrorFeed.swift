import Sinks
import EngineCore
import MarketModel
import RedisMirror
import Trading

/// Feeds the Redis mirror from a run of the trading kernel (backtest, the terminal's
/// replay): trades and book tops, open orders and positions, equity metrics, and the
/// events worth telling a dashboard (orders, fills, closed trades, risk denials,
/// trading-state changes).
///
/// ``observe(_:)`` is the run's observer and only notes what happened; ``sync(_:)``,
/// called after each event is fed, reads the kernel and hands the changes over.
public final class KernelMirrorFeed {
    public let mirror: RedisMirror
    private let mode: String
    private var handles: [String: Int] = [:]
    private var bookRound = 0
    private var changedOrders: [ClientOrderID] = []
    private var changedSymbols: [String] = []
    private var events = 0
    private var fills = 0
    private var peakEquity: Money?
    private var tradingState: TradingState?
    private let clock = ContinuousClock()
    private let started: ContinuousClock.Instant

    public init(mirror: RedisMirror, mode: String) {
        self.mirror = mirror
        self.mode = mode
        started = clock.now
    }

    private func handle(_ symbol: String) -> Int {
        if let known = handles[symbol] { return known }
        let handle = mirror.symbol(symbol)
        handles[symbol] = handle
        return handle
    }

    public func observe(_ observation: KernelObservation) {
        switch observation {
        case .market(let event):
            events += 1
            if case .trade(let trade) = event { mirror.trade(trade, symbol: handle(trade.symbol)) }
        case .submitted, .cancelRequested, .orderChanged:
            break
        case .delivered(let record, _):
            describe(record)
        }
    }

    /// Hands over what changed since the last call; reads book tops and metrics only
    /// when the mirror is ready for them.
    public func sync(_ kernel: TradingKernel, force: Bool = false) {
        let round = mirror.bookRound
        if force || round != bookRound {
            bookRound = round
            for (symbol, handle) in handles {
                if let book = kernel.book(for: symbol) { mirror.book(ReplayMirrorFeed.top(of: book, time: kernel.now), symbol: handle) }
            }
        }
        for id in changedOrders {
            guard let order = kernel.order(id) else { continue }
            mirror.order(id.description, json: order.isOpen ? Self.json(order) : nil)
        }
        changedOrders.removeAll(keepingCapacity: true)
        for symbol in changedSymbols { publishPosition(symbol, kernel) }
        changedSymbols.removeAll(keepingCapacity: true)
        if kernel.risk.state != tradingState {
            if tradingState != nil { publishState(kernel) }
            tradingState = kernel.risk.state
        }
        if force || (events & 1023 == 0 && mirror.wantsMetrics) {
            for position in kernel.account.openPositions { publishPosition(position.symbol, kernel) }
            mirror.metrics(metrics(kernel))
        }
    }

    /// Says the run is over, with its headline figures.
    public func finished(_ kernel: TradingKernel) {
        var out = JSONWriter()
        out.beginObject()
        out.value("type", "state")
        out.value("state", "\(mode)_finished")
        out.value("events", events)
        out.value("fills", fills)
        out.value("equity", kernel.equity.formatted(fractionDigits: 8))
        out.endObject()
        mirror.publish(out.text)
    }

    private func describe(_ record: KernelRecord) {
        var event = JSONWriter()
        event.beginObject()
        switch record {
        case .order(let orderEvent):
            changedOrders.append(orderEvent.orderID)
            switch orderEvent {
            case .filled(let fill):
                fills += 1
                changedSymbols.append(fill.symbol)
                event.value("type", "fill")
                event.value("order", fill.orderID.description)
                event.value("symbol", fill.symbol)
                event.value("side", fill.side == .buy ? "buy" : "sell")
                event.value("price", fill.price.formatted(fractionDigits: 0))
                event.value("qty", fill.quantity.formatted(fractionDigits: 0))
                event.value("fee", fill.fee.formatted(fractionDigits: 8))
                event.value("liquidation", fill.isLiquidation)
            case .denied(let id, _, let rule, let reason):
                event.value("type", "risk_alert")
                event.value("order", id.description)
                event.value("rule", rule)
                event.value("reason", reason)
            case .accepted(let id, _), .expired(let id, _):
                event.value("type", "order")
                event.value("order", id.description)
                event.value("status", orderEvent.name)
            case .cancelled(let id, _, let reason), .rejected(let id, _, let reason), .cancelRejected(let id, _, let reason, _):
                event.value("type", "order")
                event.value("order", id.description)
                event.value("status", orderEvent.name)
                event.value("reason", reason)
            }
            event.value("time_ns", Int(orderEvent.time.nanoseconds))
        case .trade(let trade):
            event.value("type", "trade_closed")
            event.value("symbol", trade.symbol)
            event.value("direction", trade.direction == .buy ? "long" : "short")
            event.value("entry", trade.entryPrice.formatted(fractionDigits: 0))
            event.value("exit", trade.exitPrice.formatted(fractionDigits: 0))
            event.value("qty", trade.quantity.formatted(fractionDigits: 0))
            event.value("net_pnl", trade.netPnL.formatted(fractionDigits: 8))
            event.value("reason", trade.exitReason)
            event.value("time_ns", Int(trade.closedAt.nanoseconds))
        case .detect(let detection):
            event.value("type", "detect")
            event.value("strategy", detection.strategy)
            event.value("symbol", detection.symbol)
            event.value("trades", detection.trades)
            event.beginObject("figures")
            for figure in detection.figures { event.value(figure.name, figure.value) }
            event.endObject()
            event.value("time_ns", Int(detection.time.nanoseconds))
        case .attention(let symbol, let order, let reason):
            event.value("type", "needs_attention")
            event.value("symbol", symbol)
            event.value("order", order.description)
            event.value("reason", reason)
        case .equity(_, let equity):
            peakEquity = max(peakEquity ?? equity, equity)
            return
        }
        event.endObject()
        mirror.publish(event.text)
    }

    private func publishPosition(_ symbol: String, _ kernel: TradingKernel) {
        guard let position = kernel.account.position(symbol), !position.isFlat else {
            mirror.position(symbol, json: nil)
            return
        }
        var out = JSONWriter()
        out.beginObject()
        out.value("symbol", symbol)
        out.value("qty", position.quantity.formatted(fractionDigits: 0))
        out.value("entry", position.entryPrice?.formatted(fractionDigits: 0))
        let unrealized = kernel.lastPrice(of: symbol).map { position.unrealizedPnL(at: $0) }
        out.value("unrealized_pnl", unrealized?.formatted(fractionDigits: 8))
        out.value("realized_pnl", position.realizedPnL.formatted(fractionDigits: 8))
        out.endObject()
        mirror.position(symbol, json: out.text)
    }

    private func publishState(_ kernel: TradingKernel) {
        var out = JSONWriter()
        out.beginObject()
        out.value("type", "state")
        out.value("state", kernel.risk.state.rawValue)
        out.value("reason", kernel.risk.stateReason)
        out.value("time_ns", Int(kernel.now.nanoseconds))
        out.endObject()
        mirror.publish(out.text)
    }

    private func metrics(_ kernel: TradingKernel) -> [(String, String)] {
        let equity = kernel.equity
        peakEquity = max(peakEquity ?? equity, equity)
        // From the highest equity seen so far, like the report's drawdown.
        let drawdown = (peakEquity ?? equity) - equity
        let elapsed = HeadlessReplay.seconds(clock.now - started)
        return [
            ("mode", mode),
            ("events", String(events)),
            ("events_per_s", String(Int(elapsed > 0 ? Double(events) / elapsed : 0))),
            ("latency_ns_per_event", String(Int(events > 0 ? elapsed * 1e9 / Double(events) : 0))),
            ("equity", equity.formatted(fractionDigits: 8)),
            ("pnl", (equity - kernel.account.initialCash).formatted(fractionDigits: 8)),
            ("drawdown", drawdown.formatted(fractionDigits: 8)),
            ("fills", String(fills)),
            ("open_orders", String(kernel.openOrders.count)),
            ("trading_state", kernel.risk.state.rawValue),
        ]
    }

    public static func json(_ order: Order) -> String {
        var out = JSONWriter()
        out.beginObject()
        out.value("id", order.id.description)
        out.value("symbol", order.request.symbol)
        out.value("side", order.request.side == .buy ? "buy" : "sell")
        out.value("price", order.request.kind.limitPrice?.formatted(fractionDigits: 0))
        out.value("qty", order.request.quantity.formatted(fractionDigits: 0))
        out.value("filled", order.filledQuantity.formatted(fractionDigits: 0))
        out.value("status", order.status.rawValue)
        out.value("origin", order.request.origin)
        out.endObject()
        return out.text
    }
}
