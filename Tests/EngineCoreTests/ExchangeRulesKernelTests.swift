import EngineCore
import MarketModel
import Strategies
import Testing
import Trading

/// The kernel against an exchange that refuses: exits never loop, every order fits the
/// exchange's filters or is not sent, a fee taken in the coin shrinks the position.
@Suite("Kernel under the exchange's rules")
struct ExchangeRulesKernelTests {
    /// Binance spot's BTCUSDT-like rules: tick 0.01, lot 0.00001, min notional 5.
    func rules(fetchedAt seconds: Double = 0) -> SymbolRules {
        var rules = SymbolRules(symbol: "BTCUSDT", tickSize: price("0.01"), stepSize: quantity("0.00001"), fetchedAt: at(seconds))
        rules.minQuantity = quantity("0.00001")
        rules.minNotional = money("5")
        return rules
    }

    /// A kernel holding `held` BTC bought at 100 by a strategy with a 0.5 % take profit,
    /// its take profit just submitted (returned).
    func holding(_ held: String, fee feeInBase: String = "0", rules given: SymbolRules? = nil) throws -> (TradingKernel, OrderRequest?) {
        var exits = ExitSettings()
        exits.sellPrice = 0.5
        var engine = kernel(ScriptedStrategy(exits: exits, script: [buy(held, at: "100")]))
        if let given { _ = engine.handle(.rules(given)) }
        _ = engine.handle(snapshot(bid: "99.99", ask: "100.01"))
        let entry = try #require(submitted(engine.handle(tradeInput("100", 1))).first)
        _ = engine.handle(.order(.accepted(entry.id, time: at(1.01)), receivedAt: at(1.01)))
        var fill = Fill(orderID: entry.id, symbol: "BTCUSDT", side: .buy, price: price("100"), quantity: entry.quantity, fee: .zero, liquidity: .maker, time: at(2))
        fill.feeInBase = quantity(feeInBase)
        fill.fee = Money.notional(price("100"), fill.feeInBase)
        let effects = engine.handle(.order(.filled(fill), receivedAt: at(2)))
        return (engine, submitted(effects).first)
    }

    @Test("a market order the exchange would refuse is denied, not sent: a quantity that rounds down to 0, one under the lot minimum, one under the minimum notional at the last price (found by the kernel fuzz target)")
    func marketOrdersObeyFilters() throws {
        var engine = kernel(ScriptedStrategy(script: []))
        _ = engine.handle(.rules(rules()))
        // Before any trade only the quantity can be judged.
        let early = engine.handle(.user(.place(OrderIntent(symbol: "BTCUSDT", side: .buy, kind: .market, quantity: quantity("0.000009"))), at: at(0.5)))
        #expect(submitted(early).isEmpty)
        _ = engine.handle(tradeInput("100", 1))
        // 0.000009 rounds to 0; 0.00001 is 0.001 USDT; 0.04 is 4 USDT, under 5.
        for size in ["0.000009", "0.00001", "0.04"] {
            let effects = engine.handle(.user(.place(OrderIntent(symbol: "BTCUSDT", side: .buy, kind: .market, quantity: quantity(size))), at: at(2)))
            #expect(submitted(effects).isEmpty, "\(size) was sent")
            #expect(effects.contains { if case .record(.order(.denied(_, _, "exchange-filter", _))) = $0 { return true } else { return false } }, "\(size)")
        }
        let fits = engine.handle(.user(.place(OrderIntent(symbol: "BTCUSDT", side: .buy, kind: .market, quantity: quantity("0.0600049"))), at: at(3)))
        #expect(submitted(fits).first?.quantity == quantity("0.06"), "6 USDT on the step is sent")
    }

    @Test("a trader's order before the symbol's first market event obeys the configured rules; an order of nothing is never sent, rules or not (found by the kernel fuzz target)")
    func ordersBeforeAnyMarketData() throws {
        var configuration = KernelConfiguration(account: .spot, initialCash: money("10000"), marketKind: .spot)
        configuration.exchangeRules = ["BTCUSDT": rules()]
        var engine = TradingKernel(configuration: configuration, strategies: [ScriptedStrategy(script: [])])
        #expect(engine.rules(for: "BTCUSDT") == rules())
        let offGrid = engine.handle(.user(.place(OrderIntent(symbol: "BTCUSDT", side: .buy, kind: .limit(price("100.004")), quantity: quantity("0.1000099"))), at: at(0)))
        let sent = try #require(submitted(offGrid).first)
        #expect(sent.kind == .limit(price("100")))
        #expect(sent.quantity == quantity("0.1"))
        let nothing = engine.handle(.user(.place(OrderIntent(symbol: "BTCUSDT", side: .buy, kind: .limit(price("100")), quantity: quantity("0.000001"))), at: at(0)))
        #expect(submitted(nothing).isEmpty)
        // A symbol with no rules at all: an order of 0 is still refused, by name.
        let unknown = engine.handle(.user(.place(OrderIntent(symbol: "XYZUSDT", side: .buy, kind: .market, quantity: .zero)), at: at(0)))
        #expect(submitted(unknown).isEmpty)
        #expect(unknown.contains { if case .record(.order(.denied(_, _, "quantity", _))) = $0 { return true } else { return false } })
    }

    @Test("a rejected take profit is not re-sent at once: 1 s, 2 s, 4 s … later, and after five refusals the symbol needs the trader")
    func rejectedExitBacksOff() throws {
        var (engine, first) = try holding("1")
        var takeProfit = try #require(first)
        var sentAt: [Double] = [2]
        var clock = 2.0
        var attention: [KernelEffect] = []
        // Refuse every take profit; walk time forward in 0.25 s steps for a minute.
        while clock < 62 {
            var effects = engine.handle(.order(.rejected(takeProfit.id, time: at(clock), reason: "-2010 Account has insufficient balance for requested action."), receivedAt: at(clock)))
            #expect(submitted(effects).isEmpty, "nothing is placed again at the instant of a refusal")
            attention += effects.filter { if case .record(.attention) = $0 { return true } else { return false } }
            var next: OrderRequest?
            while next == nil, clock < 62 {
                clock += 0.25
                effects = engine.handle(.timer(at(clock)))
                next = submitted(effects).first
            }
            guard let next else { break }
            takeProfit = next
            sentAt.append(clock)
        }
        // Sent at 2, then after waits of 1, 2, 4, 8 s; the fifth refusal stops it.
        #expect(sentAt.count == 5, "\(sentAt)")
        let waits = zip(sentAt.dropFirst(), sentAt).map { $0 - $1 }
        #expect(waits.map { $0.rounded() } == [1, 2, 4, 8], "\(waits)")
        #expect(attention.count == 1, "said once")
        #expect(engine.attention.map(\.symbol) == ["BTCUSDT"])
        #expect(engine.log.contains { $0.level == .error && $0.text.contains("NEEDS ATTENTION") })
        // Entries on the symbol are refused too while it needs attention.
        let entry = engine.handle(.user(.place(OrderIntent(symbol: "BTCUSDT", side: .buy, kind: .limit(price("99")), quantity: quantity("0.1"))), at: at(63)))
        #expect(entry.contains { if case .record(.order(.denied(_, _, "needs-attention", _))) = $0 { return true } else { return false } })
        // The trader's panic sell clears it and sells at once.
        let panic = engine.handle(.user(.panicSell(symbol: "BTCUSDT"), at: at(64)))
        #expect(engine.attention.isEmpty)
        #expect(submitted(panic).first?.origin == "exits:panic-sell")
    }

    @Test("a denied exit (the exchange's percent-price band) backs off the same way instead of trying on every trade")
    func deniedExitBacksOff() throws {
        var exits = ExitSettings()
        exits.sellPrice = 5
        var engine = kernel(ScriptedStrategy(exits: exits, script: [buy("1", at: "100")]))
        // The exchange takes a limit at most 0.1 % above the last trade: the 5 % take
        // profit breaks PERCENT_PRICE (the risk gate's own band leaves exits alone).
        var rules = SymbolRules(symbol: "BTCUSDT", tickSize: price("0.01"), stepSize: quantity("0.001"), fetchedAt: at(0))
        rules.percentUp = 1.001
        rules.percentDown = 0.2
        _ = engine.handle(.rules(rules))
        _ = engine.handle(snapshot(bid: "99.99", ask: "100.01"))
        let entry = try #require(submitted(engine.handle(tradeInput("100", 1))).first)
        _ = engine.handle(.order(.accepted(entry.id, time: at(1.01)), receivedAt: at(1.01)))
        _ = engine.handle(fillEvent(entry, at: "100", 2))
        var denials = 0
        for step in 0..<400 {
            let effects = engine.handle(tradeInput("100", 2 + Double(step) * 0.01))
            denials += effects.filter { if case .record(.order(.denied)) = $0 { return true } else { return false } }.count
        }
        // 400 trades in 4 s: refused at 2, 3 and 5 s, not 400 times.
        #expect(denials <= 3, "\(denials) denials")
        #expect(denials >= 2)
    }

    @Test("an entry the risk gate denies is not asked for again on every trade: the strategy waits 1 s, 2 s, 4 s …, and the waits are counted, not journaled")
    func deniedEntryBacksOff() throws {
        var risk = RiskSettings()
        risk.priceBandPercent = 1
        var engine = TradingKernel(configuration: KernelConfiguration(account: .spot, initialCash: money("10000"), risk: risk, marketKind: .spot), strategies: [EagerStrategy()])
        _ = engine.handle(snapshot(bid: "99.99", ask: "100.01"))
        var denials = 0
        for step in 0..<800 {
            let effects = engine.handle(tradeInput("100", 1 + Double(step) * 0.01))
            denials += effects.filter { if case .record(.order(.denied)) = $0 { return true } else { return false } }.count
        }
        // 800 trades over 8 s: denied at 1, 2, 4 and 8 s, not 800 times.
        #expect(denials >= 3 && denials <= 4, "\(denials) denials")
        #expect(engine.snapshot(depth: 1).strategies.first?.entriesHeldBack ?? 0 >= 790)
    }

    @Test("orders are fitted to the exchange's grid: a buy's price rounded down to the tick, a sell's up, quantities down to the lot")
    func fittedToTheGrid() throws {
        var engine = kernel(ScriptedStrategy(script: [buy("0.12345678", at: "100.0049")]))
        _ = engine.handle(.rules(rules()))
        _ = engine.handle(snapshot(bid: "99.99", ask: "100.01"))
        let request = try #require(submitted(engine.handle(tradeInput("100", 1))).first)
        #expect(request.kind == .limit(price("100")))
        #expect(request.quantity == quantity("0.12345"))
        let sell = engine.handle(.user(.place(OrderIntent(symbol: "BTCUSDT", side: .sell, kind: .limit(price("100.001")), quantity: quantity("0.1"))), at: at(2)))
        // The holding is flat: the spot sell is denied by the gate, but it was fitted first.
        if let request = submitted(sell).first { #expect(request.kind == .limit(price("100.01"))) }
    }

    @Test("an order under the minimum notional is not sent, and says which filter")
    func underMinimumNotional() throws {
        var engine = kernel(ScriptedStrategy(script: [buy("0.04", at: "100")]))
        _ = engine.handle(.rules(rules()))
        _ = engine.handle(snapshot(bid: "99.99", ask: "100.01"))
        let effects = engine.handle(tradeInput("100", 1))
        #expect(submitted(effects).isEmpty)
        let denial = effects.compactMap { effect -> String? in
            if case .record(.order(.denied(_, _, let rule, let reason))) = effect { return "\(rule) \(reason)" } else { return nil }
        }
        #expect(denial.count == 1)
        #expect(denial.first?.contains("exchange-filter NOTIONAL") == true, "\(denial)")
    }

    @Test("a fee taken in the coin bought shrinks the holding; the take profit sells what is held, rounded down to the lot")
    func feeInTheCoin() throws {
        let (engine, takeProfit) = try holding("0.0572", fee: "0.0000572", rules: rules())
        #expect(engine.account.position("BTCUSDT")?.quantity == quantity("0.0571428"))
        let request = try #require(takeProfit)
        #expect(request.quantity == quantity("0.05714"))
        #expect(request.kind == .limit(price("100.5")))
        // The fee is booked at its value: 100 × 0.0000572.
        #expect(engine.account.fees == money("0.00572"))
        #expect(engine.account.cash == money("10000") - money("5.72"))
    }

    @Test("a holding under the minimum notional is dust: shown, and no exit order placed for it")
    func dustIsNotTraded() throws {
        let (engine, takeProfit) = try holding("0.04", rules: {
            var rules = rules()
            rules.minNotional = money("1")
            return rules
        }())
        #expect(takeProfit != nil, "0.04 at 100.5 is worth 4.02: above the minimum of 1")
        var (small, none) = try holding("0.06", fee: "0.0596", rules: rules())
        #expect(none == nil, "0.0004 held is worth 0.04: dust")
        #expect(small.dust.first?.quantity == quantity("0.0004"))
        #expect(small.log.contains { $0.text.contains("dust") })
        let later = small.handle(.timer(at(10)))
        #expect(submitted(later).isEmpty)
        _ = engine
    }

    @Test("the exchange holds less coin than booked (a refusal for balance): the difference is booked as gone, and the next take profit sells what is there")
    func reconcileHolding() throws {
        var (engine, first) = try holding("0.0572", rules: rules())
        let takeProfit = try #require(first)
        _ = engine.handle(.order(.rejected(takeProfit.id, time: at(3), reason: "-2010 Account has insufficient balance for requested action."), receivedAt: at(3)))
        var effects: [KernelEffect] = []
        engine.reconcileHolding(symbol: "BTCUSDT", held: quantity("0.05"), at: at(3), into: &effects)
        #expect(engine.account.position("BTCUSDT")?.quantity == quantity("0.05"))
        #expect(engine.log.contains { $0.text.contains("booked as gone") })
        // After the backoff, the take profit goes out for what is held.
        let next = try #require(submitted(engine.handle(.timer(at(4.5)))).first)
        #expect(next.quantity == quantity("0.05"))
        // More coin than booked is the trader's own: nothing changes.
        engine.reconcileHolding(symbol: "BTCUSDT", held: quantity("1"), at: at(5), into: &effects)
        #expect(engine.account.position("BTCUSDT")?.quantity == quantity("0.05"))
    }

    @Test("property: for any price and quantity, a sent order sits on the tick and the lot, and a buy never pays more than asked")
    func gridProperty() {
        var generator = SplitMix(seed: 7)
        for _ in 0..<300 {
            let priceUnits = Int64(generator.next() % 20_000_000_000) + 1
            let quantityUnits = Int64(generator.next() % 100_000_000) + 1
            let side: Side = generator.next() % 2 == 0 ? .buy : .sell
            var engine = kernel(ScriptedStrategy(script: [.place(OrderIntent(symbol: "BTCUSDT", side: side, kind: .limit(Price(units: priceUnits)), quantity: Quantity(units: quantityUnits)))]), cash: "100000000")
            _ = engine.handle(.rules(rules()))
            _ = engine.handle(snapshot(bid: "99.99", ask: "100.01"))
            for request in submitted(engine.handle(tradeInput("100", 1))) {
                guard case .limit(let sent) = request.kind else { continue }
                #expect(sent.units % 1_000_000 == 0)
                #expect(request.quantity.units % 1000 == 0)
                #expect(request.quantity.units <= quantityUnits)
                if side == .buy { #expect(sent.units <= priceUnits) } else { #expect(sent.units >= priceUnits) }
            }
        }
    }
}

/// A strategy that asks for an entry paying 5 % over the market on every trade.
struct EagerStrategy: Strategy {
    let name = "eager"
    var exits = ExitSettings()
    var filters: StrategyFilters = .none
    mutating func handle(_ input: StrategyInput, context: StrategyContext) -> [StrategyIntent] {
        guard case .market(.trade(let trade)) = input else { return [] }
        return [.place(OrderIntent(symbol: trade.symbol, side: .buy, kind: .limit(Price(units: trade.price.units / 100 * 105)), quantity: Quantity(units: 1_000_000)))]
    }
}

/// A small seeded generator for the property tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
