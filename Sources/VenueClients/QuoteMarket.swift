import Feeds
import Foundation
import MarketModel
import NIOPosix
import Trading
import Venues

/// Every symbol of one quote currency the exchange trades now (`apogee live --quote
/// USDT`): Binance's exchangeInfo, all symbols, those with `quoteAsset` = the quote and
/// `status` TRADING, sorted by name; read again while a session runs to pick up
/// listings and delistings (``ListingWatch``).
public enum QuoteMarket {
    /// The symbols of `quote` that trade now, sorted; none is an error.
    public static func symbols(_ connection: VenueConnection, quote: String) throws(LiveFailure) -> [String] {
        let listing = try self.listing(connection, quote: quote, at: Timestamp(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9)))
        let symbols = listing.filter(\.isTrading).map(\.symbol)
        guard !symbols.isEmpty else {
            throw LiveFailure(description: "the exchange trades no symbol quoted in \(quote) (of \(listing.count) listed in it)")
        }
        return symbols
    }

    /// Every symbol of `quote` the exchange lists, whatever its status, with its
    /// rules (status included), sorted by name.
    public static func listing(_ connection: VenueConnection, quote: String, at now: Timestamp) throws(LiveFailure) -> [SymbolRules] {
        guard connection.venue == .binance || connection.venue == .binanceFutures else {
            throw LiveFailure(description: "--quote reads Binance's exchangeInfo; on \(connection.venue.rawValue) name the pairs with --symbols")
        }
        let path = connection.rest.path + (connection.venue.isFutures ? "/fapi/v1/exchangeInfo" : "/api/v3/exchangeInfo")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { group.shutdownGracefully(queue: .global()) { _ in } }
        let response: RESTClient.Response
        do {
            response = try RESTClient.get(host: connection.rest.host, port: connection.rest.port, path: path, group: group, tls: connection.rest.tls ? connection.tls : nil)
        } catch {
            throw LiveFailure(description: "exchange unreachable: the symbol list (\(path)) could not be read from \(connection.rest): \(error)")
        }
        guard response.status == 200, let object = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any],
              let entries = object["symbols"] as? [[String: Any]] else {
            throw LiveFailure(description: "the symbol list (\(path)): unreadable answer (HTTP \(response.status)): \(response.body.prefix(200))")
        }
        return entries.compactMap { entry -> SymbolRules? in
            guard entry["quoteAsset"] as? String == quote, let symbol = entry["symbol"] as? String else { return nil }
            return BinanceExchangeInfo.rules(entry, symbol: symbol, futures: connection.venue.isFutures, at: now)
        }.sorted { $0.symbol < $1.symbol }
    }
}
