import EngineCore
import MarketModel
import Testing
import Strategies
import Trading

/// The trader's commands answer with what the kernel did: the screen shows this reply,
/// so it must never say "sent" for a refused order or stay silent about a cancel.
@Suite("What the kernel tells the trader")
struct UserReplyTests {
    @Test("a sell the position cannot cover (its coin is held by the resting take profit) is refused with the reason, nothing sent")
    func refusedSellSaysWhy() throws {
        var (engine, _, _) = try holding()
        let effects = engine.handle(.user(.place(OrderIntent(symbol: "BTCUSDT", side: .sell, kind: .market, quantity: quantity("1"))), at: at(3)))
        #expect(submitted(effects).isEmpty)
        let reply = try #require(engine.lastUserReply)
        #expect(!reply.done)
        #expect(reply.text.hasPrefix("sell 1 BTCUSDT REFUSED: "), "\(reply.text)")
        #expect(reply.text.contains("exit orders for 2 exceed the position of 1") && reply.text.hasSuffix("p panic-sells (cancelling it first), c cancels it"), "\(reply.text)")
    }

    @Test("an order sent says so with its order id, and the rounding the exchange's rules made")
    func sentSaysWhatWasSent() throws {
        var engine = kernel(ScriptedStrategy(script: []))
        var rules = SymbolRules(symbol: "BTCUSDT", tickSize: price("0.1"), stepSize: quantity("0.001"), fetchedAt: at(0))
        rules.minNotional = money("1")
        _ = engine.handle(.rules(rules))
        _ = engine.handle(snapshot(bid: "99.9", ask: "100.1"))
        _ = engine.handle(tradeInput("100", 1))
        let effects = engine.handle(.user(.place(OrderIntent(symbol: "BTCUSDT", side: .buy, kind: .limit(price("99.87")), quantity: quantity("0.0125"))), at: at(2)))
        let sent = try #require(submitted(effects).first)
        let reply = try #require(engine.lastUserReply)
        #expect(reply.done)
        #expect(reply.text == "buy 0.012 BTCUSDT @99.8 sent as order \(sent.id); quantity 0.0125 → 0.012 (lot), price 99.87 → 99.8 (tick)", "\(reply.text)")
    }

    @Test("cancel names what it cancelled; with nothing open it says so")
    func cancelReports() throws {
        var engine = kernel(ScriptedStrategy(script: []))
        _ = engine.handle(snapshot(bid: "99.9", ask: "100.1"))
        _ = engine.handle(tradeInput("100", 1))
        _ = engine.handle(.user(.cancelAll(symbol: "BTCUSDT"), at: at(2)))
        #expect(engine.lastUserReply == UserReply(done: false, "no open order on BTCUSDT to cancel"))
        let order = try #require(submitted(engine.handle(.user(.place(OrderIntent(symbol: "BTCUSDT", side: .buy, kind: .limit(price("95")), quantity: quantity("0.5"))), at: at(3)))).first)
        let cancel = engine.handle(.user(.cancelAll(symbol: "BTCUSDT"), at: at(4)))
        #expect(cancels(cancel) == [order.id])
        #expect(engine.lastUserReply == UserReply(done: true, "cancel sent for 1 order: buy \(order.id) BTCUSDT @95"))
    }

    @Test("cancelling a position's take profit keeps it off: the exits do not place it again until a panic sell or resume")
    func cancelledExitStaysOff() throws {
        var (engine, takeProfit, entry) = try holding()
        let cancel = engine.handle(.user(.cancelAll(symbol: "BTCUSDT"), at: at(3)))
        #expect(Set(cancels(cancel)) == [takeProfit.id, entry.id])
        let reply = try #require(engine.lastUserReply)
        #expect(reply.text.contains("take-profit sell \(takeProfit.id) BTCUSDT @100.5") && reply.text.contains("exits of BTCUSDT held"), "\(reply.text)")
        #expect(engine.exitsHeld == ["BTCUSDT"])
        let confirmed = engine.handle(.order(.cancelled(takeProfit.id, time: at(3.01), reason: "requested"), receivedAt: at(3.01)))
        #expect(submitted(confirmed).isEmpty, "the take profit is not re-placed")
        #expect(submitted(engine.handle(tradeInput("100.2", 4))).isEmpty)
        // Resume re-arms them: the take profit goes back.
        let resumed = engine.handle(.user(.setTradingState(.active), at: at(5)))
        #expect(submitted(resumed).first?.origin == "exits:take-profit")
        #expect(engine.exitsHeld.isEmpty)
    }

    @Test("a panic sell with no position says nothing was sent")
    func panicWithoutPosition() {
        var engine = kernel(ScriptedStrategy(script: []))
        _ = engine.handle(snapshot(bid: "99.9", ask: "100.1"))
        _ = engine.handle(.user(.panicSell(symbol: "BTCUSDT"), at: at(1)))
        #expect(engine.lastUserReply == UserReply(done: false, "no position in BTCUSDT to sell: nothing sent"))
    }
}
