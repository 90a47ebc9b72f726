import Foundation
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

    /// `{"subscriptionId":N,"event":{"e":"executionReport",…}}`; nil for anything else.
    static func parse(_ text: String) -> ExecutionReport? {
        guard text.contains("executionReport"),
              let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
              let event = (object["event"] as? [String: Any]) ?? (object["e"] != nil ? object : nil),
              event["e"] as? String == "executionReport",
              let type = event["x"] as? String, let status = event["X"] as? String else { return nil }
        let original = event["C"] as? String
        let client = (type == "CANCELED" && !(original ?? "").isEmpty) ? original! : (event["c"] as? String ?? "")
        return ExecutionReport(clientOrderID: client, executionType: type, status: status, lastQuantity: event["l"] as? String ?? "0", lastPrice: event["L"] as? String ?? "0", cumulativeQuantity: event["z"] as? String ?? "0", rejectReason: event["r"] as? String)
    }
}

/// Binance spot's user-data stream over the WebSocket API: on every (re)connection it
/// sends a signed `userDataStream.subscribe.signature` (HMAC keys; the listen key is
/// retired since 2026-02-20), then hands every `executionReport` to `deliver`. The
/// session turns them into fills and cancels as they happen, instead of waiting for
/// its poll.
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
        feed.greeting = {
            let timestamp = String(clock() / 1_000_000)
            let signature = signer.webSocketSignature([("apiKey", credentials.key), ("timestamp", timestamp)])
            return ["{\"id\":\"apogee-user-data\",\"method\":\"userDataStream.subscribe.signature\",\"params\":{\"apiKey\":\"\(credentials.key)\",\"timestamp\":\(timestamp),\"signature\":\"\(signature)\"}}"]
        }
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
