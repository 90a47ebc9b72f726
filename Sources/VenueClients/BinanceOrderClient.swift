import LiveCore
import Foundation
import Feeds
import MarketModel
import NIOHTTP1
import Trading
import Venues

/// Binance spot (`/api/v3`) and USD-M futures (`/fapi/v1`) orders over signed REST,
/// made safe to retry: every order carries a
/// client order id, and when an answer is lost (connection closed, timeout, 5xx — the
/// outcome is unknown) the order is looked up by that id before anything is sent
/// again, so a lost response never becomes a second order. Over TLS to the exchange, or
/// plain HTTP to the loopback fake exchange. Errors never show the key or secret.
public final class BinanceOrderClient: OrderVenue, @unchecked Sendable {
    public typealias OrderState = ExchangeOrderState
    public typealias Failure = OrderVenueFailure

    let host: String
    let port: Int
    let tls: TLSClient?
    /// Prefix of every request path (a custom base address's path).
    let pathPrefix: String
    let signer: BinanceSigner
    let credentials: APICredentials
    public var clock = ClockOffset()
    /// Binance spot's request weight per minute, from the answers' headers.
    public private(set) var limiter: RateLimiter
    /// USD-M futures: `/fapi/v1`, exits sent reduce-only.
    public let futures: Bool
    private let api: String
    public var recvWindow = 5000
    public var onRequestWritten: (@Sendable (Int64) -> Void)?
    /// One connection kept open for every request (no connect, no TLS handshake per
    /// order), written by the calling (session) thread itself.
    private let connection: DirectHTTPConnection

    /// Plain HTTP (the loopback fake exchange).
    public convenience init(host: String, port: Int, credentials: APICredentials) {
        self.init(rest: ServiceAddress(tls: false, host: host, port: port), tls: nil, credentials: credentials)
    }

    /// The venue's REST address of a live session.
    public convenience init(connection: VenueConnection, credentials: APICredentials) {
        self.init(rest: connection.rest, tls: connection.tls, credentials: credentials, futures: connection.isFutures)
    }

    init(rest: ServiceAddress, tls: TLSClient?, credentials: APICredentials, futures: Bool = false) {
        self.futures = futures
        api = futures ? "/fapi/v1" : "/api/v3"
        limiter = RateLimiter(weightLimit: futures ? 2400 : 6000)
        host = rest.host
        port = rest.port
        pathPrefix = rest.path
        self.tls = rest.tls ? tls : nil
        connection = DirectHTTPConnection(address: rest, caFile: tls?.caFile)
        self.credentials = credentials
        signer = BinanceSigner(credentials: credentials)
    }

    private var timestamp: Int64 { clock.serverTime(at: Int64(Date().timeIntervalSince1970 * 1e9)) / 1_000_000 }

    /// `reduceOnly` (futures only): the order may only shrink the position.
    public func place(symbol: String, side: String, price: String, quantity: String, clientOrderID: String, reduceOnly: Bool = false) throws(Failure) -> PlaceOutcome {
        var parameters = [("symbol", symbol), ("side", side), ("type", "LIMIT"), ("timeInForce", "GTC"), ("quantity", quantity), ("price", price), ("newClientOrderId", clientOrderID)]
        if futures, reduceOnly { parameters.append(("reduceOnly", "true")) }
        switch try send(.POST, api + "/order", parameters, what: "order \(clientOrderID) \(side) \(quantity) \(symbol) @ \(price)") {
        case .answered(let state):
            return .placed(state)
        case .unknown:
            // The order may or may not exist: ask before sending anything again. A look-up
            // that fails leaves it unknown (never refused: it may be on the book).
            let found: OrderState?
            do throws(Failure) {
                found = try query(symbol: symbol, clientOrderID: clientOrderID)
            } catch {
                throw Failure(description: "order \(clientOrderID): the answer was lost and the look-up failed (\(error.description)); it is looked up again", code: nil, outcomeUnknown: true)
            }
            if let found { return .recovered(found) }
            guard case .answered(let state) = try send(.POST, api + "/order", parameters, what: "order \(clientOrderID) (resent)") else {
                throw Failure(description: "order \(clientOrderID): no answer twice from \(host):\(port); it is looked up until the exchange says whether it has it", code: nil, outcomeUnknown: true)
            }
            return .resent(state)
        }
    }

    /// The order with this client id, or nil when the exchange does not know it.
    public func query(symbol: String, clientOrderID: String) throws(Failure) -> OrderState? {
        let sent: Sent
        do throws(Failure) {
            sent = try send(.GET, api + "/order", [("symbol", symbol), ("origClientOrderId", clientOrderID)], what: "query of \(clientOrderID)")
        } catch {
            // -2013: the exchange does not know the order.
            if error.code == -2013 { return nil }
            throw error
        }
        guard case .answered(let state) = sent else {
            throw Failure(description: "query of order \(clientOrderID): no answer from \(host):\(port)", code: nil)
        }
        return state
    }

    public func cancel(symbol: String, clientOrderID: String) throws(Failure) -> OrderState {
        guard case .answered(let state) = try send(.DELETE, api + "/order", [("symbol", symbol), ("origClientOrderId", clientOrderID)], what: "cancel of \(clientOrderID)") else {
            throw Failure(description: "cancel of order \(clientOrderID): no answer from \(host):\(port); query it before assuming anything", code: nil)
        }
        return state
    }

    public func openOrders(symbol: String) throws(Failure) -> [OrderState] {
        let what = "open orders of \(symbol)"
        guard let response = try request(.GET, api + "/openOrders", [("symbol", symbol)], what: what) else {
            throw Failure(description: "\(what): no answer from \(host):\(port)", code: nil)
        }
        guard response.status == 200, let list = try? JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [[String: Any]] else {
            throw refusal(response, what: what)
        }
        return list.compactMap(Self.state)
    }

    public func holding(symbol: String) throws(Failure) -> ExchangeHolding {
        if futures {
            let what = "position of \(symbol)"
            guard let response = try request(.GET, "/fapi/v3/positionRisk", [("symbol", symbol)], what: what) else {
                throw Failure(description: "\(what): no answer from \(host):\(port)", code: nil)
            }
            guard response.status == 200, let list = try? JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [[String: Any]] else {
                throw refusal(response, what: what)
            }
            // One-way mode: one entry per symbol (hedge mode would list LONG and SHORT).
            var total = Quantity.zero
            var entry: Price?
            for item in list where item["symbol"] as? String == symbol {
                guard let amount = (item["positionAmt"] as? String).flatMap({ try? Quantity(parsing: $0) }) else { continue }
                total = total + amount
                if !amount.isZero { entry = (item["entryPrice"] as? String).flatMap { try? Price(parsing: $0) } }
            }
            return ExchangeHolding(quantity: total, entryPrice: entry, isPosition: true)
        }
        let asset = ExchangeHolding.baseAsset(of: symbol)
        let what = "\(asset) balance"
        guard let response = try request(.GET, "/api/v3/account", [("omitZeroBalances", "true")], what: what) else {
            throw Failure(description: "\(what): no answer from \(host):\(port)", code: nil)
        }
        guard response.status == 200, let object = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any],
              let balances = object["balances"] as? [[String: Any]] else {
            throw refusal(response, what: what)
        }
        let row = balances.first { $0["asset"] as? String == asset }
        let free = (row?["free"] as? String).flatMap { try? Quantity(parsing: $0) } ?? .zero
        let locked = (row?["locked"] as? String).flatMap { try? Quantity(parsing: $0) } ?? .zero
        return ExchangeHolding(quantity: free + locked, entryPrice: nil, isPosition: false)
    }

    public func configureFutures(symbol: String, leverage: Int, marginType: String) throws(Failure) {
        guard futures else { return }
        try setMarginType(symbol: symbol, type: marginType)
        try setLeverage(symbol: symbol, leverage: leverage)
    }

    /// USD-M: the symbol's leverage (1…125).
    public func setLeverage(symbol: String, leverage: Int) throws(Failure) {
        try expectOK(.POST, "/fapi/v1/leverage", [("symbol", symbol), ("leverage", String(leverage))], what: "leverage \(leverage)x on \(symbol)")
    }

    /// USD-M: ISOLATED or CROSSED margin for the symbol (already so: fine).
    public func setMarginType(symbol: String, type: String) throws(Failure) {
        do throws(Failure) {
            try expectOK(.POST, "/fapi/v1/marginType", [("symbol", symbol), ("marginType", type)], what: "margin type \(type) on \(symbol)")
        } catch {
            // -4046: "No need to change margin type."
            if error.code != -4046 { throw error }
        }
    }

    public func syncClock(samples: Int = 3) {
        for _ in 0..<samples {
            let sent = Self.now()
            guard let response = try? connection.send(.GET, path: pathPrefix + api + "/time", headers: [], timeout: .seconds(2)),
                  let object = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any],
                  let server = (object["serverTime"] as? NSNumber)?.int64Value else { continue }
            clock.add(sent: sent, received: Self.now(), serverTime: server * 1_000_000)
        }
    }

    /// USD-M's user-data stream key (`POST /fapi/v1/listenKey`, the API-key header
    /// only): valid 60 minutes, longer with ``keepListenKeyAlive()``.
    public func createListenKey() throws(Failure) -> String {
        let what = "listen key"
        guard let response = try? connection.send(.POST, path: pathPrefix + "/fapi/v1/listenKey", headers: signer.headers, timeout: .seconds(3)) else {
            throw Failure(description: "\(what): no answer from \(host):\(port)", code: nil)
        }
        limiter.observe(status: response.status, headers: response.headers, at: Self.now())
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any]
        guard response.status == 200, let key = object?["listenKey"] as? String else {
            throw Failure(description: credentials.redact("\(what): the exchange refused it (HTTP \(response.status): \(object?["msg"] as? String ?? response.body))"), code: object?["code"] as? Int)
        }
        return key
    }

    /// Extends the listen key's life by 60 minutes; -1125 means it is gone (make a new one).
    public func keepListenKeyAlive() throws(Failure) {
        guard let response = try? connection.send(.PUT, path: pathPrefix + "/fapi/v1/listenKey", headers: signer.headers, timeout: .seconds(3)) else {
            throw Failure(description: "listen key keep-alive: no answer from \(host):\(port)", code: nil)
        }
        guard response.status == 200 else {
            let object = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any]
            throw Failure(description: credentials.redact("listen key keep-alive: refused (HTTP \(response.status): \(object?["msg"] as? String ?? response.body))"), code: object?["code"] as? Int)
        }
    }

    /// USD-M has the dead-man switch; Binance spot has none.
    public var hasCountdownCancel: Bool { futures }

    /// USD-M: arm (or with 0, disarm) the exchange's dead-man switch: unless called
    /// again within `seconds`, every open order of the symbol is cancelled.
    public func armCountdown(symbol: String, seconds: Int) throws(Failure) {
        guard futures else { throw Failure(description: "Binance spot has no countdown cancel-all", code: nil) }
        try expectOK(.POST, "/fapi/v1/countdownCancelAll", [("symbol", symbol), ("countdownTime", String(seconds * 1000))], what: "countdown cancel-all on \(symbol)")
    }

    /// A refusal in the exchange's own words: its code and message (`-2015 Invalid
    /// API-key, IP, or permissions for action.`), or the start of an answer that was
    /// not the exchange's JSON.
    private func refusal(_ response: RESTClient.Response, what: String) -> Failure {
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any]
        let code = object?["code"] as? Int
        if let message = object?["msg"] as? String {
            return Failure(description: credentials.redact("\(what): the exchange refused it (HTTP \(response.status)\(code.map { ", code \($0)" } ?? ""): \(message))"), code: code, retryAt: retryAt(status: response.status))
        }
        return Failure(description: credentials.redact("\(what): unreadable answer (HTTP \(response.status)): \(response.body.prefix(200))"), code: code, retryAt: retryAt(status: response.status))
    }

    /// After a 429 or 418: when the limiter lets requests go again.
    private func retryAt(status: Int) -> Int64? {
        guard status == 429 || status == 418 else { return nil }
        if case .wait(let until) = limiter.decision(at: Self.now()) { return until }
        return Self.now() + 1_000_000_000
    }

    // MARK: - Exchange rules and commission

    /// The symbol's filters from exchangeInfo (spot `/api/v3/exchangeInfo?symbol=`,
    /// USD-M `/fapi/v1/exchangeInfo`): PRICE_FILTER, LOT_SIZE, (MIN_)NOTIONAL,
    /// PERCENT_PRICE(_BY_SIDE), MAX_NUM_ORDERS. Public: not signed.
    public func symbolRules(symbol: String, at now: Timestamp) throws(Failure) -> SymbolRules? {
        let what = "exchange rules of \(symbol)"
        let response: RESTClient.Response
        do {
            response = try connection.send(.GET, path: pathPrefix + api + "/exchangeInfo", query: futures ? "" : "symbol=\(symbol)", headers: [], timeout: .seconds(5))
        } catch {
            throw Failure(description: "\(what): no answer from \(host):\(port) (\(error))", code: nil)
        }
        limiter.observe(status: response.status, headers: response.headers, at: Self.now())
        guard response.status == 200, let object = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any],
              let symbols = object["symbols"] as? [[String: Any]] else {
            throw refusal(response, what: what)
        }
        guard let entry = symbols.first(where: { $0["symbol"] as? String == symbol }) else {
            throw Failure(description: "\(what): the exchange lists no symbol \(symbol)", code: nil)
        }
        return BinanceExchangeInfo.rules(entry, symbol: symbol, futures: futures, at: now)
    }

    /// The account's rates: spot `GET /api/v3/account/commission` (standard maker and
    /// taker, with the discount when the account pays in BNB left out: Apogee books
    /// fees in the coin it trades), USD-M `GET /fapi/v1/commissionRate`. Signed.
    public func commissionRates(symbol: String) throws(Failure) -> FeeSchedule? {
        let what = "commission rates of \(symbol)"
        guard let response = try request(.GET, futures ? "/fapi/v1/commissionRate" : "/api/v3/account/commission", [("symbol", symbol)], what: what) else {
            throw Failure(description: "\(what): no answer from \(host):\(port)", code: nil)
        }
        guard response.status == 200, let object = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any] else {
            throw refusal(response, what: what)
        }
        let rates: (maker: String?, taker: String?)
        if futures {
            rates = (object["makerCommissionRate"] as? String, object["takerCommissionRate"] as? String)
        } else {
            let standard = object["standardCommission"] as? [String: Any]
            rates = (standard?["maker"] as? String, standard?["taker"] as? String)
        }
        guard let maker = rates.maker.flatMap(Self.partsPerMillion), let taker = rates.taker.flatMap(Self.partsPerMillion) else {
            throw Failure(description: "\(what): unreadable answer: \(response.body.prefix(200))", code: nil)
        }
        return FeeSchedule(makerPartsPerMillion: maker, takerPartsPerMillion: taker)
    }

    /// A decimal rate ("0.00075000") in parts per million (750), exact to 10⁻⁸ of a rate
    /// rounded to the nearest part.
    static func partsPerMillion(_ text: String) -> Int64? {
        guard let rate = try? Quantity(parsing: text), rate.units >= 0 else { return nil }
        return (rate.units + 50) / 100
    }

    private func expectOK(_ method: HTTPMethod, _ path: String, _ parameters: [(String, String)], what: String) throws(Failure) {
        guard let response = try request(method, path, parameters, what: what) else {
            throw Failure(description: "\(what): no answer from \(host):\(port)", code: nil)
        }
        guard response.status == 200 else {
            let object = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any]
            let code = object?["code"] as? Int
            throw Failure(description: credentials.redact("\(what): the exchange refused it (HTTP \(response.status)\(code.map { ", code \($0)" } ?? ""): \(object?["msg"] as? String ?? response.body))"), code: code)
        }
    }

    enum Sent {
        case answered(OrderState)
        case unknown
    }

    private func send(_ method: HTTPMethod, _ path: String, _ parameters: [(String, String)], what: @autoclosure () -> String) throws(Failure) -> Sent {
        guard let response = try request(method, path, parameters, what: what()) else { return .unknown }
        if response.status >= 500 { return .unknown }
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any]
        guard response.status == 200, let object, let state = Self.state(object) else {
            let code = object?["code"] as? Int
            // -1021: our timestamp is outside the exchange's window: measure the clock again.
            if code == -1021 { syncClock(samples: 3) }
            let message = object?["msg"] as? String ?? response.body
            throw Failure(description: credentials.redact("\(what()): the exchange refused it (HTTP \(response.status)\(code.map { ", code \($0)" } ?? ""): \(message))"), code: code, retryAt: retryAt(status: response.status))
        }
        return .answered(state)
    }

    /// The rate limit as the status line shows it: `weight 12/6000`, `rate-limited 1 s`.
    public var rateStatus: String { limiter.summary(at: Self.now()) }

    static func now() -> Int64 { WallClock.now() }

    /// Nil when no answer came (the connection closed or timed out). Nothing is sent
    /// while the exchange asked to wait (429/418 with `Retry-After`), and no new order
    /// past 80 % of the minute's request weight: an order refused here was never sent.
    private func request(_ method: HTTPMethod, _ path: String, _ parameters: [(String, String)], what: @autoclosure () -> String) throws(Failure) -> RESTClient.Response? {
        switch limiter.decision(at: Self.now()) {
        case .wait(let until):
            throw Failure(description: "\(what()): not sent, the exchange asked to wait another \(max(1, (until - Self.now()) / 1_000_000)) ms (HTTP \(limiter.lastStatus ?? 429))", code: nil, retryAt: until)
        case .slowDown where method == .POST:
            throw Failure(description: "\(what()): not sent, request weight \(limiter.usedWeight)/\(limiter.weightLimit) is past \(Int(limiter.slowDownAt * 100)) % of the minute's limit; only cancels and queries go", code: nil, retryAt: Self.now() + 1_000_000_000)
        case .slowDown, .go:
            break
        }
        let query = signer.signedQuery(parameters, timestamp: timestamp, recvWindow: recvWindow)
        do {
            let response = try connection.send(method, path: pathPrefix + path, query: query, headers: signer.headers, timeout: .seconds(3), onWritten: method == .POST ? onRequestWritten : nil)
            limiter.observe(status: response.status, headers: response.headers, at: Self.now())
            return response
        } catch let failure as RESTClient.Failure where failure.description.contains("unreachable") {
            throw Failure(description: credentials.redact("\(what()): exchange unreachable: \(failure)"), code: nil)
        } catch {
            return nil
        }
    }

    static func state(_ object: [String: Any]) -> OrderState? {
        guard let client = object["clientOrderId"] as? String, let id = object["orderId"] as? Int, let status = object["status"] as? String else { return nil }
        // Spot says cummulativeQuoteQty, USD-M cumQuote.
        return OrderState(clientOrderID: client, side: object["side"] as? String ?? "", orderID: id, status: status, executedQuantity: object["executedQty"] as? String ?? "0", executedQuote: object["cummulativeQuoteQty"] as? String ?? object["cumQuote"] as? String)
    }
}
