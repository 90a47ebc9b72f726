import ArgumentParser
import Backtesting
import Testing
import Trading
@testable import apogee

@Suite("Risk options: every switch from the command line, the same as from [risk]")
struct RiskOptionsTests {
    /// Each switch as an option and as a `[risk]` line, with a value that is not the default.
    static let switches: [(options: [String], toml: String)] = [
        (["--price-band", "4"], "price_band = 4"),
        (["--exit-price-band", "30"], "exit_price_band = 30"),
        (["--max-order-notional", "500"], "max_order_notional = 500"),
        (["--max-position-notional", "2000"], "max_position_notional = 2000"),
        (["--max-leverage", "3"], "max_leverage = 3"),
        (["--max-open-orders", "7"], "max_open_orders = 7"),
        (["--max-markets", "2"], "max_markets = 2"),
        (["--stop-after-losses", "3:20"], "stop_after_losses = { trades = 3, loss = 20 }"),
        (["--max-loss-per-hour", "50"], "max_loss_per_hour = 50"),
        (["--max-errors", "0"], "max_errors = 0"),
        (["--kill-drawdown", "100"], "kill_drawdown = 100"),
        (["--flatten-on-halt"], "flatten_on_halt = true"),
        (["--cooldown", "60"], "[risk.protections]\ncooldown = 60"),
        (["--stoploss-guard", "2:600:1800"], "[risk.protections]\nstoploss_guard = { count = 2, lookback = 600, lock = 1800 }"),
        (["--drawdown-guard", "3:3600:900"], "[risk.protections]\ndrawdown_guard = { percent = 3, lookback = 3600, lock = 900 }"),
        (["--low-profit-guard=-1.5:4:7200:300"], "[risk.protections]\nlow_profit_guard = { profit = -1.5, trades = 4, lookback = 7200, lock = 300 }"),
    ]

    @Test("each switch turned on from the command line and from [risk] gives the same settings, and not the defaults", arguments: 0..<switches.count)
    func sameEitherWay(index: Int) throws {
        let (arguments, toml) = Self.switches[index]
        let fromOptions = try RiskOptions.parse(arguments).applied()
        let fromFile = try #require(try StrategyFile(path: "risk.toml", text: "[risk]\n" + toml + "\n").risk).settings
        #expect(fromOptions == fromFile, "\(arguments)")
        #expect(fromOptions != RiskSettings(), "\(arguments) changed nothing")
    }

    @Test("options win over the file's [risk]; what they do not name stays as the file set it")
    func optionsOverFile() throws {
        let file = try StrategyFile(path: "risk.toml", text: "[risk]\nprice_band = 4\nmax_open_orders = 7\nflatten_on_halt = true\n")
        let settings = try RiskOptions.parse(["--price-band", "0"]).applied(over: file)
        #expect(settings.priceBandPercent == nil)
        #expect(settings.maxOpenOrders == 7)
        #expect(settings.flattenOnHalt)
    }

    @Test("malformed compound options are refused by name", arguments: [
        ["--stop-after-losses", "3"], ["--stop-after-losses", "0:5"], ["--stoploss-guard", "2:x:5"], ["--drawdown-guard", "-1:5:5"],
        ["--low-profit-guard", "1:0:5:5"], ["--max-open-orders", "0"], ["--cooldown", "nan"], ["--max-order-notional", "-1"],
    ])
    func malformed(arguments: [String]) {
        #expect(throws: (any Error).self) { _ = try RiskOptions.parse(arguments) }
        do {
            _ = try RiskOptions.parse(arguments)
        } catch {
            #expect(RiskOptions.message(for: error).contains(arguments[0]), "\(RiskOptions.message(for: error))")
        }
    }
}
