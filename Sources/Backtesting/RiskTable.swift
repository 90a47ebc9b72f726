import MarketModel
import TOMLKit
import Trading

/// The `[risk]` table of a strategy file: every switch of the risk gate, with the
/// same names as the command-line options (`price_band` is `--price-band`):
///
/// ```toml
/// [risk]
/// price_band = 10              # % from the last trade an entry may be (0: off)
/// exit_price_band = 30         # the same for exits (absent: exits exempt)
/// max_order_notional = 500     # USDT
/// max_position_notional = 2000
/// max_leverage = 5
/// max_open_orders = 10
/// max_markets = 5
/// stop_after_losses = { trades = 3, loss = 20 }   # MoonBot's Auto Stop on Losses
/// max_loss_per_hour = 50
/// max_errors = 5               # order errors in a row before halting (0: never)
/// kill_drawdown = 100          # equity below its peak: cancel all, halt
/// flatten_on_halt = false
///
/// [risk.protections]
/// cooldown = 60                                      # s without an entry after an exit
/// stoploss_guard = { count = 2, lookback = 600, lock = 1800 }
/// drawdown_guard = { percent = 3, lookback = 3600, lock = 3600 }
/// low_profit_guard = { profit = 0, trades = 4, lookback = 3600, lock = 3600 }
/// ```
///
/// Keys it does not know, and values of the wrong kind or out of range, are errors that
/// name the file and the key: a typo in a risk limit must never silently leave it off.
public struct RiskTable: Sendable {
    /// The limits the table sets, over the defaults.
    public var settings: RiskSettings

    static let keys: Set<String> = [
        "price_band", "exit_price_band", "max_order_notional", "max_position_notional", "max_leverage",
        "max_open_orders", "max_markets", "stop_after_losses", "max_loss_per_hour", "max_errors",
        "kill_drawdown", "flatten_on_halt", "protections",
    ]
    static let protectionKeys: Set<String> = ["cooldown", "stoploss_guard", "drawdown_guard", "low_profit_guard"]

    init(path: String, table: TOMLTable) throws(StrategyFile.Failure) {
        let reader = Reader(path: path, section: "[risk]")
        try reader.refuseUnknown(table, known: Self.keys)
        var settings = RiskSettings()
        if let band = try reader.number(table, "price_band", atLeast: 0) { settings.priceBandPercent = band > 0 ? band : nil }
        if let band = try reader.number(table, "exit_price_band", atLeast: 0) { settings.exitPriceBandPercent = band > 0 ? band : nil }
        settings.maxOrderNotional = try reader.money(table, "max_order_notional") ?? settings.maxOrderNotional
        settings.maxPositionNotional = try reader.money(table, "max_position_notional") ?? settings.maxPositionNotional
        if let leverage = try reader.count(table, "max_leverage", atLeast: 1) { settings.maxLeverage = Int64(leverage) }
        settings.maxOpenOrders = try reader.count(table, "max_open_orders", atLeast: 1) ?? settings.maxOpenOrders
        settings.maxMarkets = try reader.count(table, "max_markets", atLeast: 1) ?? settings.maxMarkets
        if let losses = try reader.subtable(table, "stop_after_losses", keys: ["trades", "loss"]) {
            let inner = reader.nested("stop_after_losses")
            settings.lossOverLastTrades = LossOverTrades(count: try inner.required(try inner.count(losses, "trades", atLeast: 1), "trades"),
                                                         loss: try inner.required(try inner.money(losses, "loss"), "loss"))
        }
        settings.maxLossPerHour = try reader.money(table, "max_loss_per_hour") ?? settings.maxLossPerHour
        if let errors = try reader.count(table, "max_errors", atLeast: 0) { settings.maxConsecutiveErrors = errors > 0 ? errors : nil }
        settings.killSwitchDrawdown = try reader.money(table, "kill_drawdown") ?? settings.killSwitchDrawdown
        if let flatten = try reader.flag(table, "flatten_on_halt") { settings.flattenOnHalt = flatten }
        if let protections = try reader.subtable(table, "protections", keys: Self.protectionKeys) {
            settings.protections = try Self.protections(protections, reader: reader.nested("protections"))
        }
        self.settings = settings
    }

    private static func protections(_ table: TOMLTable, reader: Reader) throws(StrategyFile.Failure) -> ProtectionSettings {
        var protections = ProtectionSettings()
        protections.cooldownSeconds = try reader.number(table, "cooldown", atLeast: 0)
        if let rule = try reader.subtable(table, "stoploss_guard", keys: ["count", "lookback", "lock"]) {
            let inner = reader.nested("stoploss_guard")
            protections.stoplossGuard = .init(count: try inner.required(try inner.count(rule, "count", atLeast: 1), "count"),
                                              lookback: try inner.required(try inner.number(rule, "lookback", atLeast: 0), "lookback"),
                                              lock: try inner.required(try inner.number(rule, "lock", atLeast: 0), "lock"))
        }
        if let rule = try reader.subtable(table, "drawdown_guard", keys: ["percent", "lookback", "lock"]) {
            let inner = reader.nested("drawdown_guard")
            protections.maxDrawdown = .init(percent: try inner.required(try inner.number(rule, "percent", atLeast: 0), "percent"),
                                            lookback: try inner.required(try inner.number(rule, "lookback", atLeast: 0), "lookback"),
                                            lock: try inner.required(try inner.number(rule, "lock", atLeast: 0), "lock"))
        }
        if let rule = try reader.subtable(table, "low_profit_guard", keys: ["profit", "trades", "lookback", "lock"]) {
            let inner = reader.nested("low_profit_guard")
            protections.lowProfit = .init(requiredProfit: try inner.required(try inner.signedMoney(rule, "profit"), "profit"),
                                          minimumTrades: try inner.required(try inner.count(rule, "trades", atLeast: 1), "trades"),
                                          lookback: try inner.required(try inner.number(rule, "lookback", atLeast: 0), "lookback"),
                                          lock: try inner.required(try inner.number(rule, "lock", atLeast: 0), "lock"))
        }
        return protections
    }

    /// Reads typed values out of one table, with errors that say where.
    struct Reader {
        var path: String
        var section: String

        func nested(_ key: String) -> Reader { Reader(path: path, section: "\(section) \(key)") }

        func failure(_ key: String, _ problem: String) -> StrategyFile.Failure {
            StrategyFile.Failure(description: "\(path) \(section) \(key): \(problem)")
        }

        func refuseUnknown(_ table: TOMLTable, known: Set<String>) throws(StrategyFile.Failure) {
            for key in table.keys.sorted() where !known.contains(key) {
                throw StrategyFile.Failure(description: "\(path) \(section): unknown key '\(key)' (known: \(known.sorted().joined(separator: ", ")))")
            }
        }

        func required<Value>(_ value: Value?, _ key: String) throws(StrategyFile.Failure) -> Value {
            guard let value else { throw failure(key, "missing") }
            return value
        }

        /// A finite number (an integer or a float) of at least `minimum`.
        func number(_ table: TOMLTable, _ key: String, atLeast minimum: Double) throws(StrategyFile.Failure) -> Double? {
            guard let value = table[key] else { return nil }
            let number: Double
            switch value.type {
            case .int: number = Double(value.int ?? 0)
            case .double: number = value.double ?? .nan
            default: throw failure(key, "must be a number (got a \(value.type))")
            }
            guard number.isFinite, number >= minimum else {
                throw failure(key, "must be a finite number of at least \(minimum.formatted0) (got \(number))")
            }
            return number
        }

        /// A whole number of at least `minimum`.
        func count(_ table: TOMLTable, _ key: String, atLeast minimum: Int) throws(StrategyFile.Failure) -> Int? {
            guard let value = table[key] else { return nil }
            guard value.type == .int, let number = value.int else { throw failure(key, "must be a whole number (got a \(value.type))") }
            guard number >= minimum else { throw failure(key, "must be at least \(minimum) (got \(number))") }
            return number
        }

        /// A positive amount of the account currency.
        func money(_ table: TOMLTable, _ key: String) throws(StrategyFile.Failure) -> Money? {
            guard let number = try self.number(table, key, atLeast: 0) else { return nil }
            guard number > 0 else { throw failure(key, "must be more than 0 (leave it out to turn the limit off)") }
            return Money(units: Int64((number * 1e8).rounded()))
        }

        /// An amount of the account currency that may be 0 or negative (a required profit).
        func signedMoney(_ table: TOMLTable, _ key: String) throws(StrategyFile.Failure) -> Money? {
            guard let number = try self.number(table, key, atLeast: -1e12) else { return nil }
            return Money(units: Int64((number * 1e8).rounded()))
        }

        func flag(_ table: TOMLTable, _ key: String) throws(StrategyFile.Failure) -> Bool? {
            guard let value = table[key] else { return nil }
            guard let flag = value.bool else { throw failure(key, "must be true or false (got a \(value.type))") }
            return flag
        }

        func subtable(_ table: TOMLTable, _ key: String, keys: Set<String>) throws(StrategyFile.Failure) -> TOMLTable? {
            guard let value = table[key] else { return nil }
            guard let inner = value.table else { throw failure(key, "must be a table, e.g. \(key) = { \(keys.sorted().map { "\($0) = …" }.joined(separator: ", ")) }") }
            try nested(key).refuseUnknown(inner, known: keys)
            return inner
        }
    }
}

private extension Double {
    /// 0 and 1 as "0" and "1", not "0.0".
    var formatted0: String { self == rounded() ? String(Int64(self)) : String(self) }
}
