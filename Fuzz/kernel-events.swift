import EngineCore
import MarketModel
import OrderBook
import Simulation
import Strategies
import Trading

/// libFuzzer's entry: any bytes read as a market of two symbols (trades, depth
/// snapshots and diffs with gaps, tickers, clocks that step back) and a trader's
/// commands, run through the real backtest loop (``BacktestRun``: kernel, strategy,
/// simulated venue, latency queue). What must hold at every step:
/// - every order sent fits the exchange's filters (tick, step, minimum notional);
/// - spot cash never goes below zero and a spot position is never short;
/// - a book is never left crossed after a diff (the repair rule).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKernelEvents(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzBytes(UnsafeBufferPointer(start: data, count: size))
    guard let choice = input.next() else { return 0 }
    let entry = StrategyCatalog.entries[Int(choice) % StrategyCatalog.entries.count]
    // Detectors trade only with AutoBuy; every strategy gets it where it has one.
    let given: [(key: String, value: ParameterValue, source: String)] = entry.specs.contains(where: { (spec: ParameterSpec) in spec.name == "AutoBuy" }) ? [("AutoBuy", .flag(true), "fuzz")] : []
    guard let parameters = try? ParameterSet(specs: entry.specs, given: given) else { return 0 }
    let symbols = ["BTCUSDT", "ETHUSDT"]
    var rules: [String: SymbolRules] = [:]
    for symbol in symbols {
        var symbolRules = SymbolRules(symbol: symbol, tickSize: Price(units: 1_000_000), stepSize: Quantity(units: 1_000), fetchedAt: Timestamp(nanoseconds: 0))
        symbolRules.minQuantity = Quantity(units: 1_000)
        symbolRules.minNotional = Money(units: 5 * 100_000_000)
        rules[symbol] = symbolRules
    }
    var run = BacktestRun.simulated(market: .spot, strategies: [entry.make(parameters)], cash: Money(units: 10_000 * 100_000_000), exchangeRules: rules)
    nonisolated(unsafe) var sent: [OrderRequest] = []
    run.observer = { observation in
        if case .submitted(let request, _) = observation { sent.append(request) }
    }
    var market = FuzzMarket(symbols: symbols)
    while let operation = input.next() {
        switch operation % 8 {
        case 0, 1, 2: if let event = market.trade(&input) { run.feed(event) }
        case 3: if let event = market.snapshot(&input) { run.feed(event) }
        case 4: if let event = market.delta(&input) { run.feed(event) }
        case 5: if let event = market.ticker(&input) { run.feed(event) }
        case 6: if let command = market.order(&input) { run.user(command) }
        default:
            guard let what = input.next() else { break }
            switch what % 4 {
            case 0: run.user(.panicSell(symbol: symbols[Int(what / 4) % 2]))
            case 1: run.user(.cancelAll(symbol: nil))
            default: run.advanceClock(to: market.step(by: Int64(what) * 50_000_000))
            }
        }
        for request in sent { check(request, rules: rules[request.symbol]) }
        sent.removeAll(keepingCapacity: true)
        precondition(run.kernel.account.cash.units >= 0, "spot cash went negative: \(run.kernel.account.cash)")
        for symbol in symbols {
            if let position = run.kernel.account.position(symbol) {
                precondition(position.quantity.units >= 0, "a spot position went short: \(symbol) \(position.quantity)")
            }
            if let book = run.kernel.book(for: symbol) {
                precondition(!book.isCrossed, "the \(symbol) book was left crossed")
            }
        }
    }
    run.finish()
    for request in sent { check(request, rules: rules[request.symbol]) }
    return 0
}

/// An order must fit its symbol's filters (the price band needs a reference price
/// the venue has, so it is checked there, not here).
func check(_ request: OrderRequest, rules: SymbolRules?) {
    guard let rules else { preconditionFailure("an order for \(request.symbol), which has no rules") }
    precondition(request.quantity.units > 0 && request.quantity.units % rules.stepSize.units == 0, "\(request.id) quantity \(request.quantity) is off the step \(rules.stepSize)")
    if let price = request.kind.limitPrice {
        if let violation = rules.check(price: price, quantity: request.quantity, reduceOnly: request.reduceOnly, reference: nil) {
            preconditionFailure("\(request.id) \(request.origin) breaks the exchange's filters: \(violation)")
        }
    }
}

/// The fuzzer's bytes, read one at a time.
struct FuzzBytes {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func next() -> UInt8? {
        guard index < bytes.count else { return nil }
        defer { index += 1 }
        return bytes[index]
    }
}

/// A market walked by the fuzzer's bytes: prices on a 0.01 grid near each symbol's
/// last price, quantities on a 0.00001 step, a clock that mostly moves on and
/// sometimes steps back.
struct FuzzMarket {
    let symbols: [String]
    var mids: [Int64]
    var updateIDs: [UInt64]
    var now: Int64 = 1_723_161_255_000_000_000
    var tradeID: UInt64 = 1
    let tick: Int64 = 1_000_000

    init(symbols: [String]) {
        self.symbols = symbols
        mids = symbols.map { _ in 100 * 100_000_000 }
        updateIDs = symbols.map { _ in 1_000 }
    }

    mutating func step(by nanoseconds: Int64) -> Timestamp {
        now += nanoseconds
        return Timestamp(nanoseconds: now)
    }

    /// The next event's time: 0–127 ms on, or 1–128 ms back when the high bit is set.
    mutating func time(_ byte: UInt8) -> EventTime {
        let step = byte & 0x80 == 0 ? Int64(byte) * 1_000_000 : -Int64(byte & 0x7F + 1) * 1_000_000
        let received = self.step(by: step)
        return EventTime(exchange: Timestamp(nanoseconds: now - 3_000_000), received: received)
    }

    func price(_ index: Int, ticks: Int64) -> Price {
        Price(units: max(tick, mids[index] + ticks * tick))
    }

    mutating func trade(_ input: inout FuzzBytes) -> MarketEvent? {
        guard let which = input.next(), let move = input.next(), let size = input.next(), let clock = input.next() else { return nil }
        let index = Int(which & 1)
        // A move of up to ±127 ticks (±1.27 at 100): spikes and crashes included.
        mids[index] = max(tick, mids[index] + Int64(Int8(bitPattern: move)) * tick)
        tradeID += 1
        let time = self.time(clock)
        return .trade(TradePrint(symbol: symbols[index], id: tradeID, price: Price(units: mids[index]), quantity: Quantity(units: (Int64(size) + 1) * 1_000 * Int64(which >> 1 | 1)), aggressor: which & 2 == 0 ? .buy : .sell, tradeTime: time.received, time: time))
    }

    mutating func levels(_ input: inout FuzzBytes, index: Int, side: Side, count: Int, zeros: Bool) -> [BookLevel] {
        var levels: [BookLevel] = []
        for level in 0..<count {
            guard let size = input.next() else { break }
            let offset = Int64(level + 1) * (side == .buy ? -1 : 1)
            let quantity = zeros && size < 32 ? Quantity.zero : Quantity(units: Int64(size) * 100_000)
            levels.append(BookLevel(price: price(index, ticks: offset), quantity: quantity))
        }
        return levels
    }

    mutating func snapshot(_ input: inout FuzzBytes) -> MarketEvent? {
        guard let which = input.next(), let clock = input.next() else { return nil }
        let index = Int(which & 1)
        let count = Int(which >> 1) % 6
        let bids = levels(&input, index: index, side: .buy, count: count, zeros: false).filter { $0.quantity.units > 0 }
        let asks = levels(&input, index: index, side: .sell, count: count, zeros: false).filter { $0.quantity.units > 0 }
        updateIDs[index] += 10
        return .bookSnapshot(BookSnapshot(symbol: symbols[index], lastUpdateID: updateIDs[index], bids: bids, asks: asks, time: time(clock)))
    }

    /// A diff: in sequence, or after a gap, or a repeat, by the fuzzer's choice; its
    /// levels may cross the other side (a real feed's moment before the next diff).
    mutating func delta(_ input: inout FuzzBytes) -> MarketEvent? {
        guard let which = input.next(), let shift = input.next(), let clock = input.next() else { return nil }
        let index = Int(which & 1)
        let first: UInt64
        switch which >> 1 & 3 {
        case 0: first = updateIDs[index] + 5
        case 1: first = updateIDs[index]
        default: first = updateIDs[index] + 1
        }
        let last = first + UInt64(which >> 3 & 3)
        updateIDs[index] = max(updateIDs[index], last)
        let saved = mids[index]
        mids[index] = max(tick, mids[index] + Int64(Int8(bitPattern: shift)) * tick)
        let bids = levels(&input, index: index, side: .buy, count: 3, zeros: true)
        mids[index] = saved
        let asks = levels(&input, index: index, side: .sell, count: 3, zeros: true)
        return .bookDelta(BookDelta(symbol: symbols[index], firstUpdateID: first, finalUpdateID: last, bids: bids, asks: asks, time: time(clock)))
    }

    mutating func ticker(_ input: inout FuzzBytes) -> MarketEvent? {
        guard let which = input.next(), let size = input.next(), let clock = input.next() else { return nil }
        let index = Int(which & 1)
        let quantity = Quantity(units: (Int64(size) + 1) * 100_000)
        updateIDs[index] += 1
        return .bestBidAsk(BestBidAsk(symbol: symbols[index], updateID: updateIDs[index], bid: BookLevel(price: price(index, ticks: -1), quantity: quantity), ask: BookLevel(price: price(index, ticks: 1), quantity: quantity), time: time(clock)))
    }

    /// A trader's order: a limit near the price or a market order, of a size that may
    /// be off the step or under the minimum (the kernel must fix or refuse it).
    mutating func order(_ input: inout FuzzBytes) -> UserCommand? {
        guard let which = input.next(), let offset = input.next(), let size = input.next() else { return nil }
        let index = Int(which & 1)
        let kind: OrderKind = which & 4 == 0 ? .limit(Price(units: price(index, ticks: Int64(Int8(bitPattern: offset))).units + (which & 8 == 0 ? 0 : 1))) : .market
        let quantity = Quantity(units: Int64(size) * Int64(which >> 4 | 1) * 997)
        return .place(OrderIntent(symbol: symbols[index], side: which & 2 == 0 ? .buy : .sell, kind: kind, quantity: quantity))
    }
}
