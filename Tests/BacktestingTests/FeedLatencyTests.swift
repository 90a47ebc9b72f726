import Backtesting
import EngineCore
import MarketModel
import OrderBook
import Simulation
import Strategies
import Testing
import Trading

/// Buys 1 at market on the first trade it sees.
private struct BuyOnFirstTrade: Strategy {
    let name = "buy-once"
    var exits = ExitSettings()
    var filters: StrategyFilters = .none
    var done = false

    init() { exits.sellPrice = 0 }

    mutating func handle(_ input: StrategyInput, context: StrategyContext) -> [StrategyIntent] {
        guard !done, case .market(.trade(let trade)) = input else { return [] }
        done = true
        return [.place(OrderIntent(symbol: trade.symbol, side: .buy, kind: .market, quantity: Quantity(units: 100_000_000)))]
    }
}

@Suite("Backtest: feed latency")
struct FeedLatencyTests {
    static func ms(_ value: Double) -> EventTime { EventTime(exchange: nil, received: Timestamp(nanoseconds: Int64(value * 1e6))) }
    static func level(_ price: Int64, _ quantity: Int64) -> BookLevel { BookLevel(price: Price(units: price * 100_000_000), quantity: Quantity(units: quantity * 100_000_000)) }

    /// The ask at 101 is taken at 2 ms; a strategy reacting to the trade at 1 ms buys
    /// at 101 when it sees the market at once, and at 102 when it sees it 3 ms late: by
    /// the time its order reaches the exchange, the exchange's book has moved on.
    static func fillPrice(feedMilliseconds: Double) -> Price? {
        let latency = LatencyModel(orderEntryNanoseconds: 0, responseNanoseconds: 0, marketDataNanoseconds: Int64(feedMilliseconds * 1e6))
        let configuration = KernelConfiguration(account: .spot, initialCash: Money(whole: 100_000), marketKind: .spot)
        var run = BacktestRun(kernel: TradingKernel(configuration: configuration, strategies: [BuyOnFirstTrade()]),
                              venue: SimulatedExchange(settings: SimulationSettings(latency: latency, account: .spot), cash: Money(whole: 100_000)))
        run.feed(.bookSnapshot(BookSnapshot(symbol: "BTCUSDT", lastUpdateID: 1, bids: [level(100, 5)], asks: [level(101, 1), level(102, 5)], time: ms(0))))
        run.feed(.trade(TradePrint(symbol: "BTCUSDT", id: 1, price: Price(units: 100 * 100_000_000), quantity: Quantity(units: 10_000_000), aggressor: .sell, tradeTime: Timestamp(nanoseconds: 1_000_000), time: ms(1))))
        run.feed(.bookDelta(BookDelta(symbol: "BTCUSDT", firstUpdateID: 2, finalUpdateID: 2, bids: [], asks: [level(101, 0)], time: ms(2))))
        run.feed(.bookDelta(BookDelta(symbol: "BTCUSDT", firstUpdateID: 3, finalUpdateID: 3, bids: [], asks: [level(102, 5)], time: ms(10))))
        run.finish()
        return run.kernel.account.position("BTCUSDT")?.entryPrice
    }

    @Test("the exchange matches at exchange time and the strategy decides on the book it has received: 3 ms of feed latency turns a fill at 101 into one at 102")
    func venueAheadOfTheStrategy() {
        #expect(Self.fillPrice(feedMilliseconds: 0) == Price(units: 101 * 100_000_000))
        #expect(Self.fillPrice(feedMilliseconds: 3) == Price(units: 102 * 100_000_000))
    }

    @Test("fitted from a recording's clocks: the median lag above the fastest, plus the 1 ms floor, for the feed and for orders")
    func fitted() {
        // Clocks 1.27 s apart; lags of 1, 2, 3, 4 and 9 ms above the fastest message.
        let lags: [Int64] = [0, 1, 2, 3, 4, 9].map { 1_270_000_000 + $0 * 1_000_000 }
        let model = LatencyModel.fitted(lags: lags)
        #expect(model.marketDataNanoseconds == 4_000_000)
        #expect(model.orderEntryNanoseconds == 4_000_000)
        #expect(model.responseNanoseconds == 4_000_000)
    }
}
