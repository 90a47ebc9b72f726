import DequeModule
import MarketModel
import TUIKit
import Trading
import TradingUI

/// What the terminal draws beside the kernel's snapshot, kept as events go by: recent
/// trade prices, the tape, the session's volume, short candles, equity once a second
/// and the feed's lag. The same for a replay, a paper and a live session.
struct ScreenHistory {
    private(set) var priceHistory: [String: Deque<Double>] = [:]
    /// When each of `priceHistory`'s prices printed (receive time, ns): the chart's
    /// time axis and where its fill marks go.
    private(set) var priceTimes: [String: Deque<Int64>] = [:]
    private(set) var tape: [String: Deque<TradePrint>] = [:]
    private(set) var volume: [String: Double] = [:]
    private(set) var candles: [String: CandleSeries] = [:]
    private(set) var equityHistory: Deque<Double> = []
    private var lastEquitySecond: Int64 = 0
    /// Local receive time minus exchange time of the latest event, ms.
    private(set) var feedLag: Double?

    mutating func record(_ event: MarketEvent) {
        if let exchange = event.time.exchange { feedLag = Double(event.time.received.nanoseconds - exchange.nanoseconds) / 1e6 }
        guard case .trade(let trade) = event else { return }
        priceHistory[trade.symbol, default: []].append(trade.price.doubleValue)
        priceTimes[trade.symbol, default: []].append(trade.time.received.nanoseconds)
        if priceHistory[trade.symbol]!.count > 2000 {
            priceHistory[trade.symbol]!.removeFirst()
            priceTimes[trade.symbol]!.removeFirst()
        }
        tape[trade.symbol, default: []].prepend(trade)
        if tape[trade.symbol]!.count > 60 { tape[trade.symbol]!.removeLast() }
        volume[trade.symbol, default: 0] += trade.price.doubleValue * trade.quantity.doubleValue
        candles[trade.symbol, default: CandleSeries(intervalNanoseconds: 5_000_000_000, capacity: 240)].add(price: trade.price, quantity: trade.quantity, at: trade.time.received)
    }

    /// One equity point per second of the session's clock (the last 600).
    mutating func sampleEquity(_ equity: Money, at time: Timestamp) {
        let second = time.nanoseconds / 1_000_000_000
        guard second != lastEquitySecond else { return }
        lastEquitySecond = second
        equityHistory.append(equity.doubleValue)
        if equityHistory.count > 600 { equityHistory.removeFirst() }
    }

    var candleBars: [String: [CandleBar]] { candles.mapValues(Self.bars) }

    /// What a frame carries of the per-symbol history: every symbol's, or with a
    /// `focus` only that symbol's (the chart, the tape and the candles draw one symbol;
    /// copying 300 symbols' histories 20 times a second is what a whole market costs).
    func drawn(focus: String?) -> (prices: [String: [Double]], times: [String: [Timestamp]], tape: [String: [TradePrint]], candles: [String: [CandleBar]]) {
        guard let focus else {
            return (priceHistory.mapValues { Array($0) }, priceTimes.mapValues { $0.map { Timestamp(nanoseconds: $0) } }, tape.mapValues { Array($0) }, candleBars)
        }
        var prices: [String: [Double]] = [:]
        var times: [String: [Timestamp]] = [:]
        var trades: [String: [TradePrint]] = [:]
        var bars: [String: [CandleBar]] = [:]
        prices[focus] = priceHistory[focus].map { Array($0) }
        times[focus] = priceTimes[focus].map { $0.map { Timestamp(nanoseconds: $0) } }
        trades[focus] = tape[focus].map { Array($0) }
        bars[focus] = candles[focus].map(Self.bars)
        return (prices, times, trades, bars)
    }

    static func bars(_ series: CandleSeries) -> [CandleBar] {
        (0..<series.count).reversed().compactMap { age in
            series[age: age].map { CandleBar(open: $0.open.doubleValue, high: $0.high.doubleValue, low: $0.low.doubleValue, close: $0.close.doubleValue) }
        }
    }
}
