import LiveEngine
import EngineCore
import MarketModel
import Strategies
import Trading
import TradingUI

/// The trader's screen commands as the kernel's, the same for a replay, a paper and a
/// live session: each session only says how it carries them out and words its status.
extension AppCommand {
    public struct Refusal: Error, CustomStringConvertible {
        public var description: String
    }

    /// The kernel command this becomes, or why it cannot (a bad quantity or price);
    /// nil for quit and the replay's clock controls.
    public func userCommand(kernel: TradingKernel) -> Result<UserCommand, Refusal>? {
        switch self {
        case .order(let side, let quantityText, let priceText, let symbol):
            guard let quantityText, let quantity = try? Quantity(parsing: quantityText), quantity.units > 0 else {
                return .failure(Refusal(description: "bad quantity '\(quantityText ?? "")'"))
            }
            var kind = OrderKind.market
            if let priceText {
                guard let price = try? Price(parsing: priceText), price.units > 0 else { return .failure(Refusal(description: "bad price '\(priceText)'")) }
                kind = .limit(price)
            }
            return .success(.place(OrderIntent(symbol: symbol, side: side == .buy ? .buy : .sell, kind: kind, quantity: quantity)))
        case .panicSell(let symbol): return .success(.panicSell(symbol: symbol))
        case .cancelAll(let symbol): return .success(.cancelAll(symbol: symbol))
        case .toggleStrategy(let name):
            let enabled = kernel.snapshot(depth: 0).strategies.first { $0.name == name }?.enabled ?? true
            return .success(.setStrategyEnabled(name: name, enabled: !enabled))
        case .halt: return .success(.setTradingState(.halted))
        case .resume: return .success(.setTradingState(.active))
        case .killSwitch(let flatten): return .success(.killSwitch(flatten: flatten))
        case .quit, .setSpeed, .togglePause, .step, .stepSecond, .jumpMinute, .jumpToNextFill, .jumpToNextEvent, .jumpTo, .restart, .setTheme:
            return nil
        }
    }

    /// Commands that steer a replay's clock, meaningless on a live feed.
    public var movesReplayClock: Bool {
        switch self {
        case .setSpeed, .togglePause, .step, .stepSecond, .jumpMinute, .jumpToNextFill, .jumpToNextEvent, .jumpTo, .restart: return true
        case .quit, .order, .panicSell, .cancelAll, .toggleStrategy, .halt, .resume, .killSwitch, .setTheme: return false
        }
    }

    /// The status line after the command went to the kernel: `where` says where an
    /// order went ("sent", "sent to the exchange"), `open` how many orders were open.
    public func status(orderWent place: String, market: String, cancelled: (Int) -> String, open: Int) -> String? {
        switch self {
        case .order(let side, let quantity, let price, let symbol):
            return "\(side.rawValue) \(quantity ?? "") \(symbol) \(price.map { "@\($0)" } ?? market) \(place)"
        case .killSwitch(let flatten):
            return "KILL SWITCH: \(cancelled(open)), trading HALTED" + (flatten ? ", flattening" : ", positions kept without orders (resume to trade again)")
        default:
            return nil
        }
    }
}

extension Int {
    /// `1 order`, `3 orders`.
    public var orders: String { "\(self) order\(self == 1 ? "" : "s")" }
}
