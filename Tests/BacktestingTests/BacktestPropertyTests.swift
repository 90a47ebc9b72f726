@testable import Backtesting
import EngineCore
import MarketModel
import OrderBook
import Simulation
import Strategies
import Testing
import Trading

/// A random but coherent market: a mid price walking in ticks, a book of ten levels a
/// side around it, trades at the touch and sometimes through it.
struct RandomMarket {
    var generator: SeededGenerator
    var mid: Int64 = 10_000   // in ticks of 0.01
    var time: Int64 = 1_000_000_000_000
    var updateID: UInt64 = 1

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    func level(_ ticks: Int64, _ size: Int64) -> BookLevel {
        BookLevel(price: Price(units: ticks * 1_000_000), quantity: Quantity(units: size * 1_000_000))
    }

    mutating func snapshot() -> MarketEvent {
        let bids = (1...10).map { level(mid - $0, 50 + Int64(generator.next() % 200)) }
        let asks = (1...10).map { level(mid + $0, 50 + Int64(generator.next() % 200)) }
        return .bookSnapshot(BookSnapshot(symbol: "TESTUSDT", lastUpdateID: updateID, bids: bids, asks: asks, time: EventTime(exchange: nil, received: Timestamp(nanoseconds: time))))
    }

    mutating func next() -> MarketEvent {
        time += Int64(generator.next() % 300_000_000)
        let roll = generator.next() % 10
        if roll < 4 {
            // A trade at the touch, now and then through it.
            let side: Side = generator.next() % 2 == 0 ? .buy : .sell
            let through = Int64(generator.next() % 4 == 0 ? 1 : 0)
            let ticks = side == .buy ? mid + 1 + through : mid - 1 - through
            return .trade(TradePrint(symbol: "TESTUSDT", id: UInt64(time), price: Price(units: ticks * 1_000_000), quantity: Quantity(units: Int64(1 + generator.next() % 80) * 1_000_000), aggressor: side, tradeTime: Timestamp(nanoseconds: time), time: EventTime(exchange: nil, received: Timestamp(nanoseconds: time))))
        }
        // The mid moves by a tick now and then; the book is redrawn around it.
        let move = Int64(generator.next() % 5) - 2
        let old = mid
        if abs(move) == 2 { mid += move / 2 }
        updateID += 1
        var bids = (1...10).map { level(mid - $0, 20 + Int64(generator.next() % 200)) }
        var asks = (1...10).map { level(mid + $0, 20 + Int64(generator.next() % 200)) }
        // Remove the levels the move left on the wrong side.
        if mid > old { bids.append(contentsOf: (0..<2).map { level(old + 1 + $0 - 1, 0) }.filter { $0.price.units / 1_000_000 >= mid }) }
        if mid < old { asks.append(contentsOf: (0..<2).map { level(old - 1 - $0 + 1, 0) }.filter { $0.price.units / 1_000_000 <= mid }) }
        bids.append(level(mid, 0))
        asks.append(level(mid, 0))
        bids.append(level(mid - 11, 0))
        asks.append(level(mid + 11, 0))
        return .bookDelta(BookDelta(symbol: "TESTUSDT", firstUpdateID: updateID, finalUpdateID: updateID, bids: bids, asks: asks, time: EventTime(exchange: nil, received: Timestamp(nanoseconds: time))))
    }
}

/// Places, cancels and crosses at random: the stress a property test needs.
struct RandomTrader: Strategy {
    let name = "random"
    let exits: ExitSettings
    var generator: SeededGenerator

    init(seed: UInt64) {
        generator = SeededGenerator(seed: seed)
        var exits = ExitSettings()
        exits.sellPrice = 0.05
        exits.stopLoss = -0.05
        exits.autoCancelBuy = 3
        self.exits = exits
    }

    mutating func handle(_ input: StrategyInput, context: StrategyContext) -> [StrategyIntent] {
        guard case .market(.trade) = input, let bid = context.book?.bestBid?.price, let ask = context.book?.bestAsk?.price else { return [] }
        switch generator.next() % 12 {
        case 0:
            return [.place(OrderIntent(symbol: context.symbol, side: .buy, kind: .limit(Price(units: bid.units - Int64(generator.next() % 3) * 1_000_000)), quantity: Quantity(units: Int64(1 + generator.next() % 50) * 1_000_000)))]
        case 1:
            return [.place(OrderIntent(symbol: context.symbol, side: .buy, kind: .market, quantity: Quantity(units: Int64(1 + generator.next() % 30) * 1_000_000)))]
        case 2 where context.kind.isFutures:
            return [.place(OrderIntent(symbol: context.symbol, side: .sell, kind: .limit(Price(units: ask.units + Int64(generator.next() % 3) * 1_000_000)), quantity: Quantity(units: Int64(1 + generator.next() % 50) * 1_000_000)))]
        case 3:
            if let order = context.openOrders.first { return [.cancel(order.id)] }
            return []
        case 4 where !context.isFlat && generator.next() % 4 == 0:
            return [.closePosition(symbol: context.symbol)]
        default:
            return []
        }
    }
}

@Suite("Backtest invariants over random markets")
struct BacktestPropertyTests {
    static let latency = LatencyModel(orderEntryNanoseconds: 4_000_000, responseNanoseconds: 3_000_000)

    @Test("equity identity, no fill before its latency, no fill at a price never offered", arguments: [
        (UInt64(1), MarketKind.spot), (2, .spot), (3, .usdMargined), (4, .usdMargined), (5, .spot), (6, .usdMargined),
    ])
    func invariants(seed: UInt64, kind: MarketKind) throws {
        let terms: AccountTerms = kind == .spot ? .spot : .usdMargined(leverage: 20)
        var risk = RiskSettings()
        risk.maxConsecutiveErrors = nil
        let configuration = KernelConfiguration(account: terms, initialCash: Money(whole: 10_000), risk: risk, marketKind: kind)
        var run = BacktestRun(
            kernel: TradingKernel(configuration: configuration, strategies: [RandomTrader(seed: seed)]),
            venue: SimulatedExchange(settings: SimulationSettings(latency: Self.latency, queue: seed % 2 == 0 ? .conservative : .probabilistic(power: 2), account: terms, seed: seed), cash: Money(whole: 10_000)))

        // The market as the test sees it, to judge every fill.
        final class Ledger {
            var bestBid: [(time: Int64, price: Int64)] = []
            var bestAsk: [(time: Int64, price: Int64)] = []
            var prints: [(time: Int64, price: Int64, side: Side)] = []
            var arrivals: [ClientOrderID: Int64] = [:]
            var created: [ClientOrderID: Int64] = [:]
            var fills: [(fill: Fill, delivered: Int64)] = []
            var book = OrderBook(symbol: "TESTUSDT", rule: .sequential)
        }
        let ledger = Ledger()
        run.observer = { observation in
            switch observation {
            case .market(let event):
                switch event {
                case .bookDelta(let delta): ledger.book.apply(delta)
                case .bookSnapshot(let snapshot): ledger.book.apply(snapshot)
                case .trade(let trade): ledger.prints.append((trade.time.received.nanoseconds, trade.price.units, trade.aggressor))
                case .bestBidAsk: break
                }
                let time = event.time.received.nanoseconds
                if let bid = ledger.book.bestBid { ledger.bestBid.append((time, bid.price.units)) }
                if let ask = ledger.book.bestAsk { ledger.bestAsk.append((time, ask.price.units)) }
            case .submitted(let request, let arrival):
                ledger.arrivals[request.id] = arrival.nanoseconds
                ledger.created[request.id] = request.createdAt.nanoseconds
            case .delivered(.order(.filled(let fill)), let at):
                ledger.fills.append((fill, at.nanoseconds))
            default:
                break
            }
        }

        var market = RandomMarket(seed: seed)
        run.feed(market.snapshot())
        for _ in 0..<3000 {
            run.feed(market.next())
            // The equity identity, after every event.
            let account = run.kernel.account
            let marks: (String) -> Price? = { run.kernel.lastPrice(of: $0) }
            let identity = account.initialCash + account.realizedPnL - account.fees + account.unrealizedPnL(marks: marks)
            #expect(account.equity(marks: marks) == identity)
            #expect(account.cash.units >= 0 || kind.isFutures)
        }
        run.finish()
        #expect(ledger.fills.count > 20, "the random trader should trade")

        func last(_ series: [(time: Int64, price: Int64)], atOrBefore time: Int64) -> Int64? {
            series.last { $0.time <= time }?.price
        }
        for (fill, delivered) in ledger.fills where !fill.isLiquidation {
            let fillTime = fill.time.nanoseconds
            let arrival = try #require(ledger.arrivals[fill.orderID])
            let created = try #require(ledger.created[fill.orderID])
            #expect(arrival - created == Self.latency.orderEntryNanoseconds)
            #expect(fillTime >= arrival, "fill before the order reached the venue")
            #expect(delivered >= fillTime + Self.latency.responseNanoseconds, "report before the response latency")
            // Offered: a buy at P needs an ask at or under P in the book, or a sell print at
            // or under P since the order arrived; a sell mirrors it.
            let printsSince = ledger.prints.filter { $0.time >= arrival && $0.time <= fillTime }
            if fill.side == .buy {
                let ask = last(ledger.bestAsk, atOrBefore: fillTime) ?? .max
                let offered = ask <= fill.price.units || printsSince.contains { $0.side == .sell && $0.price <= fill.price.units }
                #expect(offered, "buy filled at \(fill.price) with the best ask at \(Price(units: ask)) and no sell print at or under it")
            } else {
                let bid = last(ledger.bestBid, atOrBefore: fillTime) ?? 0
                let offered = bid >= fill.price.units || printsSince.contains { $0.side == .buy && $0.price >= fill.price.units }
                #expect(offered, "sell filled at \(fill.price) with the best bid at \(Price(units: bid)) and no buy print at or over it")
            }
        }
    }
}
