@testable import VenueClients
import MarketModel
import Testing

/// What each exchange says its fills came to in the quote currency, read from their
/// wire formats: the session prices each newly booked part by it.
@Suite("Fill prices from the exchanges' order reports")
struct ExecutionPriceTests {
    @Test("Binance spot executionReport: Z is the cumulative quote")
    func binanceSpot() throws {
        let text = #"{"subscriptionId":0,"event":{"e":"executionReport","E":1722470400000,"s":"ETHUSDT","c":"s1-apg-4","S":"BUY","o":"LIMIT","f":"GTC","q":"0.02000000","p":"2700.00000000","C":"","x":"TRADE","X":"PARTIALLY_FILLED","r":"NONE","i":9,"l":"0.01000000","z":"0.01000000","L":"2651.20000000","n":"0","N":null,"T":1722470400000,"m":false,"Z":"26.51200000"}}"#
        let report = try #require(ExecutionReport.parse(text))
        #expect(report.cumulativeQuote == "26.51200000")
        #expect(report.lastPrice == "2651.20000000")
        #expect(report.isMaker == false, "m: the fill took liquidity")
    }

    @Test("Binance USD-M ORDER_TRADE_UPDATE: the average price times the filled quantity")
    func binanceFutures() throws {
        let text = #"{"e":"ORDER_TRADE_UPDATE","E":1722470400000,"T":1722470400000,"o":{"s":"BTCUSDT","c":"s2-apg-1","S":"SELL","o":"LIMIT","f":"GTC","q":"0.003","p":"60000","ap":"61234.5","sp":"0","x":"TRADE","X":"FILLED","i":7,"l":"0.001","z":"0.003","L":"61230","n":"0","N":"USDT","T":1722470400000,"t":1,"b":"0","a":"0","m":false,"R":true,"wt":"CONTRACT_PRICE","ot":"LIMIT","ps":"BOTH","cp":false,"rp":"0"}}"#
        let report = try #require(ExecutionReport.parseFutures(text))
        #expect(report.cumulativeQuote == "183.70350000", "61234.5 × 0.003")
        #expect(report.isMaker == false)
    }

    @Test("Binance REST order answers: spot's cummulativeQuoteQty, USD-M's cumQuote")
    func binanceREST() {
        let spot = BinanceOrderClient.state(["clientOrderId": "apg-1", "orderId": 3, "status": "FILLED", "executedQty": "0.01000000", "cummulativeQuoteQty": "26.51200000"])
        #expect(spot?.executedQuote == "26.51200000")
        let futures = BinanceOrderClient.state(["clientOrderId": "apg-2", "orderId": 4, "status": "FILLED", "executedQty": "0.003", "cumQuote": "183.70350", "avgPrice": "61234.5"])
        #expect(futures?.executedQuote == "183.70350")
        let silent = BinanceOrderClient.state(["clientOrderId": "apg-3", "orderId": 5, "status": "NEW", "executedQty": "0"])
        #expect(silent != nil && silent?.executedQuote == nil, "no quote given: nil, and the session falls back to the last price or the limit")
    }

    @Test("Gate.io spot.orders: filled_total; futures.orders: fill_price (a JSON number) times the filled contracts")
    func gate() throws {
        let spot = #"{"time":1722470400,"time_ms":1722470400000,"channel":"spot.orders","event":"update","result":[{"id":"12","text":"t-s1-apg-1","create_time":"1722470400","update_time":"1722470400","status":"open","currency_pair":"ETH_USDT","type":"limit","account":"spot","side":"buy","amount":"0.02","price":"2700","time_in_force":"gtc","left":"0.01","filled_amount":"0.01","filled_total":"26.512","avg_deal_price":"2651.2","fee":"0","fee_currency":"ETH","finish_as":"open","event":"update"}]}"#
        let spotReport = try #require(ExecutionReport.parseGate(spot).first)
        #expect(spotReport.cumulativeQuantity == "0.01" && spotReport.cumulativeQuote == "26.512")
        #expect(spotReport.isMaker == nil, "Gate's order update does not say")
        let futures = #"{"time":1722470400,"time_ms":1722470400000,"channel":"futures.orders","event":"update","result":[{"id":77,"user":1000,"contract":"BTC_USDT","create_time":1722470400.5,"size":-30,"left":-10,"price":60000,"fill_price":61234.5,"status":"open","finish_as":"_new","tif":"gtc","text":"t-s2-apg-1","is_reduce_only":false,"iceberg":0}]}"#
        let futuresReport = try #require(ExecutionReport.parseGate(futures, channel: "futures.orders", multipliers: ["BTC_USDT": Quantity(units: 10_000)]).first)
        #expect(futuresReport.cumulativeQuantity == "0.002", "20 contracts of 0.0001 BTC")
        #expect(futuresReport.cumulativeQuote == "122.46900000", "61234.5 × 0.002")
    }
}
