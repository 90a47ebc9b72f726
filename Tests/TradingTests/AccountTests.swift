import MarketModel
import Testing
import Trading

@Suite("Money, positions and the account")
struct AccountTests {
    @Test("price × quantity is exact, rounded once to 10⁻⁸")
    func notional() {
        #expect(Money.notional(price("61800.3"), quantity("0.006")) == money("370.8018"))
        #expect(Money.notional(price("0.00000003"), quantity("0.5")) == Money(units: 2))
        #expect(FeeSchedule.binanceSpot.fee(on: money("370.8018"), as: .taker) == money("0.37080180"))
        #expect(FeeSchedule.binanceUSDM.fee(on: money("100"), as: .maker) == money("0.02"))
    }

    @Test("spot: buying spends cash and fee, selling realises against the exact cost")
    func spot() throws {
        var account = Account(terms: .spot, cash: money("10000"))
        try account.apply(fill(1, .buy, "0.5", at: "100", fee: "0.05"))
        #expect(account.cash == money("9949.95"))
        #expect(account.position("BTCUSDT")?.entryPrice == price("100"))
        let marks: (String) -> Price? = { _ in price("110") }
        #expect(account.equity(marks: marks) == money("10004.95"))
        try account.apply(fill(2, .sell, "0.2", at: "120", fee: "0.024"))
        #expect(account.realizedPnL == money("4"))
        #expect(account.cash == money("9973.926"))
        #expect(account.position("BTCUSDT")?.quantity == quantity("0.3"))
        // equity = initial + realised − fees + unrealised
        let expected = account.initialCash + account.realizedPnL - account.fees + account.unrealizedPnL(marks: marks)
        #expect(account.equity(marks: marks) == expected)
    }

    @Test("spot cannot sell more than it holds")
    func spotOversell() {
        var account = Account(terms: .spot, cash: money("100"))
        #expect(throws: AccountError.self) { try account.apply(fill(1, .sell, "1", at: "10")) }
    }

    @Test("futures: margin held, realised P&L on reduce, a flip opens the other side")
    func linear() throws {
        var account = Account(terms: .usdMargined(leverage: 10), cash: money("1000"))
        try account.apply(fill(1, .buy, "2", at: "100", fee: "0.1"))
        #expect(account.marginHeld == money("20"))
        #expect(account.cash == money("999.9"))
        #expect(account.availableCash == money("979.9"))
        try account.apply(fill(2, .sell, "3", at: "110", fee: "0.165"))
        #expect(account.realizedPnL == money("20"))
        let position = try #require(account.position("BTCUSDT"))
        #expect(position.quantity == Quantity(units: -100_000_000))
        #expect(position.entryPrice == price("110"))
        #expect(position.margin == money("11"))
        #expect(position.unrealizedPnL(at: price("100")) == money("10"))
        #expect(account.cash == money("1019.735"))
    }

    @Test("isolated long at 10x from 100 liquidates at (cost − margin) / (q × (1 − mmr))")
    func liquidationPrice() throws {
        var position = Position(symbol: "BTCUSDT", kind: .linear, leverage: 10)
        _ = position.apply(fill(1, .buy, "1", at: "100"))
        // (100 − 10) / 0.996 = 90.361445783...
        #expect(position.liquidationPrice(maintenancePartsPerMillion: 4000) == price("90.36144578"))
        var short = Position(symbol: "BTCUSDT", kind: .linear, leverage: 10)
        _ = short.apply(fill(1, .sell, "1", at: "100"))
        // (100 + 10) / 1.004 = 109.561752988...
        #expect(short.liquidationPrice(maintenancePartsPerMillion: 4000) == price("109.56175299"))
    }

    @Test("a liquidation loses exactly the isolated margin")
    func liquidationLoss() throws {
        var account = Account(terms: .usdMargined(leverage: 10), cash: money("1000"))
        try account.apply(fill(1, .buy, "1", at: "100"))
        try account.apply(fill(0, .sell, "1", at: "90.36144578", liquidation: true))
        #expect(account.cash == money("990"))
        #expect(account.position("BTCUSDT")?.isFlat == true)
        #expect(account.realizedPnL + (-account.fees) == money("-10"))
    }

    @Test("COIN-M: contracts of 100 USD, P&L in the coin")
    func inverse() throws {
        let terms = AccountTerms(kind: .inverse(contractSize: Quantity(whole: 100)), currency: "BTC", leverage: 5, fees: FeeSchedule(makerPartsPerMillion: 0, takerPartsPerMillion: 0))
        var account = Account(terms: terms, cash: money("1"))
        try account.apply(fill(1, .buy, "10", at: "50000", symbol: "BTCUSD_PERP"))
        let position = try #require(account.position("BTCUSD_PERP"))
        // 10 × 100 / 50000 = 0.02 BTC of cost; margin at 5x = 0.004 BTC.
        #expect(position.cost == money("0.02"))
        #expect(position.margin == money("0.004"))
        #expect(position.entryPrice == price("50000"))
        // 0.02 − 1000/60000 = 0.00333333 BTC
        #expect(position.unrealizedPnL(at: price("60000")) == money("0.00333333"))
        try account.apply(fill(2, .sell, "10", at: "60000", symbol: "BTCUSD_PERP"))
        #expect(account.realizedPnL == money("0.00333333"))
        #expect(account.cash == money("1.00333333"))
    }
}

@Suite("Order state machine")
struct OrderStateTests {
    func request(_ quantityText: String = "1") -> OrderRequest {
        OrderRequest(id: ClientOrderID(7), symbol: "BTCUSDT", side: .buy, kind: .limit(price("100")), quantity: quantity(quantityText), origin: "test", createdAt: at(0))
    }

    @Test("new → accepted → partially filled → filled, with the average price")
    func fullPath() throws {
        var order = Order(request: request("2"))
        try order.apply(.accepted(order.id, time: at(1)))
        #expect(order.status == .accepted)
        try order.apply(.filled(fill(7, .buy, "0.5", at: "100")))
        #expect(order.status == .partiallyFilled)
        try order.apply(.filled(fill(7, .buy, "1.5", at: "99")))
        #expect(order.status == .filled)
        #expect(order.averagePrice == price("99.25"))
        #expect(!order.isOpen)
    }

    @Test("refuses an overfill, a second acceptance, and anything after a final state")
    func refusals() throws {
        var order = Order(request: request("1"))
        try order.apply(.accepted(order.id, time: at(1)))
        #expect(throws: Order.TransitionError.self) { try order.apply(.filled(fill(7, .buy, "2", at: "100"))) }
        #expect(throws: Order.TransitionError.self) { try order.apply(.accepted(order.id, time: at(2))) }
        try order.apply(.cancelled(order.id, time: at(3), reason: "user"))
        #expect(throws: Order.TransitionError.self) { try order.apply(.filled(fill(7, .buy, "1", at: "100"))) }
        var denied = Order(request: request())
        try denied.apply(.denied(denied.id, time: at(0), rule: "max-open-orders", reason: "limit"))
        #expect(denied.status == .denied)
    }

    @Test("a fill may overtake the acceptance")
    func fillBeforeAccept() throws {
        var order = Order(request: request("1"))
        try order.apply(.filled(fill(7, .buy, "1", at: "100")))
        #expect(order.status == .filled)
    }
}
