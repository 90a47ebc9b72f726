import EngineCore
import MarketModel
import Strategies
import Testing
import Trading

/// Halts keep a position's exits working; the kill switch cancels everything and
/// either flattens or leaves positions without orders until the trader resumes.
@Suite("Halt and kill switch")
struct KillSwitchTests {
    /// One filled 1.0 long at 100 with its take profit resting at 100.5, and a second
    /// entry resting at 95.
    @Test("HALTED still lets a position's stop loss out: the panic sell is sent, not denied")
    func haltKeepsStops() throws {
        var (engine, takeProfit, entry) = try holding()
        let halt = engine.handle(.user(.setTradingState(.halted), at: at(3)))
        #expect(cancels(halt) == [entry.id], "a halt cancels the entries only")
        #expect(engine.risk.state == .halted)
        // The price falls 6 %: past the default 5 % stop loss.
        let fall = engine.handle(tradeInput("94", 4, side: .sell))
        #expect(cancels(fall) == [takeProfit.id], "the stop first takes the take profit away")
        let afterCancel = engine.handle(.order(.cancelled(takeProfit.id, time: at(4.01), reason: "requested"), receivedAt: at(4.01)))
        let panic = try #require(submitted(afterCancel).first)
        #expect(panic.origin == "exits:panic-sell")
        #expect(engine.order(panic.id)?.status != .denied)
        // The trader's own orders stay refused while HALTED.
        let own = engine.handle(.user(.place(OrderIntent(symbol: "BTCUSDT", side: .buy, kind: .limit(price("90")), quantity: quantity("0.1"))), at: at(5)))
        #expect(submitted(own).isEmpty)
    }

    @Test("a risk halt with flattenOnHalt really flattens (its panic sell passes the gate)")
    func flattenOnHalt() throws {
        var risk = RiskSettings()
        risk.flattenOnHalt = true
        var (engine, takeProfit, entry) = try holding(risk: risk)
        let halt = engine.handle(.user(.setTradingState(.halted), at: at(3)))
        #expect(Set(cancels(halt)) == [entry.id, takeProfit.id])
        let afterCancel = engine.handle(.order(.cancelled(takeProfit.id, time: at(3.01), reason: "requested"), receivedAt: at(3.01)))
        #expect(submitted(afterCancel).first?.origin == "exits:panic-sell")
    }

    @Test("kill switch, positions kept: every order cancelled, then nothing at all is sent until resume, which brings the exits back")
    func killKeepingPositions() throws {
        var (engine, takeProfit, entry) = try holding()
        let kill = engine.handle(.user(.killSwitch(flatten: false), at: at(3)))
        #expect(Set(cancels(kill)) == [entry.id, takeProfit.id])
        #expect(engine.risk.state == .halted)
        #expect(engine.exitsSuspended)
        #expect(engine.log.contains { $0.text.contains("KILL SWITCH") })
        _ = engine.handle(.order(.cancelled(takeProfit.id, time: at(3.01), reason: "requested"), receivedAt: at(3.01)))
        _ = engine.handle(.order(.cancelled(entry.id, time: at(3.01), reason: "requested"), receivedAt: at(3.01)))
        // A crash through the stop and several timer ticks: no order.
        let crashed = BookSnapshot(symbol: "BTCUSDT", lastUpdateID: 2, bids: [BookLevel(price: price("89.9"), quantity: quantity("5"))], asks: [BookLevel(price: price("90.1"), quantity: quantity("5"))], time: time(4))
        #expect(submitted(engine.handle(.market(.bookSnapshot(crashed)))).isEmpty)
        #expect(submitted(engine.handle(tradeInput("90", 4, side: .sell))).isEmpty)
        #expect(submitted(engine.handle(.timer(at(5)))).isEmpty)
        #expect(submitted(engine.handle(.timer(at(6)))).isEmpty)
        #expect(engine.openOrders.isEmpty)
        #expect(engine.account.position("BTCUSDT")?.quantity == quantity("1"))
        // Resuming gives the position its exits again (the stop is hit: a panic sell).
        let resume = engine.handle(.user(.setTradingState(.active), at: at(7)))
        #expect(!engine.exitsSuspended)
        let afterResume = submitted(resume) + submitted(engine.handle(.timer(at(8))))
        #expect(afterResume.first?.origin.hasPrefix("exits:") == true, "\(afterResume.map(\.origin)) \(engine.log.map(\.text))")
    }

    @Test("kill switch with flatten: every order cancelled and the position panic-sold")
    func killFlatten() throws {
        var (engine, takeProfit, entry) = try holding()
        let kill = engine.handle(.user(.killSwitch(flatten: true), at: at(3)))
        #expect(Set(cancels(kill)) == [entry.id, takeProfit.id])
        #expect(!engine.exitsSuspended)
        let afterCancel = engine.handle(.order(.cancelled(takeProfit.id, time: at(3.01), reason: "requested"), receivedAt: at(3.01)))
        let panic = try #require(submitted(afterCancel).first)
        #expect(panic.origin == "exits:panic-sell")
        #expect(panic.side == .sell && panic.quantity == quantity("1"))
    }

    @Test("the kill switch as a risk rule: equity 3 below its peak pulls it within a timer tick")
    func drawdownRule() throws {
        var risk = RiskSettings()
        risk.killSwitchDrawdown = money("3")
        var (engine, _, _) = try holding(risk: risk)
        _ = engine.handle(.timer(at(3)))
        #expect(engine.risk.state == .active, "at the peak")
        _ = engine.handle(tradeInput("98", 3.5, side: .sell))
        _ = engine.handle(.timer(at(4)))
        #expect(engine.risk.state == .active, "2 below the peak: under the limit")
        _ = engine.handle(tradeInput("96.5", 4.5, side: .sell))
        let kill = engine.handle(.timer(at(5)))
        #expect(engine.risk.state == .halted)
        #expect(!cancels(kill).isEmpty)
        #expect(engine.log.contains { $0.text.contains("KILL SWITCH (equity") && $0.text.contains("over the 3.00 limit") }, "\(engine.log.map(\.text))")
    }
}
