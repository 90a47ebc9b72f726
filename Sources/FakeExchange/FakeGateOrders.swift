import Foundation
import MarketModel
import Venues

/// The fake exchange's account as Gate.io v4 serves it. Spot: `POST/GET /spot/orders`,
/// `GET/DELETE /spot/orders/{id or text}`, `POST /spot/countdown_cancel_all`. USDT
/// futures: the same under `/futures/usdt/orders` (sizes in signed contracts of
/// ``GateDialect/futuresMultiplier``), `…/countdown_cancel_all`,
/// `…/positions/{contract}/leverage`, `…/accounts`. Each request is checked by Gate's
/// rules (the `KEY` header, HMAC-SHA512 `SIGN` over method, path,
/// query, the body's SHA-512 and `Timestamp`, which must be within 60 s). The same
/// orders and matching as the Binance dialect; only the words differ.
extension FakeOrders {
    func handleGate(method: String, path: String, query: String, body: String, headers: [String: String]) -> Answer {
        guard let credentials else { return .respond(401, gateError("INVALID_KEY", "this fake exchange has no account")) }
        guard headers["key"] == credentials.key else { return .respond(401, gateError("INVALID_KEY", "Invalid key provided")) }
        guard let timestampText = headers["timestamp"], let timestamp = Int64(timestampText), let signature = headers["sign"] else {
            return .respond(401, gateError("MISSING_REQUIRED_HEADER", "Missing required header: KEY, SIGN and Timestamp"))
        }
        let message = GateSigner.signatureString(method: method, path: path, query: query, body: body, timestamp: timestamp)
        guard credentials.verifiesGate(signature: signature, message: message) else {
            return .respond(401, gateError("INVALID_SIGNATURE", "Signature mismatch"))
        }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        guard abs(now / 1000 - timestamp) <= 60 else { return .respond(401, gateError("REQUEST_EXPIRED", "gap between request Timestamp and server time exceeds 60")) }
        expireCountdowns(now: now)
        let parameters = Self.parameters(query)
        let fields = ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]) ?? [:]

        if path.hasPrefix("/api/v4/futures/usdt/") {
            return handleGateFutures(method: method, path: String(path.dropFirst("/api/v4/futures/usdt".count)), parameters: parameters, fields: fields, now: now)
        }
        switch method {
        case "GET" where path == "/api/v4/spot/fee":
            // The Gate dialect takes no commission on its fills (FakeExchangeRules holds
            // Binance's only), and says so: the account's rates are zero.
            return .respond(200, "{\"user_id\":1,\"taker_fee\":\"0\",\"maker_fee\":\"0\",\"gt_discount\":false,\"gt_taker_fee\":\"0\",\"gt_maker_fee\":\"0\",\"currency_pair\":\"\(parameters["currency_pair"] ?? "")\"}")
        case "GET" where path == "/api/v4/spot/accounts":
            let currency = parameters["currency"]
            let symbols = state.withLock { Set($0.orders.map(\.symbol)) }.sorted().filter { currency == nil || Self.baseAsset(of: $0) == currency }
            let rows = symbols.map { "{\"currency\":\"\(Self.baseAsset(of: $0))\",\"available\":\"\(holding(of: $0).quantity)\",\"locked\":\"0\"}" }
            return .respond(200, "[" + rows.joined(separator: ",") + "]")
        case "POST" where path == "/api/v4/spot/orders":
            guard let pair = fields["currency_pair"] as? String, let side = fields["side"] as? String, ["buy", "sell"].contains(side),
                  let amount = (fields["amount"] as? String).flatMap({ try? Quantity(parsing: $0) }) else {
                return .respond(400, gateError("INVALID_PARAM_VALUE", "currency_pair, side and amount are required"))
            }
            guard (fields["type"] as? String ?? "limit") == "limit", let price = (fields["price"] as? String).flatMap({ try? Price(parsing: $0) }) else {
                return .respond(400, gateError("INVALID_PARAM_VALUE", "the fake exchange takes limit orders with a price"))
            }
            let text = fields["text"] as? String ?? "apiv4"
            guard text.hasPrefix("t-"), text.utf8.count <= 30 else { return .respond(400, gateError("INVALID_PARAM_VALUE", "text must start with t- and be at most 28 characters after it")) }
            switch accept(symbol: pair, side: side.uppercased(), price: price, quantity: amount, clientOrderID: text, now: now) {
            case .rateLimited: return .rateLimited(retryAfter: 1)
            case .duplicate: return .respond(400, gateError("INVALID_PARAM_VALUE", "an open order with text \(text) exists"))
            case .serverError: return .respond(503, gateError("SERVER_ERROR", "Internal server error"))
            case .insufficientBalance: return .respond(400, gateError("BALANCE_NOT_ENOUGH", "Not enough balance"))
            case .accepted(let order, let loseAnswer): return loseAnswer ? .dropConnection : .respond(201, order.gateJSON)
            }
        case "POST" where path == "/api/v4/spot/countdown_cancel_all":
            guard let pair = fields["currency_pair"] as? String, let timeout = fields["timeout"] as? Int, timeout == 0 || timeout >= 5 else {
                return .respond(400, gateError("INVALID_PARAM_VALUE", "timeout must be 0 or at least 5 seconds, with a currency_pair"))
            }
            state.withLock { $0.countdowns[pair] = timeout == 0 ? nil : now + Int64(timeout) * 1000 }
            return .respond(200, "{\"triggerTime\":\"\(timeout == 0 ? 0 : now + Int64(timeout) * 1000)\"}")
        case "GET" where path == "/api/v4/spot/orders":
            let pair = parameters["currency_pair"]
            guard parameters["status"] == "open" else { return .respond(400, gateError("INVALID_PARAM_VALUE", "the fake exchange lists status=open only")) }
            let open = state.withLock { $0.orders.filter { ($0.status == "NEW" || $0.status == "PARTIALLY_FILLED") && (pair == nil || $0.symbol == pair) } }
            return .respond(200, "[" + open.map(\.gateJSON).joined(separator: ",") + "]")
        case "GET", "DELETE":
            guard path.hasPrefix("/api/v4/spot/orders/") else { break }
            let name = String(path.dropFirst("/api/v4/spot/orders/".count))
            let pair = parameters["currency_pair"]
            let matches = { (order: Order) in !order.futures && (order.clientOrderID == name || String(order.orderID) == name) && (pair == nil || order.symbol == pair) }
            return queryOrCancel(method: method, name: name, closedLabel: "ORDER_CLOSED", matches: matches, json: \.gateJSON)
        default:
            break
        }
        return .respond(404, gateError("NOT_FOUND", "\(method) \(path) is not served by the fake exchange"))
    }

    /// The fake futures account's user id (what `futures.orders` subscriptions name).
    static let futuresUserID = 424242

    /// `path` below `/api/v4/futures/usdt`.
    private func handleGateFutures(method: String, path: String, parameters: [String: String], fields: [String: Any], now: Int64) -> Answer {
        let multiplier = GateDialect.futuresMultiplier
        switch method {
        case "GET" where path == "/fee":
            let contract = parameters["contract"] ?? ""
            return .respond(200, "{\"\(contract)\":{\"taker_fee\":\"0\",\"maker_fee\":\"0\"}}")
        case "POST" where path == "/orders":
            guard let contract = fields["contract"] as? String, let size = (fields["size"] as? NSNumber)?.int64Value, size != 0 else {
                return .respond(400, gateError("INVALID_PARAM_VALUE", "contract and a size other than 0 are required"))
            }
            guard let price = (fields["price"] as? String).flatMap({ try? Price(parsing: $0) }), price.units > 0 else {
                return .respond(400, gateError("INVALID_PARAM_VALUE", "the fake exchange takes limit orders with a price"))
            }
            let text = fields["text"] as? String ?? "api"
            guard text.hasPrefix("t-"), text.utf8.count <= 30 else { return .respond(400, gateError("INVALID_PARAM_VALUE", "text must start with t- and be at most 28 characters after it")) }
            let quantity = Quantity(units: abs(size) * multiplier.units)
            switch accept(symbol: contract, side: size > 0 ? "BUY" : "SELL", price: price, quantity: quantity, clientOrderID: text, now: now, futures: true, reduceOnly: fields["reduce_only"] as? Bool ?? false) {
            case .rateLimited: return .rateLimited(retryAfter: 1)
            case .duplicate: return .respond(400, gateError("INVALID_PARAM_VALUE", "an open order with text \(text) exists"))
            case .serverError: return .respond(503, gateError("SERVER_ERROR", "Internal server error"))
            case .insufficientBalance: return .respond(400, gateError("BALANCE_NOT_ENOUGH", "Not enough balance"))
            case .accepted(let order, let loseAnswer): return loseAnswer ? .dropConnection : .respond(201, order.gateFuturesJSON)
            }
        case "POST" where path == "/countdown_cancel_all":
            guard let contract = fields["contract"] as? String, let timeout = fields["timeout"] as? Int, timeout == 0 || timeout >= 5 else {
                return .respond(400, gateError("INVALID_PARAM_VALUE", "timeout must be 0 or at least 5 seconds, with a contract"))
            }
            state.withLock { $0.countdowns[contract] = timeout == 0 ? nil : now + Int64(timeout) * 1000 }
            return .respond(200, "{\"triggerTime\":\"\(timeout == 0 ? 0 : now + Int64(timeout) * 1000)\"}")
        case "POST" where path.hasPrefix("/positions/") && path.hasSuffix("/leverage"):
            let contract = String(path.dropFirst("/positions/".count).dropLast("/leverage".count))
            guard let leverage = parameters["leverage"].flatMap({ Int($0) }), (0...125).contains(leverage) else {
                return .respond(400, gateError("INVALID_PARAM_VALUE", "leverage must be 0 (cross) to 125"))
            }
            let cross = leverage == 0
            let limit = parameters["cross_leverage_limit"].flatMap { Int($0) } ?? 0
            state.withLock { state in
                state.leverage[contract] = cross ? limit : leverage
                state.marginType[contract] = cross ? "CROSSED" : "ISOLATED"
            }
            return .respond(200, "{\"contract\":\"\(contract)\",\"size\":0,\"leverage\":\"\(leverage)\",\"cross_leverage_limit\":\"\(limit)\",\"mode\":\"single\"}")
        case "GET" where path.hasPrefix("/positions/"):
            let contract = String(path.dropFirst("/positions/".count))
            let (quantity, entry) = holding(of: contract)
            let size = quantity.units / multiplier.units
            return .respond(200, "{\"user\":\(Self.futuresUserID),\"contract\":\"\(contract)\",\"size\":\(size),\"leverage\":\"\(state.withLock { $0.leverage[contract] ?? 0 })\",\"entry_price\":\"\(entry)\",\"mode\":\"single\"}")
        case "GET" where path == "/accounts":
            return .respond(200, "{\"user\":\(Self.futuresUserID),\"currency\":\"USDT\",\"total\":\"10000\",\"available\":\"10000\",\"in_dual_mode\":false}")
        case "GET" where path == "/orders":
            guard parameters["status"] == "open" else { return .respond(400, gateError("INVALID_PARAM_VALUE", "the fake exchange lists status=open only")) }
            let contract = parameters["contract"]
            let open = state.withLock { $0.orders.filter { $0.futures && ($0.status == "NEW" || $0.status == "PARTIALLY_FILLED") && (contract == nil || $0.symbol == contract) } }
            return .respond(200, "[" + open.map(\.gateFuturesJSON).joined(separator: ",") + "]")
        case "GET", "DELETE":
            guard path.hasPrefix("/orders/") else { break }
            let name = String(path.dropFirst("/orders/".count))
            let matches = { (order: Order) in order.futures && (order.clientOrderID == name || String(order.orderID) == name) }
            return queryOrCancel(method: method, name: name, closedLabel: "ORDER_FINISHED", matches: matches, json: \.gateFuturesJSON)
        default:
            break
        }
        return .respond(404, gateError("NOT_FOUND", "\(method) /api/v4/futures/usdt\(path) is not served by the fake exchange"))
    }

    /// `GET` or `DELETE` of one order, by Gate's id or the text; a cancel of a
    /// finished order is refused with `closedLabel` (spot and futures word it apart).
    private func queryOrCancel(method: String, name: String, closedLabel: String, matches: (Order) -> Bool, json: (Order) -> String) -> Answer {
        if method == "GET" {
            guard let order = state.withLock({ $0.orders.last(where: matches) }) else { return .respond(404, gateError("ORDER_NOT_FOUND", "Order not found")) }
            return .respond(200, json(order))
        }
        let outcome: (Order?, closed: Bool) = state.withLock { state in
            guard let index = state.orders.lastIndex(where: matches) else { return (nil, false) }
            guard state.orders[index].status == "NEW" || state.orders[index].status == "PARTIALLY_FILLED" else { return (state.orders[index], true) }
            state.orders[index].status = "CANCELED"
            return (state.orders[index], false)
        }
        guard let order = outcome.0 else { return .respond(404, gateError("ORDER_NOT_FOUND", "Order not found")) }
        if outcome.closed { return .respond(400, gateError(closedLabel, "Order \(name) has been finished")) }
        onExecution?(order, "CANCELED", .zero, order.price)
        return .respond(200, json(order))
    }

    private func gateError(_ label: String, _ message: String) -> String { "{\"label\":\"\(label)\",\"message\":\"\(message)\"}" }
}

extension FakeOrders.Order {
    /// Gate's status words: open, closed (filled), cancelled.
    var gateStatus: String {
        switch status {
        case "FILLED": return "closed"
        case "CANCELED", "EXPIRED": return "cancelled"
        default: return "open"
        }
    }

    var gateFinishAs: String {
        switch status {
        case "FILLED": return "filled"
        case "CANCELED", "EXPIRED": return "cancelled"
        default: return "open"
        }
    }

    /// A Gate.io v4 USDT-futures order object: sizes in signed contracts, `id` a
    /// number, `finish_as` `_new` while open.
    var gateFuturesJSON: String {
        let sign: Int64 = side == "BUY" ? 1 : -1
        let size = GateDialect.contracts(quantity) * sign
        let left = GateDialect.contracts(quantity - executed) * sign
        let finish = status == "FILLED" ? "filled" : status == "CANCELED" ? "cancelled" : "_new"
        return "{\"id\":\(orderID),\"user\":\(FakeOrders.futuresUserID),\"contract\":\"\(symbol)\",\"create_time\":\(Double(time) / 1000),\"size\":\(size),\"left\":\(left),\"price\":\"\(price.formatted(fractionDigits: 0))\",\"fill_price\":\"\(averagePrice.formatted(fractionDigits: 0))\",\"status\":\"\(status == "NEW" || status == "PARTIALLY_FILLED" ? "open" : "finished")\",\"finish_as\":\"\(finish)\",\"tif\":\"gtc\",\"text\":\"\(clientOrderID)\",\"is_reduce_only\":\(reduceOnly),\"iceberg\":0}"
    }

    /// A Gate.io v4 spot order object (the fields Apogee and ccxt read).
    var gateJSON: String {
        let left = quantity - executed
        return "{\"id\":\"\(orderID)\",\"text\":\"\(clientOrderID)\",\"create_time\":\"\(time / 1000)\",\"update_time\":\"\(time / 1000)\",\"create_time_ms\":\(time),\"status\":\"\(gateStatus)\",\"currency_pair\":\"\(symbol)\",\"type\":\"limit\",\"account\":\"spot\",\"side\":\"\(side.lowercased())\",\"amount\":\"\(quantity.formatted(fractionDigits: 0))\",\"price\":\"\(price.formatted(fractionDigits: 0))\",\"time_in_force\":\"gtc\",\"left\":\"\(left.formatted(fractionDigits: 0))\",\"filled_amount\":\"\(executed.formatted(fractionDigits: 0))\",\"filled_total\":\"\(Quantity(units: executedQuote).formatted(fractionDigits: 0))\",\"avg_deal_price\":\"\(averagePrice.formatted(fractionDigits: 0))\",\"fee\":\"0\",\"fee_currency\":\"USDT\",\"finish_as\":\"\(gateFinishAs)\"}"
    }
}
