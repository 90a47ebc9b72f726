import MarketModel
import Testing

@Suite("Time, instruments and trade totals")
struct TimeAndTallyTests {
    @Test("timestamps print as UTC ISO 8601 without Foundation")
    func iso8601() {
        #expect(Timestamp.milliseconds(1_723_161_255_208).description == "2024-08-08T23:54:15.208Z")
        #expect(Timestamp(nanoseconds: 0).description == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.milliseconds(951_782_400_000).description == "2000-02-29T00:00:00.000Z")
        #expect(Timestamp(nanoseconds: -1_000_000).description == "1969-12-31T23:59:59.999Z")
    }

    @Test("an instrument prints with the decimals of its tick and lot sizes")
    func instrumentDecimals() throws {
        let spot = Instrument(exchange: .binance, symbol: "BTCUSDT", kind: .spot, tickSize: try Price(parsing: "0.01"), lotSize: try Quantity(parsing: "0.00001"))
        #expect(spot.priceDecimals == 2)
        #expect(spot.quantityDecimals == 5)
        let coin = Instrument(exchange: .binance, symbol: "BTCUSD_PERP", kind: .coinMargined, tickSize: try Price(parsing: "0.1"), lotSize: Quantity(whole: 1), contractSize: Quantity(whole: 100))
        #expect(coin.quantityDecimals == 0)
        #expect(coin.kind.isFutures)
        #expect(MarketKind(rawValue: "usdm") == .usdMargined)
    }

    @Test("volume and VWAP are exact sums")
    func tally() throws {
        var tally = TradeTally()
        let time = EventTime(exchange: nil, received: Timestamp(nanoseconds: 0))
        for (price, quantity) in [("100.00", "1.5"), ("101.00", "0.5"), ("99.50", "2")] {
            tally.add(TradePrint(symbol: "X", id: 1, price: try Price(parsing: price), quantity: try Quantity(parsing: quantity), aggressor: .buy, tradeTime: time.received, time: time))
        }
        #expect(tally.count == 3)
        #expect(tally.volumeText(fractionDigits: 3) == "4.000")
        // (150 + 50.5 + 199) / 4 = 99.875
        #expect(tally.vwap == (try Price(parsing: "99.875")))
        #expect(tally.lastPrice == (try Price(parsing: "99.5")))
    }
}
