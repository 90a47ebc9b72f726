import EngineCore
import MarketModel
import Strategies
import Testing
import Trading

@Suite("Trading kernel")
struct TradingKernelTests {
    @Test("a strategy's order passes the risk gate and goes out, with a counter id")
    func orderGoesOut() {
        var engine = kernel(ScriptedStrategy(script: [buy("0.1", at: "100")]))
        _ = engine.handle(snapshot(bid: "99.9", ask: "100.1"))
        let effects = engine.handle(tradeInput("100", 1))
        let requests = submitted(effects)
        #expect(requests.count == 1)
        #expect(requests.first?.id == ClientOrderID(1))
        #expect(requests.first?.origin == "scripted")
        #expect(engine.openOrders.count == 1)
    }

    @Test("a denied intent becomes OrderDenied naming the rule, and the strategy hears of it")
    func denied() throws {
        var risk = RiskSettings()
        risk.maxOrderNotional = money("5")
        var engine = kernel(ScriptedStrategy(script: [buy("0.1", at: "100")]), risk: risk)
        _ = engine.handle(snapshot(bid: "99.9", ask: "100.1"))
        let effects = engine.handle(tradeInput("100", 1))
        #expect(submitted(effects).isEmpty)
        #expect(effects.contains { if case .record(.order(.denied(_, _, "max-order-notional", _))) = $0 { return true } else { return false } })
        #expect(engine.order(ClientOrderID(1))?.status == .denied)
        #expect(engine.log.last?.text.contains("OrderDenied apg-1") == true)
    }

    @Test("a fill opens the position; the shared exits place the take profit; its fill closes the round trip")
    func roundTrip() throws {
        var exits = ExitSettings()
        exits.sellPrice = 0.5
        var engine = kernel(ScriptedStrategy(exits: exits, script: [buy("1", at: "100")]))
        _ = engine.handle(snapshot(bid: "99.9", ask: "100.1"))
        let entry = try #require(submitted(engine.handle(tradeInput("100", 1))).first)
        _ = engine.handle(.order(.accepted(entry.id, time: at(1.01)), receivedAt: at(1.01)))
        let afterFill = engine.handle(fillEvent(entry, at: "100", 2, fee: "0.1"))
        let takeProfit = try #require(submitted(afterFill).first)
        #expect(takeProfit.origin == "exits:take-profit")
        #expect(takeProfit.side == .sell)
        #expect(takeProfit.kind == .limit(price("100.5")))
        #expect(engine.account.position("BTCUSDT")?.quantity == quantity("1"))
        _ = engine.handle(.order(.accepted(takeProfit.id, time: at(2.01)), receivedAt: at(2.01)))
        let closing = engine.handle(fillEvent(takeProfit, at: "100.5", 30, fee: "0.1005"))
        let trade = try #require(engine.journal.first)
        #expect(trade.netPnL == money("0.2995"))
        #expect(trade.exitReason == "take-profit")
        #expect(closing.contains { if case .record(.trade) = $0 { return true } else { return false } })
        #expect(engine.account.cash == money("10000.2995"))
    }

    @Test("order errors in a row halt trading and cancel the open entries")
    func haltOnErrors() throws {
        var risk = RiskSettings()
        risk.maxConsecutiveErrors = 2
        var engine = kernel(ScriptedStrategy(script: [buy("0.1", at: "100"), buy("0.1", at: "99"), buy("0.1", at: "98")]), risk: risk)
        _ = engine.handle(snapshot(bid: "99.9", ask: "100.1"))
        let requests = submitted(engine.handle(tradeInput("100", 1)))
        #expect(requests.count == 3)
        _ = engine.handle(.order(.rejected(requests[0].id, time: at(1.1), reason: "test"), receivedAt: at(1.1)))
        let effects = engine.handle(.order(.rejected(requests[1].id, time: at(1.2), reason: "test"), receivedAt: at(1.2)))
        #expect(engine.risk.state == .halted)
        #expect(cancels(effects) == [requests[2].id])
    }

    @Test("a user panic sell goes into the bids")
    func userPanic() throws {
        var engine = kernel(ScriptedStrategy(script: [buy("1", at: "100")]))
        _ = engine.handle(snapshot(bid: "99.9", ask: "100.1"))
        let entry = try #require(submitted(engine.handle(tradeInput("100", 1))).first)
        let afterFill = engine.handle(fillEvent(entry, at: "100", 2))
        let takeProfit = try #require(submitted(afterFill).first)
        let panic = engine.handle(.user(.panicSell(symbol: "BTCUSDT"), at: at(3)))
        #expect(cancels(panic) == [takeProfit.id])
        let afterCancel = engine.handle(.order(.cancelled(takeProfit.id, time: at(3.01), reason: "requested"), receivedAt: at(3.01)))
        let sell = try #require(submitted(afterCancel).first)
        #expect(sell.origin == "exits:panic-sell")
        // 99.9 × 0.995 = 99.4005 → 99.5 at the 0.1 tick the prints show
        #expect(sell.kind.limitPrice! < price("99.9"))
    }

    @Test("AutoCancelBuy cancels an entry left unfilled")
    func autoCancel() throws {
        var exits = ExitSettings()
        exits.autoCancelBuy = 5
        var engine = kernel(ScriptedStrategy(exits: exits, script: [buy("0.1", at: "99")]))
        _ = engine.handle(snapshot(bid: "99.9", ask: "100.1"))
        let entry = try #require(submitted(engine.handle(tradeInput("100", 1))).first)
        #expect(cancels(engine.handle(tradeInput("100", 5))).isEmpty)
        #expect(cancels(engine.handle(.timer(at(6.1)))) == [entry.id])
    }

    @Test("the same inputs give the same effects")
    func deterministic() {
        func run() -> [KernelEffect] {
            var engine = kernel(ScriptedStrategy(script: [buy("0.1", at: "100"), buy("0.2", at: "99")]))
            var all: [KernelEffect] = []
            all += engine.handle(snapshot(bid: "99.9", ask: "100.1"))
            for second in 1...20 { all += engine.handle(tradeInput(second % 2 == 0 ? "100" : "100.1", Double(second))) }
            return all
        }
        #expect(run() == run())
    }
}

@Suite("Kernel snapshot")
struct KernelSnapshotTests {
    @Test("a snapshot shows the book, the position, the orders and the strategy's tallies")
    func snapshotContents() throws {
        var engine = kernel(ScriptedStrategy(script: [buy("1", at: "100"), buy("0.5", at: "99")]))
        _ = engine.handle(snapshot(bid: "99.9", ask: "100.1"))
        let requests = submitted(engine.handle(tradeInput("100", 1)))
        _ = engine.handle(fillEvent(requests[0], at: "100", 2))
        _ = engine.handle(tradeInput("101", 3))
        let picture = engine.snapshot(depth: 5)
        #expect(picture.markets.map(\.symbol) == ["BTCUSDT"])
        #expect(picture.markets.first?.bestBid?.price == price("99.9"))
        #expect(picture.markets.first?.bookState == "synced")
        #expect(picture.positions.first?.quantity == quantity("1"))
        #expect(picture.positions.first?.unrealizedPnL == money("1"))
        #expect(picture.openOrders.map(\.id).contains(requests[1].id))
        #expect(picture.strategies.first?.ordersPlaced == 2)
        #expect(picture.equity == money("10001"))
        #expect(picture.tradingState == .active)
    }
}
