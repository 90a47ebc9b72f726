import Strategies
import Testing
import Trading

@Suite("Defaults that can win")
struct DefaultTakeProfitTests {
    /// The take profit, in %, at which a round trip through two maker fills of `fees`
    /// breaks even: bought at p·(1 + f), sold at p·(1 + s)·(1 − f).
    static func breakEven(_ fees: FeeSchedule) -> Double {
        let f = Double(fees.makerPartsPerMillion) / 1_000_000
        return 2 * f / (1 - f) * 100
    }

    @Test("every strategy's default take profit clears the round-trip fees on Binance spot (0.1 % each way) and USD-M", arguments: StrategyCatalog.entries.map(\.name))
    func defaultTakeProfitClearsFees(name: String) throws {
        let entry = try #require(StrategyCatalog.entry(named: name))
        let strategy = entry.make(try ParameterSet(specs: entry.specs, given: []))
        let takeProfit = strategy.exits.sellPrice
        // 0 means the strategy sets its own target with each entry (or none): nothing to check here.
        guard takeProfit > 0 else { return }
        for fees in [FeeSchedule.binanceSpot, .binanceUSDM] {
            #expect(takeProfit > Self.breakEven(fees), "\(name): SellPrice \(takeProfit) % does not clear \(Self.breakEven(fees)) % of fees")
        }
    }
}
