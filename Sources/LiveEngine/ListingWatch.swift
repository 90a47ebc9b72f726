import Foundation
import MarketModel
import Synchronization
import Trading
import VenueClients

/// A change in the quote market while a session runs: a symbol newly listed (and now
/// streamed), or one whose status changed (halted, trading again, delisted). Its rules
/// say which: a status other than TRADING refuses every order on it.
public struct ListingChange: Sendable {
    public var rules: SymbolRules
    /// True when the symbol was just added to the streams.
    public var listed: Bool
}

/// Reads the quote market's listing again every `interval` seconds on a thread of its
/// own (`apogee live --quote`), so new listings are streamed and delistings stop the
/// trading of their symbol without a restart. The sessions take the changes with
/// ``take()`` and hand them to their kernel. A listing that cannot be read is tried at
/// the next interval; nothing changes meanwhile.
public final class ListingWatch: @unchecked Sendable {
    public let quote: String
    public let interval: Double
    private let connection: VenueConnection
    private let streams: MarketStreamSet
    private let changes = CommandQueue<ListingChange>()
    private let stopped = Atomic<Bool>(false)
    /// Signalled by ``stop()``: the wait between reads ends at once.
    private let wake = DispatchSemaphore(value: 0)
    private let reads = Atomic<Int>(0)

    init(connection: VenueConnection, quote: String, interval: Double, streams: MarketStreamSet) {
        self.connection = connection
        self.quote = quote
        self.interval = interval
        self.streams = streams
    }

    /// How many times the listing was read (for tests and the health view).
    public var listingsRead: Int { reads.load(ordering: .relaxed) }

    func start() {
        Thread.detachNewThread { [self] in run() }
    }

    func stop() {
        stopped.store(true, ordering: .relaxed)
        wake.signal()
    }

    /// The changes since the last call, in the order they were seen.
    public func take() -> [ListingChange] { changes.takeAll() }

    private func run() {
        // The symbols streamed at the start were taken from the listing as trading.
        var statuses = Dictionary(uniqueKeysWithValues: streams.symbols.map { ($0, "TRADING") })
        while !stopped.load(ordering: .relaxed) {
            _ = wake.wait(timeout: .now() + .nanoseconds(Int(interval * 1e9)))
            if stopped.load(ordering: .relaxed) { return }
            let now = Timestamp(nanoseconds: WallClock.now())
            guard let listing = try? QuoteMarket.listing(connection, quote: quote, at: now) else { continue }
            reads.add(1, ordering: .relaxed)
            let streamed = Set(streams.symbols)
            for rules in listing {
                let status = rules.status ?? "TRADING"
                if rules.isTrading, !streamed.contains(rules.symbol) {
                    // Not added (no connection now): tried again next time.
                    guard !streams.add([rules.symbol]).isEmpty else { continue }
                    statuses[rules.symbol] = status
                    changes.post(ListingChange(rules: rules, listed: true))
                } else if let known = statuses[rules.symbol], known != status {
                    statuses[rules.symbol] = status
                    changes.post(ListingChange(rules: rules, listed: false))
                }
            }
            // Gone from the listing altogether: delisted.
            let listed = Set(listing.map(\.symbol))
            for symbol in streamed.sorted() where !listed.contains(symbol) && statuses[symbol] != "DELISTED" {
                var rules = SymbolRules(symbol: symbol, tickSize: .zero, stepSize: .zero, fetchedAt: now)
                rules.status = "DELISTED"
                statuses[symbol] = "DELISTED"
                changes.post(ListingChange(rules: rules, listed: false))
            }
        }
    }
}
