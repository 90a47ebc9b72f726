import Foundation
import Testing

@Suite("apogee backtest, as a user runs it")
struct BacktestCommandTests {
    let usdm = ApogeeProcess.sharedData + "/usdm_btcusdt_20240808.gz"
    let spotETH = ApogeeProcess.sharedData + "/spot_ethusdt_20240808.gz"

    func scratch() throws -> String {
        let directory = NSTemporaryDirectory() + "apogee-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("EMA reversal on the USD-M recording trades, and every metric is in the JSON")
    func usdmBacktest() throws {
        let result = try ApogeeProcess.run(["backtest", "--strategy", "ema-reversal", "--data", usdm, "--json", "--monte-carlo", "4", "--seed", "11"])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        for key in ["strategy", "events", "orders", "fills", "trades", "net_pnl", "fees", "win_rate", "profit_factor", "max_drawdown", "sharpe", "sortino", "equity", "elapsed_s", "events_per_s", "time_in_market", "avg_trade"] {
            #expect(object.keys.contains(key), "missing \(key)")
        }
        #expect(object["strategy"] as? String == "ema-reversal")
        #expect(object["events"] as? Int == 93_954)
        #expect((object["trades"] as? Int ?? 0) > 0)
        #expect((object["fills"] as? Int ?? 0) >= 2 * (object["trades"] as? Int ?? 0))
        let equity = try #require(object["equity"] as? [[Double]])
        #expect(equity.count >= 5)
        #expect(equity.allSatisfy { $0.count == 2 })
        let monteCarlo = try #require(object["monte_carlo"] as? [String: Any])
        #expect(monteCarlo["runs"] as? Int == 4)
        let bootstrap = try #require(monteCarlo["bootstrap"] as? [String: Any])
        for (key, object) in [("net_pnl", monteCarlo), ("max_drawdown", monteCarlo), ("net_pnl_after_slippage", monteCarlo), ("net_pnl", bootstrap), ("max_drawdown", bootstrap)] {
            let figures = try #require(object[key] as? [String: Double], "\(key)")
            let p5 = try #require(figures["p5"]), p50 = try #require(figures["p50"]), p95 = try #require(figures["p95"])
            #expect(p5 <= p50 && p50 <= p95)
        }
        // Slippage only costs: each percentile after it is no better than before it.
        let plain = try #require(monteCarlo["net_pnl"] as? [String: Double]), slipped = try #require(monteCarlo["net_pnl_after_slippage"] as? [String: Double])
        #expect(slipped["p95"]! <= plain["p95"]! && slipped["p5"]! <= plain["p5"]!)
    }

    @Test("two processes with the same seed print the same report, timing aside")
    func deterministic() throws {
        func run() throws -> String {
            let result = try ApogeeProcess.run(["backtest", "--data", spotETH, "--json", "--seed", "5", "--monte-carlo", "3", "--param", "StretchPercent=0.03"])
            #expect(result.status == 0, "\(result.standardError)")
            return result.standardOutput
                .replacingOccurrences(of: #""(elapsed_s|run_s|events_per_s)":[^,}]*"#, with: "", options: .regularExpression)
        }
        let first = try run()
        let second = try run()
        #expect(first == second)
        #expect(first.contains(#""seed":5"#))
    }

    @Test("parameters: from a TOML strategy file, overridden on the command line, refused with a reason")
    func parameters() throws {
        let directory = try scratch()
        let config = directory + "/strategies.toml"
        try """
            [[strategy]]
            name = "ema-reversal"
            EMAPeriod = 45
            StretchPercent = 0.08
            UseTrailing = true
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let ok = try ApogeeProcess.run(["backtest", "--data", spotETH, "--config", config, "--param", "EMAPeriod=20", "--json"])
        #expect(ok.status == 0, "\(ok.standardError)")
        #expect(ok.standardOutput.contains(#""EMAPeriod":"20""#))
        #expect(ok.standardOutput.contains(#""StretchPercent":"0.08""#))
        #expect(ok.standardOutput.contains(#""UseTrailing":"YES""#))

        let unknown = try ApogeeProcess.run(["backtest", "--data", spotETH, "--param", "Stretch=1"])
        #expect(unknown.status == 64, "a wrong command line is a usage error (docs/exit-status.md)")
        #expect(unknown.standardError.contains("--param Stretch=1: unknown parameter 'Stretch'"))
        let range = try ApogeeProcess.run(["backtest", "--data", spotETH, "--param", "StopLoss=-500"])
        #expect(range.status == 64)
        #expect(range.standardError.contains("StopLoss = -500.0 is out of range"))

        let broken = directory + "/broken.toml"
        try "[[strategy]]\nname = \"ema-reversal\"\nEMAPeriod = = 3\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let syntax = try ApogeeProcess.run(["backtest", "--data", spotETH, "--config", broken])
        #expect(syntax.status == 1)
        #expect(syntax.standardError.contains("\(broken):3:"))

        let missing = try ApogeeProcess.run(["backtest", "--data", "/nonexistent.gz"])
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("cannot open /nonexistent.gz"))
        let strategy = try ApogeeProcess.run(["backtest", "--strategy", "moonshot-9000", "--data", spotETH])
        #expect(strategy.standardError.contains("unknown strategy 'moonshot-9000'"))
    }

    @Test("--latency-ms and --cash refuse NaN, infinity, 1e300 and negatives by name (NaN and infinity used to crash with SIGILL)", arguments: [
        ["--latency-ms=nan"], ["--latency-ms=inf"], ["--latency-ms=1e300"], ["--latency-ms=-3"], ["--cash=nan"], ["--cash=-5"],
    ])
    func numericOptions(option: [String]) throws {
        let result = try ApogeeProcess.run(["backtest", "--data", ApogeeProcess.sharedData + "/spot_btcusdt_20240808.gz"] + option)
        #expect(result.status == 64, "\(option): \(result.standardError)")
        let name = String(option[0].prefix { $0 != "=" })
        #expect(result.standardError.contains(name) && result.standardError.contains("got"), "\(result.standardError)")
    }

    @Test("risk options refuse NaN, infinity and negatives by name, with the value given", arguments: [
        ["--kill-drawdown", "nan"], ["--kill-drawdown", "inf"], ["--max-loss-per-hour", "nan"], ["--price-band=-3"], ["--price-band", "nan"],
    ])
    func riskOptions(option: [String]) throws {
        let result = try ApogeeProcess.run(["backtest", "--strategy", "mshot", "--data", ApogeeProcess.sharedData + "/usdm_btcusdt_20240808.gz"] + option)
        #expect(result.status == 64, "\(option): \(result.standardError)")
        let name = String(option[0].prefix { $0 != "=" })
        #expect(result.standardError.contains(name) && result.standardError.contains("got"), "\(result.standardError)")
    }

    @Test("MShotPrice=15: the entry 15 % under the price is placed under the default band (it can only fill cheaper), a handful of orders, none denied; [risk] and the options reach the gate")
    func priceBand() throws {
        let file = ApogeeProcess.sharedData + "/usdm_btcusdt_20240808.gz"
        func ledger(_ extra: [String]) throws -> (orders: Int, denied: Int) {
            let result = try ApogeeProcess.run(["backtest", "--strategy", "mshot", "--param", "MShotPrice=15", "--data", file, "--json"] + extra)
            #expect(result.status == 0, "\(result.standardError)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
            let strategies = try #require(object["strategies"] as? [[String: Any]])
            return (strategies.first?["orders"] as? Int ?? -1, strategies.first?["denied"] as? Int ?? -1)
        }
        let plain = try ledger([])
        #expect(plain.denied == 0)
        #expect(plain.orders >= 1 && plain.orders <= 5, "\(plain.orders) orders")
        // A [risk] limit denies it; the option over the file lets it through again.
        let directory = try scratch()
        try "[risk]\nmax_order_notional = 1\n".write(toFile: directory + "/risk.toml", atomically: true, encoding: .utf8)
        #expect(try ledger(["--config", directory + "/risk.toml"]).denied > 0)
        #expect(try ledger(["--config", directory + "/risk.toml", "--max-order-notional", "100000"]).denied == 0)
    }

}
