/// Messages in Binance's documented shapes, as the exchange sends them (several are
/// lines of the recordings in ../shared/data, shortened).
enum Messages {
    static let spotDepth = #"{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161255208,"s":"BTCUSDT","U":50093239189,"u":50093239202,"b":[["61737.63000000","0.00000000"],["61730.17000000","0.50000000"]],"a":[["61837.64000000","1.54698000"]]}}"#
    static let futuresDepth = #"{"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1723161256299,"T":1723161256298,"s":"BTCUSDT","U":5123107832006,"u":5123107837557,"pu":5123107831937,"b":[["58710.20","0.014"]],"a":[["61800.30","2.510"],["61801.00","0.000"]]}}"#
    static let coinDepth = #"{"stream":"btcusd_perp@depth","data":{"e":"depthUpdate","E":1591270260907,"T":1591270260891,"s":"BTCUSD_PERP","ps":"BTCUSD","U":17285681,"u":17285702,"pu":17285675,"b":[["9517.6","10"]],"a":[["9518.5","45"],["9520.0","0"]]}}"#
    static let spotTicker = #"{"stream":"btcusdt@bookTicker","data":{"u":50093239212,"s":"BTCUSDT","b":"61837.63000000","B":"3.78826000","a":"61837.64000000","A":"1.54698000"}}"#
    static let futuresTicker = #"{"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":5123107839020,"s":"BTCUSDT","b":"61800.20","B":"2.507","a":"61800.30","A":"2.510","T":1723161256313,"E":1723161256313}}"#
    static let spotTrade = #"{"stream":"btcusdt@trade","data":{"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"61837.63000000","q":"0.02000000","T":1723161255342,"m":true,"M":true}}"#
    static let futuresTrade = #"{"stream":"btcusdt@trade","data":{"e":"trade","E":1723161256322,"T":1723161256322,"s":"BTCUSDT","t":5266583935,"p":"61800.30","q":"0.006","X":"MARKET","m":false}}"#
    static let spotAggTrade = #"{"stream":"ethusdt@aggTrade","data":{"e":"aggTrade","E":1723161255400,"s":"ETHUSDT","a":1500000001,"p":"2683.80000000","q":"1.25000000","f":1700000010,"l":1700000012,"T":1723161255399,"m":false,"M":true}}"#
    static let futuresAggTrade = #"{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1723161256400,"s":"BTCUSDT","a":2400000001,"p":"61800.30","q":"0.150","nq":"0.150","f":5266583935,"l":5266583940,"T":1723161256399,"m":true}}"#
    static let spotSnapshot = #"{"lastUpdateId":50093239218,"bids":[["61837.63000000","3.78826000"],["61837.62000000","0.61700000"]],"asks":[["61837.64000000","1.60520000"]]}"#
    static let futuresSnapshot = #"{"lastUpdateId":5123107852948,"E":1723161256501,"T":1723161256493,"bids":[["61800.20","2.909"]],"asks":[["61800.30","2.510"],["61800.40","0.002"]]}"#
    static let rawTrade = #"{"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"61837.63000000","q":"0.02000000","T":1723161255342,"m":false,"M":true}"#
}
