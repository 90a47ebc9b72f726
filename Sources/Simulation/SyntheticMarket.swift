import MarketModel

/// A whole synthetic quote market for tests, benchmarks and the detectors' scoring
/// (issue 18): BTC and up to hundreds of altcoins in the recording format of
/// `../shared/data` (Binance spot `@depth@100ms` diffs re-quoting ten levels a side,
/// `@bookTicker` at every update id, `@trade`, one REST snapshot per symbol).
///
/// Deterministic for a seed, and each symbol's lines depend only on the seed and that
/// symbol (so a symbol's file is the same in a 30- or a 300-symbol market).
///
/// - Prices are spread over eight decades, 0.0001 to 99,999 (BTC at 61,800); ticks are
///   powers of ten between 0.00000001 and 0.1, a 0.001–0.1 % step of the price; lots
///   are powers of ten worth about a cent.
/// - Every coin follows BTC (`beta` 0.3–1.5 times BTC's log moves) plus its own bounded
///   noise; spreads are one tick.
/// - About one coin in six (`eventEvery`) gets one injected event, listed in ``events`` (the ground
///   truth a detector is scored against):
///   - a **pump**: a crowd of taker buys (~25 prints/s) lifts the mid 8 % in 8 s; it stays;
///   - a **wick**: a market sell sweeps 12 % through the bids, then sells hit the
///     refilling bids 2 % higher every 100 ms for half a second; the mid does not move;
///   - a **drop**: taker sells take the mid down 5 % in 2 s; it stays.
public struct SyntheticMarket: Sendable {
    public struct Listing: Sendable, Hashable {
        public var name: String
        /// Price, tick and lot in units of 10⁻⁸.
        public var price: Int64
        public var tick: Int64
        public var lot: Int64
        /// How much of BTC's log move the coin follows.
        public var beta: Double
    }

    public enum Kind: String, Sendable, CaseIterable {
        case pump, wick, drop
    }

    /// One injected event: the symbol, what, and the second it starts (from `start`).
    public struct Event: Sendable, Hashable {
        public var symbol: String
        public var kind: Kind
        public var second: Int

        public init(symbol: String, kind: Kind, second: Int) {
            self.symbol = symbol
            self.kind = kind
            self.second = second
        }

        /// How long the move lasts, in seconds.
        public var duration: Int {
            switch kind {
            case .pump: return 8
            case .wick: return 1
            case .drop: return 2
            }
        }
    }

    public let seed: UInt64
    public let seconds: Int
    public let start: Timestamp
    public let listings: [Listing]
    public let events: [Event]

    /// `eventEvery`: one coin in that many gets an injected event (6 by default; tests
    /// that score detectors use 2 for more events in less data).
    public init(seed: UInt64 = 18, symbols count: Int = 40, seconds: Int = 600, eventEvery: UInt64 = 6, start: Timestamp = Timestamp(nanoseconds: 1_767_614_400_000_000_000)) {
        precondition(count >= 1 && seconds >= 120, "a synthetic market needs a symbol and two minutes")
        self.seed = seed
        self.seconds = seconds
        self.start = start
        var listings = [Listing(name: "BTCUSDT", price: 6_180_000_000_000, tick: 1_000_000, lot: 1_000, beta: 1)]
        var events: [Event] = []
        for index in 1..<count {
            var random = SeededGenerator.derived(from: seed, index: UInt64(index))
            let name = Self.name(index)
            // Price m × 10^e: e from −4 to 3, m in [1, 10).
            let exponent = -4 + Int(random.next() % 8)
            let mantissa = 1 + random.unit() * 9
            // The tick: 10^(e−4) or 10^(e−3), 0.001–0.1 % of the price, within 10⁻⁸…0.1.
            let tick = Self.powerOfTen(min(-1, max(-8, exponent - 4 + Int(random.next() % 2))))
            // The lot: a power of ten worth about a cent, within 10⁻⁸…100.
            let lot = Self.powerOfTen(min(2, max(-8, -3 - exponent)))
            var units = Int64(mantissa * Double(Self.powerOfTen(exponent)))
            units = max(tick * 100, units - units % tick)
            listings.append(Listing(name: name, price: units, tick: tick, lot: lot, beta: 0.3 + random.unit() * 1.2))
            if random.next() % max(1, eventEvery) == 0 {
                let kind = Kind.allCases[Int(random.next() % 3)]
                let second = 60 + Int(random.next() % UInt64(seconds - 120))
                events.append(Event(symbol: name, kind: kind, second: second))
            }
        }
        self.listings = listings
        self.events = events
    }

    /// 10^exponent in units of 10⁻⁸ (exponent −8…10).
    static func powerOfTen(_ exponent: Int) -> Int64 {
        var value: Int64 = 1
        for _ in 0..<(exponent + 8) { value *= 10 }
        return value
    }

    /// e^x for the small exponents of a path (|x| well under 0.1): the series to x³
    /// (Simulation does without a maths library).
    static func growth(_ x: Double) -> Double { 1 + x + x * x / 2 + x * x * x / 6 }

    /// `C001USDT`, `C002USDT`, …: names that sort in creation order.
    static func name(_ index: Int) -> String {
        let digits = String(index)
        return "C" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits + "USDT"
    }

    /// BTC's log move since the start, per 100 ms step: the market's common factor.
    public func btcPath() -> [Double] {
        var random = SeededGenerator.derived(from: seed, index: 0xB7C)
        var path = [Double](repeating: 0, count: seconds * 10)
        var value = 0.0
        for step in path.indices {
            // About 0.6 % of drift an hour with mean reversion, in 100 ms steps.
            value += (random.unit() - 0.5) * 0.00012 - value * 0.0005
            path[step] = value
        }
        return path
    }

    /// One symbol's recording, lines in receive order (`<receive ns> <message>`).
    public func recording(of listing: Listing, btc: [Double]? = nil) -> [String] {
        let btc = btc ?? btcPath()
        let index = listings.firstIndex(of: listing) ?? 0
        var random = SeededGenerator.derived(from: seed ^ 0x5EED, index: UInt64(index))
        let event = events.first { $0.symbol == listing.name }
        var output: [(time: Int64, order: Int, line: String)] = []
        var order = 0
        func emit(_ time: Int64, _ line: String) {
            output.append((time, order, line))
            order += 1
        }
        var quotes = SyntheticQuotes(symbol: listing.name, updateID: UInt64(1_000_000 * (index + 1)))
        var tradeID = UInt64(500_000 * (index + 1))
        var noise = 0.0
        let tick = listing.tick
        let base = Double(listing.price)
        for step in 0..<(seconds * 10) {
            let exchangeTime = start.nanoseconds + Int64(step) * 100_000_000
            let second = Double(step) / 10
            noise = max(-0.0008, min(0.0008, noise + (random.unit() - 0.5) * 0.0002))
            var move = 1.0
            var pumping = false
            var dropping = false
            var wickStep: Int?
            if let event {
                let from = Double(event.second)
                switch event.kind {
                case .pump:
                    if second >= from { move = 1 + 0.08 * min(1, (second - from) / 8) }
                    pumping = second >= from && second < from + 8
                case .drop:
                    if second >= from { move = 1 - 0.05 * min(1, (second - from) / 2) }
                    dropping = second >= from && second < from + 2
                case .wick:
                    let offset = step - event.second * 10
                    if offset >= 0, offset < 5 { wickStep = offset }
                }
            }
            var mid = Int64((base * Self.growth(listing.beta * btc[step] + noise) * move).rounded())
            mid = max(tick * 20, mid - mid % tick)
            let bestBid = quotes.bestBid ?? mid - tick
            let bestAsk = quotes.bestAsk ?? mid + tick

            var prints: [(price: Int64, size: Int64, buyerIsMaker: Bool)] = []
            let count = pumping ? 2 + Int(random.next() % 2) : dropping ? 3 : Int(random.next() % 3)
            for _ in 0..<count {
                let buyerIsMaker = pumping ? false : dropping ? true : random.next() % 2 == 0
                prints.append((buyerIsMaker ? bestBid : bestAsk, size(listing, &random), buyerIsMaker))
            }
            if let wickStep {
                let wick = Int64(Double(mid) * (0.88 + 0.02 * Double(wickStep)))
                prints.append((max(tick, wick - wick % tick), size(listing, &random) * (wickStep == 0 ? 40 : 5), true))
            }
            for (number, print) in prints.enumerated() {
                tradeID += 1
                let time = exchangeTime - 90_000_000 + Int64(number) * 7_000_000
                emit(time + receiveDelay(&random), quotes.tradeLine(id: tradeID, price: print.price, size: print.size, buyerIsMaker: print.buyerIsMaker, time: time))
            }

            var newBids: [Int64: Int64] = [:]
            var newAsks: [Int64: Int64] = [:]
            for level in 1...10 {
                newBids[mid - Int64(level) * tick] = quotes.bids[mid - Int64(level) * tick] ?? size(listing, &random) * Int64(1 + level / 3)
                newAsks[mid + Int64(level) * tick] = quotes.asks[mid + Int64(level) * tick] ?? size(listing, &random) * Int64(1 + level / 3)
            }
            let received = exchangeTime + receiveDelay(&random)
            quotes.quote(bids: newBids, asks: newAsks, exchangeTime: exchangeTime, received: received, snapshot: step == 3, emit: emit)
        }
        output.sort { $0.time != $1.time ? $0.time < $1.time : $0.order < $1.order }
        return output.map { "\($0.time) \($0.line)" }
    }

    /// The exchange's rules for every listing, as Binance spot's exchangeInfo answers them.
    public func exchangeInfo() -> String {
        DemoMarket.exchangeInfo(listings.map { ($0.name, $0.tick, $0.lot) }, serverTime: start)
    }

    /// The ground truth, one JSON object a line: `{"symbol":…,"kind":…,"time_ns":…,"duration_s":…}`.
    public func truthLines() -> String {
        events.map { "{\"symbol\":\"\($0.symbol)\",\"kind\":\"\($0.kind.rawValue)\",\"time_ns\":\(start.nanoseconds + Int64($0.second) * 1_000_000_000),\"duration_s\":\($0.duration)}\n" }.joined()
    }

    private func receiveDelay(_ random: inout SeededGenerator) -> Int64 {
        2_000_000 + Int64(random.next() % 4_000_000)
    }

    /// A heavy-tailed trade worth 20 USDT to a few thousand, on the lot.
    private func size(_ listing: Listing, _ random: inout SeededGenerator) -> Int64 {
        let u = random.unit()
        let value = u < 0.6 ? 20 + u * 100 : u < 0.9 ? 80 + (u - 0.6) * 1_000 : 400 + (u - 0.9) * 30_000
        let raw = Int64(value / (Double(listing.price) / 1e8) * 1e8)
        return max(listing.lot, raw - raw % listing.lot)
    }

}

