import MarketModel

/// Which exchange's wire format a stream of frames is in.
public enum FrameDialect: String, Sendable {
    case binance
    case gateSpot = "gate"
    case gateFutures = "gate-futures"

    /// The market a dialect's frames come from (Binance's is told by the caller).
    public var market: MarketKind? {
        switch self {
        case .binance: return nil
        case .gateSpot: return .spot
        case .gateFutures: return .usdMargined
        }
    }

    /// The dialect of a recording's first message: Gate.io's frames carry a
    /// `"channel"` (`spot.` or `futures.`), its REST snapshots start `{"id":<number>`
    /// (futures levels are `{"p":…}` objects) and its recorded details are wrapped as
    /// ``GateSymbolDetails`` says; everything else is Binance's.
    public static func sniff(_ message: UnsafeRawBufferPointer) -> FrameDialect {
        if message.starts(with: GateSymbolDetails.futuresLinePrefix.utf8) { return .gateFutures }
        if message.starts(with: GateSymbolDetails.spotLinePrefix.utf8) { return .gateSpot }
        if contains(message, "\"channel\":\"futures.") { return .gateFutures }
        if contains(message, "\"channel\":\"spot.") { return .gateSpot }
        if message.starts(with: "{\"id\":".utf8), message.count > 6, message[6] &- 0x30 < 10 {
            return contains(message, "{\"p\":") ? .gateFutures : .gateSpot
        }
        return .binance
    }

    private static func contains(_ message: UnsafeRawBufferPointer, _ needle: StaticString) -> Bool {
        let pattern = UnsafeRawBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard pattern.count <= message.count else { return false }
        var start = 0
        while start + pattern.count <= message.count {
            if message[start] == pattern[0], message[start..<(start + pattern.count)].elementsEqual(pattern) { return true }
            start += 1
        }
        return false
    }
}

/// The wire format of one venue's frames, live or recorded. One parser is set; each is
/// mutated in place (an enum payload would be copied out and back on every frame).
public struct VenueFrameParser: Sendable {
    public private(set) var binance: BinanceFeedParser?
    public private(set) var gate: GateFeedParser?
    public private(set) var gateFutures: GateFuturesParser?

    public init(_ dialect: FrameDialect, market: MarketKind? = nil, multipliers: [String: Quantity] = [:]) {
        switch dialect {
        case .binance: binance = BinanceFeedParser(market: market)
        case .gateSpot: gate = GateFeedParser()
        case .gateFutures: gateFutures = GateFuturesParser(multipliers: multipliers)
        }
    }

    public var dialect: FrameDialect { binance != nil ? .binance : gate != nil ? .gateSpot : .gateFutures }

    /// The market the frames come from, when known.
    public var market: MarketKind? { binance?.market ?? dialect.market }

    /// The frame's events, appended in order (a Gate.io futures frame carries several
    /// trades; acknowledgements and pongs none).
    public mutating func parse(_ message: UnsafeRawBufferPointer, received: Timestamp, into events: inout [MarketEvent]) throws(FeedError) {
        if binance != nil {
            events.append(try binance!.parse(message, received: received))
        } else if gate != nil {
            if let event = try gate!.parse(message, received: received) {
                try MarketEventCheck.check(event)
                events.append(event)
            }
        } else {
            let parsed = try gateFutures!.parse(message, received: received)
            for event in parsed { try MarketEventCheck.check(event) }
            events.append(contentsOf: parsed)
        }
    }

    public mutating func parse(_ text: String, received: Timestamp, into events: inout [MarketEvent]) throws(FeedError) {
        try withUTF8Bytes(of: text) { bytes throws(FeedError) in try parse(bytes, received: received, into: &events) }
    }

    /// A REST depth snapshot, parsed without its symbol, named `symbol` (Gate.io
    /// futures levels turn from contracts into base quantities here).
    public func named(_ snapshot: BookSnapshot, symbol: String) throws(FeedError) -> BookSnapshot {
        if let gateFutures { return try gateFutures.snapshot(snapshot, of: symbol) }
        var named = snapshot
        named.symbol = symbol
        return named
    }

    /// A REST depth snapshot's body as the book snapshot of `symbol`.
    public mutating func snapshot(_ body: String, of symbol: String, received: Timestamp) throws(FeedError) -> BookSnapshot {
        var events: [MarketEvent] = []
        try parse(body, received: received, into: &events)
        guard case .bookSnapshot(let snapshot)? = events.first else { throw FeedError("the depth snapshot of \(symbol) is not an order book") }
        return try named(snapshot, symbol: symbol)
    }

    /// A futures contract's size, read after the start.
    public mutating func learn(_ multiplier: Quantity, of contract: String) {
        gateFutures?.learn(multiplier, of: contract)
    }

    public var decimals: DecimalPlaces { binance?.decimals ?? gate?.decimals ?? gateFutures?.decimals ?? DecimalPlaces() }
}
