import ArgumentParser
import Foundation
import Backtesting
import Trading

/// Every switch of the risk gate on the command line, with the names of a strategy
/// file's `[risk]` table (`--max-open-orders` is `max_open_orders`). Applied over the
/// file's table: defaults, then `[risk]`, then these.
struct RiskOptions: ParsableArguments {
    @Option(name: .customLong("kill-drawdown"), help: ArgumentHelp("Kill switch: when equity falls this far below its peak, cancel every order and halt.", valueName: "USDT"))
    var killDrawdown: Double?

    @Option(name: .customLong("max-loss-per-hour"), help: ArgumentHelp("Halt when the trades closed in the last hour lost more than this.", valueName: "USDT"))
    var maxLossPerHour: Double?

    @Flag(name: .customLong("flatten-on-halt"), help: "A halt or the kill switch also closes every position.")
    var flattenOnHalt = false

    @Option(name: .customLong("price-band"), help: ArgumentHelp("Refuse an entry whose limit is more than this % from the last trade (default 10; 0: off).", valueName: "PERCENT"))
    var priceBand: Double?

    @Option(name: .customLong("exit-price-band"), help: ArgumentHelp("Refuse an exit whose limit is more than this % from the last trade (default: exits exempt; 0: exempt).", valueName: "PERCENT"))
    var exitPriceBand: Double?

    @Option(name: .customLong("max-order-notional"), help: ArgumentHelp("Refuse an entry worth more than this.", valueName: "USDT"))
    var maxOrderNotional: Double?

    @Option(name: .customLong("max-position-notional"), help: ArgumentHelp("Refuse an entry that would make one coin's position worth more than this.", valueName: "USDT"))
    var maxPositionNotional: Double?

    @Option(name: .customLong("max-leverage"), help: ArgumentHelp("Refuse futures entries above this leverage.", valueName: "N"))
    var maxLeverage: Int?

    @Option(name: .customLong("max-open-orders"), help: ArgumentHelp("Refuse an entry when this many orders are open.", valueName: "N"))
    var maxOpenOrders: Int?

    @Option(name: .customLong("max-markets"), help: ArgumentHelp("Refuse an entry on a new coin when this many coins have a position or an order.", valueName: "N"))
    var maxMarkets: Int?

    @Option(name: .customLong("stop-after-losses"), help: ArgumentHelp("MoonBot's Auto Stop on Losses: halt when the last TRADES round trips lost more than USDT together.", valueName: "TRADES:USDT"))
    var stopAfterLosses: String?

    @Option(name: .customLong("max-errors"), help: ArgumentHelp("Halt after this many order errors in a row (default 5; 0: never).", valueName: "N"))
    var maxErrors: Int?

    @Option(name: .customLong("cooldown"), help: ArgumentHelp("Protection: no entry on a coin for this long after an exit on it.", valueName: "SECONDS"))
    var cooldown: Double?

    @Option(name: .customLong("stoploss-guard"), help: ArgumentHelp("Protection: after COUNT stop-loss exits within LOOKBACK s, no entry for LOCK s.", valueName: "COUNT:LOOKBACK:LOCK"))
    var stoplossGuard: String?

    @Option(name: .customLong("drawdown-guard"), help: ArgumentHelp("Protection: when trades closed within LOOKBACK s lost PERCENT % of equity, no entry for LOCK s.", valueName: "PERCENT:LOOKBACK:LOCK"))
    var drawdownGuard: String?

    @Option(name: .customLong("low-profit-guard"), help: ArgumentHelp("Protection: when a coin's TRADES or more round trips within LOOKBACK s made less than USDT, no entry on it for LOCK s (a negative USDT takes =: --low-profit-guard=-2:3:3600:600).", valueName: "USDT:TRADES:LOOKBACK:LOCK"))
    var lowProfitGuard: String?

    func validate() throws {
        // NaN and infinity pass a plain `<= 0` test: refused here by name.
        if let killDrawdown, !(killDrawdown.isFinite && killDrawdown > 0) { throw ValidationError("--kill-drawdown must be a positive number of USDT (got \(killDrawdown))") }
        if let maxLossPerHour, !(maxLossPerHour.isFinite && maxLossPerHour > 0) { throw ValidationError("--max-loss-per-hour must be a positive number of USDT (got \(maxLossPerHour))") }
        if let priceBand, !(priceBand.isFinite && priceBand >= 0) { throw ValidationError("--price-band must be 0 (off) or a positive percentage (got \(priceBand))") }
        if let exitPriceBand, !(exitPriceBand.isFinite && exitPriceBand >= 0) { throw ValidationError("--exit-price-band must be 0 (exempt) or a positive percentage (got \(exitPriceBand))") }
        for (name, value) in [("--max-order-notional", maxOrderNotional), ("--max-position-notional", maxPositionNotional)] {
            if let value, !(value.isFinite && value > 0) { throw ValidationError("\(name) must be a positive number of USDT (got \(value))") }
        }
        for (name, value) in [("--max-leverage", maxLeverage), ("--max-open-orders", maxOpenOrders), ("--max-markets", maxMarkets)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1 (got \(value))") }
        }
        if let maxErrors, maxErrors < 0 { throw ValidationError("--max-errors must be 0 (never) or more (got \(maxErrors))") }
        if let cooldown, !(cooldown.isFinite && cooldown >= 0) { throw ValidationError("--cooldown must be a number of seconds, 0 or more (got \(cooldown))") }
        _ = try protections(over: ProtectionSettings())
        _ = try lossOverTrades()
    }

    /// The settings `base` (defaults, or a file's `[risk]`) with these options over it.
    func applied(to base: RiskSettings = RiskSettings()) throws -> RiskSettings {
        var settings = base
        if let killDrawdown { settings.killSwitchDrawdown = Self.money(killDrawdown) }
        if let maxLossPerHour { settings.maxLossPerHour = Self.money(maxLossPerHour) }
        if flattenOnHalt { settings.flattenOnHalt = true }
        if let priceBand { settings.priceBandPercent = priceBand > 0 ? priceBand : nil }
        if let exitPriceBand { settings.exitPriceBandPercent = exitPriceBand > 0 ? exitPriceBand : nil }
        if let maxOrderNotional { settings.maxOrderNotional = Self.money(maxOrderNotional) }
        if let maxPositionNotional { settings.maxPositionNotional = Self.money(maxPositionNotional) }
        if let maxLeverage { settings.maxLeverage = Int64(maxLeverage) }
        if let maxOpenOrders { settings.maxOpenOrders = maxOpenOrders }
        if let maxMarkets { settings.maxMarkets = maxMarkets }
        if let losses = try lossOverTrades() { settings.lossOverLastTrades = losses }
        if let maxErrors { settings.maxConsecutiveErrors = maxErrors > 0 ? maxErrors : nil }
        settings.protections = try protections(over: settings.protections)
        return settings
    }

    /// The settings of `file`'s `[risk]` table (or the defaults) with these options over them.
    func applied(over file: StrategyFile?) throws -> RiskSettings {
        try applied(to: file?.risk?.settings ?? RiskSettings())
    }

    private func lossOverTrades() throws -> LossOverTrades? {
        guard let stopAfterLosses else { return nil }
        let parts = try Self.numbers(stopAfterLosses, option: "--stop-after-losses", names: ["TRADES", "USDT"])
        guard parts[0] >= 1, parts[0] == parts[0].rounded(), parts[1] > 0 else {
            throw ValidationError("--stop-after-losses takes TRADES:USDT, a whole number of trades and a positive loss (got \(stopAfterLosses))")
        }
        return LossOverTrades(count: Int(parts[0]), loss: Self.money(parts[1]))
    }

    private func protections(over base: ProtectionSettings) throws -> ProtectionSettings {
        var protections = base
        if let cooldown { protections.cooldownSeconds = cooldown > 0 ? cooldown : nil }
        if let stoplossGuard {
            let parts = try Self.numbers(stoplossGuard, option: "--stoploss-guard", names: ["COUNT", "LOOKBACK", "LOCK"])
            guard parts[0] >= 1, parts[0] == parts[0].rounded(), parts[1] >= 0, parts[2] >= 0 else {
                throw ValidationError("--stoploss-guard takes COUNT:LOOKBACK:LOCK, a whole count of at least 1 and seconds (got \(stoplossGuard))")
            }
            protections.stoplossGuard = .init(count: Int(parts[0]), lookback: parts[1], lock: parts[2])
        }
        if let drawdownGuard {
            let parts = try Self.numbers(drawdownGuard, option: "--drawdown-guard", names: ["PERCENT", "LOOKBACK", "LOCK"])
            guard parts.allSatisfy({ $0 >= 0 }) else { throw ValidationError("--drawdown-guard takes PERCENT:LOOKBACK:LOCK, none negative (got \(drawdownGuard))") }
            protections.maxDrawdown = .init(percent: parts[0], lookback: parts[1], lock: parts[2])
        }
        if let lowProfitGuard {
            let parts = try Self.numbers(lowProfitGuard, option: "--low-profit-guard", names: ["USDT", "TRADES", "LOOKBACK", "LOCK"])
            guard parts[1] >= 1, parts[1] == parts[1].rounded(), parts[2] >= 0, parts[3] >= 0 else {
                throw ValidationError("--low-profit-guard takes USDT:TRADES:LOOKBACK:LOCK, a whole number of trades of at least 1 and seconds (got \(lowProfitGuard))")
            }
            protections.lowProfit = .init(requiredProfit: Self.money(parts[0]), minimumTrades: Int(parts[1]), lookback: parts[2], lock: parts[3])
        }
        return protections
    }

    /// `text` as colon-separated finite numbers, one per name.
    static func numbers(_ text: String, option: String, names: [String]) throws -> [Double] {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == names.count, parts.allSatisfy({ $0?.isFinite ?? false }) else {
            throw ValidationError("\(option) takes \(names.joined(separator: ":")), numbers separated by colons (got \(text))")
        }
        return parts.map { $0! }
    }

    static func money(_ value: Double) -> Money { Money(units: Int64((value * 1e8).rounded())) }
}
