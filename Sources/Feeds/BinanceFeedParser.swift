import MarketModel

/// Turns the bytes of one Binance market message into a ``MarketEvent``.
///
/// Reads combined-stream envelopes (`{"stream":..., "data":{...}}`), raw stream
/// payloads, and REST depth snapshots (`{"lastUpdateId":..., "bids":..., "asks":...}`),
/// for spot, USD-M and COIN-M. It is the parser of the live feed and of replays alike,
/// so it works on the bytes in place and refuses anything that does not have the
/// documented shape, with the reason. Unknown members are ignored, as Binance asks.
public struct BinanceFeedParser: Sendable {
    /// The market the messages come from; `nil` accepts the shapes of all three.
    /// When set, a futures diff must carry `pu` and a spot diff must not.
    public var market: MarketKind?
    /// The most decimal places seen so far in prices and quantities.
    public private(set) var decimals = DecimalPlaces()
    private var symbolCache = SymbolCache()
    private var streamSymbols = StreamSymbolCheck()
    private var streamNames = StreamNameCache()

    public init(market: MarketKind? = nil) {
        self.market = market
    }

    /// Parses one message received at `received` (local time). Values no exchange
    /// sends (``MarketEventCheck``) are refused like a malformed message.
    public mutating func parse(_ message: UnsafeRawBufferPointer, received: Timestamp) throws(FeedError) -> MarketEvent {
        let event = try parseFrame(message, received: received)
        try MarketEventCheck.check(event)
        return event
    }

    private mutating func parseFrame(_ message: UnsafeRawBufferPointer, received: Timestamp) throws(FeedError) -> MarketEvent {
        var scanner = JSONScanner(message)
        guard scanner.peek() == UInt8(ascii: "{") else { throw scanner.error("message is not a JSON object") }
        scanner.index += 1

        var top = BinancePayload()
        var data = BinancePayload()
        var hasData = false
        var stream: UnsafeRawBufferPointer?
        var first = true
        while try scanner.hasNext(closing: UInt8(ascii: "}"), first: &first) {
            let key = try scanner.key()
            if key.equals("stream") {
                stream = try scanner.string()
            } else if !key.equals("data") {
                _ = try top.read(key: key, from: &scanner, decimals: &decimals)
            } else {
                // "data": the payload object.
                guard scanner.peek() == UInt8(ascii: "{") else { throw scanner.error("\"data\" is not an object") }
                scanner.index += 1
                var firstMember = true
                while try scanner.hasNext(closing: UInt8(ascii: "}"), first: &firstMember) {
                    let member = try scanner.key()
                    if try !data.read(key: member, from: &scanner, decimals: &decimals) {
                        try scanner.skipValue()
                    }
                }
                hasData = true
            }
        }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw scanner.error("unexpected characters after the message") }

        if hasData {
            guard let stream else { throw FeedError("combined-stream message has \"data\" but no \"stream\"") }
            guard top.isEmpty else { throw FeedError("combined-stream envelope has payload members outside \"data\"") }
            let (streamSymbol, kind) = try streamNames.parse(stream)
            let event = try event(from: data, streamKind: kind, received: received)
            if let symbol = event.symbol, !streamSymbols.matches(streamSymbol, symbol) {
                throw FeedError("stream \"\(String(decoding: stream, as: UTF8.self))\" carries a payload for \(symbol)")
            }
            return event
        }
        if let stream {
            throw FeedError("stream \"\(String(decoding: stream, as: UTF8.self))\" message has no \"data\"")
        }
        return try event(from: top, streamKind: nil, received: received)
    }

    /// Parses a message held in a `String` (tests, tools).
    public mutating func parse(_ message: String, received: Timestamp) throws(FeedError) -> MarketEvent {
        try withUTF8Bytes(of: message) { bytes throws(FeedError) in try parse(bytes, received: received) }
    }

    // MARK: - Assembling events

    private mutating func event(from payload: BinancePayload, streamKind: BinanceStreamKind?, received: Timestamp) throws(FeedError) -> MarketEvent {
        if payload.lastUpdateID != nil, payload.eventType == nil, streamKind == nil {
            return .bookSnapshot(try snapshot(from: payload, received: received))
        }
        let type: BinancePayload.EventType
        if let eventType = payload.eventType {
            type = eventType
        } else if streamKind == .bookTicker || (streamKind == nil && payload.bidPrice != nil && payload.askPrice != nil) {
            // Spot bookTicker payloads carry no "e".
            type = .bookTicker
        } else {
            throw FeedError("payload has no event type \"e\"")
        }
        if let streamKind {
            let expected: BinancePayload.EventType
            switch streamKind {
            case .depth: expected = .depthUpdate
            case .bookTicker: expected = .bookTicker
            case .trade: expected = .trade
            case .aggTrade: expected = .aggTrade
            }
            guard type == expected else { throw FeedError("a \(expected.name) stream carries a \"\(type.name)\" payload") }
        }
        switch type {
        case .depthUpdate: return .bookDelta(try delta(from: payload, received: received))
        case .bookTicker: return .bestBidAsk(try ticker(from: payload, received: received))
        case .trade, .aggTrade: return .trade(try trade(from: payload, type: type, received: received))
        case .other(let name): throw FeedError("unsupported event type \"\(name)\"")
        }
    }

    private mutating func delta(from payload: BinancePayload, received: Timestamp) throws(FeedError) -> BookDelta {
        let symbol = try require(payload.symbol, "s", in: "depthUpdate")
        let first = try require(payload.firstUpdateID, "U", in: "depthUpdate")
        let final = try require(payload.finalUpdateID, "u", in: "depthUpdate")
        let eventTime = try require(payload.eventTime, "E", in: "depthUpdate")
        let bids = try require(payload.bidLevels, "b", in: "depthUpdate")
        let asks = try require(payload.askLevels, "a", in: "depthUpdate")
        guard first <= final else { throw FeedError("depthUpdate has first update id U=\(first) after final id u=\(final)") }
        switch market {
        case .spot?:
            if payload.previousFinalUpdateID != nil { throw FeedError("spot depthUpdate carries a futures \"pu\"") }
        case .usdMargined?, .coinMargined?:
            if payload.previousFinalUpdateID == nil { throw FeedError("futures depthUpdate without \"pu\"") }
        case nil:
            break
        }
        return BookDelta(
            symbol: symbolCache.string(for: symbol),
            firstUpdateID: first,
            finalUpdateID: final,
            previousFinalUpdateID: payload.previousFinalUpdateID,
            bids: bids,
            asks: asks,
            time: EventTime(exchange: eventTime, received: received))
    }

    private mutating func ticker(from payload: BinancePayload, received: Timestamp) throws(FeedError) -> BestBidAsk {
        let symbol = try require(payload.symbol, "s", in: "bookTicker")
        let updateID = try require(payload.finalUpdateID, "u", in: "bookTicker")
        let bid = BookLevel(price: try require(payload.bidPrice, "b", in: "bookTicker"), quantity: try require(payload.bidQuantity, "B", in: "bookTicker"))
        let ask = BookLevel(price: try require(payload.askPrice, "a", in: "bookTicker"), quantity: try require(payload.askQuantity, "A", in: "bookTicker"))
        if market?.isFutures == true, payload.eventTime == nil { throw FeedError("futures bookTicker without \"E\"") }
        return BestBidAsk(
            symbol: symbolCache.string(for: symbol),
            updateID: updateID,
            bid: bid,
            ask: ask,
            time: EventTime(exchange: payload.eventTime, received: received))
    }

    private mutating func trade(from payload: BinancePayload, type: BinancePayload.EventType, received: Timestamp) throws(FeedError) -> TradePrint {
        let name = type.name
        let symbol = try require(payload.symbol, "s", in: name)
        let price = try require(payload.price, "p", in: name)
        let quantity = try require(payload.quantity, "q", in: name)
        let tradeTime = try require(payload.transactionTime, "T", in: name)
        let eventTime = try require(payload.eventTime, "E", in: name)
        let buyerIsMaker = try require(payload.buyerIsMaker, "m", in: name)
        let id: UInt64
        let kind: TradePrint.Kind
        if type == .aggTrade {
            id = try require(payload.aggregateID, "a", in: name)
            let firstID = try require(payload.firstTradeID, "f", in: name)
            let lastID = try require(payload.lastTradeID, "l", in: name)
            guard firstID <= lastID else { throw FeedError("aggTrade has first trade id f=\(firstID) after last id l=\(lastID)") }
            kind = .aggregate(firstTradeID: firstID, lastTradeID: lastID)
        } else {
            id = try require(payload.tradeID, "t", in: name)
            kind = .single
        }
        return TradePrint(
            symbol: symbolCache.string(for: symbol),
            id: id,
            price: price,
            quantity: quantity,
            aggressor: buyerIsMaker ? .sell : .buy,
            tradeTime: tradeTime,
            time: EventTime(exchange: eventTime, received: received),
            kind: kind)
    }

    private func snapshot(from payload: BinancePayload, received: Timestamp) throws(FeedError) -> BookSnapshot {
        let lastUpdateID = try require(payload.lastUpdateID, "lastUpdateId", in: "depth snapshot")
        let bids = try require(payload.bidLevels, "bids", in: "depth snapshot")
        let asks = try require(payload.askLevels, "asks", in: "depth snapshot")
        if market?.isFutures == true, payload.eventTime == nil { throw FeedError("futures depth snapshot without \"E\"") }
        return BookSnapshot(
            symbol: nil,
            lastUpdateID: lastUpdateID,
            bids: bids,
            asks: asks,
            time: EventTime(exchange: payload.eventTime, received: received))
    }

    private func require<Value>(_ value: Value?, _ field: String, in message: String) throws(FeedError) -> Value {
        guard let value else { throw FeedError("\(message) without \"\(field)\"") }
        return value
    }
}

extension BinancePayload.EventType {
    var name: String {
        switch self {
        case .depthUpdate: return "depthUpdate"
        case .bookTicker: return "bookTicker"
        case .trade: return "trade"
        case .aggTrade: return "aggTrade"
        case .other(let name): return name
        }
    }
}
