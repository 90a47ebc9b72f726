import LiveCore
import Feeds
import Foundation
import MarketModel
import NIOHTTP1
import Trading
import Venues

/// Gate.io v4 orders, spot (`/spot/orders`) and USDT futures (`/futures/usdt/orders`),
/// over signed REST (HMAC-SHA512 of method, path, query, the body's SHA-512 and the
/// timestamp; `KEY`/`SIGN`/`Timestamp` headers), safe to retry like Binance's: every
/// order carries Apogee's client id as Gate's `text` (`t-` + the id), and when an
/// answer is lost the order is looked up by that text before anything is sent again.
/// Gate answers a query or cancel by text only while the order is open (and a minute
/// after), so the numeric order id is kept once known and used from then on.
///
/// Futures sizes are whole contracts, signed (> 0 buys, < 0 sells); a quantity is
/// turned into contracts by the contract's quanto multiplier, and one that is not a
/// whole number of contracts is refused before anything is sent. States come back in
/// the common vocabulary of ``OrderVenue``, quantities in the base currency.
public final class GateOrderClient: OrderVenue, @unchecked Sendable {
    let host: String
    let port: Int
    /// The REST base path (`/api/v4`), part of what Gate signs.
    let basePath: String
    let signer: GateSigner
    let credentials: APICredentials
    public var clock = ClockOffset()
    public private(set) var limiter = RateLimiter(weightLimit: 0)
    public var onRequestWritten: (@Sendable (Int64) -> Void)?
    /// One connection kept open, written by the calling (session) thread itself.
    private let connection: DirectHTTPConnection
    /// Apogee's client id → Gate's order id, once an answer named it.
    private var orderIDs: [String: Int] = [:]
    /// Futures: base currency per contract, by contract (nil: spot).
    public let multipliers: [String: Quantity]?

    /// `multipliers`: USDT futures, with each contract's quanto multiplier.
    public init(connection venue: VenueConnection, credentials: APICredentials, multipliers: [String: Quantity]? = nil) {
        self.multipliers = multipliers
        host = venue.rest.host
        port = venue.rest.port
        basePath = venue.rest.path
        connection = DirectHTTPConnection(address: venue.rest, caFile: venue.tls?.caFile)
        self.credentials = credentials
        signer = GateSigner(credentials: credentials)
    }

    /// Gate's `text`: `t-` and at most 28 of `[0-9A-Za-z_.-]`.
    static func text(_ clientOrderID: String) -> String { "t-" + clientOrderID }

    private var ordersPath: String { multipliers == nil ? "/spot/orders" : "/futures/usdt/orders" }

    public func place(symbol: String, side: String, price: String, quantity: String, clientOrderID: String, reduceOnly: Bool) throws(OrderVenueFailure) -> PlaceOutcome {
        guard clientOrderID.utf8.count <= 28 else {
            throw OrderVenueFailure(description: "order \(clientOrderID): the client id is longer than Gate.io's 28 characters; not sent")
        }
        let body: String
        if let multipliers {
            guard let multiplier = multipliers[symbol], let amount = try? Quantity(parsing: quantity),
                  amount.units % multiplier.units == 0, amount.units > 0 else {
                throw OrderVenueFailure(description: "order \(clientOrderID): \(quantity) \(symbol) is not a whole number of contracts (\(multipliers[symbol].map { "\($0)" } ?? "unknown") each); not sent")
            }
            let contracts = amount.units / multiplier.units * (side == "BUY" ? 1 : -1)
            body = "{\"contract\":\"\(symbol)\",\"size\":\(contracts),\"price\":\"\(price)\",\"tif\":\"gtc\",\"text\":\"\(Self.text(clientOrderID))\",\"reduce_only\":\(reduceOnly)}"
        } else {
            body = "{\"text\":\"\(Self.text(clientOrderID))\",\"currency_pair\":\"\(symbol)\",\"type\":\"limit\",\"account\":\"spot\",\"side\":\"\(side.lowercased())\",\"amount\":\"\(quantity)\",\"price\":\"\(price)\",\"time_in_force\":\"gtc\"}"
        }
        let what = "order \(clientOrderID) \(side) \(quantity) \(symbol) @ \(price)"
        switch try send(.POST, ordersPath, query: "", body: body, what: what) {
        case .answered(let state):
            return .placed(state)
        case .unknown:
            // The order may or may not exist: ask before sending anything again.
            let found: ExchangeOrderState?
            do throws(OrderVenueFailure) {
                found = try query(symbol: symbol, clientOrderID: clientOrderID)
            } catch {
                throw OrderVenueFailure(description: "order \(clientOrderID): the answer was lost and the look-up failed (\(error.description)); it is looked up again", outcomeUnknown: true)
            }
            if let found { return .recovered(found) }
            guard case .answered(let state) = try send(.POST, ordersPath, query: "", body: body, what: "order \(clientOrderID) (resent)") else {
                throw OrderVenueFailure(description: "order \(clientOrderID): no answer twice from \(host):\(port); it is looked up until the exchange says whether it has it", outcomeUnknown: true)
            }
            return .resent(state)
        }
    }

    /// The pair's details (spot `GET /spot/currency_pairs/{pair}`: `precision` and
    /// `amount_precision` decimals, `min_base_amount`, `min_quote_amount`) or the
    /// contract's (`GET /futures/usdt/contracts/{contract}`: `order_price_round`, whole
    /// contracts of `quanto_multiplier`, `order_size_min` contracts). Public: not signed.
    public func symbolRules(symbol: String, at now: Timestamp) throws(OrderVenueFailure) -> SymbolRules? {
        let what = "exchange rules of \(symbol)"
        let path = basePath + (multipliers == nil ? "/spot/currency_pairs/" : "/futures/usdt/contracts/") + symbol
        let response: RESTClient.Response
        do {
            response = try connection.send(.GET, path: path, headers: [], timeout: .seconds(5))
        } catch {
            throw OrderVenueFailure(description: "\(what): no answer from \(host):\(port) (\(error))")
        }
        guard response.status == 200, let object = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any] else {
            throw refusal(response, what: what)
        }
        do {
            return try GateSymbolDetails.rules(object, symbol: symbol, futures: multipliers != nil, multiplier: multipliers?[symbol], at: now)
        } catch {
            throw OrderVenueFailure(description: "\(what): \(error)")
        }
    }

    /// The account's rates: spot `GET /spot/fee?currency_pair=` (`maker_fee`,
    /// `taker_fee` as rates: 0.002 is 0.2 %), futures `GET /futures/usdt/fee?contract=`
    /// (the contract's `maker_fee`, which may be negative: a rebate). Signed.
    public func commissionRates(symbol: String) throws(OrderVenueFailure) -> FeeSchedule? {
        let what = "commission rates of \(symbol)"
        let futures = multipliers != nil
        guard let response = try request(.GET, futures ? "/futures/usdt/fee" : "/spot/fee", query: futures ? "contract=\(symbol)" : "currency_pair=\(symbol)", body: "", what: what) else {
            throw OrderVenueFailure(description: "\(what): no answer from \(host):\(port)")
        }
        guard response.status == 200, var object = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any] else {
            throw refusal(response, what: what)
        }
        if futures { object = object[symbol] as? [String: Any] ?? [:] }
        func rate(_ key: String) -> Int64? {
            guard let units = (object[key] as? String).flatMap({ try? Quantity(parsing: $0) })?.units else { return nil }
            return (units + (units >= 0 ? 50 : -50)) / 100
        }
        guard let maker = rate("maker_fee"), let taker = rate("taker_fee") else {
            throw OrderVenueFailure(description: "\(what): unreadable answer: \(response.body.prefix(200))")
        }
        return FeeSchedule(makerPartsPerMillion: maker, takerPartsPerMillion: taker)
    }

    public func configureFutures(symbol: String, leverage: Int, marginType: String) throws(OrderVenueFailure) {
        guard multipliers != nil else { return }
        try setLeverage(contract: symbol, leverage: leverage, crossMargin: marginType == "CROSSED")
    }

    /// Futures: the leverage of a contract; `crossMargin` sets cross margin (Gate's
    /// leverage 0) with this leverage as its limit, else isolated at this leverage.
    public func setLeverage(contract: String, leverage: Int, crossMargin: Bool) throws(OrderVenueFailure) {
        let what = "leverage \(leverage)x (\(crossMargin ? "cross" : "isolated")) on \(contract)"
        let query = crossMargin ? "leverage=0&cross_leverage_limit=\(leverage)" : "leverage=\(leverage)"
        guard let response = try request(.POST, "/futures/usdt/positions/\(contract)/leverage", query: query, body: "", what: what) else {
            throw OrderVenueFailure(description: "\(what): no answer from \(host):\(port)")
        }
        guard response.status == 200 else { throw refusal(response, what: what) }
    }

    /// Futures: the account's user id, which the private `futures.*` channels name
    /// first in their payload.
    public func futuresUserID() throws(OrderVenueFailure) -> String {
        let what = "futures account"
        guard let response = try request(.GET, "/futures/usdt/accounts", query: "", body: "", what: what) else {
            throw OrderVenueFailure(description: "\(what): no answer from \(host):\(port)")
        }
        guard response.status == 200, let object = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any],
              let user = (object["user"] as? NSNumber)?.int64Value else { throw refusal(response, what: what) }
        return String(user)
    }

    /// The order's name in a path: Gate's id once known, else the text.
    private func pathID(_ clientOrderID: String) -> String {
        orderIDs[clientOrderID].map(String.init) ?? Self.text(clientOrderID)
    }

    public func query(symbol: String, clientOrderID: String) throws(OrderVenueFailure) -> ExchangeOrderState? {
        let sent: Sent
        do throws(OrderVenueFailure) {
            sent = try send(.GET, ordersPath + "/" + pathID(clientOrderID), query: multipliers == nil ? "currency_pair=\(symbol)" : "", body: "", what: "query of \(clientOrderID)")
        } catch {
            if error.label == "ORDER_NOT_FOUND" { return nil }
            throw error
        }
        guard case .answered(let state) = sent else {
            throw OrderVenueFailure(description: "query of order \(clientOrderID): no answer from \(host):\(port)")
        }
        return state
    }

    public func cancel(symbol: String, clientOrderID: String) throws(OrderVenueFailure) -> ExchangeOrderState {
        guard case .answered(let state) = try send(.DELETE, ordersPath + "/" + pathID(clientOrderID), query: multipliers == nil ? "currency_pair=\(symbol)" : "", body: "", what: "cancel of \(clientOrderID)") else {
            throw OrderVenueFailure(description: "cancel of order \(clientOrderID): no answer from \(host):\(port); query it before assuming anything")
        }
        return state
    }

    public func openOrders(symbol: String) throws(OrderVenueFailure) -> [ExchangeOrderState] {
        let what = "open orders of \(symbol)"
        guard let response = try request(.GET, ordersPath, query: multipliers == nil ? "currency_pair=\(symbol)&status=open" : "contract=\(symbol)&status=open", body: "", what: what) else {
            throw OrderVenueFailure(description: "\(what): no answer from \(host):\(port)")
        }
        guard response.status == 200, let list = try? JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [[String: Any]] else {
            throw refusal(response, what: what)
        }
        return list.compactMap { remember(Self.state($0, multipliers: multipliers)) }
    }

    public func holding(symbol: String) throws(OrderVenueFailure) -> ExchangeHolding {
        if let multipliers {
            let what = "position of \(symbol)"
            guard let response = try request(.GET, "/futures/usdt/positions/\(symbol)", query: "", body: "", what: what) else {
                throw OrderVenueFailure(description: "\(what): no answer from \(host):\(port)")
            }
            guard response.status == 200, let object = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any],
                  let size = (object["size"] as? NSNumber)?.int64Value, let multiplier = multipliers[symbol] else { throw refusal(response, what: what) }
            let entry = (object["entry_price"] as? String).flatMap { try? Price(parsing: $0) }
            return ExchangeHolding(quantity: Quantity(units: size * multiplier.units), entryPrice: size == 0 ? nil : entry, isPosition: true)
        }
        let asset = ExchangeHolding.baseAsset(of: symbol)
        let what = "\(asset) balance"
        guard let response = try request(.GET, "/spot/accounts", query: "currency=\(asset)", body: "", what: what) else {
            throw OrderVenueFailure(description: "\(what): no answer from \(host):\(port)")
        }
        guard response.status == 200, let list = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [[String: Any]] else { throw refusal(response, what: what) }
        let row = list.first { $0["currency"] as? String == asset }
        let available = (row?["available"] as? String).flatMap { try? Quantity(parsing: $0) } ?? .zero
        let locked = (row?["locked"] as? String).flatMap { try? Quantity(parsing: $0) } ?? .zero
        return ExchangeHolding(quantity: available + locked, entryPrice: nil, isPosition: false)
    }

    public var hasCountdownCancel: Bool { true }

    /// Gate's dead-man switch for one pair or contract: unless called again within
    /// `seconds` (at least 5), every open order of it is cancelled; 0 disarms it.
    public func armCountdown(symbol: String, seconds: Int) throws(OrderVenueFailure) {
        let what = "countdown cancel-all on \(symbol)"
        let timeout = seconds == 0 ? 0 : max(5, seconds)
        let path = multipliers == nil ? "/spot/countdown_cancel_all" : "/futures/usdt/countdown_cancel_all"
        let body = multipliers == nil ? "{\"timeout\":\(timeout),\"currency_pair\":\"\(symbol)\"}" : "{\"timeout\":\(timeout),\"contract\":\"\(symbol)\"}"
        guard let response = try request(.POST, path, query: "", body: body, what: what) else {
            throw OrderVenueFailure(description: "\(what): no answer from \(host):\(port)")
        }
        guard response.status == 200 else { throw refusal(response, what: what) }
    }

    /// Samples the exchange's clock (`GET /spot/time`), keeping the fastest round trip.
    public func syncClock(samples: Int = 3) {
        for _ in 0..<samples {
            let sent = Self.now()
            guard let response = try? connection.send(.GET, path: basePath + "/spot/time", headers: [], timeout: .seconds(2)),
                  let object = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any],
                  let server = (object["server_time"] as? NSNumber)?.int64Value else { continue }
            clock.add(sent: sent, received: Self.now(), serverTime: server * 1_000_000)
        }
    }

    public var rateStatus: String {
        limiter.weightLimit == 0 ? "requests ok" : limiter.summary(at: Self.now()).replacingOccurrences(of: "weight", with: "requests")
    }

    static func now() -> Int64 { WallClock.now() }

    enum Sent {
        case answered(ExchangeOrderState)
        case unknown
    }

    private func send(_ method: HTTPMethod, _ path: String, query: String, body: String, what: @autoclosure () -> String) throws(OrderVenueFailure) -> Sent {
        guard let response = try request(method, path, query: query, body: body, what: what()) else { return .unknown }
        if response.status >= 500 { return .unknown }
        guard response.status == 200 || response.status == 201,
              let object = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any],
              let state = remember(Self.state(object, multipliers: multipliers)) else {
            throw refusal(response, what: what())
        }
        return .answered(state)
    }

    private func remember(_ state: ExchangeOrderState?) -> ExchangeOrderState? {
        if let state { orderIDs[state.clientOrderID] = state.orderID }
        return state
    }

    /// Gate's `{"label":…,"message":…}` as a failure a trader reads.
    private func refusal(_ response: RESTClient.Response, what: String) -> OrderVenueFailure {
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any]
        let label = object?["label"] as? String
        // Our Timestamp is more than 60 s off the exchange's: measure the clock again.
        if label == "REQUEST_EXPIRED" { syncClock(samples: 3) }
        let message = object?["message"] as? String ?? response.body
        // 429: not carried out; the limiter knows until when.
        var retryAt: Int64?
        if response.status == 429 || response.status == 418 {
            if case .wait(let until) = limiter.decision(at: Self.now()) { retryAt = until } else { retryAt = Self.now() + 1_000_000_000 }
        }
        return OrderVenueFailure(description: credentials.redact("\(what): the exchange refused it (HTTP \(response.status)\(label.map { ", \($0)" } ?? ""): \(message))"), label: label, retryAt: retryAt)
    }

    /// Nil when no answer came. Nothing is sent while a 429's window runs, and no new
    /// order past 80 % of the endpoint's request limit (Gate's
    /// `X-Gate-RateLimit-Requests-Remain` of `-Limit`).
    private func request(_ method: HTTPMethod, _ path: String, query: String, body: String, what: @autoclosure () -> String) throws(OrderVenueFailure) -> RESTClient.Response? {
        switch limiter.decision(at: Self.now()) {
        case .wait(let until):
            throw OrderVenueFailure(description: "\(what()): not sent, the exchange asked to wait another \(max(1, (until - Self.now()) / 1_000_000)) ms (HTTP \(limiter.lastStatus ?? 429))", retryAt: until)
        case .slowDown where method == .POST && path == ordersPath:
            throw OrderVenueFailure(description: "\(what()): not sent, \(limiter.usedWeight) of the endpoint's \(limiter.weightLimit) requests used (past \(Int(limiter.slowDownAt * 100)) %); only cancels and queries go", retryAt: Self.now() + 1_000_000_000)
        case .slowDown, .go:
            break
        }
        let timestamp = clock.serverTime(at: Self.now()) / 1_000_000_000
        let signedPath = basePath + path
        let headers = signer.headers(method: method.rawValue, path: signedPath, query: query, body: body, timestamp: timestamp)
        do {
            let response = try connection.send(method, path: signedPath, query: query, headers: headers, body: body, timeout: .seconds(3), onWritten: method == .POST && path == ordersPath ? onRequestWritten : nil)
            limiter.observe(status: response.status, headers: response.headers, at: Self.now())
            return response
        } catch let failure as RESTClient.Failure where failure.description.contains("unreachable") {
            throw OrderVenueFailure(description: credentials.redact("\(what()): exchange unreachable: \(failure)"))
        } catch {
            return nil
        }
    }

    /// A Gate order object in the common vocabulary. Spot: `open` is NEW or
    /// PARTIALLY_FILLED by what is left, `closed` FILLED, `cancelled` CANCELED.
    /// Futures (`multipliers` given): `size`/`left` in signed contracts, `open` or
    /// `finished` with `finish_as` (filled, or cancelled and its kin: CANCELED).
    /// Whatever filled before a cancel stays in the executed quantity.
    static func state(_ object: [String: Any], multipliers: [String: Quantity]?) -> ExchangeOrderState? {
        guard let text = object["text"] as? String, let status = object["status"] as? String else { return nil }
        let id = (object["id"] as? NSNumber)?.intValue ?? (object["id"] as? String).flatMap { Int($0) }
        guard let id else { return nil }
        let executed: Quantity
        let side: String
        var quote: String?
        if let multipliers {
            guard let contract = object["contract"] as? String, let multiplier = multipliers[contract],
                  let size = (object["size"] as? NSNumber)?.int64Value, let left = (object["left"] as? NSNumber)?.int64Value else { return nil }
            executed = Quantity(units: (abs(size) - abs(left)) * multiplier.units)
            side = size > 0 ? "BUY" : "SELL"
            // A string in REST answers, a JSON number in `futures.orders` pushes.
            let average = object["fill_price"] as? String ?? (object["fill_price"] as? NSNumber).map { "\($0.decimalValue)" }
            quote = ExchangeOrderState.quote(averagePrice: average, executed: executed.formatted(fractionDigits: 8))
        } else {
            guard let amount = (object["amount"] as? String).flatMap({ try? Quantity(parsing: $0) }),
                  let left = (object["left"] as? String).flatMap({ try? Quantity(parsing: $0) }) else { return nil }
            executed = amount - left
            side = (object["side"] as? String ?? "").uppercased()
            quote = object["filled_total"] as? String
        }
        let common: String
        switch (status, object["finish_as"] as? String) {
        case ("open", _): common = executed.isZero ? "NEW" : "PARTIALLY_FILLED"
        case ("closed", _), ("finished", "filled"): common = "FILLED"
        case ("cancelled", _), ("finished", _): common = "CANCELED"
        default: common = status.uppercased()
        }
        let client = text.hasPrefix("t-") ? String(text.dropFirst(2)) : text
        return ExchangeOrderState(clientOrderID: client, side: side, orderID: id, status: common, executedQuantity: executed.formatted(fractionDigits: 0), executedQuote: quote)
    }
}
