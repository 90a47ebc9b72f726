import Foundation
import NIOPosix
import Venues

/// Every symbol of one quote currency the exchange trades now (`apogee live --quote
/// USDT`): Binance's exchangeInfo, all symbols, those with `quoteAsset` = the quote and
/// `status` TRADING, sorted by name.
public enum QuoteMarket {
    public static func symbols(_ connection: VenueConnection, quote: String) throws(LiveFailure) -> [String] {
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
        let symbols = entries.compactMap { entry -> String? in
            guard entry["quoteAsset"] as? String == quote, entry["status"] as? String == "TRADING" else { return nil }
            return entry["symbol"] as? String
        }.sorted()
        guard !symbols.isEmpty else {
            throw LiveFailure(description: "the exchange trades no symbol quoted in \(quote) (of \(entries.count) listed)")
        }
        return symbols
    }
}
