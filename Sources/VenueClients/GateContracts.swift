import Foundation
import MarketModel
import NIOPosix
import Venues

/// Gate.io USDT futures' contract sizes: each contract is `quanto_multiplier` of the
/// base currency (`GET /futures/usdt/contracts/{contract}`), read once per session so
/// the feed can turn sizes in contracts into quantities.
public enum GateContracts {
    /// Empty for every other venue. Throws when a contract is unknown or unreadable:
    /// a guessed multiplier would misstate every size on the screen and in orders.
    public static func multipliers(_ connection: VenueConnection, symbols: [String]) throws(LiveFailure) -> [String: Quantity] {
        guard connection.venue == .gateFutures else { return [:] }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { group.shutdownGracefully(queue: .global()) { _ in } }
        var result: [String: Quantity] = [:]
        for symbol in symbols {
            let path = connection.rest.path + "/futures/usdt/contracts/" + symbol
            let response: RESTClient.Response
            do {
                response = try RESTClient.get(host: connection.rest.host, port: connection.rest.port, path: path, group: group, tls: connection.rest.tls ? connection.tls : nil)
            } catch {
                throw LiveFailure(description: "exchange unreachable: the contract \(symbol) could not be read from \(connection.rest): \(error)")
            }
            let object = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any]
            guard response.status == 200, let text = object?["quanto_multiplier"] as? String, let multiplier = try? Quantity(parsing: text), multiplier.units > 0 else {
                let reason = object?["message"] as? String ?? "HTTP \(response.status)"
                throw LiveFailure(description: "\(symbol) is not a Gate.io USDT futures contract (\(reason)); name contracts like BTC_USDT")
            }
            result[symbol] = multiplier
        }
        return result
    }
}
