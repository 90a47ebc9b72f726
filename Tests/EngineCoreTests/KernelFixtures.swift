import EngineCore
import MarketModel
import Strategies
import Testing
import Trading

func price(_ text: String) -> Price { try! Price(parsing: text) }
func quantity(_ text: String) -> Quantity { try! Quantity(parsing: text) }
func money(_ text: String) -> Money { try! Money(parsing: text) }
func at(_ seconds: Double) -> Timestamp { Timestamp(nanoseconds: Int64(seconds * 1e9)) }

func time(_ seconds: Double) -> EventTime { EventTime(exchange: nil, received: at(seconds)) }

func snapshot(bid: String, ask: String, time seconds: Double = 0) -> KernelInput {
    .market(.bookSnapshot(BookSnapshot(symbol: "BTCUSDT", lastUpdateID: 1, bids: [BookLevel(price: price(bid), quantity: quantity("5"))], asks: [BookLevel(price: price(ask), quantity: quantity("5"))], time: time(seconds))))
}

func tradeInput(_ priceText: String, _ seconds: Double, side: Side = .buy) -> KernelInput {
    .market(.trade(TradePrint(symbol: "BTCUSDT", id: 1, price: price(priceText), quantity: quantity("0.01"), aggressor: side, tradeTime: at(seconds), time: time(seconds))))
}

/// A strategy that places the intents it is given on the first trade it sees, and
/// remembers everything it was told.
struct ScriptedStrategy: Strategy {
    let name = "scripted"
    var exits: ExitSettings
    var filters: StrategyFilters = .none
    var script: [StrategyIntent]
    var received: [String] = []

    init(exits: ExitSettings = ExitSettings(), script: [StrategyIntent]) {
        self.exits = exits
        self.script = script
    }

    mutating func handle(_ input: StrategyInput, context: StrategyContext) -> [StrategyIntent] {
        switch input {
        case .market:
            let intents = script
            script = []
            return intents
        case .order(let event):
            if case .denied(_, _, let rule, _) = event { received.append("denied:\(rule)") } else { received.append(event.name) }
            return []
        case .timer:
            return []
        }
    }
}

func buy(_ quantityText: String, at priceText: String) -> StrategyIntent {
    .place(OrderIntent(symbol: "BTCUSDT", side: .buy, kind: .limit(price(priceText)), quantity: quantity(quantityText)))
}

func submitted(_ effects: [KernelEffect]) -> [OrderRequest] {
    effects.compactMap { if case .submit(let request) = $0 { return request } else { return nil } }
}

func cancels(_ effects: [KernelEffect]) -> [ClientOrderID] {
    effects.compactMap { if case .cancel(let id, _) = $0 { return id } else { return nil } }
}

func fillEvent(_ request: OrderRequest, at priceText: String, _ seconds: Double, fee: String = "0") -> KernelInput {
    .order(.filled(Fill(orderID: request.id, symbol: request.symbol, side: request.side, price: price(priceText), quantity: request.quantity, fee: money(fee), liquidity: .maker, time: at(seconds))), receivedAt: at(seconds))
}

func kernel(_ strategy: ScriptedStrategy, risk: RiskSettings = RiskSettings(), cash: String = "10000") -> TradingKernel {
    TradingKernel(configuration: KernelConfiguration(account: .spot, initialCash: money(cash), risk: risk, marketKind: .spot), strategies: [strategy])
}

/// A spot position of 1 BTC bought at 100 with its take profit (0.5 % above) resting
/// and accepted, and a second entry (0.1 at 95) still open.
func holding(risk: RiskSettings = RiskSettings()) throws -> (kernel: TradingKernel, takeProfit: OrderRequest, entry: OrderRequest) {
    var exits = ExitSettings()
    exits.sellPrice = 0.5
    var engine = kernel(ScriptedStrategy(exits: exits, script: [buy("1", at: "100"), buy("0.1", at: "95")]), risk: risk)
    _ = engine.handle(snapshot(bid: "99.9", ask: "100.1"))
    let entries = submitted(engine.handle(tradeInput("100", 1)))
    #expect(entries.count == 2)
    for entry in entries { _ = engine.handle(.order(.accepted(entry.id, time: at(1.01)), receivedAt: at(1.01))) }
    let takeProfit = try #require(submitted(engine.handle(fillEvent(entries[0], at: "100", 2))).first)
    _ = engine.handle(.order(.accepted(takeProfit.id, time: at(2.01)), receivedAt: at(2.01)))
    return (engine, takeProfit, entries[1])
}
