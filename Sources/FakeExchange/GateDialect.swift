import Foundation
import MarketModel

/// The recording's events re-worded as Gate.io v4 WebSocket frames, so the same
/// recording plays as a Gate.io market. Spot: `spot.trades`, `spot.book_ticker` and
/// `spot.order_book_update` (whose `U`/`u` chain like Binance spot's, which is what
/// Gate's are). USDT futures (a USD-M recording): `futures.trades` (an array, sizes
/// in signed contracts), `futures.book_ticker`, `futures.order_book_update` (levels
/// `{p,s}`; `U` rewritten to the previous `u` + 1, since USD-M chains by `pu`), every
/// contract worth ``futuresMultiplier`` of the base currency. Pairs are Gate's
/// spelling (`ETH_USDT`).
enum GateDialect {
    /// The fake's `quanto_multiplier` for every contract (Gate's real one for BTC_USDT;
    /// it divides the recordings' quantity steps).
    static let futuresMultiplier = Quantity(units: 10_000)

    static func contracts(_ quantity: Quantity) -> Int64 { quantity.units / futuresMultiplier.units }

    /// `ETHUSDT` → `ETH_USDT` (the quote currencies the recordings use).
    static func pair(_ symbol: String) -> String {
        for quote in ["USDT", "USDC", "BTC", "ETH"] where symbol.hasSuffix(quote) && symbol.count > quote.count {
            return String(symbol.dropLast(quote.count)) + "_" + quote
        }
        return symbol
    }

    /// The channel and the frame for an event, nil for what Gate does not stream.
    static func frame(for event: MarketEvent) -> (channel: String, text: String)? {
        let nowMilliseconds = Int64(Date().timeIntervalSince1970 * 1000)
        func envelope(_ channel: String, _ result: String) -> (String, String) {
            (channel, "{\"time\":\(nowMilliseconds / 1000),\"time_ms\":\(nowMilliseconds),\"channel\":\"\(channel)\",\"event\":\"update\",\"result\":\(result)}")
        }
        func levels(_ levels: [BookLevel]) -> String {
            "[" + levels.map { "[\"\($0.price)\",\"\($0.quantity)\"]" }.joined(separator: ",") + "]"
        }
        switch event {
        case .trade(let trade):
            let milliseconds = trade.tradeTime.nanoseconds / 1_000_000
            return envelope("spot.trades", "{\"id\":\(trade.id),\"create_time\":\(milliseconds / 1000),\"create_time_ms\":\"\(milliseconds).000\",\"side\":\"\(trade.aggressor == .buy ? "buy" : "sell")\",\"currency_pair\":\"\(pair(trade.symbol))\",\"amount\":\"\(trade.quantity)\",\"price\":\"\(trade.price)\"}")
        case .bestBidAsk(let ticker):
            return envelope("spot.book_ticker", "{\"t\":\(nowMilliseconds),\"u\":\(ticker.updateID),\"s\":\"\(pair(ticker.symbol))\",\"b\":\"\(ticker.bid.price)\",\"B\":\"\(ticker.bid.quantity)\",\"a\":\"\(ticker.ask.price)\",\"A\":\"\(ticker.ask.quantity)\"}")
        case .bookDelta(let delta):
            return envelope("spot.order_book_update", "{\"t\":\(nowMilliseconds),\"e\":\"depthUpdate\",\"E\":\(nowMilliseconds / 1000),\"s\":\"\(pair(delta.symbol))\",\"U\":\(delta.firstUpdateID),\"u\":\(delta.finalUpdateID),\"b\":\(levels(delta.bids)),\"a\":\(levels(delta.asks))}")
        case .bookSnapshot:
            return nil
        }
    }

    /// The Gate.io USDT-futures channel and frame for an event of a USD-M recording.
    static func futuresFrame(for event: MarketEvent) -> (channel: String, text: String)? {
        let nowMilliseconds = Int64(Date().timeIntervalSince1970 * 1000)
        func envelope(_ channel: String, _ result: String) -> (String, String) {
            (channel, "{\"time\":\(nowMilliseconds / 1000),\"time_ms\":\(nowMilliseconds),\"channel\":\"\(channel)\",\"event\":\"update\",\"result\":\(result)}")
        }
        func levels(_ levels: [BookLevel]) -> String {
            "[" + levels.map { "{\"p\":\"\($0.price)\",\"s\":\(contracts($0.quantity))}" }.joined(separator: ",") + "]"
        }
        switch event {
        case .trade(let trade):
            let milliseconds = trade.tradeTime.nanoseconds / 1_000_000
            let size = contracts(trade.quantity) * (trade.aggressor == .buy ? 1 : -1)
            return envelope("futures.trades", "[{\"id\":\(trade.id),\"create_time\":\(milliseconds / 1000),\"create_time_ms\":\(milliseconds),\"price\":\"\(trade.price)\",\"size\":\(size),\"contract\":\"\(pair(trade.symbol))\"}]")
        case .bestBidAsk(let ticker):
            return envelope("futures.book_ticker", "{\"t\":\(nowMilliseconds),\"u\":\(ticker.updateID),\"s\":\"\(pair(ticker.symbol))\",\"b\":\"\(ticker.bid.price)\",\"B\":\(contracts(ticker.bid.quantity)),\"a\":\"\(ticker.ask.price)\",\"A\":\(contracts(ticker.ask.quantity))}")
        case .bookDelta(let delta):
            let first = delta.previousFinalUpdateID.map { $0 + 1 } ?? delta.firstUpdateID
            return envelope("futures.order_book_update", "{\"t\":\(nowMilliseconds),\"s\":\"\(pair(delta.symbol))\",\"U\":\(first),\"u\":\(delta.finalUpdateID),\"b\":\(levels(delta.bids)),\"a\":\(levels(delta.asks))}")
        case .bookSnapshot:
            return nil
        }
    }
}
