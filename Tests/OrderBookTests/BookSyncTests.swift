import MarketModel
import OrderBook
import Testing

@Suite("Book synchronisation, spot rule (U == previous u + 1)")
struct SpotSyncTests {
    func seededBook() -> OrderBook {
        var book = OrderBook(symbol: "BTCUSDT", rule: .sequential)
        book.apply(Fixture.snapshot(100, bids: [("99", "1"), ("98", "2")], asks: [("101", "1"), ("102", "2")]))
        return book
    }

    @Test("buffers diffs before the snapshot, drops the covered ones and starts from the straddling one")
    func bufferedStraddle() {
        var book = OrderBook(symbol: "BTCUSDT", rule: .sequential)
        #expect(book.apply(Fixture.delta(90, 95, bids: [("97", "5")])) == .appliedUnsynced)
        // Straddles a snapshot with id 100: 96 <= 101 <= 103.
        #expect(book.apply(Fixture.delta(96, 103, bids: [("99", "4")], asks: [("101", "0")])) == .appliedUnsynced)
        #expect(book.state == .partial)
        let outcome = book.apply(Fixture.snapshot(100, bids: [("99", "1"), ("98", "2")], asks: [("101", "1"), ("102", "2")]))
        #expect(outcome == .seeded(appliedBufferedDiffs: 1))
        #expect(book.state == .synced)
        #expect(book.lastUpdateID == 103)
        // The covered diff (u=95 <= 100) was dropped: no level at 97.
        #expect(book.quantity(at: Fixture.level("97", "0").price, side: .buy) == .zero)
        #expect(book.bestBid == Fixture.level("99", "4"))
        #expect(book.bestAsk == Fixture.level("102", "2"))
        #expect(book.apply(Fixture.delta(104, 104, asks: [("101.5", "1")])) == .applied)
        #expect(book.bestAsk == Fixture.level("101.5", "1"))
        #expect(book.statistics.gaps == 0)
    }

    @Test("after a snapshot newer than every buffered diff, waits for the straddling diff")
    func waitsForStraddle() {
        var book = seededBook()
        #expect(book.apply(Fixture.delta(95, 100)) == .stale)
        #expect(book.apply(Fixture.delta(99, 105, bids: [("99.5", "1")])) == .applied)
        #expect(book.state == .synced)
        #expect(book.bestBid == Fixture.level("99.5", "1"))
    }

    @Test("a snapshot older than the first diff on hand is too old")
    func snapshotTooOld() {
        var book = OrderBook(symbol: "BTCUSDT", rule: .sequential)
        book.apply(Fixture.delta(150, 160, bids: [("99", "3")]))
        let outcome = book.apply(Fixture.snapshot(100, bids: [("99", "1")], asks: [("101", "1")]))
        #expect(outcome == .tooOld(firstBufferedUpdateID: 150))
        #expect(book.state == .resyncing)
        #expect(book.statistics.staleSnapshots == 1)
        #expect(book.statistics.gaps == 1)
    }

    @Test("duplicate and out-of-order diffs are dropped as stale")
    func duplicatesAndReordering() {
        var book = seededBook()
        #expect(book.apply(Fixture.delta(101, 105, bids: [("99", "7")])) == .applied)
        #expect(book.apply(Fixture.delta(101, 105, bids: [("99", "1")])) == .stale)
        #expect(book.apply(Fixture.delta(96, 100, bids: [("99", "1")])) == .stale)
        #expect(book.bestBid == Fixture.level("99", "7"))
        #expect(book.statistics.staleDiffs == 2)
        #expect(book.statistics.gaps == 0)
        #expect(book.state == .synced)
    }

    @Test("a gap loses sync; a newer snapshot restores it and counts a resync")
    func gapAndResync() {
        var book = seededBook()
        #expect(book.apply(Fixture.delta(101, 105)) == .applied)
        #expect(book.apply(Fixture.delta(107, 110, asks: [("101", "3")])) == .gap(expectedAfter: 105, firstUpdateID: 107, finalUpdateID: 110))
        #expect(book.state == .resyncing)
        #expect(book.isDepthPartial)
        #expect(book.statistics.gaps == 1)
        // Diffs keep coming and are applied best-effort while the book waits.
        #expect(book.apply(Fixture.delta(111, 112, bids: [("99", "9")])) == .appliedUnsynced)
        #expect(book.bestBid == Fixture.level("99", "9"))
        let outcome = book.apply(Fixture.snapshot(111, bids: [("99", "2")], asks: [("101", "3")]))
        #expect(outcome == .seeded(appliedBufferedDiffs: 1))
        #expect(book.state == .synced)
        #expect(book.statistics.resyncs == 1)
        #expect(book.bestBid == Fixture.level("99", "9"))
    }

    @Test("an overlapping diff continues the book: quantities are absolute")
    func overlap() {
        var book = seededBook()
        #expect(book.apply(Fixture.delta(101, 110)) == .applied)
        #expect(book.apply(Fixture.delta(105, 115, bids: [("99", "5")])) == .applied)
        #expect(book.lastUpdateID == 115)
    }

    @Test("a snapshot older than the book is ignored")
    func olderSnapshotIgnored() {
        var book = seededBook()
        book.apply(Fixture.delta(101, 120, bids: [("99", "5")]))
        #expect(book.apply(Fixture.snapshot(110, bids: [("50", "1")], asks: [("150", "1")])) == .ignoredOlder)
        #expect(book.bestBid == Fixture.level("99", "5"))
    }

    @Test("without a snapshot the book builds from diffs and says its depth is partial")
    func noSnapshot() {
        var book = OrderBook(symbol: "BTCUSDT", rule: .sequential)
        book.apply(Fixture.delta(1, 5, bids: [("99", "1")], asks: [("101", "1")]))
        book.apply(Fixture.delta(6, 9, bids: [("99.5", "2")]))
        #expect(book.state == .partial)
        #expect(book.isDepthPartial)
        #expect(book.bestBid == Fixture.level("99.5", "2"))
        #expect(book.bestAsk == Fixture.level("101", "1"))
        #expect(book.apply(Fixture.delta(12, 13)) == .gap(expectedAfter: 9, firstUpdateID: 12, finalUpdateID: 13))
        #expect(book.state == .partial)
    }

    @Test("the buffer keeps only the newest diffs when it overflows")
    func bufferBound() {
        var book = OrderBook(symbol: "BTCUSDT", rule: .sequential, bufferLimit: 2)
        book.apply(Fixture.delta(1, 1))
        book.apply(Fixture.delta(2, 2))
        book.apply(Fixture.delta(3, 3, bids: [("10", "1")]))
        #expect(book.statistics.bufferOverflows == 1)
        #expect(book.apply(Fixture.snapshot(2, bids: [("9", "1")], asks: [("11", "1")])) == .seeded(appliedBufferedDiffs: 1))
        #expect(book.bestBid == Fixture.level("10", "1"))
    }
}

@Suite("Book synchronisation, futures rule (pu == previous u)")
struct FuturesSyncTests {
    @Test("chains by pu, and the first diff satisfies U <= lastUpdateId <= u")
    func chain() {
        var book = OrderBook(symbol: "BTCUSDT", rule: .previousID)
        book.apply(Fixture.delta(80, 99, previous: 70))
        book.apply(Fixture.delta(100, 130, previous: 99, bids: [("99", "3")]))
        let outcome = book.apply(Fixture.snapshot(120, bids: [("99", "1")], asks: [("101", "1")]))
        #expect(outcome == .seeded(appliedBufferedDiffs: 1))
        #expect(book.bestBid == Fixture.level("99", "3"))
        // Ids jump (futures u are not consecutive) but pu chains: continuous.
        #expect(book.apply(Fixture.delta(145, 160, previous: 130)) == .applied)
        #expect(book.apply(Fixture.delta(170, 180, previous: 165)) == .gap(expectedAfter: 160, firstUpdateID: 170, finalUpdateID: 180))
        #expect(book.state == .resyncing)
    }

    @Test("a diff ending exactly at the snapshot id straddles it on futures")
    func straddleAtEnd() {
        var book = OrderBook(symbol: "BTCUSDT", rule: .previousID)
        book.apply(Fixture.snapshot(120, bids: [("99", "1")], asks: [("101", "1")]))
        #expect(book.apply(Fixture.delta(90, 119, previous: 80)) == .stale)
        #expect(book.apply(Fixture.delta(110, 120, previous: 109, asks: [("100.5", "1")])) == .applied)
        #expect(book.bestAsk == Fixture.level("100.5", "1"))
    }
}

@Suite("Crossed books")
struct CrossedBookTests {
    @Test("a new ask below a stale bid removes the stale bid")
    func staleBidPruned() {
        var book = OrderBook(symbol: "BTCUSDT", rule: .sequential)
        book.apply(Fixture.delta(1, 1, bids: [("100", "1"), ("99", "1")], asks: [("101", "1")]))
        // The diff that removed the 100 bid was lost; a new ask at 99.5 proves it gone.
        book.apply(Fixture.delta(5, 5, asks: [("99.5", "2")]))
        #expect(!book.isCrossed)
        #expect(book.bestBid == Fixture.level("99", "1"))
        #expect(book.bestAsk == Fixture.level("99.5", "2"))
        #expect(book.statistics.prunedLevels == 1)
    }

    @Test("a new bid above stale asks removes every ask it crosses")
    func staleAsksPruned() {
        var book = OrderBook(symbol: "BTCUSDT", rule: .sequential)
        book.apply(Fixture.delta(1, 1, bids: [("99", "1")], asks: [("100", "1"), ("100.5", "1"), ("102", "1")]))
        book.apply(Fixture.delta(2, 2, bids: [("101", "4")]))
        #expect(book.bestAsk == Fixture.level("102", "1"))
        #expect(book.bestBid == Fixture.level("101", "4"))
        #expect(book.statistics.prunedLevels == 2)
    }

    @Test("a diff that moves both sides through each other prunes nothing it replaces")
    func consistentMovePrunesNothing() {
        var book = OrderBook(symbol: "BTCUSDT", rule: .sequential)
        book.apply(Fixture.snapshot(1, bids: [("99", "1")], asks: [("100", "1"), ("101", "1")]))
        book.apply(Fixture.delta(2, 2, bids: [("100", "2")], asks: [("100", "0")]))
        #expect(book.bestBid == Fixture.level("100", "2"))
        #expect(book.bestAsk == Fixture.level("101", "1"))
        #expect(book.statistics.prunedLevels == 0)
    }
}

@Suite("Book audit")
struct BookAuditTests {
    @Test("checks a ticker at the book's update id, and one that ran ahead once the book gets there")
    func checks() {
        var book = OrderBook(symbol: "BTCUSDT", rule: .sequential)
        var audit = BookAudit()
        book.apply(Fixture.snapshot(100, bids: [("99", "1")], asks: [("101", "1")]))
        audit.observe(Fixture.ticker(100, bid: ("99", "1"), ask: ("101", "1")), book: book)
        #expect(audit.checks == 1)
        audit.observe(Fixture.ticker(103, bid: ("99", "2"), ask: ("101", "1")), source: 7, book: book)
        audit.observe(Fixture.ticker(102, bid: ("99", "5"), ask: ("101", "1")), book: book)
        #expect(audit.checks == 1)
        book.apply(Fixture.delta(101, 103, bids: [("99", "2")]))
        audit.bookAdvanced(book)
        #expect(audit.checks == 2)
        #expect(audit.mismatches == 0)
    }

    @Test("reports a disagreement with both sides' figures")
    func mismatch() {
        var book = OrderBook(symbol: "BTCUSDT", rule: .sequential)
        var audit = BookAudit()
        book.apply(Fixture.snapshot(100, bids: [("99", "1")], asks: [("101", "1")]))
        audit.observe(Fixture.ticker(100, bid: ("99", "1.5"), ask: ("101", "1")), source: 42, book: book)
        #expect(audit.mismatches == 1)
        let first = audit.firstMismatches.first
        #expect(first?.source == 42)
        #expect(first?.exchangeBid == Fixture.level("99", "1.5"))
        #expect(first?.bookBid == Fixture.level("99", "1"))
    }

    @Test("does not check an unsynced book")
    func unsynced() {
        var book = OrderBook(symbol: "BTCUSDT", rule: .sequential)
        var audit = BookAudit()
        book.apply(Fixture.delta(1, 5, bids: [("99", "1")], asks: [("101", "1")]))
        audit.observe(Fixture.ticker(5, bid: ("99", "1"), ask: ("101", "1")), book: book)
        #expect(audit.checks == 0)
        #expect(audit.skippedUnsynced == 1)
    }
}
