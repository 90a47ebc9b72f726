import Foundation
import MarketModel
import Synchronization
import Trading
import Venues

/// The fake exchange's account: signed order endpoints checked by Binance's rules
/// (API key header, HMAC-SHA256 over the query, timestamp within recvWindow, unique
/// client order ids while open), resting limit orders filled by the recording's trades.
final class FakeOrders: @unchecked Sendable {
    struct Order: Sendable {
        var orderID: Int
        var clientOrderID: String
        var symbol: String
        var side: String
        var type: String
        var price: Price
        var quantity: Quantity
        var executed: Quantity = .zero
        var status = "NEW"
        var time: Int64
        /// Placed on USD-M (`/fapi/v1/order`): its updates go out as ORDER_TRADE_UPDATE.
        var futures = false
        var reduceOnly = false
        /// It crossed the market when it arrived (a buy at or above the best ask): it
        /// takes liquidity, filling at the market's prices rather than its limit.
        var taker = false
        /// The quote currency its fills came to (price × quantity, summed), in 10⁻⁸ units.
        var executedQuote: Int64 = 0
        /// The commission charged so far (10⁻⁸ units): in the coin bought for a spot
        /// buy, in USDT otherwise; and the last fill's.
        var commission: Int64 = 0
        var lastCommission: Int64 = 0

        /// The asset its commission is taken in (Binance's `N`).
        var commissionAsset: String { !futures && side == "BUY" ? FakeOrders.baseAsset(of: symbol) : "USDT" }
        var isOpen: Bool { status == "NEW" || status == "PARTIALLY_FILLED" }

        /// The average price of its fills (zero before any).
        var averagePrice: Price {
            executed.isZero ? .zero : Price(units: Money.rounded(Int128(executedQuote) * Int128(FixedPoint.unitsPerWhole), dividingBy: Int128(executed.units)))
        }

        /// `executedQuote` as a decimal.
        var executedQuoteText: String { Quantity(units: executedQuote).formatted(fractionDigits: 8) }

        var json: String {
            "{\"symbol\":\"\(symbol)\",\"orderId\":\(orderID),\"clientOrderId\":\"\(clientOrderID)\",\"transactTime\":\(time),\"price\":\"\(price.formatted(fractionDigits: 8))\",\"origQty\":\"\(quantity.formatted(fractionDigits: 8))\",\"executedQty\":\"\(executed.formatted(fractionDigits: 8))\",\"cummulativeQuoteQty\":\"\(executedQuoteText)\",\"status\":\"\(status)\",\"timeInForce\":\"GTC\",\"type\":\"\(type)\",\"side\":\"\(side)\"}"
        }
    }

    struct State {
        var orders: [Order] = []
        var nextID = 1
        var placements = 0
        /// USD-M settings per symbol.
        var leverage: [String: Int] = [:]
        var marginType: [String: String] = [:]
        /// USD-M countdown cancel-all deadlines (ms), per symbol.
        var countdowns: [String: Int64] = [:]
        var countdownsFired: [String] = []
        /// Cancel requests so far (the cancel faults hit the n-th).
        var cancelRequests = 0
        var sellPlacements = 0
        /// Client ids of orders answered 429 by the rate-limit faults.
        var rateLimited: [String] = []
        /// The random faults' generator state (seeded) and how many were injected.
        var random: UInt64 = 0x5DEECE66D
        var faultsInjected = 0
    }

    let credentials: APICredentials?
    let faults: FakeExchangeFaults
    let rules: FakeExchangeRules
    /// Told of every change to an order (outside the lock): the order after it, the
    /// execution type (NEW, TRADE, CANCELED), and the last fill's quantity and price.
    var onExecution: (@Sendable (Order, String, Quantity, Price) -> Void)?
    /// The symbol's last trade price, the reference of the percent-price filter; set by
    /// the exchange.
    var lastPrice: (@Sendable (_ symbol: String) -> Price?)?
    /// The market's best price against a new order of `side` on `symbol` (the best ask
    /// for a BUY), to tell a taker from a resting order; set by the exchange.
    var bestOpposite: (@Sendable (_ symbol: String, _ side: String) -> Price?)?
    /// The book's levels a new order of `side` at `price` reaches, best first (the asks
    /// at or below a buy's limit); set by the exchange. A crossing order takes them at
    /// once, as a matching engine does.
    var reachableLevels: (@Sendable (_ symbol: String, _ side: String, _ price: Price) -> [BookLevel])?
    let state = Mutex(State())

    init(credentials: APICredentials?, faults: FakeExchangeFaults, rules: FakeExchangeRules = FakeExchangeRules()) {
        self.credentials = credentials
        self.faults = faults
        self.rules = rules
    }

    var all: [Order] { state.withLock { $0.orders } }

    enum Answer {
        case respond(Int, String)
        /// Too many requests: 429 with `Retry-After` seconds.
        case rateLimited(retryAfter: Int)
        /// The IP is banned for repeated violations: 418 with `Retry-After` seconds.
        case banned(retryAfter: Int)
        /// The request was carried out but the connection closes before the answer.
        case dropConnection
    }

    func handle(method: String, path: String, query: String, apiKey: String?) -> Answer {
        guard let credentials else { return .respond(401, error(-2015, "this fake exchange has no account")) }
        guard apiKey == credentials.key else { return .respond(401, error(-2015, "Invalid API-key, IP, or permissions for action.")) }
        guard let range = query.range(of: "&signature=", options: .backwards) else { return .respond(400, error(-1102, "Mandatory parameter 'signature' was not sent.")) }
        let payload = String(query[..<range.lowerBound])
        let signature = String(query[range.upperBound...])
        guard credentials.verifiesBinance(signature: signature, payload: payload) else {
            return .respond(400, error(-1022, "Signature for this request is not valid."))
        }
        let parameters = Self.parameters(payload)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        guard let timestamp = parameters["timestamp"].flatMap({ Int64($0) }) else { return .respond(400, error(-1102, "Mandatory parameter 'timestamp' was not sent.")) }
        let window = parameters["recvWindow"].flatMap { Int64($0) } ?? 5000
        guard timestamp < now + 1000, now - timestamp <= window else { return .respond(400, error(-1021, "Timestamp for this request is outside of the recvWindow.")) }

        expireCountdowns(now: now)
        guard faults.randomFaultRate > 0, path.hasSuffix("/order") else { return route(method: method, path: path, parameters: parameters, now: now) }
        // The random faults of a soak: an order, a cancel or a query answered 429 or 503
        // without being carried out, or carried out and answered 503, or carried out
        // with its answer lost.
        let draw = state.withLock { state -> Double in
            state.random = state.random &* 6364136223846793005 &+ 1442695040888963407
            return Double(state.random >> 11) / Double(1 << 53)
        }
        let rate = faults.randomFaultRate
        guard draw < rate else { return route(method: method, path: path, parameters: parameters, now: now) }
        state.withLock { $0.faultsInjected += 1 }
        if draw < rate / 4 { return .rateLimited(retryAfter: 1) }
        if draw < rate / 2 { return .respond(503, error(-1001, "Internal error; unable to process your request. Please try again.")) }
        let answer = route(method: method, path: path, parameters: parameters, now: now)
        guard case .respond(200, _) = answer else { return answer }
        return draw < rate * 3 / 4 ? .respond(503, error(-1001, "Internal error; unable to process your request. Please try again.")) : .dropConnection
    }

    /// A signed request whose signature and time were checked, by method and path.
    private func route(method: String, path: String, parameters: [String: String], now: Int64) -> Answer {
        switch (method, path) {
        case ("POST", "/api/v3/order"), ("POST", "/fapi/v1/order"):
            return place(parameters, now: now, futures: path.hasPrefix("/fapi"))
        case ("POST", "/fapi/v1/leverage"):
            guard let symbol = parameters["symbol"], let leverage = parameters["leverage"].flatMap({ Int($0) }), (1...125).contains(leverage) else {
                return .respond(400, error(-4028, "Leverage is not valid."))
            }
            state.withLock { $0.leverage[symbol] = leverage }
            return .respond(200, "{\"leverage\":\(leverage),\"maxNotionalValue\":\"1000000\",\"symbol\":\"\(symbol)\"}")
        case ("POST", "/fapi/v1/marginType"):
            guard let symbol = parameters["symbol"], let type = parameters["marginType"], ["ISOLATED", "CROSSED"].contains(type) else {
                return .respond(400, error(-1116, "Invalid marginType."))
            }
            let unchanged = state.withLock { state in
                defer { state.marginType[symbol] = type }
                return (state.marginType[symbol] ?? "CROSSED") == type
            }
            return unchanged ? .respond(400, error(-4046, "No need to change margin type.")) : .respond(200, "{\"code\":200,\"msg\":\"success\"}")
        case ("POST", "/fapi/v1/countdownCancelAll"):
            guard let symbol = parameters["symbol"], let countdown = parameters["countdownTime"].flatMap({ Int64($0) }) else {
                return .respond(400, error(-1102, "Mandatory parameter 'countdownTime' was not sent."))
            }
            state.withLock { $0.countdowns[symbol] = countdown == 0 ? nil : now + countdown }
            return .respond(200, "{\"symbol\":\"\(symbol)\",\"countdownTime\":\"\(countdown)\"}")
        case ("GET", "/fapi/v3/positionRisk"):
            guard let symbol = parameters["symbol"] else { return .respond(400, error(-1102, "Mandatory parameter 'symbol' was not sent.")) }
            let (amount, entry) = holding(of: symbol)
            return .respond(200, "[{\"symbol\":\"\(symbol)\",\"positionSide\":\"BOTH\",\"positionAmt\":\"\(amount)\",\"entryPrice\":\"\(entry)\",\"breakEvenPrice\":\"\(entry)\",\"markPrice\":\"\(entry)\",\"unRealizedProfit\":\"0\",\"liquidationPrice\":\"0\",\"isolatedMargin\":\"0\",\"notional\":\"0\",\"marginAsset\":\"USDT\",\"updateTime\":\(now)}]")
        case ("GET", "/api/v3/account"):
            // Base currencies: what the account's orders bought, less the fees taken in
            // the coin and what they sold; USDT: the starting balance moved by the trades.
            let symbols = state.withLock { Set($0.orders.filter { !$0.futures }.map(\.symbol)) }.sorted()
            var balances = symbols.map { symbol in
                let base = state.withLock { Self.baseBalance(of: symbol, in: $0) }
                return "{\"asset\":\"\(Self.baseAsset(of: symbol))\",\"free\":\"\(base.free.formatted(fractionDigits: 8))\",\"locked\":\"\(base.locked.formatted(fractionDigits: 8))\"}"
            }
            let quote = state.withLock { quoteBalance(in: $0) }
            balances.append("{\"asset\":\"USDT\",\"free\":\"\(Quantity(units: quote.free).formatted(fractionDigits: 8))\",\"locked\":\"\(Quantity(units: quote.locked).formatted(fractionDigits: 8))\"}")
            return .respond(200, "{\"makerCommission\":\(rules.spotMakerPartsPerMillion / 100),\"takerCommission\":\(rules.spotTakerPartsPerMillion / 100),\"canTrade\":true,\"accountType\":\"SPOT\",\"balances\":[\(balances.joined(separator: ","))]}")
        case ("GET", "/api/v3/account/commission"), ("GET", "/fapi/v1/commissionRate"):
            guard let symbol = parameters["symbol"] else { return .respond(400, error(-1102, "Mandatory parameter 'symbol' was not sent.")) }
            return .respond(200, rules.commission(symbol: symbol, futures: path.hasPrefix("/fapi")))
        case ("GET", "/api/v3/order"), ("GET", "/fapi/v1/order"):
            guard let client = parameters["origClientOrderId"], let order = state.withLock({ $0.orders.last { $0.clientOrderID == client } }) else {
                return .respond(400, error(-2013, "Order does not exist."))
            }
            return .respond(200, order.json)
        case ("DELETE", "/api/v3/order"), ("DELETE", "/fapi/v1/order"):
            guard let client = parameters["origClientOrderId"] else { return .respond(400, error(-1102, "Mandatory parameter 'origClientOrderId' was not sent.")) }
            // The cancel faults: the n-th cancel request answered 429/418 (not carried
            // out, with Retry-After) or 503 (not carried out either).
            let number = state.withLock { state in
                state.cancelRequests += 1
                return state.cancelRequests
            }
            if number <= faults.failCancels.count {
                switch faults.failCancels[number - 1] {
                case 429: return .rateLimited(retryAfter: 1)
                case 418: return .banned(retryAfter: 2)
                case 503: return .respond(503, error(-1001, "Internal error; unable to process your request. Please try again."))
                default: break
                }
            }
            let cancelled: Order? = state.withLock { state in
                guard let index = state.orders.lastIndex(where: { $0.clientOrderID == client && $0.status == "NEW" || $0.clientOrderID == client && $0.status == "PARTIALLY_FILLED" }) else { return nil }
                state.orders[index].status = "CANCELED"
                return state.orders[index]
            }
            guard let cancelled else { return .respond(400, error(-2011, "Unknown order sent.")) }
            onExecution?(cancelled, "CANCELED", .zero, cancelled.price)
            return .respond(200, cancelled.json)
        case ("GET", "/api/v3/openOrders"), ("GET", "/fapi/v1/openOrders"):
            let open = state.withLock { $0.orders.filter { $0.status == "NEW" || $0.status == "PARTIALLY_FILLED" } }
            return .respond(200, "[" + open.map(\.json).joined(separator: ",") + "]")
        default:
            return .respond(404, error(-1, "\(method) \(path) is not served by the fake exchange"))
        }
    }

    private func place(_ parameters: [String: String], now: Int64, futures: Bool) -> Answer {
        guard let symbol = parameters["symbol"], let side = parameters["side"], let type = parameters["type"],
              let quantity = parameters["quantity"].flatMap({ try? Quantity(parsing: $0) }) else {
            return .respond(400, error(-1102, "Mandatory parameter missing: symbol, side, type and quantity are required."))
        }
        guard type == "LIMIT", let price = parameters["price"].flatMap({ try? Price(parsing: $0) }) else {
            return .respond(400, error(-1116, "Invalid orderType (the fake exchange takes LIMIT with a price)."))
        }
        let client = parameters["newClientOrderId"] ?? "fake-\(now)"
        let reduceOnly = parameters["reduceOnly"] == "true"
        if let (code, message) = rules.violation(symbol: symbol, price: price, quantity: quantity, futures: futures, reduceOnly: reduceOnly, lastPrice: lastPrice?(symbol)) {
            return .respond(400, error(code, message))
        }
        switch accept(symbol: symbol, side: side, price: price, quantity: quantity, clientOrderID: client, now: now, futures: futures, reduceOnly: reduceOnly, checkBalance: !futures && rules.enforced) {
        case .rateLimited: return .rateLimited(retryAfter: 1)
        case .insufficientBalance: return .respond(400, error(-2010, "Account has insufficient balance for requested action."))
        case .duplicate: return .respond(400, error(-2010, "Duplicate order sent."))
        case .serverError: return .respond(503, error(-1001, "Internal error; unable to process your request. Please try again."))
        case .accepted(let order, let loseAnswer): return loseAnswer ? .dropConnection : .respond(200, order.json)
        }
    }

    enum Acceptance {
        case accepted(Order, loseAnswer: Bool)
        /// A client id that is open already.
        case duplicate
        /// The rate-limit fault: refused, not carried out.
        case rateLimited
        /// The 5xx fault: carried out, answered with an error.
        case serverError
        /// Spot: the account lacks the coin to sell or the USDT to buy.
        case insufficientBalance
    }

    /// A new limit order into the book, in either dialect, with the faults that hit
    /// the n-th placement applied.
    func accept(symbol: String, side: String, price: Price, quantity: Quantity, clientOrderID client: String, now: Int64, futures: Bool = false, reduceOnly: Bool = false, checkBalance: Bool = false) -> Acceptance {
        var lose = false
        var serverError = false
        var limited = false
        var short = false
        // Asked before taking the account's lock: the market's lock is never taken inside it.
        let opposite = bestOpposite?(symbol, side)
        let taker = opposite.map { side == "BUY" ? price >= $0 : price <= $0 } ?? false
        let placed: Order? = state.withLock { state in
            if state.orders.contains(where: { $0.clientOrderID == client && ($0.status == "NEW" || $0.status == "PARTIALLY_FILLED") }) { return nil }
            state.placements += 1
            if side == "SELL" { state.sellPlacements += 1 }
            if state.placements == faults.rateLimitOrder || (side == "SELL" && state.sellPlacements == faults.rateLimitSell) {
                limited = true
                state.rateLimited.append(client)
                return nil
            }
            if checkBalance {
                // What the order would lock must be free: the coin for a sell, USDT for a buy.
                let enough = side == "SELL" ? Self.baseBalance(of: symbol, in: state).free >= quantity : quoteBalance(in: state).free >= Money.notional(price, quantity).units
                if !enough {
                    short = true
                    return nil
                }
            }
            lose = state.placements == faults.loseResponseOfOrder
            serverError = state.placements == faults.serverErrorOfOrder
            let order = Order(orderID: state.nextID, clientOrderID: client, symbol: symbol, side: side, type: "LIMIT", price: price, quantity: quantity, time: now, futures: futures, reduceOnly: reduceOnly, taker: taker)
            state.nextID += 1
            state.orders.append(order)
            return order
        }
        if limited { return .rateLimited }
        if short { return .insufficientBalance }
        guard let placed else { return .duplicate }
        onExecution?(placed, "NEW", .zero, placed.price)
        if taker { takeLiquidity(placed) }
        if serverError { return .serverError }
        return .accepted(placed, loseAnswer: lose)
    }

    /// A crossing order fills at once against the levels it reaches, at their prices
    /// (a real matching engine does; waiting for a later print left a buy at the ask
    /// resting for seconds). What the levels do not cover rests, and fills on prints.
    private func takeLiquidity(_ placed: Order) {
        let levels = reachableLevels?(placed.symbol, placed.side, placed.price) ?? []
        guard !levels.isEmpty else { return }
        let fills: [(Order, Quantity, Price)] = state.withLock { state in
            guard let index = state.orders.firstIndex(where: { $0.orderID == placed.orderID }) else { return [] }
            var fills: [(Order, Quantity, Price)] = []
            for level in levels {
                let left = state.orders[index].quantity - state.orders[index].executed
                guard left.units > 0 else { break }
                let filled = min(left, level.quantity)
                fills.append((Self.book(filled, at: level.price, on: &state.orders[index], rules: rules), filled, level.price))
            }
            return fills
        }
        for (order, quantity, price) in fills { onExecution?(order, "TRADE", quantity, price) }
    }

    /// Books a fill of `quantity` at `price` on `order`: executed, quote, commission,
    /// status. Returns the order as it now is.
    static func book(_ quantity: Quantity, at price: Price, on order: inout Order, rules: FakeExchangeRules) -> Order {
        order.executed = order.executed + quantity
        order.executedQuote += Money.notional(price, quantity).units
        // Gate's dialect keeps no commission yet (Apogee reads no Gate rates).
        let charged = rules.enforced ? rules.commission(quantity: quantity, price: price, side: order.side, taker: order.taker, futures: order.futures).amount : 0
        order.commission += charged
        order.lastCommission = charged
        order.status = order.executed == order.quantity ? "FILLED" : "PARTIALLY_FILLED"
        return order
    }

    /// A spot account's coin of `symbol`: what its buys got (less the fees taken in the
    /// coin) less what its sells gave; locked, what open sells hold.
    static func baseBalance(of symbol: String, in state: State) -> (free: Quantity, locked: Quantity) {
        var held: Int64 = 0
        var locked: Int64 = 0
        for order in state.orders where order.symbol == symbol && !order.futures {
            if order.side == "BUY" {
                held += order.executed.units - order.commission
            } else {
                held -= order.executed.units
                if order.isOpen { locked += (order.quantity - order.executed).units }
            }
        }
        return (Quantity(units: held - locked), Quantity(units: locked))
    }

    /// The spot account's USDT (10⁻⁸ units): the starting balance, less what buys paid,
    /// plus what sells got less their fees; locked, what open buys hold.
    func quoteBalance(in state: State) -> (free: Int64, locked: Int64) {
        var total = rules.quoteBalance.units
        var locked: Int64 = 0
        for order in state.orders where !order.futures && !order.clientOrderID.hasPrefix("web-") {
            if order.side == "BUY" {
                total -= order.executedQuote
                if order.isOpen { locked += Money.notional(order.price, order.quantity - order.executed).units }
            } else {
                total += order.executedQuote - order.commission
            }
        }
        return (total - locked, locked)
    }

    /// What the account holds of `symbol`: the executed buys (less the fees taken in the
    /// coin) less the executed sells, and the average price of the side it holds (0
    /// when flat).
    func holding(of symbol: String) -> (quantity: Quantity, entry: Price) {
        state.withLock { state in
            var net = Quantity.zero
            var bought = (quantity: Int64(0), value: Double(0))
            var sold = (quantity: Int64(0), value: Double(0))
            for order in state.orders where order.symbol == symbol && !order.executed.isZero {
                if order.side == "BUY" {
                    net = net + order.executed - (order.futures ? .zero : Quantity(units: order.commission))
                    bought.quantity += order.executed.units
                    bought.value += Double(order.executedQuote) / 1e8
                } else {
                    net = net - order.executed
                    sold.quantity += order.executed.units
                    sold.value += Double(order.executedQuote) / 1e8
                }
            }
            let side = net.units > 0 ? bought : sold
            guard net.units != 0, side.quantity > 0 else { return (net, .zero) }
            let average = side.value / (Double(side.quantity) / 1e8)
            return (net, (try? Price(parsing: String(format: "%.2f", average))) ?? .zero)
        }
    }

    /// A trade made outside Apogee (on the exchange's website): a filled order with a
    /// client id no journal knows.
    func tradeOutside(symbol: String, side: String, quantity: Quantity, price: Price, futures: Bool) {
        state.withLock { state in
            var order = Order(orderID: state.nextID, clientOrderID: "web-\(state.nextID)", symbol: symbol, side: side, type: "LIMIT", price: price, quantity: quantity, time: Int64(Date().timeIntervalSince1970 * 1000), futures: futures)
            order.executed = quantity
            order.executedQuote = Money.notional(price, quantity).units
            order.status = "FILLED"
            state.nextID += 1
            state.orders.append(order)
        }
    }

    static func baseAsset(of symbol: String) -> String {
        if let underscore = symbol.firstIndex(of: "_") { return String(symbol[..<underscore]) }
        for quote in ["USDT", "USDC", "BTC", "ETH"] where symbol.hasSuffix(quote) && symbol.count > quote.count { return String(symbol.dropLast(quote.count)) }
        return symbol
    }

    /// USD-M's dead-man switch: a symbol whose countdown ran out has every open order
    /// cancelled (the exchange checks every few ms; the fake on each request and
    /// every 20 ms).
    func expireCountdowns(now: Int64) {
        let cancelled: [Order] = state.withLock { state in
            var cancelled: [Order] = []
            for (symbol, deadline) in state.countdowns.sorted(by: { $0.key < $1.key }) where deadline <= now {
                state.countdowns[symbol] = nil
                state.countdownsFired.append(symbol)
                for index in state.orders.indices where state.orders[index].symbol == symbol && (state.orders[index].status == "NEW" || state.orders[index].status == "PARTIALLY_FILLED") {
                    state.orders[index].status = "CANCELED"
                    cancelled.append(state.orders[index])
                }
            }
            return cancelled
        }
        for order in cancelled { onExecution?(order, "CANCELED", .zero, order.price) }
    }

    /// Cancels every open order of the symbol, as a trader on the exchange's website
    /// would (the session learns of it from the user-data stream).
    func cancelAll(symbol: String) {
        let cancelled: [Order] = state.withLock { state in
            var cancelled: [Order] = []
            for index in state.orders.indices where state.orders[index].symbol == symbol && (state.orders[index].status == "NEW" || state.orders[index].status == "PARTIALLY_FILLED") {
                state.orders[index].status = "CANCELED"
                cancelled.append(state.orders[index])
            }
            return cancelled
        }
        for order in cancelled { onExecution?(order, "CANCELED", .zero, order.price) }
    }

    var futuresSettings: [String: (leverage: Int?, marginType: String?)] {
        state.withLock { state in
            var result: [String: (leverage: Int?, marginType: String?)] = [:]
            for symbol in Set(state.leverage.keys).union(state.marginType.keys) { result[symbol] = (state.leverage[symbol], state.marginType[symbol]) }
            return result
        }
    }

    var countdownsFired: [String] { state.withLock { $0.countdownsFired } }
    var countdownsArmed: [String] { state.withLock { $0.countdowns.keys.sorted() } }

    /// A public trade: resting orders it reaches fill at their price (a sell print
    /// fills bids at or above it, a buy print asks at or below it); an order that
    /// crossed the market when it arrived fills at the print's price, as a taker
    /// would at the book's.
    func match(_ trade: TradePrint) {
        let fills: [(Order, Quantity, Price)] = state.withLock { state in
            var fills: [(Order, Quantity, Price)] = []
            for index in state.orders.indices where state.orders[index].symbol == trade.symbol && (state.orders[index].status == "NEW" || state.orders[index].status == "PARTIALLY_FILLED") {
                let order = state.orders[index]
                let reaches = order.side == "BUY" ? (trade.aggressor == .sell && trade.price <= order.price) : (trade.aggressor == .buy && trade.price >= order.price)
                guard reaches else { continue }
                let left = order.quantity - order.executed
                var filled = min(left, trade.quantity)
                if faults.partialFills, left.units > 1 { filled = min(filled, Quantity(units: max(1, left.units / 2))) }
                let price = order.taker ? trade.price : order.price
                fills.append((Self.book(filled, at: price, on: &state.orders[index], rules: rules), filled, price))
            }
            return fills
        }
        for (order, quantity, price) in fills { onExecution?(order, "TRADE", quantity, price) }
    }

    static func parameters(_ query: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            result[String(parts[0])] = String(parts[1]).removingPercentEncoding ?? String(parts[1])
        }
        return result
    }

    private func error(_ code: Int, _ message: String) -> String { "{\"code\":\(code),\"msg\":\"\(message)\"}" }
}
