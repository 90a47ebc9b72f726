@testable import EngineCore
import MarketModel
import Strategies
import Testing
import Trading

/// A strategy with a name of its own that places each step's intents on the first
/// trade at or after the step's time.
struct TimedStrategy: Strategy {
    let name: String
    var exits: ExitSettings
    var filters: StrategyFilters = .none
    var steps: [(seconds: Double, intents: [StrategyIntent])]
    /// Whether the strategy saw itself flat on each trade (its own position only).
    var sawFlat: [Bool] = []

    mutating func handle(_ input: StrategyInput, context: StrategyContext) -> [StrategyIntent] {
        guard case .market(.trade) = input else { return [] }
        sawFlat.append(context.isFlat)
        guard let next = steps.first, Double(context.now.nanoseconds) / 1e9 >= next.seconds else { return [] }
        steps.removeFirst()
        return next.intents
    }
}

/// Issue 18 item 7: positions kept per strategy entry, MoonBot's way (each buy
/// carries its own sell), netted only for the exchange.
@Suite("Kernel: a lot per entry, each with its own exits")
struct EntryLotTests {
    func exits(takeProfit percent: Double) -> ExitSettings {
        var exits = ExitSettings()
        exits.sellPrice = percent
        return exits
    }

    func twoStrategies(kind: AccountTerms = .spot, takeProfits: (Double, Double) = (1, 3), first: [(Double, [StrategyIntent])], second: [(Double, [StrategyIntent])]) -> TradingKernel {
        let configuration = KernelConfiguration(account: kind, initialCash: money("100000"), marketKind: kind.kind.isFutures ? .usdMargined : .spot)
        return TradingKernel(configuration: configuration, strategies: [
            TimedStrategy(name: "alpha", exits: exits(takeProfit: takeProfits.0), steps: first.map { ($0.0, $0.1) }),
            TimedStrategy(name: "beta", exits: exits(takeProfit: takeProfits.1), steps: second.map { ($0.0, $0.1) }),
        ])
    }

    func accept(_ request: OrderRequest, _ seconds: Double, _ engine: inout TradingKernel) {
        _ = engine.handle(.order(.accepted(request.id, time: at(seconds)), receivedAt: at(seconds)))
    }

    @Test("a second strategy's entry on a coin the first holds is a trade of its own: its own take profit, its own round trip, and neither sells the other's coins")
    func secondStrategyHasItsOwnLot() throws {
        var engine = twoStrategies(first: [(1, [buy("1", at: "100")])], second: [(3, [buy("2", at: "110")])])
        _ = engine.handle(snapshot(bid: "99.9", ask: "100.1"))
        let alphaEntry = try #require(submitted(engine.handle(tradeInput("100", 1))).first)
        accept(alphaEntry, 1.1, &engine)
        let alphaExit = try #require(submitted(engine.handle(fillEvent(alphaEntry, at: "100", 2))).first)
        #expect(alphaExit.side == .sell && alphaExit.quantity == quantity("1") && alphaExit.kind.limitPrice == price("101"))
        accept(alphaExit, 2.1, &engine)

        // Beta enters while alpha holds: it sees itself flat and buys.
        let betaEntry = try #require(submitted(engine.handle(tradeInput("110", 3))).first)
        #expect(betaEntry.origin == "beta")
        accept(betaEntry, 3.1, &engine)
        let betaFill = engine.handle(fillEvent(betaEntry, at: "110", 4))
        let betaExit = try #require(submitted(betaFill).first)
        // Its own take profit: its own quantity at 3 % over its own price; alpha's stays.
        #expect(betaExit.quantity == quantity("2") && betaExit.kind.limitPrice == price("113.3"))
        #expect(cancels(betaFill).isEmpty, "beta's entry leaves alpha's take profit alone")
        #expect(engine.account.position("BTCUSDT")?.quantity == quantity("3"), "the exchange holds one net position")
        let lines = try #require(engine.snapshot().positions.first?.lots)
        #expect(lines.map(\.origin) == ["alpha", "beta"])
        #expect(lines.map(\.quantity) == [quantity("1"), quantity("2")])
        #expect(lines.map(\.entryPrice) == [price("100"), price("110")])
        accept(betaExit, 4.1, &engine)

        // Alpha's take profit fills: alpha's round trip closes, beta's lot is untouched.
        let alphaClose = engine.handle(fillEvent(alphaExit, at: "101", 5))
        #expect(cancels(alphaClose).isEmpty, "beta's take profit stays")
        #expect(engine.journal.count == 1)
        #expect(engine.journal.first?.netPnL == money("1"))
        #expect(engine.strategyLines.map(\.trades) == [1, 0])
        #expect(engine.openOrders.map(\.request.id) == [betaExit.id])

        _ = engine.handle(fillEvent(betaExit, at: "113.3", 6))
        #expect(engine.journal.map(\.netPnL) == [money("1"), money("6.6")])
        #expect(engine.strategyLines.map(\.netPnL) == [money("1"), money("6.6")])
        #expect(engine.account.position("BTCUSDT")?.isFlat ?? true)
        #expect(engine.strategyLines.map(\.netPnL).reduce(.zero, +) == engine.account.realizedPnL - engine.account.fees)
    }

    @Test("a strategy sees only its own lots: flat while another strategy holds the coin, not flat while it holds its own")
    func contextPositionIsTheStrategysOwn() throws {
        var engine = twoStrategies(first: [(1, [buy("1", at: "100")])], second: [])
        _ = engine.handle(snapshot(bid: "99.9", ask: "100.1"))
        let entry = try #require(submitted(engine.handle(tradeInput("100", 1))).first)
        accept(entry, 1.1, &engine)
        _ = engine.handle(fillEvent(entry, at: "100", 2))
        _ = engine.handle(tradeInput("100", 3))
        #expect(engine.ownPosition(symbol: "BTCUSDT", origin: "alpha")?.quantity == quantity("1"))
        #expect(engine.ownPosition(symbol: "BTCUSDT", origin: "beta") == nil)
        let alpha = try #require(engine.slots[0].strategy as? TimedStrategy)
        let beta = try #require(engine.slots[1].strategy as? TimedStrategy)
        #expect(alpha.sawFlat == [true, false], "alpha holds its lot at 3 s")
        #expect(beta.sawFlat == [true, true], "beta is flat: the coins are alpha's")
    }

    @Test("a manual sell takes from the oldest lot first and closes it as manual; the next lot keeps its exits")
    func manualSellTakesOldestFirst() throws {
        // Alpha has no take profit, so one coin is free to sell by hand (beta's take
        // profit holds the other, as the exchange would).
        var engine = twoStrategies(takeProfits: (0, 3), first: [(1, [buy("1", at: "100")])], second: [(3, [buy("1", at: "104")])])
        _ = engine.handle(snapshot(bid: "99.9", ask: "100.1"))
        let alphaEntry = try #require(submitted(engine.handle(tradeInput("100", 1))).first)
        accept(alphaEntry, 1.1, &engine)
        #expect(submitted(engine.handle(fillEvent(alphaEntry, at: "100", 2))).isEmpty)
        let betaEntry = try #require(submitted(engine.handle(tradeInput("104", 3))).first)
        accept(betaEntry, 3.1, &engine)
        let betaExit = try #require(submitted(engine.handle(fillEvent(betaEntry, at: "104", 4))).first)
        accept(betaExit, 4.1, &engine)

        let manual = try #require(submitted(engine.handle(.user(.place(OrderIntent(symbol: "BTCUSDT", side: .sell, kind: .limit(price("102")), quantity: quantity("1"))), at: at(5)))).first)
        accept(manual, 5.1, &engine)
        let filled = engine.handle(fillEvent(manual, at: "102", 6))
        #expect(engine.journal.count == 1)
        #expect(engine.journal.first?.exitReason == "manual")
        #expect(engine.journal.first?.entryPrice == price("100"), "alpha's lot, the oldest, was sold")
        #expect(engine.journal.first?.netPnL == money("2"))
        #expect(engine.strategyLines.map(\.netPnL) == [money("2"), .zero])
        #expect(cancels(filled).isEmpty, "beta's take profit stays")
        #expect(engine.openOrders.map(\.request.id) == [betaExit.id])
    }

    @Test("futures: a strategy's short entry while another strategy holds a long is refused (one position per symbol on the exchange)")
    func oneWayModeRefusesOppositeEntries() throws {
        let sell = StrategyIntent.place(OrderIntent(symbol: "BTCUSDT", side: .sell, kind: .limit(price("101")), quantity: quantity("1")))
        var engine = twoStrategies(kind: .usdMargined(leverage: 5), first: [(1, [buy("1", at: "100")])], second: [(3, [sell])])
        _ = engine.handle(snapshot(bid: "99.9", ask: "100.1"))
        let entry = try #require(submitted(engine.handle(tradeInput("100", 1))).first)
        accept(entry, 1.1, &engine)
        _ = engine.handle(fillEvent(entry, at: "100", 2))
        let refused = engine.handle(tradeInput("100", 3))
        #expect(submitted(refused).isEmpty)
        #expect(engine.log.contains { $0.text.contains("one-way-position") && $0.text.contains("alpha holds a long 1") })
        #expect(engine.strategyLines.map(\.ordersDenied) == [0, 1])
    }

    @Test("a lot too small to sell alone joins the oldest lot of its direction: one sell for both, each ledger its own part")
    func dustLotJoinsAnother() throws {
        var rules = SymbolRules(symbol: "BTCUSDT", tickSize: price("0.01"), stepSize: quantity("0.001"), fetchedAt: at(0))
        rules.minNotional = money("5")
        var engine = twoStrategies(first: [(1, [buy("1", at: "100")])], second: [(3, [buy("1", at: "100")])])
        _ = engine.handle(.rules(rules))
        _ = engine.handle(snapshot(bid: "99.9", ask: "100.1"))
        let alphaEntry = try #require(submitted(engine.handle(tradeInput("100", 1))).first)
        accept(alphaEntry, 1.1, &engine)
        let alphaExit = try #require(submitted(engine.handle(fillEvent(alphaEntry, at: "100", 2))).first)
        accept(alphaExit, 2.1, &engine)
        let betaEntry = try #require(submitted(engine.handle(tradeInput("100", 3))).first)
        accept(betaEntry, 3.1, &engine)
        // 0.04 of beta's entry fills, then the entry is cancelled: 0.04 at 100 is 4
        // USDT, under the 5 minimum, so that lot cannot be sold alone.
        let part = Fill(orderID: betaEntry.id, symbol: "BTCUSDT", side: .buy, price: price("100"), quantity: quantity("0.04"), fee: .zero, liquidity: .maker, time: at(4))
        _ = engine.handle(.order(.filled(part), receivedAt: at(4)))
        _ = engine.handle(.order(.cancelled(betaEntry.id, time: at(4.2), reason: "test"), receivedAt: at(4.2)))
        let joined = engine.handle(tradeInput("100", 4.3))
        #expect(engine.log.contains { $0.text.contains("beta's 0.04 BTCUSDT is too small to sell alone: joined alpha's lot") })
        // Alpha's exit is re-placed for both: cancelled, then sent for 1.04 once the cancel is confirmed.
        #expect(cancels(joined) == [alphaExit.id])
        let replaced = try #require(submitted(engine.handle(.order(.cancelled(alphaExit.id, time: at(4.5), reason: "test"), receivedAt: at(4.5)))).first)
        #expect(replaced.quantity == quantity("1.04"))
        accept(replaced, 4.6, &engine)
        _ = engine.handle(fillEvent(replaced, at: "101", 5))
        #expect(engine.journal.count == 1)
        #expect(engine.strategyLines.map(\.trades) == [1, 1])
        #expect(engine.strategyLines.map(\.netPnL) == [money("1"), money("0.04")])
        #expect(engine.account.position("BTCUSDT")?.isFlat ?? true)
    }

    @Test("property: for any entries of two strategies and any fills, the lots hold exactly what the account holds, and once flat the ledgers sum to the account's result", arguments: 0..<40)
    func lotsAddUpToTheAccount(seed: UInt64) throws {
        var random = SplitMix(seed: seed)
        func entries() -> [(Double, [StrategyIntent])] {
            (0..<3).map { step in (Double(1 + step * 10 + Int(random.next() % 5)), [buy("\(1 + random.next() % 4)", at: "\(95 + random.next() % 10)")]) }
        }
        var engine = twoStrategies(first: entries(), second: entries())
        _ = engine.handle(snapshot(bid: "99.9", ask: "100.1"))
        func checkLots(_ when: String) {
            let inLots = engine.lots.values.reduce(Int64(0)) { $0 + $1.position.quantity.units }
            #expect(inLots == engine.account.position("BTCUSDT")?.quantity.units ?? 0, "seed \(seed), \(when)")
        }
        for second in 1...40 {
            _ = engine.handle(tradeInput("\(95 + random.next() % 10)", Double(second)))
            // Some open orders fill at their limit (a take profit placed by a fill
            // waits for the next round).
            for order in engine.openOrders where random.next() % 3 == 0 {
                guard let limit = order.request.kind.limitPrice else { continue }
                _ = engine.handle(.order(.accepted(order.request.id, time: at(Double(second) + 0.2)), receivedAt: at(Double(second) + 0.2)))
                _ = engine.handle(fillEvent(order.request, at: "\(limit)", Double(second) + 0.5, fee: "0.01"))
                checkLots("after a fill at \(second) s")
            }
        }
        // Entries still open are cancelled; the trader panic-sells the rest; the sells fill.
        for order in engine.openOrders where order.request.side == .buy {
            _ = engine.handle(.order(.cancelled(order.request.id, time: at(49), reason: "test"), receivedAt: at(49)))
        }
        _ = engine.handle(.user(.panicSell(symbol: nil), at: at(50)))
        for round in 0..<6 {
            for order in engine.openOrders where order.request.side == .sell {
                if order.cancelRequested {
                    _ = engine.handle(.order(.cancelled(order.request.id, time: at(51 + Double(round)), reason: "test"), receivedAt: at(51 + Double(round))))
                } else {
                    _ = engine.handle(fillEvent(order.request, at: "\(order.request.kind.limitPrice ?? price("100"))", 51 + Double(round), fee: "0.01"))
                }
                checkLots("selling in round \(round)")
            }
            _ = engine.handle(tradeInput("100", 51.5 + Double(round)))
        }
        #expect(engine.account.position("BTCUSDT")?.isFlat ?? true, "seed \(seed): the panic sells sold everything")
        #expect(engine.lots.isEmpty)
        #expect(!engine.journal.isEmpty, "seed \(seed): something traded")
        #expect(engine.journal.count == engine.strategyLines.map(\.trades).reduce(0, +))
        #expect(engine.strategyLines.map(\.netPnL).reduce(Money.zero, +) == engine.account.realizedPnL - engine.account.fees, "seed \(seed)")
    }
}
