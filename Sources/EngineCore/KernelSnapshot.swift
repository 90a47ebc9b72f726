import MarketModel
import Strategies
import Trading

/// An immutable picture of the kernel for the view: everything a frame draws, taken
/// at one instant. The engine hands these to the UI through a single-slot mailbox.
public struct KernelSnapshot: Sendable {
    public struct MarketLine: Sendable {
        public var symbol: String
        public var lastPrice: Price?
        public var bestBid: BookLevel?
        public var bestAsk: BookLevel?
        /// Best levels, best first, at most `depth` a side.
        public var bids: [BookLevel]
        public var asks: [BookLevel]
        public var deltas: Deltas
        /// The signed changes over the same windows: which way each delta went (the
        /// table signs and colours the deltas by them).
        public var changes: Deltas?
        public var bookState: String?
        /// Quote volume over the last hour and the last 24 hours (as far as the candles
        /// go back).
        public var hourVolume: Double = 0
        public var dayVolume: Double = 0
        /// Prints per second over the current and the previous minute.
        public var tradesPerSecond: Double?
        /// When a strategy last detected on the symbol (the table's marker).
        public var lastDetect: Timestamp?
        /// Decimals of the symbol's tick and lot (the exchange's, or inferred): every
        /// price of the symbol prints with `priceDecimals`, every quantity with
        /// `quantityDecimals`, so a column of them lines up.
        public var priceDecimals = 2
        public var quantityDecimals = 4
    }

    public struct PositionLine: Sendable {
        public var symbol: String
        public var quantity: Quantity
        public var entryPrice: Price?
        public var unrealizedPnL: Money
        public var liquidationPrice: Price?
        /// The shared exits' lines: stop, trailing stop, resting exit order.
        public var stopPrice: Price?
        public var trailingPrice: Price?
        public var exitOrderPrice: Price?
        /// The entry lots the position is made of, oldest first (see ``EntryLot``).
        public var lots: [LotLine] = []
    }

    /// One entry's lot of a position: whose it is, what it holds, at what entry.
    public struct LotLine: Sendable {
        public var id: Int
        public var origin: String
        public var quantity: Quantity
        public var entryPrice: Price?
        public var unrealizedPnL: Money
    }

    public struct StrategyLine: Sendable {
        public var name: String
        public var enabled: Bool
        public var ordersPlaced: Int
        public var ordersDenied: Int
        public var detects: Int = 0
        /// The strategy's latest detect, with the figures that triggered it.
        public var lastDetect: Detection?
        public var trades: Int
        public var netPnL: Money
        /// Entries held back after a refusal (the strategy's backoff).
        public var entriesHeldBack = 0
    }

    public var time: Timestamp
    public var tradingState: TradingState
    public var stateReason: String?
    public var cash: Money
    public var equity: Money
    public var realizedPnL: Money
    public var fees: Money
    public var markets: [MarketLine]
    public var positions: [PositionLine]
    public var openOrders: [Order]
    public var strategies: [StrategyLine]
    public var recentTrades: [TradeRecord]
    public var log: [LogLine]
    /// BTC's and the market's changes (the header's dBTC and dMarkets).
    public var market = MarketContext()
}

extension TradingKernel {
    /// The kernel as the view should draw it now, with `depth` book levels a side.
    public func snapshot(depth: Int = 20) -> KernelSnapshot {
        let marks: (String) -> Price? = { lastPrice(of: $0) }
        let terms = account.terms
        var snapshot = KernelSnapshot(
            time: now,
            tradingState: risk.state,
            stateReason: risk.stateReason,
            cash: account.cash,
            equity: account.equity(marks: marks),
            realizedPnL: account.realizedPnL,
            fees: account.fees,
            markets: markets.sorted { $0.symbol < $1.symbol }.map { market in
                KernelSnapshot.MarketLine(
                    symbol: market.symbol, lastPrice: market.lastPrice,
                    bestBid: market.book?.bestBid, bestAsk: market.book?.bestAsk,
                    bids: market.book?.bids.top(depth) ?? [], asks: market.book?.asks.top(depth) ?? [],
                    deltas: Deltas(candles: market.candles, now: now), changes: Deltas(changesOf: market.candles), bookState: market.book?.state.rawValue,
                    hourVolume: market.candles.quoteVolume(intervals: 60), dayVolume: market.candles.quoteVolume(intervals: 1440),
                    tradesPerSecond: KernelSnapshot.tradesPerSecond(market.candles, now: now), lastDetect: market.lastDetect,
                    priceDecimals: Instrument.decimals(of: market.tick.units), quantityDecimals: Instrument.decimals(of: market.lot.units))
            },
            positions: account.openPositions.map { position in
                let tick = marketIndex[position.symbol].map { markets[$0].tick } ?? Price(units: 1)
                // The oldest lot's exits (a coin with several lots has a set of lines each).
                let levels = lotIDs[position.symbol]?.first.flatMap { lots[$0]?.exits }.flatMap { manager in
                    position.entryPrice.map { manager.levels(entry: $0, long: position.isLong, now: now, tick: tick) }
                }
                let mark = marks(position.symbol)
                var lotLines: [KernelSnapshot.LotLine] = []
                for id in lotIDs[position.symbol] ?? [] {
                    guard let lot = lots[id] else { continue }
                    let held = lot.position
                    lotLines.append(KernelSnapshot.LotLine(id: lot.id, origin: lot.origin, quantity: held.quantity, entryPrice: held.entryPrice,
                                                           unrealizedPnL: mark.map { held.unrealizedPnL(at: $0) } ?? .zero))
                }
                return KernelSnapshot.PositionLine(
                    symbol: position.symbol, quantity: position.quantity, entryPrice: position.entryPrice,
                    unrealizedPnL: marks(position.symbol).map { position.unrealizedPnL(at: $0) } ?? .zero,
                    liquidationPrice: position.liquidationPrice(maintenancePartsPerMillion: terms.maintenancePartsPerMillion),
                    stopPrice: levels?.stop, trailingPrice: levels?.trailing, exitOrderPrice: levels?.exit, lots: lotLines)
            },
            openOrders: openOrders,
            strategies: strategyLines,
            recentTrades: Array(journal.suffix(20)),
            log: Array(log.suffix(50)))
        snapshot.market = marketContext
        return snapshot
    }
}

extension TradingKernel {
    /// Each strategy's line (its ledger): orders, detects, round trips, net P&L.
    public var strategyLines: [KernelSnapshot.StrategyLine] {
        slots.map { slot in
            KernelSnapshot.StrategyLine(name: slot.strategy.name, enabled: slot.enabled, ordersPlaced: slot.ordersPlaced, ordersDenied: slot.ordersDenied, detects: slot.detects, lastDetect: slot.lastDetect, trades: slot.trades, netPnL: slot.netPnL, entriesHeldBack: slot.entriesHeldBack)
        }
    }
}

extension KernelSnapshot {
    /// Prints per second over the current minute and the one before it (the current
    /// one alone when it is the first), nil before any.
    static func tradesPerSecond(_ candles: CandleSeries, now: Timestamp) -> Double? {
        guard let current = candles.last else { return nil }
        let intoCurrent = max(1, Double(now.nanoseconds - current.start.nanoseconds) / 1e9)
        guard let previous = candles[age: 1], previous.start.nanoseconds == current.start.nanoseconds - candles.intervalNanoseconds else {
            return Double(current.trades) / intoCurrent
        }
        return Double(current.trades + previous.trades) / (intoCurrent + Double(candles.intervalNanoseconds) / 1e9)
    }
}
