import Feeds
import MarketModel
import Testing

/// Gate.io v4 USDT-futures frames in the shapes the documentation gives: sizes are
/// contracts, turned into base quantities by the contract's quanto multiplier.
@Suite("Gate.io futures feed parser")
struct GateFuturesParserTests {
    let received = Timestamp(nanoseconds: 1_700_000_000_123_000_000)
    let multipliers = ["BTC_USDT": try! Quantity(parsing: "0.0001")]

    func price(_ text: String) -> Price { try! Price(parsing: text) }
    func quantity(_ text: String) -> Quantity { try! Quantity(parsing: text) }

    @Test("futures.trades: an array, every trade read; the size's sign is the taker's side; contracts × 0.0001 BTC")
    func trades() throws {
        var parser = GateFuturesParser(multipliers: multipliers)
        let frame = #"{"channel":"futures.trades","event":"update","time":1541503698,"time_ms":1541503698123,"result":[{"size":-108,"id":27753479,"create_time":1545136464,"create_time_ms":1545136464123,"price":"96.4","contract":"BTC_USDT"},{"size":25,"id":27753480,"create_time":1545136464,"create_time_ms":1545136464125,"price":"96.5","contract":"BTC_USDT","is_internal":true}]}"#
        let events = try parser.parse(frame, received: received)
        #expect(events.count == 2)
        guard case .trade(let sell) = events[0], case .trade(let buy) = events[1] else { Issue.record("\(events)"); return }
        #expect(sell.aggressor == .sell && sell.quantity == quantity("0.0108") && sell.price == price("96.4") && sell.id == 27_753_479)
        #expect(buy.aggressor == .buy && buy.quantity == quantity("0.0025"))
        #expect(buy.tradeTime == .milliseconds(1_545_136_464_125))
        #expect(parser.decimals.quantity == 4)
    }

    @Test("futures.book_ticker: sizes in contracts become quantities")
    func ticker() throws {
        var parser = GateFuturesParser(multipliers: multipliers)
        let frame = #"{"time":1615366379,"time_ms":1615366379123,"channel":"futures.book_ticker","event":"update","result":{"t":1615366379123,"u":2517661076,"s":"BTC_USDT","b":"54696.6","B":37000,"a":"54696.7","A":47061}}"#
        guard case .bestBidAsk(let ticker)? = try parser.parse(frame, received: received).first else { Issue.record("not a ticker"); return }
        #expect(ticker.updateID == 2_517_661_076)
        #expect(ticker.bid == BookLevel(price: price("54696.6"), quantity: quantity("3.7")))
        #expect(ticker.ask == BookLevel(price: price("54696.7"), quantity: quantity("4.7061")))
    }

    @Test("futures.order_book_update: U/u and {p,s} levels; s 0 removes a level")
    func delta() throws {
        var parser = GateFuturesParser(multipliers: multipliers)
        let frame = #"{"time":1615366381,"time_ms":1615366381123,"channel":"futures.order_book_update","event":"update","result":{"t":1615366381417,"s":"BTC_USDT","U":2517661101,"u":2517661113,"b":[{"p":"54672.1","s":0},{"p":"54664.5","s":58794}],"a":[{"p":"54743.6","s":0},{"p":"54742","s":95}]}}"#
        guard case .bookDelta(let delta)? = try parser.parse(frame, received: received).first else { Issue.record("not a delta"); return }
        #expect(delta.firstUpdateID == 2_517_661_101 && delta.finalUpdateID == 2_517_661_113)
        #expect(delta.bids == [BookLevel(price: price("54672.1"), quantity: .zero), BookLevel(price: price("54664.5"), quantity: quantity("5.8794"))])
        #expect(delta.asks[1] == BookLevel(price: price("54742"), quantity: quantity("0.0095")))
    }

    @Test("the REST snapshot with its id; the multiplier applied once the symbol is named")
    func snapshot() throws {
        var parser = GateFuturesParser(multipliers: multipliers)
        let body = #"{"id":123456,"current":1623898993.123,"update":1623898993.121,"asks":[{"p":"1.52","s":100},{"p":"1.53","s":40}],"bids":[{"p":"1.17","s":150}]}"#
        guard case .bookSnapshot(let parsed)? = try parser.parse(body, received: received).first else { Issue.record("not a snapshot"); return }
        #expect(parsed.time.exchange == Timestamp(nanoseconds: 1_623_898_993_123_000_000), "current: seconds with a fraction")
        #expect(parsed.lastUpdateID == 123_456)
        let named = try parser.snapshot(parsed, of: "BTC_USDT")
        #expect(named.symbol == "BTC_USDT")
        #expect(named.asks == [BookLevel(price: price("1.52"), quantity: quantity("0.01")), BookLevel(price: price("1.53"), quantity: quantity("0.004"))])
        #expect(named.bids == [BookLevel(price: price("1.17"), quantity: quantity("0.015"))])
    }

    @Test("refusals: a contract without a multiplier, an error frame, a level with a negative size")
    func refusals() {
        var parser = GateFuturesParser(multipliers: multipliers)
        #expect(throws: FeedError.self) { try parser.parse(#"{"channel":"futures.trades","event":"update","result":[{"size":1,"id":1,"create_time_ms":1,"price":"1","contract":"ETH_USDT"}]}"#, received: received) }
        #expect(throws: FeedError.self) { try parser.parse(#"{"channel":"futures.trades","event":"subscribe","error":{"code":2,"message":"unknown contract"},"result":null}"#, received: received) }
        #expect(throws: FeedError.self) { try parser.parse(#"{"channel":"futures.order_book_update","event":"update","result":{"t":1,"s":"BTC_USDT","U":1,"u":2,"b":[{"p":"1","s":-5}],"a":[]}}"#, received: received) }
        #expect((try? parser.parse(#"{"time":1,"channel":"futures.trades","event":"subscribe","result":{"status":"success"}}"#, received: received))?.isEmpty == true, "an acknowledgement is no event")
    }
}
