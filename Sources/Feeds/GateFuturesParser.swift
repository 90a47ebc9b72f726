import MarketModel

/// Turns one Gate.io v4 USDT-futures WebSocket frame (or the REST order-book snapshot)
/// into market events.
///
/// Channels read: `futures.trades` (always an array of trades, each `size` a signed
/// number of contracts: > 0 the taker bought, < 0 sold), `futures.book_ticker`
/// (`B`/`A` in contracts), `futures.order_book_update` (`U`/`u`, levels as
/// `{"p":"price","s":contracts}`, `s` 0 removes the level). The REST snapshot
/// `GET /futures/usdt/order_book?contract=X&limit=100&with_id=true` becomes a snapshot
/// whose id is `id`. Sizes are contracts; each contract is `quanto_multiplier` of the
/// base currency (from `GET /futures/usdt/contracts/{contract}`), so quantities here
/// are contracts × multiplier, in the base currency like every other venue's. A
/// contract without a known multiplier is an error, never a guess. Diffs chain like
/// Gate spot's (`U` = previous `u` + 1), carried as the previous id `U` − 1.
public struct GateFuturesParser: Sendable {
    public private(set) var decimals = DecimalPlaces()
    /// Base currency per contract, by contract name (`BTC_USDT` → 0.0001).
    public private(set) var multipliers: [String: Quantity]

    public init(multipliers: [String: Quantity]) {
        self.multipliers = [:]
        for (contract, multiplier) in multipliers { learn(multiplier, of: contract) }
    }

    /// A contract's size, learnt after the start (a replay reads it from the contract's
    /// details recorded at the head of the session).
    public mutating func learn(_ multiplier: Quantity, of contract: String) {
        multipliers[contract] = multiplier
        // Quantities print with as many decimals as the finest multiplier has.
        var units = multiplier.units
        var digits = 8
        while digits > 0, units % 10 == 0 {
            units /= 10
            digits -= 1
        }
        decimals.quantity = max(decimals.quantity, digits)
    }

    public mutating func parse(_ message: String, received: Timestamp) throws(FeedError) -> [MarketEvent] {
        try withUTF8Bytes(of: message) { bytes throws(FeedError) in try parse(bytes, received: received) }
    }

    public mutating func parse(_ message: UnsafeRawBufferPointer, received: Timestamp) throws(FeedError) -> [MarketEvent] {
        var scanner = JSONScanner(message)
        guard scanner.peek() == UInt8(ascii: "{") else { throw scanner.error("message is not a JSON object") }
        scanner.index += 1
        var channel: String?
        var event: String?
        var envelope = Item()
        var items: [Item] = []
        var errorText: String?
        var first = true
        while try scanner.hasNext(closing: UInt8(ascii: "}"), first: &first) {
            let key = try scanner.key()
            if key.equals("channel") {
                channel = String(decoding: try scanner.string(), as: UTF8.self)
            } else if key.equals("event") {
                event = String(decoding: try scanner.string(), as: UTF8.self)
            } else if key.equals("result") {
                switch scanner.peek() {
                case UInt8(ascii: "{"):
                    items.append(try readItem(from: &scanner))
                case UInt8(ascii: "["):
                    try scanner.expect(UInt8(ascii: "["))
                    var firstItem = true
                    while try scanner.hasNext(closing: UInt8(ascii: "]"), first: &firstItem) {
                        items.append(try readItem(from: &scanner))
                    }
                default:
                    try scanner.skipValue()
                }
            } else if key.equals("error") {
                errorText = try GateFeedParser.errorText(from: &scanner)
            } else if try !read(key: key, into: &envelope, from: &scanner) {
                try scanner.skipValue()
            }
        }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw scanner.error("unexpected characters after the message") }
        if let errorText { throw FeedError("Gate.io \(channel ?? "frame") error: \(errorText)") }

        guard let channel else {
            // No envelope: the REST snapshot (its levels are contracts of an unnamed
            // contract; the caller names the symbol, so the multiplier is applied there).
            guard let id = envelope.id, let bids = envelope.bids, let asks = envelope.asks else {
                throw FeedError("neither a WebSocket frame (no \"channel\") nor an order-book snapshot (needs id, bids, asks)")
            }
            return [.bookSnapshot(BookSnapshot(symbol: nil, lastUpdateID: id, bids: bids.map(\.raw), asks: asks.map(\.raw), time: EventTime(exchange: envelope.time, received: received)))]
        }
        guard event == "update" else { return [] }
        var events: [MarketEvent] = []
        events.reserveCapacity(items.count)
        for item in items {
            switch channel {
            case "futures.trades": events.append(.trade(try trade(item, received: received)))
            case "futures.book_ticker": events.append(.bestBidAsk(try ticker(item, received: received)))
            case "futures.order_book_update": events.append(.bookDelta(try delta(item, received: received)))
            default: break
            }
        }
        return events
    }

    /// The REST snapshot's levels for `symbol`: contracts turned into base quantities.
    public func snapshot(_ snapshot: BookSnapshot, of symbol: String) throws(FeedError) -> BookSnapshot {
        var named = snapshot
        named.symbol = symbol
        var bids: [BookLevel] = []
        var asks: [BookLevel] = []
        for level in snapshot.bids { bids.append(BookLevel(price: level.price, quantity: try quantity(level.quantity.units, of: symbol))) }
        for level in snapshot.asks { asks.append(BookLevel(price: level.price, quantity: try quantity(level.quantity.units, of: symbol))) }
        named.bids = bids
        named.asks = asks
        return named
    }

    /// One result object's members (whatever their order).
    struct Item {
        var contract: String?
        var id: UInt64?
        var time: Timestamp?
        var createTime: Timestamp?
        var price: Price?
        var size: Int64?
        var firstUpdateID: UInt64?
        var finalUpdateID: UInt64?
        var bidPrice: Price?
        var askPrice: Price?
        var bidSize: Int64?
        var askSize: Int64?
        var bids: [Level]?
        var asks: [Level]?
    }

    /// A level in contracts, before the multiplier.
    struct Level {
        var price: Price
        var contracts: Int64
        /// The contract count carried in a quantity's units (the snapshot's symbol is
        /// not known inside the parse; ``snapshot(_:of:)`` applies the multiplier).
        var raw: BookLevel { BookLevel(price: price, quantity: Quantity(units: contracts)) }
    }

    private mutating func readItem(from scanner: inout JSONScanner) throws(FeedError) -> Item {
        var item = Item()
        try scanner.expect(UInt8(ascii: "{"))
        var first = true
        while try scanner.hasNext(closing: UInt8(ascii: "}"), first: &first) {
            let key = try scanner.key()
            if try !read(key: key, into: &item, from: &scanner) { try scanner.skipValue() }
        }
        return item
    }

    private mutating func read(key: UnsafeRawBufferPointer, into item: inout Item, from scanner: inout JSONScanner) throws(FeedError) -> Bool {
        if key.equals("contract") {
            item.contract = String(decoding: try scanner.string(), as: UTF8.self)
        } else if key.equals("s") {
            item.contract = String(decoding: try scanner.string(), as: UTF8.self)
        } else if key.equals("id") {
            item.id = try scanner.unsignedInteger()
        } else if key.equals("create_time_ms") {
            item.createTime = try scanner.milliseconds()
        } else if key.equals("t") {
            item.time = try scanner.milliseconds()
        } else if key.equals("current") {
            item.time = try Self.fractionalSeconds(from: &scanner)
        } else if key.equals("price") {
            item.price = try scanner.decimalString("price", as: Price.self, digits: &decimals.price)
        } else if key.equals("size") {
            item.size = try Self.signedInteger(from: &scanner)
        } else if key.equals("U") {
            item.firstUpdateID = try scanner.unsignedInteger()
        } else if key.equals("u") {
            item.finalUpdateID = try scanner.unsignedInteger()
        } else if key.equals("b") || key.equals("bids") {
            if scanner.peek() == UInt8(ascii: "[") { item.bids = try levels(from: &scanner) } else { item.bidPrice = try scanner.decimalString("b", as: Price.self, digits: &decimals.price) }
        } else if key.equals("a") || key.equals("asks") {
            if scanner.peek() == UInt8(ascii: "[") { item.asks = try levels(from: &scanner) } else { item.askPrice = try scanner.decimalString("a", as: Price.self, digits: &decimals.price) }
        } else if key.equals("B") {
            item.bidSize = try Self.signedInteger(from: &scanner)
        } else if key.equals("A") {
            item.askSize = try Self.signedInteger(from: &scanner)
        } else {
            return false
        }
        return true
    }

    /// `[{"p":"price","s":contracts}, ...]`.
    private mutating func levels(from scanner: inout JSONScanner) throws(FeedError) -> [Level] {
        try scanner.expect(UInt8(ascii: "["))
        var levels: [Level] = []
        var first = true
        while try scanner.hasNext(closing: UInt8(ascii: "]"), first: &first) {
            try scanner.expect(UInt8(ascii: "{"))
            var price: Price?
            var size: Int64?
            var firstMember = true
            while try scanner.hasNext(closing: UInt8(ascii: "}"), first: &firstMember) {
                let key = try scanner.key()
                if key.equals("p") {
                    price = try scanner.decimalString("p", as: Price.self, digits: &decimals.price)
                } else if key.equals("s") {
                    size = try Self.signedInteger(from: &scanner)
                } else {
                    try scanner.skipValue()
                }
            }
            guard let price, let size, size >= 0 else { throw scanner.error("a level must be {\"p\":price,\"s\":contracts ≥ 0}") }
            levels.append(Level(price: price, contracts: size))
        }
        return levels
    }

    /// The REST snapshot's `current`: seconds as a JSON number with a fraction
    /// (`1623898993.123`), kept to the microsecond.
    static func fractionalSeconds(from scanner: inout JSONScanner) throws(FeedError) -> Timestamp {
        scanner.skipWhitespace()
        var seconds: Int64 = 0
        var nanoseconds: Int64 = 0
        var scale: Int64 = 100_000_000
        var wholeDigits = 0
        var inFraction = false
        while !scanner.isAtEnd {
            let byte = scanner.peek()
            if byte == UInt8(ascii: "."), !inFraction {
                inFraction = true
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                let digit = Int64(byte - UInt8(ascii: "0"))
                if inFraction {
                    nanoseconds += digit * scale
                    scale /= 10
                } else {
                    guard wholeDigits < 11 else { throw scanner.error("time in seconds is out of range") }
                    seconds = seconds * 10 + digit
                    wholeDigits += 1
                }
            } else {
                break
            }
            scanner.index += 1
        }
        guard wholeDigits > 0 else { throw scanner.error("expected a time in seconds") }
        // Ten digits can still overflow nanoseconds in Int64 (found by fuzzing).
        guard seconds < 9_000_000_000 else { throw scanner.error("time in seconds is out of range") }
        return Timestamp(nanoseconds: seconds * 1_000_000_000 + nanoseconds)
    }

    /// An integer with an optional minus sign (sizes are numbers, not strings).
    static func signedInteger(from scanner: inout JSONScanner) throws(FeedError) -> Int64 {
        scanner.skipWhitespace()
        var negative = false
        if scanner.peek() == UInt8(ascii: "-") {
            negative = true
            scanner.index += 1
        }
        let magnitude = try scanner.unsignedInteger()
        guard magnitude <= UInt64(Int64.max) else { throw scanner.error("size is out of range") }
        return negative ? -Int64(magnitude) : Int64(magnitude)
    }

    private func multiplier(_ contract: String) throws(FeedError) -> Quantity {
        guard let value = multipliers[contract] else { throw FeedError("no quanto multiplier known for \(contract): its sizes cannot be turned into quantities") }
        return value
    }

    private func quantity(_ contracts: Int64, of contract: String) throws(FeedError) -> Quantity {
        let multiplier = try self.multiplier(contract)
        let (product, overflow) = contracts.multipliedReportingOverflow(by: multiplier.units)
        guard !overflow else { throw FeedError("size \(contracts) of \(contract) is out of range") }
        return Quantity(units: product)
    }

    private func require<T>(_ value: T?, _ name: String, in channel: String) throws(FeedError) -> T {
        guard let value else { throw FeedError("\(channel) result has no \"\(name)\"") }
        return value
    }

    private func trade(_ item: Item, received: Timestamp) throws(FeedError) -> TradePrint {
        let channel = "futures.trades"
        let contract = try require(item.contract, "contract", in: channel)
        let size = try require(item.size, "size", in: channel)
        guard size != 0 else { throw FeedError("\(channel): a trade of size 0") }
        let time = try require(item.createTime ?? item.time, "create_time_ms", in: channel)
        return TradePrint(symbol: contract, id: try require(item.id, "id", in: channel), price: try require(item.price, "price", in: channel),
                          quantity: try quantity(abs(size), of: contract), aggressor: size > 0 ? .buy : .sell,
                          tradeTime: time, time: EventTime(exchange: time, received: received))
    }

    private func ticker(_ item: Item, received: Timestamp) throws(FeedError) -> BestBidAsk {
        let channel = "futures.book_ticker"
        let contract = try require(item.contract, "s", in: channel)
        return BestBidAsk(symbol: contract, updateID: try require(item.finalUpdateID, "u", in: channel),
                          bid: BookLevel(price: try require(item.bidPrice, "b", in: channel), quantity: try quantity(try require(item.bidSize, "B", in: channel), of: contract)),
                          ask: BookLevel(price: try require(item.askPrice, "a", in: channel), quantity: try quantity(try require(item.askSize, "A", in: channel), of: contract)),
                          time: EventTime(exchange: item.time, received: received))
    }

    private func delta(_ item: Item, received: Timestamp) throws(FeedError) -> BookDelta {
        let channel = "futures.order_book_update"
        let contract = try require(item.contract, "s", in: channel)
        let first = try require(item.firstUpdateID, "U", in: channel)
        let final = try require(item.finalUpdateID, "u", in: channel)
        guard first <= final else { throw FeedError("\(channel) has U=\(first) after u=\(final)") }
        var bids: [BookLevel] = []
        var asks: [BookLevel] = []
        for level in item.bids ?? [] { bids.append(BookLevel(price: level.price, quantity: try quantity(level.contracts, of: contract))) }
        for level in item.asks ?? [] { asks.append(BookLevel(price: level.price, quantity: try quantity(level.contracts, of: contract))) }
        // Gate's diffs chain by `U` = previous `u` + 1; as a previous id that is `U` − 1,
        // which lets the futures book rule (a diff continues when its previous id is
        // the book's last) follow Gate's rule exactly.
        return BookDelta(symbol: contract, firstUpdateID: first, finalUpdateID: final, previousFinalUpdateID: first > 0 ? first - 1 : nil, bids: bids, asks: asks, time: EventTime(exchange: item.time, received: received))
    }
}
