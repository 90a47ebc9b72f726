import MarketModel
import OrderBook
import Simulation
import Testing
import Trading

func price(_ text: String) -> Price { try! Price(parsing: text) }
func quantity(_ text: String) -> Quantity { try! Quantity(parsing: text) }
func money(_ text: String) -> Money { try! Money(parsing: text) }
func at(_ milliseconds: Int64) -> Timestamp { Timestamp(nanoseconds: milliseconds * 1_000_000) }

/// A book from literal levels.
func book(bids: [(String, String)], asks: [(String, String)]) -> OrderBook {
    var book = OrderBook(symbol: "BTCUSDT", rule: .sequential)
    book.apply(BookSnapshot(symbol: "BTCUSDT", lastUpdateID: 1, bids: bids.map { BookLevel(price: price($0.0), quantity: quantity($0.1)) }, asks: asks.map { BookLevel(price: price($0.0), quantity: quantity($0.1)) }, time: EventTime(exchange: nil, received: at(0))))
    return book
}

func trade(_ side: Side, _ quantityText: String, at priceText: String, time: Int64) -> TradePrint {
    TradePrint(symbol: "BTCUSDT", id: 1, price: price(priceText), quantity: quantity(quantityText), aggressor: side, tradeTime: at(time), time: EventTime(exchange: at(time), received: at(time)))
}

func order(_ id: UInt64, _ side: Side, _ quantityText: String, _ kind: OrderKind, _ timeInForce: TimeInForce = .goodTillCancel) -> OrderRequest {
    OrderRequest(id: ClientOrderID(id), symbol: "BTCUSDT", side: side, kind: kind, quantity: quantity(quantityText), timeInForce: timeInForce, origin: "test", createdAt: at(0))
}

func fills(_ reports: [SimulatedReport]) -> [Fill] {
    reports.compactMap { if case .filled(let fill) = $0.event { return fill } else { return nil } }
}

func names(_ reports: [SimulatedReport]) -> [String] { reports.map(\.event.name) }

let noLatency = LatencyModel(orderEntryNanoseconds: 0, responseNanoseconds: 0)

@Suite("Simulated exchange: fills by hand")
struct SimulatedExchangeTests {
    func exchange(_ terms: AccountTerms = .spot, cash: String = "100000", latency: LatencyModel = noLatency, queue: QueueModel = .conservative) -> SimulatedExchange {
        SimulatedExchange(settings: SimulationSettings(latency: latency, queue: queue, account: terms), cash: money(cash))
    }

    @Test("a limit buy rests behind the queue and fills only once the queue ahead has traded")
    func queuedLimit() {
        var venue = exchange()
        var market = book(bids: [("100", "5")], asks: [("101", "2")])
        let arrival = venue.orderArrived(order(1, .buy, "3", .limit(price("100"))), at: at(10), book: market)
        #expect(names(arrival) == ["OrderAccepted"])
        // 3 of the 5 ahead trade: nothing for us.
        #expect(fills(venue.trade(trade(.sell, "3", at: "100", time: 20))).isEmpty)
        market.apply(BookDelta(symbol: "BTCUSDT", firstUpdateID: 2, finalUpdateID: 2, bids: [BookLevel(price: price("100"), quantity: quantity("2"))], asks: [], time: EventTime(exchange: nil, received: at(21))))
        #expect(venue.bookChanged(symbol: "BTCUSDT", book: market, at: at(21)).isEmpty)
        // 4 more: 2 finish the queue, 2 fill us.
        let partial = fills(venue.trade(trade(.sell, "4", at: "100", time: 30)))
        #expect(partial.map(\.quantity) == [quantity("2")])
        #expect(partial.first?.price == price("100"))
        #expect(partial.first?.liquidity == .maker)
        // A buyer-initiated trade at our price does not touch a resting buy.
        #expect(fills(venue.trade(trade(.buy, "5", at: "100", time: 35))).isEmpty)
        // A sell through our price fills at most what it printed, at our price.
        let through = fills(venue.trade(trade(.sell, "0.5", at: "99.9", time: 40)))
        #expect(through.map(\.quantity) == [quantity("0.5")])
        #expect(through.first?.price == price("100"))
        #expect(venue.restingCount == 1)
        // A larger one fills the rest and no more.
        let rest = fills(venue.trade(trade(.sell, "2", at: "99.8", time: 45)))
        #expect(rest.map(\.quantity) == [quantity("0.5")])
        #expect(venue.restingCount == 0)
    }

    @Test("a 1 BTC bid with 0.3 BTC printed through it fills 0.3 and rests with 0.7, though 5 BTC queued ahead of it")
    func printThroughFillsItsVolume() {
        var venue = exchange()
        let market = book(bids: [("100", "5")], asks: [("101", "2")])
        _ = venue.orderArrived(order(1, .buy, "1", .limit(price("100"))), at: at(1), book: market)
        let filled = fills(venue.trade(trade(.sell, "0.3", at: "99", time: 2)))
        #expect(filled.map(\.quantity) == [quantity("0.3")])
        #expect(filled.first?.price == price("100"))
        #expect(filled.first?.liquidity == .maker)
        #expect(venue.restingCount == 1)
        // The level was cleared: the queue ahead is gone, so a print at the price now fills.
        #expect(fills(venue.trade(trade(.sell, "0.2", at: "100", time: 3))).map(\.quantity) == [quantity("0.2")])
        #expect(venue.queueAhead[ClientOrderID(1)] == .zero)
    }

    @Test("a touch with 0.1 offered at the bid fills 0.1, once: a crossed book seen again adds nothing, more offered adds the difference")
    func touchFillsTheOfferedSize() {
        var venue = exchange()
        var market = book(bids: [("100", "5")], asks: [("101", "2")])
        _ = venue.orderArrived(order(1, .buy, "1", .limit(price("100"))), at: at(1), book: market)
        func asks(_ levels: [(String, String)], id: UInt64, time: Int64) {
            market.apply(BookDelta(symbol: "BTCUSDT", firstUpdateID: id, finalUpdateID: id, bids: [], asks: levels.map { BookLevel(price: price($0.0), quantity: quantity($0.1)) }, time: EventTime(exchange: nil, received: at(time))))
        }
        asks([("100", "0.1")], id: 2, time: 2)
        let touched = fills(venue.bookChanged(symbol: "BTCUSDT", book: market, at: at(2)))
        #expect(touched.map(\.quantity) == [quantity("0.1")])
        #expect(touched.first?.price == price("100"))
        // The same 0.1 seen on the next update is not volume again.
        asks([("101", "3")], id: 3, time: 3)
        #expect(fills(venue.bookChanged(symbol: "BTCUSDT", book: market, at: at(3))).isEmpty)
        // 0.4 offered at or through 100 in all: 0.3 more than already credited.
        asks([("99.5", "0.3")], id: 4, time: 4)
        #expect(fills(venue.bookChanged(symbol: "BTCUSDT", book: market, at: at(4))).map(\.quantity) == [quantity("0.3")])
        // Uncrossed, then crossed again by 0.2: a new touch.
        asks([("99.5", "0"), ("100", "0")], id: 5, time: 5)
        #expect(fills(venue.bookChanged(symbol: "BTCUSDT", book: market, at: at(5))).isEmpty)
        asks([("100", "0.2")], id: 6, time: 6)
        #expect(fills(venue.bookChanged(symbol: "BTCUSDT", book: market, at: at(6))).map(\.quantity) == [quantity("0.2")])
        #expect(venue.restingCount == 1)
    }

    @Test("a market buy walks three levels, each at its price, with the taker fee")
    func marketWalk() {
        var venue = exchange()
        let market = book(bids: [("100", "1")], asks: [("101", "1"), ("102", "1"), ("103", "2")])
        let reports = venue.orderArrived(order(1, .buy, "3", .market), at: at(5), book: market)
        let executed = fills(reports)
        #expect(executed.map(\.price) == [price("101"), price("102"), price("103")])
        #expect(executed.allSatisfy { $0.quantity == quantity("1") && $0.liquidity == .taker })
        // 0.1 % of 101, 102, 103
        #expect(executed.map(\.fee) == [money("0.101"), money("0.102"), money("0.103")])
        #expect(venue.account.cash == money("100000") - money("306") - money("0.306"))
    }

    @Test("time in force: IOC expires its rest, FOK fills whole or not at all, post-only never takes")
    func timeInForce() {
        let market = book(bids: [("100", "1")], asks: [("101", "1"), ("102", "1")])
        var venue = exchange()
        let ioc = venue.orderArrived(order(1, .buy, "3", .limit(price("101")), .immediateOrCancel), at: at(1), book: market)
        #expect(names(ioc) == ["OrderAccepted", "OrderFilled", "OrderExpired"])
        let fok = venue.orderArrived(order(2, .buy, "3", .limit(price("102")), .fillOrKill), at: at(2), book: market)
        #expect(names(fok) == ["OrderAccepted", "OrderExpired"])
        let fokFull = venue.orderArrived(order(3, .buy, "2", .limit(price("102")), .fillOrKill), at: at(3), book: market)
        #expect(fills(fokFull).count == 2)
        let postOnly = venue.orderArrived(order(4, .buy, "1", .limit(price("101")), .postOnly), at: at(4), book: market)
        #expect(names(postOnly) == ["OrderRejected"])
        let resting = venue.orderArrived(order(5, .buy, "1", .limit(price("100.5")), .postOnly), at: at(5), book: market)
        #expect(names(resting) == ["OrderAccepted"])
        #expect(venue.restingCount == 1)
    }

    @Test("a futures long at 10x is liquidated at the computed price and loses its margin")
    func liquidation() {
        var venue = exchange(.usdMargined(leverage: 10), cash: "1000")
        let market = book(bids: [("99.9", "5")], asks: [("100", "5")])
        _ = venue.orderArrived(order(1, .buy, "1", .market), at: at(1), book: market)
        #expect(venue.account.position("BTCUSDT")?.entryPrice == price("100"))
        #expect(fills(venue.trade(trade(.sell, "1", at: "90.4", time: 2))).isEmpty)
        let reports = venue.trade(trade(.sell, "1", at: "90.3", time: 3))
        let liquidation = try! #require(fills(reports).first)
        #expect(liquidation.isLiquidation)
        #expect(liquidation.price == price("90.36144578"))
        #expect(venue.account.position("BTCUSDT")?.isFlat == true)
        // 1000 − 0.05 entry fee − 10 margin
        #expect(venue.account.cash == money("989.95"))
    }

    @Test("latency: an order arrives after the entry delay; reports reach the kernel after the response delay")
    func latency() {
        var venue = exchange(latency: LatencyModel(orderEntryNanoseconds: 7_000_000, responseNanoseconds: 3_000_000))
        #expect(venue.orderEntryDelay(symbol: "BTCUSDT") == 7_000_000)
        let market = book(bids: [("100", "1")], asks: [("101", "1")])
        let reports = venue.orderArrived(order(1, .buy, "1", .market), at: at(50), book: market)
        #expect(reports.allSatisfy { $0.deliverAt == at(53) && $0.event.time == at(50) })
    }

    @Test("with jitter, a symbol's reports still reach the kernel in the order they happened: a fill never overtakes its acceptance")
    func reportsInOrder() {
        var venue = exchange(latency: LatencyModel(orderEntryNanoseconds: 5_000_000, responseNanoseconds: 5_000_000, jitter: 0.9))
        let market = book(bids: [("100", "1")], asks: [("101", "1"), ("102", "1"), ("103", "1")])
        var last = Int64.min
        for id in 1...50 {
            let reports = venue.orderArrived(order(UInt64(id), .buy, "0.05", .market), at: at(Int64(id)), book: market)
            #expect(names(reports).first == "OrderAccepted")
            for report in reports {
                #expect(report.deliverAt.nanoseconds >= last)
                last = report.deliverAt.nanoseconds
            }
        }
    }

    @Test("spot balances: a buy beyond the cash and a sell beyond the holding are rejected")
    func balances() {
        var venue = exchange(cash: "50")
        let market = book(bids: [("100", "1")], asks: [("101", "1")])
        #expect(names(venue.orderArrived(order(1, .buy, "1", .limit(price("100"))), at: at(1), book: market)) == ["OrderRejected"])
        #expect(names(venue.orderArrived(order(2, .sell, "1", .limit(price("105"))), at: at(2), book: market)) == ["OrderRejected"])
    }

    @Test("the probabilistic queue moves forward on cancellations; the conservative one does not")
    func queueModels() {
        // 10 ahead at our price; then the level shrinks to 4 with no trade (6 cancelled).
        let conservative = QueueModel.conservative
        #expect(conservative.queueAheadForTesting(10, before: 10, after: 4, traded: 0) == 4)
        #expect(conservative.queueAheadForTesting(3, before: 10, after: 4, traded: 0) == 3)
        let probabilistic = QueueModel.probabilistic(power: 2)
        // ahead 5, behind 5: half of the 4 cancelled came from ahead.
        #expect(probabilistic.queueAheadForTesting(5, before: 10, after: 6, traded: 0) == 3)
        // Shrinkage explained by trades is not cancellation.
        #expect(probabilistic.queueAheadForTesting(5, before: 10, after: 6, traded: 4) == 5)
    }
}
