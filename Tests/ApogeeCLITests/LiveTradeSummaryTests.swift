import FakeExchange
import Foundation
import LiveEngine
import Testing

/// `apogee live --headless --trade` as a trader scripts it: the routed USD-M streams
/// on a loopback endpoint, the JSON summary, and an exit status that is not 0 when the
/// session went blind.
@Suite("apogee live --headless --trade: summary and exit status", .serialized)
struct LiveTradeSummaryTests {
    @Test("USD-M on loopback: market data arrives on the routed /public and /market paths, the strategy trades, and --json prints one summary with orders, fills, cancels and problems")
    func futuresRoutedJSONSummary() throws {
        let (folder, keys, account) = try TestKeys.make()
        let fake = try FakeExchange(recording: ApogeeProcess.sharedData + "/usdm_btcusdt_20240808.gz", speed: 10, account: account)
        try fake.start()
        defer { fake.stop() }
        let run = try ApogeeProcess.run(["live", "--exchange", "binance-futures", "--symbols", "BTCUSDT", "--endpoint", "loopback:\(fake.port)", "--headless", "--trade", "--json",
                                         "--strategy", "drops", "--param", "DropsMaxTime=2", "--param", "DropsPriceMA=0", "--param", "DropsPriceDelta=0.01", "--param", "NextDetectPenalty=1",
                                         "--param", "AutoBuy=YES", "--param", "BuyPrice=0.02", "--param", "SellPrice=0.01", "--param", "OrderSize=100", "--param", "AutoCancelBuy=2",
                                         "--duration", "12", "--keys", keys, "--db", folder + "/journal.sqlite"])
        #expect(run.status == 0, "\(run.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any], "one JSON object: \(run.standardOutput)")
        let orders = try #require(object["orders"] as? [String: Any])
        #expect((orders["sent"] as? Int ?? 0) >= 1, "the strategy traded on the routed streams' data")
        #expect(!fake.acceptedOrders.isEmpty)
        let market = try #require(object["market_data"] as? [String: Any])
        #expect((market["frames"] as? Int ?? 0) > 100)
        #expect(market["silences"] as? Int == 0)
        #expect((object["problems"] as? [Any])?.isEmpty == true)
        #expect(object["cancels"] is [String: Any] && object["fills"] is [String: Any] && object["dust"] is [Any])
    }

    @Test("an endpoint that sends no market data: the session says NO MARKET DATA and exits 3, not 0")
    func silentEndpointExitsNonZero() throws {
        let (folder, keys, account) = try TestKeys.make()
        // A recording that is never played: the streams connect, nothing arrives.
        let fake = try FakeExchange(recording: ApogeeProcess.sharedData + "/spot_ethusdt_20240808.gz", speed: 1, account: account)
        fake.playsOnSubscribe = false
        try fake.start()
        defer { fake.stop() }
        let run = try ApogeeProcess.run(["live", "--exchange", "binance", "--symbols", "ETHUSDT", "--endpoint", "loopback:\(fake.port)", "--headless", "--trade",
                                         "--strategy", "drops", "--duration", "12", "--keys", keys, "--db", folder + "/journal.sqlite"])
        #expect(run.status == 3, "\(run.standardOutput)\n\(run.standardError)")
        #expect(run.standardError.contains("market data stopped"), "\(run.standardError)")
        #expect(run.standardOutput.contains("PROBLEM"))
    }
}
