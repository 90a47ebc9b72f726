import EngineCore
import MarketModel
import Strategies
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
