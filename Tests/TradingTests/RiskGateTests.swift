import MarketModel
import Testing
import Trading

@Suite("Risk gate")
struct RiskGateTests {
    var account = Account(terms: .spot, cash: money("1000"))

    func request(_ side: Side = .buy, _ quantityText: String = "1", at priceText: String? = "100", symbol: String = "BTCUSDT", reduceOnly: Bool = false, id: UInt64 = 1) -> OrderRequest {
        OrderRequest(id: ClientOrderID(id), symbol: symbol, side: side, kind: priceText.map { .limit(price($0)) } ?? .market, quantity: quantity(quantityText), reduceOnly: reduceOnly, origin: "test", createdAt: at(0))
    }

    func context(_ account: Account, orders: [Order] = [], last: String? = "100", now: Double = 0) -> RiskGate.Context {
        RiskGate.Context(account: account, openOrders: orders, lastPrice: last.map(price), now: at(now))
    }

    func rule(_ gate: RiskGate, _ request: OrderRequest, _ context: RiskGate.Context) -> String? {
        gate.check(request, context: context)?.rule
    }

    @Test("a plain order inside every limit passes")
    func passes() {
        #expect(rule(RiskGate(), request(), context(account)) == nil)
    }

    @Test("each pre-trade rule denies the order it should")
    func preTradeRules() throws {
        var settings = RiskSettings()
        settings.maxOrderNotional = money("50")
        #expect(rule(RiskGate(settings: settings), request(), context(account)) == "max-order-notional")

        settings = RiskSettings()
        settings.maxPositionNotional = money("150")
        var holding = account
        try holding.apply(fill(9, .buy, "1", at: "100"))
        #expect(rule(RiskGate(settings: settings), request(), context(holding)) == "max-position")

        settings = RiskSettings()
        settings.priceBandPercent = 5
        // A buy paying more than 5 % over the last trade is refused; one resting far
        // below it (MoonShot's way) can only fill cheaper, and passes.
        #expect(rule(RiskGate(settings: settings), request(at: "106"), context(account)) == "price-band")
        #expect(rule(RiskGate(settings: settings), request(at: "104"), context(account)) == nil)
        #expect(rule(RiskGate(settings: settings), request(at: "80"), context(account)) == nil)
        // An exit is not held to the band: a far take profit is meant to be far.
        var long = account
        try long.apply(fill(8, .buy, "1", at: "100"))
        #expect(rule(RiskGate(settings: settings), request(.sell, "1", at: "120"), context(long)) == nil)
        #expect(rule(RiskGate(settings: settings), request(.sell, "1", at: "80"), context(long)) == nil)
        #expect(rule(RiskGate(settings: settings), request(.buy, "1", at: "120"), context(long)) == "price-band", "an entry still is")
        // With a band of its own, an exit selling more than 10 % under the price is refused.
        settings.exitPriceBandPercent = 10
        #expect(rule(RiskGate(settings: settings), request(.sell, "1", at: "80"), context(long)) == "exit-price-band")
        #expect(rule(RiskGate(settings: settings), request(.sell, "1", at: "120"), context(long)) == nil)

        settings = RiskSettings()
        settings.maxLeverage = 5
        let futures = Account(terms: .usdMargined(leverage: 20), cash: money("1000"))
        #expect(rule(RiskGate(settings: settings), request(), context(futures)) == "max-leverage")

        settings = RiskSettings()
        settings.maxOpenOrders = 1
        let open = Order(request: request(id: 2))
        #expect(rule(RiskGate(settings: settings), request(), context(account, orders: [open])) == "max-open-orders")

        settings = RiskSettings()
        settings.maxMarkets = 1
        #expect(rule(RiskGate(settings: settings), request(symbol: "ETHUSDT"), context(account, orders: [open])) == "max-markets")

        #expect(rule(RiskGate(), request(.buy, "11"), context(account)) == "free-balance")
        #expect(rule(RiskGate(), request(.sell, "1"), context(account)) == "free-balance")
        #expect(rule(RiskGate(), request(at: nil), context(account, last: nil)) == "no-price")
        #expect(rule(RiskGate(), request(.sell, "1", reduceOnly: true), context(account)) == "reduce-only")
        // Open buys already promise the cash.
        let promised = Order(request: request(.buy, "9", id: 3))
        #expect(rule(RiskGate(), request(.buy, "1"), context(account, orders: [promised])) == "free-balance")
    }

    @Test("exits pass the limits meant for new exposure, but never exceed the position")
    func reducingOrders() throws {
        var settings = RiskSettings()
        settings.maxOpenOrders = 0
        settings.maxOrderNotional = money("1")
        var holding = account
        try holding.apply(fill(9, .buy, "1", at: "100"))
        var gate = RiskGate(settings: settings)
        #expect(rule(gate, request(.sell, "1"), context(holding)) == nil)
        let exit = Order(request: request(.sell, "0.6", id: 4))
        #expect(rule(gate, request(.sell, "0.6"), context(holding, orders: [exit])) == "free-balance")
        gate.setState(.reducing, reason: "user")
        #expect(rule(gate, request(.sell, "1"), context(holding)) == nil)
        #expect(rule(gate, request(.buy, "0.1"), context(holding)) == "trading-state")
        gate.setState(.halted, reason: "user")
        #expect(rule(gate, request(.sell, "1"), context(holding)) == "trading-state")
    }

    func trade(_ pnl: String, closed: Double, symbol: String = "BTCUSDT", reason: String = "take-profit") -> TradeRecord {
        TradeRecord(symbol: symbol, direction: .buy, openedAt: at(closed - 10), closedAt: at(closed), entryPrice: price("100"), exitPrice: price("100"), quantity: quantity("1"), netPnL: money(pnl), fees: .zero, exitReason: reason)
    }

    @Test("losses over the last N trades halt trading (MoonBot's Auto Stop on Losses)")
    func lossOverTrades() {
        var settings = RiskSettings()
        settings.lossOverLastTrades = LossOverTrades(count: 3, loss: money("10"))
        var gate = RiskGate(settings: settings)
        var history = [trade("-4", closed: 10), trade("-4", closed: 20)]
        _ = gate.tradeClosed(history.last!, history: history, equity: money("1000"), now: at(20))
        #expect(gate.state == .active)
        history.append(trade("-3", closed: 30))
        let notes = gate.tradeClosed(history.last!, history: history, equity: money("1000"), now: at(30))
        #expect(gate.state == .halted)
        #expect(notes.first?.contains("the last 3 trades lost 11") == true)
        #expect(rule(gate, request(), context(account)) == "trading-state")
    }

    @Test("loss per rolling hour halts trading")
    func lossPerHour() {
        var settings = RiskSettings()
        settings.maxLossPerHour = money("5")
        var gate = RiskGate(settings: settings)
        let history = [trade("-4", closed: 10), trade("-3", closed: 4000)]
        _ = gate.tradeClosed(history[1], history: history, equity: money("1000"), now: at(4000))
        #expect(gate.state == .active)
        let more = history + [trade("-3", closed: 4100)]
        _ = gate.tradeClosed(more[2], history: more, equity: money("1000"), now: at(4100))
        #expect(gate.state == .halted)
    }

    @Test("consecutive order errors halt trading; a success resets the count")
    func consecutiveErrors() {
        var settings = RiskSettings()
        settings.maxConsecutiveErrors = 3
        var gate = RiskGate(settings: settings)
        _ = gate.orderRejected()
        _ = gate.orderRejected()
        gate.orderSucceeded()
        _ = gate.orderRejected()
        _ = gate.orderRejected()
        #expect(gate.state == .active)
        #expect(gate.orderRejected() == "3 order errors in a row")
        #expect(gate.state == .halted)
    }

    @Test("protections lock entries: stop-loss guard, cooldown, drawdown, low profit")
    func protections() {
        var protections = ProtectionSettings()
        protections.stoplossGuard = .init(count: 2, lookback: 600, lock: 300)
        var gate = RiskGate(protections: protections)
        var history = [trade("-1", closed: 100, reason: "stop loss")]
        _ = gate.tradeClosed(history[0], history: history, equity: money("1000"), now: at(100))
        #expect(rule(gate, request(), context(account, now: 101)) == nil)
        history.append(trade("-1", closed: 200, reason: "stop loss"))
        _ = gate.tradeClosed(history[1], history: history, equity: money("1000"), now: at(200))
        #expect(rule(gate, request(), context(account, now: 201)) == "protection-lock")
        #expect(rule(gate, request(), context(account, now: 501)) == nil)

        protections = ProtectionSettings()
        protections.cooldownSeconds = 60
        gate = RiskGate(protections: protections)
        _ = gate.tradeClosed(trade("1", closed: 100), history: [trade("1", closed: 100)], equity: money("1000"), now: at(100))
        #expect(rule(gate, request(), context(account, now: 150)) == "protection-lock")
        #expect(rule(gate, request(symbol: "ETHUSDT"), context(account, now: 150)) == nil)
        #expect(rule(gate, request(), context(account, now: 161)) == nil)

        protections = ProtectionSettings()
        protections.maxDrawdown = .init(percent: 1, lookback: 3600, lock: 600)
        gate = RiskGate(protections: protections)
        let losing = [trade("5", closed: 10), trade("-8", closed: 20), trade("-4", closed: 30)]
        _ = gate.tradeClosed(losing[2], history: losing, equity: money("1000"), now: at(30))
        #expect(rule(gate, request(), context(account, now: 31)) == "protection-lock")

        protections = ProtectionSettings()
        protections.lowProfit = .init(requiredProfit: money("1"), minimumTrades: 2, lookback: 3600, lock: 600)
        gate = RiskGate(protections: protections)
        let weak = [trade("0.2", closed: 10), trade("0.3", closed: 20)]
        _ = gate.tradeClosed(weak[1], history: weak, equity: money("1000"), now: at(20))
        #expect(rule(gate, request(), context(account, now: 21)) == "protection-lock")
        #expect(rule(gate, request(symbol: "ETHUSDT"), context(account, now: 21)) == nil)
    }
}
