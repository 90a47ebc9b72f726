import Backtesting
import MarketModel
import Testing
import Trading

@Suite("Strategy files: the [risk] table")
struct RiskTableTests {
    static func money(_ text: String) -> Money { try! Money(parsing: text) }

    @Test("every key of [risk] and [risk.protections] reaches the risk settings")
    func everyKey() throws {
        let text = """
        [risk]
        price_band = 4
        exit_price_band = 30
        max_order_notional = 500
        max_position_notional = 2000.5
        max_leverage = 3
        max_open_orders = 7
        max_markets = 2
        stop_after_losses = { trades = 3, loss = 20 }
        max_loss_per_hour = 50
        max_errors = 0
        kill_drawdown = 100
        flatten_on_halt = true

        [risk.protections]
        cooldown = 60
        stoploss_guard = { count = 2, lookback = 600, lock = 1800 }
        drawdown_guard = { percent = 3, lookback = 3600, lock = 900 }
        low_profit_guard = { profit = -1.5, trades = 4, lookback = 7200, lock = 300 }
        """
        let file = try StrategyFile(path: "risk.toml", text: text)
        #expect(file.entries.isEmpty)
        var expected = RiskSettings()
        expected.priceBandPercent = 4
        expected.exitPriceBandPercent = 30
        expected.maxOrderNotional = Self.money("500")
        expected.maxPositionNotional = Self.money("2000.5")
        expected.maxLeverage = 3
        expected.maxOpenOrders = 7
        expected.maxMarkets = 2
        expected.lossOverLastTrades = LossOverTrades(count: 3, loss: Self.money("20"))
        expected.maxLossPerHour = Self.money("50")
        expected.maxConsecutiveErrors = nil
        expected.killSwitchDrawdown = Self.money("100")
        expected.flattenOnHalt = true
        expected.protections.cooldownSeconds = 60
        expected.protections.stoplossGuard = .init(count: 2, lookback: 600, lock: 1800)
        expected.protections.maxDrawdown = .init(percent: 3, lookback: 3600, lock: 900)
        expected.protections.lowProfit = .init(requiredProfit: Self.money("-1.5"), minimumTrades: 4, lookback: 7200, lock: 300)
        #expect(file.risk?.settings == expected)
    }

    @Test("a file without [risk] leaves the defaults; price_band = 0 turns the band off")
    func defaults() throws {
        let plain = try StrategyFile(path: "s.toml", text: "[[strategy]]\nname = \"mshot\"\n")
        #expect(plain.risk == nil)
        let off = try StrategyFile(path: "s.toml", text: "[[strategy]]\nname = \"mshot\"\n[risk]\nprice_band = 0\n")
        #expect(off.risk?.settings.priceBandPercent == nil)
        #expect(off.entries.map(\.name) == ["mshot"])
    }

    @Test("mistakes are refused with the file, the key and the reason", arguments: [
        ("[risk]\nmax_open_order = 3\n", "risk.toml [risk]: unknown key 'max_open_order'"),
        ("[risk]\nmax_open_orders = 0\n", "risk.toml [risk] max_open_orders: must be at least 1 (got 0)"),
        ("[risk]\nmax_open_orders = 2.5\n", "risk.toml [risk] max_open_orders: must be a whole number"),
        ("[risk]\nkill_drawdown = -5\n", "risk.toml [risk] kill_drawdown: must be a finite number of at least 0 (got -5.0)"),
        ("[risk]\nkill_drawdown = nan\n", "risk.toml [risk] kill_drawdown: must be a finite number"),
        ("[risk]\nprice_band = \"ten\"\n", "risk.toml [risk] price_band: must be a number"),
        ("[risk]\nflatten_on_halt = 1\n", "risk.toml [risk] flatten_on_halt: must be true or false"),
        ("[risk]\nstop_after_losses = 3\n", "risk.toml [risk] stop_after_losses: must be a table"),
        ("[risk]\nstop_after_losses = { trades = 3 }\n", "risk.toml [risk] stop_after_losses loss: missing"),
        ("[risk.protections]\nstoploss_guard = { count = 2, lookback = 600, lok = 5 }\n", "risk.toml [risk] protections stoploss_guard: unknown key 'lok'"),
        ("risk = 5\n", "risk.toml: risk must be a table"),
        ("[riks]\nprice_band = 3\n", "risk.toml: unknown top-level key 'riks'"),
    ])
    func mistakes(text: String, message: String) {
        do {
            _ = try StrategyFile(path: "risk.toml", text: text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
    }
}
