import Feeds
import MarketModel
import OrderBook
import Testing

/// Gate.io v4 spot frames in the shapes the documentation gives.
@Suite("Gate.io feed parser")
struct GateFeedParserTests {
    let received = Timestamp(nanoseconds: 1_700_000_000_123_000_000)

    func price(_ text: String) -> Price { try! Price(parsing: text) }
    func quantity(_ text: String) -> Quantity { try! Quantity(parsing: text) }

    @Test("spot.trades: the taker side, exact price and amount, create_time_ms to the nanosecond")
    func trade() throws {
        var parser = GateFeedParser()
        let frame = #"{"time":1606292218,"time_ms":1606292218231,"channel":"spot.trades","event":"update","result":{"id":309143071,"create_time":1606292218,"create_time_ms":"1606292218213.4578","side":"sell","currency_pair":"GT_USDT","amount":"16.4700000000","price":"0.4705000000","range":"2390902-2390902"}}"#
        guard case .trade(let trade)? = try parser.parse(frame, received: received) else { Issue.record("not a trade"); return }
        #expect(trade.symbol == "GT_USDT")
        #expect(trade.id == 309_143_071)
        #expect(trade.aggressor == .sell)
        #expect(trade.price == price("0.4705") && trade.quantity == quantity("16.47"))
        #expect(trade.tradeTime.nanoseconds == 1_606_292_218_213_457_800)
        #expect(trade.time.received == received)
    }

    @Test("spot.book_ticker becomes the best bid and ask with the book's update id")
    func ticker() throws {
        var parser = GateFeedParser()
        let frame = #"{"time":1606293275,"time_ms":1606293275723,"channel":"spot.book_ticker","event":"update","result":{"t":1606293275123,"u":48733182,"s":"BTC_USDT","b":"19177.79","B":"0.0003341504","a":"19179.38","A":"0.09"}}"#
        guard case .bestBidAsk(let ticker)? = try parser.parse(frame, received: received) else { Issue.record("not a ticker"); return }
        #expect(ticker.symbol == "BTC_USDT" && ticker.updateID == 48_733_182)
        // Gate's 10-decimal amount, rounded to Apogee's 8.
        #expect(ticker.bid == BookLevel(price: price("19177.79"), quantity: quantity("0.00033415")))
        #expect(ticker.ask.price == price("19179.38"))
    }

    @Test("spot.order_book_update: a diff with U and u; with full=true, the whole book")
    func depth() throws {
        var parser = GateFeedParser()
        let diff = #"{"time":1606294781,"time_ms":1606294781236,"channel":"spot.order_book_update","event":"update","result":{"t":1606294781123,"e":"depthUpdate","E":1606294781,"s":"BTC_USDT","U":48776301,"u":48776306,"b":[["19137.74","0.0001"],["19088.37","0"]],"a":[["19137.75","0.6135"]]}}"#
        guard case .bookDelta(let delta)? = try parser.parse(diff, received: received) else { Issue.record("not a diff"); return }
        #expect(delta.firstUpdateID == 48_776_301 && delta.finalUpdateID == 48_776_306)
        #expect(delta.bids.count == 2 && delta.bids[1].quantity == .zero)
        #expect(delta.time.exchange == Timestamp(nanoseconds: 1_606_294_781_123_000_000))
        let full = #"{"time":1,"channel":"spot.order_book_update","event":"update","result":{"t":1606294781123,"full":true,"s":"BTC_USDT","U":1,"u":48776310,"b":[["19137.74","0.5"]],"a":[["19137.75","0.6"]]}}"#
        guard case .bookSnapshot(let snapshot)? = try parser.parse(full, received: received) else { Issue.record("not a full book"); return }
        #expect(snapshot.symbol == "BTC_USDT" && snapshot.lastUpdateID == 48_776_310)
    }

    @Test("amounts past eight decimals round to nearest; a malformed amount is refused", arguments: [
        ("0.0003341504", "0.00033415"), ("0.0000000050", "0.00000001"), ("0.0000000049", "0"), ("16.4700000000", "16.47"), ("5", "5"),
    ])
    func amounts(text: String, expected: String) throws {
        var parser = GateFeedParser()
        let frame = "{\"time\":1,\"channel\":\"spot.book_ticker\",\"event\":\"update\",\"result\":{\"t\":1,\"u\":2,\"s\":\"BTC_USDT\",\"b\":\"1\",\"B\":\"\(text)\",\"a\":\"2\",\"A\":\"1\"}}"
        guard case .bestBidAsk(let ticker)? = try parser.parse(frame, received: received) else { Issue.record("not a ticker"); return }
        #expect(ticker.bid.quantity == quantity(expected))
        let broken = frame.split(separator: text, omittingEmptySubsequences: false).joined(separator: "1.2.3")
        #expect(throws: FeedError.self) { try parser.parse(broken, received: received) }
    }

    @Test("an amount too large for a quantity is refused, not trapped (found by the recording-line fuzz target)", arguments: ["92233720369", "500000000000", "99999999999.99999999"])
    func hugeAmounts(text: String) {
        var parser = GateFeedParser()
        let ticker = "{\"time\":1,\"channel\":\"spot.book_ticker\",\"event\":\"update\",\"result\":{\"t\":1,\"u\":2,\"s\":\"BTC_USDT\",\"b\":\"1\",\"B\":\"\(text)\",\"a\":\"2\",\"A\":\"1\"}}"
        let diff = "{\"time\":1,\"channel\":\"spot.order_book_update\",\"event\":\"update\",\"result\":{\"t\":1,\"s\":\"BTC_USDT\",\"U\":1,\"u\":2,\"b\":[[\"1\",\"\(text)\"]],\"a\":[]}}"
        for frame in [ticker, diff] {
            do {
                _ = try parser.parse(frame, received: received)
                Issue.record("\(text) was accepted")
            } catch {
                #expect(error.reason.contains("out of range"), "\(error)")
            }
        }
    }

    @Test("acknowledgements are not market events; an error frame says its code and message")
    func acknowledgementsAndErrors() throws {
        var parser = GateFeedParser()
        #expect(try parser.parse(#"{"time":1606292218,"channel":"spot.trades","event":"subscribe","result":{"status":"success"}}"#, received: received) == nil)
        #expect(try parser.parse(#"{"time":1,"channel":"spot.pong","event":"","result":null}"#, received: received) == nil)
        do {
            _ = try parser.parse(#"{"time":1,"channel":"spot.trades","event":"subscribe","error":{"code":2,"message":"unknown currency pair GT_XXX"},"result":null}"#, received: received)
            Issue.record("an error frame was accepted")
        } catch {
            #expect(error.description.contains("2 unknown currency pair GT_XXX"), "\(error)")
        }
    }

    @Test("the REST snapshot (with_id) seeds a book that the chained diffs keep in sync; a gap is caught")
    func bookSync() throws {
        var parser = GateFeedParser()
        let snapshot = try #require(try parser.parse(#"{"id":1000,"current":1623898993123,"update":1623898993121,"asks":[["1.52","1.151"],["1.53","1.218"]],"bids":[["1.17","201.863"],["1.16","153.7"]]}"#, received: received))
        guard case .bookSnapshot(var seed) = snapshot else { Issue.record("not a snapshot"); return }
        seed.symbol = "BTC_USDT"
        var book = OrderBook(symbol: "BTC_USDT", rule: .sequential)
        func diff(_ first: UInt64, _ final: UInt64, bid: String) throws -> BookDelta {
            let frame = "{\"time\":1,\"channel\":\"spot.order_book_update\",\"event\":\"update\",\"result\":{\"t\":1623898993200,\"s\":\"BTC_USDT\",\"U\":\(first),\"u\":\(final),\"b\":[[\"\(bid)\",\"5\"]],\"a\":[]}}"
            guard case .bookDelta(let delta)? = try parser.parse(frame, received: received) else { throw FeedError("not a diff") }
            return delta
        }
        book.apply(try diff(995, 999, bid: "1.10"))      // before the snapshot: buffered, then dropped
        book.apply(seed)
        book.apply(try diff(1000, 1003, bid: "1.18"))    // straddles id+1
        book.apply(try diff(1004, 1004, bid: "1.19"))
        #expect(book.state == .synced)
        #expect(book.bestBid?.price == price("1.19"))
        #expect(book.statistics.gaps == 0)
        book.apply(try diff(1010, 1011, bid: "1.15"))    // 1005…1009 never came
        #expect(book.statistics.gaps == 1)
        #expect(book.state == .resyncing)
    }
}
