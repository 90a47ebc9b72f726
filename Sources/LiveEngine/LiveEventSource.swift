import VenueClients
import Dispatch
import Feeds
import Foundation
import MarketModel
import Synchronization
import Venues

/// A live exchange's market events: the one ingest path of every live session (the
/// paper terminal, headless market data and paper trading, real trading): the streams'
/// frames parsed in arrival order, stamped with their local receive time, malformed
/// ones counted, and REST depth snapshots fetched in the background (at most once a
/// second per symbol) when the session says a book needs one, so no engine waits on
/// the network.
///
/// A session that pulls (paper, headless) calls ``drain()``. The live trading engine
/// takes each frame as it arrives instead (`onFrame`, on the network thread, so a frame
/// and its order need no thread hand-over) and parses it with ``parse(_:received:into:)``.
///
/// Binance spot and USD-M, over TLS (mainnet, testnet) or plain on loopback.
public final class LiveEventSource: @unchecked Sendable {
    public let connection: VenueConnection
    /// The symbols streamed: those asked for, and listings picked up since (``watchListings(quote:every:)``).
    public var symbols: [String] { streams.symbols }
    private let streams: MarketStreamSet
    /// Set by ``watchListings(quote:every:)``.
    public private(set) var listings: ListingWatch?
    private let inbox = CommandQueue<(String, Int64)>()
    private let snapshots = CommandQueue<(symbol: String, body: String)>()
    private let fetching = SharedKeys()
    private var lastSnapshotTry: [String: Int64] = [:]
    private var parser: VenueFrameParser
    public private(set) var malformed = 0
    public private(set) var malformedSamples: [String] = []
    public private(set) var snapshotsApplied = 0

    /// Connects (throws `LiveFailure` saying the exchange is unreachable when the first
    /// attempt fails) and starts streaming.
    /// `onFrame`: each frame, with its receive time, is handed to it on the network
    /// thread instead of being queued for ``drain()``.
    /// `depth`: the symbols whose book (diff depth) is streamed from the start; nil:
    /// every symbol's. The others stream trades and best bid/ask, and get their book
    /// when ``needDepth(_:)`` asks for it.
    public init(connection: VenueConnection, symbols: [String], depth: Set<String>? = nil, onFrame: (@Sendable (String, Int64) -> Void)? = nil) throws(LiveFailure) {
        guard !symbols.isEmpty else { throw LiveFailure(description: "name at least one symbol with --symbols") }
        self.connection = connection
        parser = .of(connection, multipliers: try GateContracts.multipliers(connection, symbols: symbols))
        let inbox = self.inbox
        streams = MarketStreamSet(connection: connection, symbols: symbols, depth: depth) { text, received in
            if let onFrame { onFrame(text, received) } else { inbox.post((text, received)) }
        }
        try streams.start()
    }

    deinit {
        listings?.stop()
        streams.stop()
    }

    public func stop() {
        listings?.stop()
        streams.stop()
    }

    /// Reads the quote market's listing again every `seconds` (Binance): new listings
    /// are streamed at once, status changes and delistings come out of
    /// ``takeListingChanges()`` for the session to tell its kernel.
    public func watchListings(quote: String, every seconds: Double) {
        guard listings == nil, !connection.venue.isGate else { return }
        let watch = ListingWatch(connection: connection, quote: quote, interval: seconds, streams: streams)
        listings = watch
        watch.start()
    }

    /// The listing changes seen since the last call.
    public func takeListingChanges() -> [ListingChange] { listings?.take() ?? [] }

    public var venue: VenueID { connection.venue }
    public var market: MarketKind { connection.isFutures ? .usdMargined : .spot }
    /// The streams' base address (`wss://stream.binance.com:9443`).
    public var endpoint: String { connection.streams.description }
    public var status: LiveMarketFeed.Status { streams.status }
    /// The decimals the feed's prices and quantities print with.
    public var decimals: DecimalPlaces { parser.decimals }

    /// The header's feed field: `up`, `down`, with the drops so far.
    public var headerText: String {
        let status = streams.status
        let state = status.connected ? "up" : "down"
        return status.drops == 0 ? state : "\(state) (\(status.drops) drop\(status.drops == 1 ? "" : "s"))"
    }

    /// Everything that arrived since the last call: the stream's frames in arrival
    /// order, then any snapshot fetched meanwhile, stamped now (the book keeps the
    /// deltas it buffered while waiting and drops those the snapshot already holds).
    /// Frames that do not parse are counted and skipped.
    public func drain() -> [MarketEvent] {
        var events: [MarketEvent] = []
        let frames = inbox.takeAll()
        events.reserveCapacity(frames.count + 1)
        for (text, received) in frames { parse(text, received: received, into: &events) }
        takeSnapshots(into: &events)
        return events
    }

    /// One frame's events, appended in order; a frame that does not parse is counted
    /// (with the first reasons kept) and skipped. Gate's acknowledgements and pongs are
    /// no events.
    public func parse(_ text: String, received: Int64, into events: inout [MarketEvent]) {
        if MiniTickerParser.isMiniTickerFrame(text.utf8) {
            takeDayTickers(text)
            return
        }
        do throws(FeedError) {
            try parser.parse(text, received: Timestamp(nanoseconds: received), into: &events)
        } catch {
            malformed += 1
            if malformedSamples.count < 5 { malformedSamples.append(error.description) }
        }
    }

    /// The snapshots fetched since the last call, stamped now (the book keeps the
    /// deltas it buffered while waiting and drops those the snapshot already holds).
    public func takeSnapshots(into events: inout [MarketEvent]) {
        for (symbol, body) in snapshots.takeAll() {
            guard let snapshot = try? parser.snapshot(body, of: symbol, received: Timestamp(nanoseconds: WallClock.now())) else {
                malformed += 1
                continue
            }
            snapshotsApplied += 1
            events.append(.bookSnapshot(snapshot))
        }
    }

    /// Every streamed symbol's 24-hour figures, from the all-market ticker (empty when
    /// the session streams every book and no ticker).
    public var dayTickers: [String: DayTicker] { tickers.withLock { $0 } }
    private let tickers = Mutex<[String: DayTicker]>([:])

    /// An `!miniTicker@arr` frame: the figures of the symbols this session streams
    /// (the stream names every symbol of the exchange) replace the ones held.
    private func takeDayTickers(_ text: String) {
        var text = text
        let parsed = text.withUTF8 { bytes in Result { () throws(FeedError) in try MiniTickerParser.parse(UnsafeRawBufferPointer(bytes)) } }
        guard case .success(let entries) = parsed else {
            malformed += 1
            if case .failure(let error) = parsed, malformedSamples.count < 5 { malformedSamples.append("!miniTicker@arr: \(error.description)") }
            return
        }
        let streamed = Set(streams.symbols)
        tickers.withLock { held in
            for entry in entries where streamed.contains(entry.symbol) { held[entry.symbol] = entry }
        }
    }

    /// The symbols whose book is streamed (nil: every symbol's).
    public var depthSymbols: Set<String>? { streams.depthSymbols }

    /// The screen shows `symbol`'s book (or a strategy reads it): its diff depth is
    /// streamed from now on, on a connection of its own opened in the background, and
    /// the book syncs as any other (its first diff asks for a snapshot). Asked for on
    /// every frame; with `settled`, acts once the same symbol has been asked for a third
    /// of a second, so a trader scrolling through the table does not open a connection
    /// per row (Binance allows 300 new connections per 5 minutes). Without it (a
    /// symbol with an order or a position), at once.
    public func needDepth(_ symbol: String, settled: Bool = true) {
        guard let depth = streams.depthSymbols, !depth.contains(symbol) else { return }
        if settled {
            let now = WallClock.now()
            if depthWish?.symbol != symbol {
                depthWish = (symbol, now)
                return
            }
            guard let since = depthWish?.since, now - since >= 333_000_000 else { return }
        }
        guard addingDepth.insert(symbol) else { return }
        let streams = self.streams
        let adding = addingDepth
        DispatchQueue.global().async {
            streams.addDepth([symbol])
            adding.remove(symbol)
        }
    }

    private var depthWish: (symbol: String, since: Int64)?
    private let addingDepth = SharedKeys()

    /// Asks for a REST snapshot of `symbol` in the background, at most once a second
    /// per symbol; it arrives through ``drain()``.
    public func requestSnapshot(of symbol: String) {
        let now = WallClock.now()
        if let last = lastSnapshotTry[symbol], now - last < 1_000_000_000 { return }
        guard fetching.insert(symbol) else { return }
        lastSnapshotTry[symbol] = now
        let streams = self.streams
        let snapshots = self.snapshots
        let fetching = self.fetching
        DispatchQueue.global().async {
            if let body = streams.depthSnapshot(of: symbol) {
                snapshots.post((symbol, body))
            }
            fetching.remove(symbol)
        }
    }
}

extension VenueFrameParser {
    /// The parser of a live session's venue; Gate.io futures need each contract's
    /// quanto multiplier (``GateContracts``).
    static func of(_ connection: VenueConnection, multipliers: [String: Quantity] = [:]) -> VenueFrameParser {
        switch connection.venue {
        case .binance, .binanceFutures: return VenueFrameParser(.binance, market: connection.isFutures ? .usdMargined : .spot)
        case .gate: return VenueFrameParser(.gateSpot)
        case .gateFutures: return VenueFrameParser(.gateFutures, multipliers: multipliers)
        }
    }
}
