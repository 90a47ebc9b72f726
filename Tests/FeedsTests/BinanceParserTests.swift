import Foundation
import Feeds
import MarketModel
import Testing

@Suite("Binance wire parser: every message kind")
struct BinanceParserTests {
    let received = Timestamp(nanoseconds: 1_723_161_253_937_085_768)

    func parse(_ message: String, market: MarketKind? = nil) throws -> MarketEvent {
        var parser = BinanceFeedParser(market: market)
        return try parser.parse(message, received: received)
    }

    @Test("spot depthUpdate: U, u, levels, both clocks")
    func spotDepth() throws {
        guard case .bookDelta(let delta) = try parse(Messages.spotDepth, market: .spot) else {
            Issue.record("expected a book delta")
            return
        }
        #expect(delta.symbol == "BTCUSDT")
        #expect(delta.firstUpdateID == 50_093_239_189)
        #expect(delta.finalUpdateID == 50_093_239_202)
        #expect(delta.previousFinalUpdateID == nil)
        #expect(delta.bids.map(\.price.description) == ["61737.63", "61730.17"])
        #expect(delta.bids[0].quantity == .zero)
        #expect(delta.asks == [BookLevel(price: try Price(parsing: "61837.64"), quantity: try Quantity(parsing: "1.54698"))])
        #expect(delta.time.exchange == .milliseconds(1_723_161_255_208))
        #expect(delta.time.received == received)
    }

    @Test("USD-M depthUpdate carries pu")
    func futuresDepth() throws {
        guard case .bookDelta(let delta) = try parse(Messages.futuresDepth, market: .usdMargined) else {
            Issue.record("expected a book delta")
            return
        }
        #expect(delta.previousFinalUpdateID == 5_123_107_831_937)
        #expect(delta.asks.count == 2)
        #expect(delta.asks[1].quantity == .zero)
    }

    @Test("COIN-M depthUpdate: contract quantities, pair member ignored")
    func coinDepth() throws {
        guard case .bookDelta(let delta) = try parse(Messages.coinDepth, market: .coinMargined) else {
            Issue.record("expected a book delta")
            return
        }
        #expect(delta.symbol == "BTCUSD_PERP")
        #expect(delta.bids == [BookLevel(price: try Price(parsing: "9517.6"), quantity: Quantity(whole: 10))])
        #expect(delta.previousFinalUpdateID == 17_285_675)
    }

    @Test("spot bookTicker has no event time; futures bookTicker has one")
    func tickers() throws {
        guard case .bestBidAsk(let spot) = try parse(Messages.spotTicker, market: .spot),
              case .bestBidAsk(let futures) = try parse(Messages.futuresTicker, market: .usdMargined) else {
            Issue.record("expected tickers")
            return
        }
        #expect(spot.updateID == 50_093_239_212)
        #expect(spot.bid == BookLevel(price: try Price(parsing: "61837.63"), quantity: try Quantity(parsing: "3.78826")))
        #expect(spot.ask.price == (try Price(parsing: "61837.64")))
        #expect(spot.time.exchange == nil)
        #expect(futures.time.exchange == .milliseconds(1_723_161_256_313))
        #expect(futures.ask.quantity == (try Quantity(parsing: "2.51")))
    }

    @Test("trades: id, price, size, taker side from the maker flag, trade time")
    func trades() throws {
        guard case .trade(let spot) = try parse(Messages.spotTrade, market: .spot),
              case .trade(let futures) = try parse(Messages.futuresTrade, market: .usdMargined) else {
            Issue.record("expected trades")
            return
        }
        #expect(spot.id == 3_735_683_259)
        #expect(spot.aggressor == .sell)
        #expect(spot.quantity == (try Quantity(parsing: "0.02")))
        #expect(spot.tradeTime == .milliseconds(1_723_161_255_342))
        #expect(spot.kind == .single)
        #expect(futures.aggressor == .buy)
        #expect(futures.price == (try Price(parsing: "61800.3")))
    }

    @Test("microsecond times (timeUnit=MICROSECOND streams, 2025+ CSV files) are read to the microsecond; a time in neither range is refused")
    func microseconds() throws {
        let micro = Messages.spotTrade.replacingOccurrences(of: "\"T\":1723161255342", with: "\"T\":1723161255342917").replacingOccurrences(of: "\"E\":1723161255343", with: "\"E\":1723161255343001")
        guard case .trade(let trade) = try parse(micro, market: .spot) else {
            Issue.record("expected a trade")
            return
        }
        #expect(trade.tradeTime == Timestamp(nanoseconds: 1_723_161_255_342_917_000))
        #expect(trade.time.exchange == Timestamp(nanoseconds: 1_723_161_255_343_001_000))
        let between = Messages.spotTrade.replacingOccurrences(of: "\"T\":1723161255342", with: "\"T\":17231612553420")
        #expect(throws: FeedError.self) { try parse(between, market: .spot) }
    }

    @Test("aggTrade on spot and futures names its trade range")
    func aggTrades() throws {
        guard case .trade(let spot) = try parse(Messages.spotAggTrade, market: .spot),
              case .trade(let futures) = try parse(Messages.futuresAggTrade, market: .usdMargined) else {
            Issue.record("expected aggregate trades")
            return
        }
        #expect(spot.id == 1_500_000_001)
        #expect(spot.kind == .aggregate(firstTradeID: 1_700_000_010, lastTradeID: 1_700_000_012))
        #expect(spot.aggressor == .buy)
        #expect(futures.kind == .aggregate(firstTradeID: 5_266_583_935, lastTradeID: 5_266_583_940))
        #expect(futures.aggressor == .sell)
    }

    @Test("REST depth snapshots, spot and futures")
    func snapshots() throws {
        guard case .bookSnapshot(let spot) = try parse(Messages.spotSnapshot, market: .spot),
              case .bookSnapshot(let futures) = try parse(Messages.futuresSnapshot, market: .usdMargined) else {
            Issue.record("expected snapshots")
            return
        }
        #expect(spot.lastUpdateID == 50_093_239_218)
        #expect(spot.symbol == nil)
        #expect(spot.bids.count == 2)
        #expect(spot.time.exchange == nil)
        #expect(futures.time.exchange == .milliseconds(1_723_161_256_501))
        #expect(futures.asks.count == 2)
    }

    @Test("a raw stream payload without the combined envelope")
    func rawPayload() throws {
        guard case .trade(let trade) = try parse(Messages.rawTrade) else {
            Issue.record("expected a trade")
            return
        }
        #expect(trade.aggressor == .buy)
    }

    @Test("whitespace between tokens is accepted")
    func whitespace() throws {
        let spaced = " { \"stream\" : \"btcusdt@trade\" , \"data\" : { \"e\":\"trade\", \"E\": 1, \"s\":\"BTCUSDT\", \"t\": 7, \"p\": \"1.5\", \"q\":\"2\", \"T\":1, \"m\": false } } "
        guard case .trade(let trade) = try parse(spaced) else {
            Issue.record("expected a trade")
            return
        }
        #expect(trade.id == 7)
    }

    @Test("remembers the decimals the venue prints with")
    func decimals() throws {
        var parser = BinanceFeedParser(market: .usdMargined)
        _ = try parser.parse(Messages.futuresDepth, received: received)
        #expect(parser.decimals == DecimalPlaces(price: 2, quantity: 3))
    }
}
