import Foundation
import MarketModel
import Synchronization
import Venues

/// One order update from the exchange's user-data stream (Binance's
/// `executionReport`): what happened to which order, and the fill it brought.
public struct ExecutionReport: Sendable, Equatable {
    /// The order's client id (for a cancel, the original one).
    public var clientOrderID: String
    /// NEW, TRADE, CANCELED, REJECTED, EXPIRED, …
    public var executionType: String
    /// NEW, PARTIALLY_FILLED, FILLED, CANCELED, …
    public var status: String
    public var lastQuantity: String
    public var lastPrice: String
    public var cumulativeQuantity: String
    public var rejectReason: String?
    /// The quote amount the order's fills came to so far (`Z`; USD-M: `ap` × `z`;
    /// Gate: `filled_total`, or `fill_price` × the executed size), nil when not given.
    public var cumulativeQuote: String? = nil
    /// Binance's `m`: whether the last fill was on the maker side (nil: not said).
    public var isMaker: Bool? = nil
    /// Binance's `n` and `N`: the last fill's commission and the asset it was taken in.
    public var commission: String? = nil
    public var commissionAsset: String? = nil

    /// `{"subscriptionId":N,"event":{"e":"executionReport",…}}`; nil for anything else.
    static func parse(_ text: String) -> ExecutionReport? {
        guard text.contains("executionReport"),
              let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
              let event = (object["event"] as? [String: Any]) ?? (object["e"] != nil ? object : nil),
              event["e"] as? String == "executionReport",
              let type = event["x"] as? String, let status = event["X"] as? String else { return nil }
        let original = event["C"] as? String
        let client = (type == "CANCELED" && !(original ?? "").isEmpty) ? original! : (event["c"] as? String ?? "")
        return ExecutionReport(clientOrderID: client, executionType: type, status: status, lastQuantity: event["l"] as? String ?? "0", lastPrice: event["L"] as? String ?? "0", cumulativeQuantity: event["z"] as? String ?? "0", rejectReason: event["r"] as? String, cumulativeQuote: event["Z"] as? String, isMaker: type == "TRADE" ? event["m"] as? Bool : nil, commission: type == "TRADE" ? event["n"] as? String : nil, commissionAsset: type == "TRADE" ? event["N"] as? String : nil)
    }

    /// USD-M's `ORDER_TRADE_UPDATE` (the order under `o`); nil for anything else.
    static func parseFutures(_ text: String) -> ExecutionReport? {
        guard text.contains("ORDER_TRADE_UPDATE"),
              let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
              object["e"] as? String == "ORDER_TRADE_UPDATE", let order = object["o"] as? [String: Any],
              let client = order["c"] as? String, let type = order["x"] as? String, let status = order["X"] as? String else { return nil }
        return ExecutionReport(clientOrderID: client, executionType: type, status: status, lastQuantity: order["l"] as? String ?? "0", lastPrice: order["L"] as? String ?? "0", cumulativeQuantity: order["z"] as? String ?? "0", rejectReason: nil, cumulativeQuote: ExchangeOrderState.quote(averagePrice: order["ap"] as? String, executed: order["z"] as? String), isMaker: type == "TRADE" ? order["m"] as? Bool : nil, commission: type == "TRADE" ? order["n"] as? String : nil, commissionAsset: type == "TRADE" ? order["N"] as? String : nil)
    }

    /// Gate.io's `spot.orders` (or `futures.orders`) update: one report per order in
    /// `result`. Gate gives the order's state (amount, left, the quote filled or the
    /// average price), not each fill's price, so `lastPrice` is "0" and the session
    /// prices the new quantity by the growth of the quote filled.
    static func parseGate(_ text: String, channel: String = "spot.orders", multipliers: [String: Quantity]? = nil) -> [ExecutionReport] {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
              object["channel"] as? String == channel, object["event"] as? String == "update",
              let items = object["result"] as? [[String: Any]] else { return [] }
        return items.compactMap { item in
            guard let state = GateOrderClient.state(item, multipliers: multipliers) else { return nil }
            let type: String
            switch (item["event"] as? String, state.status) {
            case ("put", _): type = "NEW"
            case (_, "CANCELED"): type = "CANCELED"
            default: type = "TRADE"
            }
            return ExecutionReport(clientOrderID: state.clientOrderID, executionType: type, status: state.status, lastQuantity: "0", lastPrice: "0", cumulativeQuantity: state.executedQuantity, rejectReason: nil, cumulativeQuote: state.executedQuote)
        }
    }
}

/// An exchange's pushed order updates, as ``ExecutionReport``s handed to `deliver`:
/// the session turns them into fills and cancels as they happen, instead of waiting
/// for its poll. Binance spot: over the WebSocket API, a signed
/// `userDataStream.subscribe.signature` on every (re)connection (HMAC keys; the listen
/// key is retired since 2026-02-20). Gate.io spot: the private `spot.orders` channel,
/// its subscription signed (`auth`) on every (re)connection.
public final class UserDataStream: @unchecked Sendable {
    private let feed: LiveMarketFeed
    private let state = SubscriptionState()

    public init(address: ServiceAddress, tls: TLSClient?, credentials: APICredentials, clock: @escaping @Sendable () -> Int64, deliver: @escaping @Sendable (ExecutionReport) -> Void) {
        let state = self.state
        feed = LiveMarketFeed(endpoint: .init(address), tls: address.tls ? tls : nil) { text, _ in
            if let report = ExecutionReport.parse(text) {
                deliver(report)
            } else if text.contains("\"subscriptionId\""), text.contains("\"result\"") {
                state.subscribed(nil)
            } else if text.contains("\"error\"") {
                state.subscribed(credentials.redact(text))
            }
        }
        let signer = BinanceSigner(credentials: credentials)
        // Binance cuts WebSocket API connections at 24 hours too; a report seen twice
        // around the hand-over books nothing twice (fills go by cumulative quantity).
        feed.rolloverAfter = .seconds(23 * 3600)
        feed.greeting = {
            let timestamp = String(clock() / 1_000_000)
            let signature = signer.webSocketSignature([("apiKey", credentials.key), ("timestamp", timestamp)])
            return ["{\"id\":\"apogee-user-data\",\"method\":\"userDataStream.subscribe.signature\",\"params\":{\"apiKey\":\"\(credentials.key)\",\"timestamp\":\(timestamp),\"signature\":\"\(signature)\"}}"]
        }
    }

    /// Gate.io: `spot.orders` of the pairs, or with `futuresUser` (the account's user
    /// id, which Gate's futures channels name first) `futures.orders` of the
    /// contracts, on the v4 WebSocket at `address`; `multipliers` turn futures sizes
    /// into quantities.
    public init(gate address: ServiceAddress, tls: TLSClient?, credentials: APICredentials, pairs: [String], futuresUser: String? = nil, multipliers: [String: Quantity]? = nil, clock: @escaping @Sendable () -> Int64, deliver: @escaping @Sendable (ExecutionReport) -> Void) {
        let state = self.state
        let channel = futuresUser == nil ? "spot.orders" : "futures.orders"
        feed = LiveMarketFeed(endpoint: .init(address), tls: address.tls ? tls : nil) { text, _ in
            guard text.contains("\"\(channel)\"") else { return }
            if text.contains("\"error\":{") {
                state.subscribed(credentials.redact(text))
            } else if text.contains("\"event\":\"subscribe\"") {
                state.subscribed(nil)
            } else {
                for report in ExecutionReport.parseGate(text, channel: channel, multipliers: multipliers) { deliver(report) }
            }
        }
        let signer = GateSigner(credentials: credentials)
        let payload = ((futuresUser.map { [$0] } ?? []) + pairs).map { "\"\($0)\"" }.joined(separator: ",")
        feed.greeting = {
            let time = clock() / 1_000_000_000
            let signature = signer.channelSignature(channel: channel, event: "subscribe", time: time)
            return ["{\"time\":\(time),\"channel\":\"\(channel)\",\"event\":\"subscribe\",\"payload\":[\(payload)],\"auth\":{\"method\":\"api_key\",\"KEY\":\"\(credentials.key)\",\"SIGN\":\"\(signature)\"}}"]
        }
    }

    /// Binance USD-M: the listen key's stream (`<address>/ws/<key>`, `/private/ws/<key>`
    /// on mainnet's routed host). The key comes from `keys`, read before every
    /// (re)connection, so a renewed key is used at the next one; `listenKeyExpired`
    /// marks it expired there (the session asks for a new one).
    public init(futures address: ServiceAddress, tls: TLSClient?, keys: ListenKeyHolder, deliver: @escaping @Sendable (ExecutionReport) -> Void) {
        let state = self.state
        feed = LiveMarketFeed(endpoint: .init(address), tls: address.tls ? tls : nil) { text, _ in
            if let report = ExecutionReport.parseFutures(text) {
                state.subscribed(nil)
                deliver(report)
            } else if text.contains("\"listenKeyExpired\"") {
                // The exchange closes the stream next; it reopens once the session has
                // a new key (until then the session polls, as with any closed stream).
                keys.expire()
            }
        }
        let base = address.path
        feed.rolloverAfter = .seconds(23 * 3600)
        feed.pathProvider = { keys.current.map { base + "/ws/" + $0 } }
        // A listen-key stream sends nothing until an event: open is subscribed.
        state.subscribed(nil)
    }

    /// Connects; throws when the WebSocket API cannot be reached.
    public func start() throws { try feed.start() }
    public func stop() { feed.stop() }

    /// The exchange confirmed the subscription (and has not refused a later one).
    public var isSubscribed: Bool { state.isSubscribed && feed.status.connected }
    /// The exchange's answer when it refused the subscription.
    public var refused: String? { state.refusal }
}

/// Whether the exchange took the subscription, shared with the feed's thread.
final class SubscriptionState: Sendable {
    private let value = Mutex<(subscribed: Bool, refusal: String?)>((false, nil))

    /// `refusal` nil: subscribed.
    func subscribed(_ refusal: String?) { value.withLock { $0 = (refusal == nil, refusal) } }
    var isSubscribed: Bool { value.withLock { $0.subscribed } }
    var refusal: String? { value.withLock { $0.refusal } }
}

/// USD-M's listen key, shared between the session (which makes, keeps alive and renews
/// it) and the stream's thread (which connects with it).
public final class ListenKeyHolder: Sendable {
    private let value = Mutex<(key: String?, expired: Bool)>((nil, false))

    public init() {}

    /// The key to connect with; nil when there is none or it expired.
    public var current: String? { value.withLock { $0.expired ? nil : $0.key } }
    public var isExpired: Bool { value.withLock { $0.expired } }
    public func set(_ key: String) { value.withLock { $0 = (key, false) } }
    func expire() { value.withLock { $0.expired = true } }
}
