import MarketModel
import OrderBook
import Testing

@Suite("Book side")
struct BookSideTests {
    @Test("keeps bids best-first by highest price and asks by lowest")
    func ordering() {
        var bids = BookSide(side: .buy)
        var asks = BookSide(side: .sell)
        for price in ["100", "102", "101", "99"] { bids.set(Fixture.level(price, "1").price, Fixture.level(price, "1").quantity) }
        for price in ["105", "103", "104"] { asks.set(Fixture.level(price, "2").price, Fixture.level(price, "2").quantity) }
        #expect(bids.best == Fixture.level("102", "1"))
        #expect(asks.best == Fixture.level("103", "2"))
        #expect(bids.top(3).map(\.price.description) == ["102", "101", "100"])
        #expect(asks.top(10).map(\.price.description) == ["103", "104", "105"])
    }

    @Test("updates, removes, and ignores removal of a level it does not have")
    func updateAndRemove() {
        var bids = BookSide(side: .buy)
        let price = Fixture.level("100.5", "0").price
        bids.set(price, Fixture.level("0", "1.25").quantity)
        bids.set(price, Fixture.level("0", "3").quantity)
        #expect(bids.quantity(at: price) == Fixture.level("0", "3").quantity)
        #expect(bids.count == 1)
        bids.set(Fixture.level("99", "0").price, .zero)
        #expect(bids.count == 1)
        bids.set(price, .zero)
        #expect(bids.isEmpty)
        #expect(bids.best == nil)
        #expect(bids.quantity(at: price) == .zero)
    }

    @Test("cumulative depth runs from the best level outwards")
    func cumulativeDepth() {
        var asks = BookSide(side: .sell)
        for (price, quantity) in [("10", "1"), ("11", "2"), ("12", "3")] {
            let level = Fixture.level(price, quantity)
            asks.set(level.price, level.quantity)
        }
        #expect(asks.cumulativeDepth(2) == [Fixture.level("10", "1"), Fixture.level("11", "3")])
        #expect(asks.cumulativeQuantity(through: Fixture.level("11.5", "0").price) == Fixture.level("0", "3").quantity)
        #expect(asks.cumulativeQuantity(through: Fixture.level("12", "0").price) == Fixture.level("0", "6").quantity)
    }
}
