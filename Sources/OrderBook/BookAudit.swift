import DequeModule
import MarketModel

/// Checks a local book against the exchange's own best bid and ask.
///
/// Binance's `bookTicker` names the book update id `u` it reflects. Whenever that id
/// equals the final id of the last diff the book applied, the book's best levels must
/// equal the ticker's exactly, price and quantity. Tickers usually run ahead of
/// batched diffs, so a ticker newer than the book waits here until the book reaches
/// its id. This makes any recording check itself: a data-quality audit for users, and
/// the strongest test of the book.
public struct BookAudit: Sendable {
    /// One moment when the book and the exchange disagreed.
    public struct Mismatch: Hashable, Sendable {
        public var updateID: UInt64
        /// Where the ticker came from (a line number in a recording, or 0).
        public var source: Int
        public var exchangeBid: BookLevel
        public var exchangeAsk: BookLevel
        public var bookBid: BookLevel?
        public var bookAsk: BookLevel?
    }

    public private(set) var checks = 0
    public private(set) var mismatches = 0
    /// Tickers that could not be checked because the book was not synced.
    public private(set) var skippedUnsynced = 0
    /// The first few mismatches, for the report.
    public private(set) var firstMismatches: [Mismatch] = []
    public let mismatchesKept: Int
    private var waiting: Deque<(ticker: BestBidAsk, source: Int)> = []
    private let waitingLimit: Int

    public init(mismatchesKept: Int = 5, waitingLimit: Int = 512) {
        self.mismatchesKept = mismatchesKept
        self.waitingLimit = waitingLimit
    }

    /// Observes a ticker: checks it now if the book is at its id, or keeps it until the
    /// book gets there.
    public mutating func observe(_ ticker: BestBidAsk, source: Int = 0, book: OrderBook) {
        guard book.state == .synced, let last = book.lastUpdateID else {
            skippedUnsynced += 1
            return
        }
        if ticker.updateID == last {
            check(ticker, source: source, book: book)
        } else if ticker.updateID > last {
            if waiting.count == waitingLimit { waiting.removeFirst() }
            waiting.append((ticker, source))
        }
    }

    /// Called after the book applied a diff: checks the tickers that were waiting for it.
    public mutating func bookAdvanced(_ book: OrderBook) {
        guard !waiting.isEmpty else { return }
        guard book.state == .synced, let last = book.lastUpdateID else {
            skippedUnsynced += waiting.count
            waiting.removeAll()
            return
        }
        while let first = waiting.first, first.ticker.updateID <= last {
            waiting.removeFirst()
            if first.ticker.updateID == last {
                check(first.ticker, source: first.source, book: book)
            }
        }
    }

    private mutating func check(_ ticker: BestBidAsk, source: Int, book: OrderBook) {
        checks += 1
        let bid = book.bestBid
        let ask = book.bestAsk
        if bid == ticker.bid && ask == ticker.ask { return }
        mismatches += 1
        if firstMismatches.count < mismatchesKept {
            firstMismatches.append(Mismatch(updateID: ticker.updateID, source: source, exchangeBid: ticker.bid, exchangeAsk: ticker.ask, bookBid: bid, bookAsk: ask))
        }
    }
}
