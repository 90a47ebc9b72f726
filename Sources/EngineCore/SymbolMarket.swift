import MarketModel
import OrderBook
import Strategies
import Trading

/// The kernel's view of one symbol's market.
struct SymbolMarket: Sendable {
    let symbol: String
    var book: OrderBook?
    var lastPrice: Price?
    var bestBid: Price?
    var bestAsk: Price?
    var candles = CandleSeries()
    var recentTrades = RecentTrades()
    /// Greatest common divisors of the prices and quantities seen: the increments the
    /// exchange uses, when nobody configured them.
    var priceStep: Int64 = 0
    var quantityStep: Int64 = 0
    /// Prices folded into the step so far: after enough of them the step is settled.
    var stepSamples = 0

    /// The exchange's rules, once read: their tick and lot replace the inferred ones.
    var rules: SymbolRules?
    /// This symbol's changes as they are in the market average.
    var changes: MarketContext.Changes?
    /// When a strategy last detected here.
    var lastDetect: Timestamp?

    init(symbol: String) { self.symbol = symbol }

    /// The price increment: the step the prices seen share, but never coarser than a
    /// thousandth of the price (a handful of round prints must not pass for the tick).
    var tick: Price {
        if let rules, rules.tickSize.units > 0 { return rules.tickSize }
        var step = max(priceStep, 1)
        if let reference = lastPrice ?? bestBid, reference.units > 0 {
            while step > 1, step > reference.units / 1000 { step = max(step / 10, 1) }
        }
        return Price(units: step)
    }

    var lot: Quantity {
        if let rules, rules.stepSize.units > 0 { return rules.stepSize }
        return Quantity(units: max(quantityStep, 1))
    }

    mutating func learnSteps(from levels: [BookLevel]) {
        guard stepSamples < 5000 else { return }
        for level in levels {
            priceStep = Self.gcd(priceStep, level.price.units)
            if level.quantity.units > 0 { quantityStep = Self.gcd(quantityStep, level.quantity.units) }
        }
        stepSamples += levels.count
    }

    mutating func apply(_ event: MarketEvent, rule: BookSyncRule) {
        switch event {
        case .trade(let trade):
            lastPrice = trade.price
            candles.add(price: trade.price, quantity: trade.quantity, at: trade.time.received)
            recentTrades.append(trade)
            priceStep = Self.gcd(priceStep, trade.price.units)
            quantityStep = Self.gcd(quantityStep, trade.quantity.units)
        case .bookDelta(let delta):
            if stepSamples < 5000 {
                learnSteps(from: delta.bids)
                learnSteps(from: delta.asks)
            }
            if book == nil { book = OrderBook(symbol: symbol, rule: rule) }
            book!.apply(delta)
            bestBid = book!.bestBid?.price
            bestAsk = book!.bestAsk?.price
        case .bookSnapshot(let snapshot):
            learnSteps(from: snapshot.bids)
            learnSteps(from: snapshot.asks)
            if book == nil { book = OrderBook(symbol: symbol, rule: rule) }
            book!.apply(snapshot)
            bestBid = book!.bestBid?.price
            bestAsk = book!.bestAsk?.price
        case .bestBidAsk(let ticker):
            // A synced book is the better source; the ticker fills in without one.
            if book?.state != .synced {
                bestBid = ticker.bid.price
                bestAsk = ticker.ask.price
            }
        }
    }

    static func gcd(_ a: Int64, _ b: Int64) -> Int64 {
        var x = a.magnitude
        var y = b.magnitude
        while y != 0 { (x, y) = (y, x % y) }
        return Int64(x)
    }
}
