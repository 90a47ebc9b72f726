import MarketModel

/// A synthetic market built to exercise the MoonBot family, in the recording format of
/// `../shared/data` (Binance spot combined streams: `@depth@100ms` diffs re-quoting a
/// 10-level book around the mid, `@bookTicker` at every update id, `@trade`, one REST
/// snapshot). Deterministic for a seed. Its 20 minutes, for one symbol at 100.00:
///
/// | from (s) | what happens |
/// |---|---|
/// | 0 | a quiet market: the mid wanders within ±0.05 around 100 (a 0.1 % channel) |
/// | 600 | a pump: a crowd of taker buys (~25 prints/s) lifts the mid 8 % in 8 s |
/// | 608 | it settles near 108 |
/// | 660 | a wick: a large taker sell prints 12 % under the mid, then sells hit bids 2 % higher every 100 ms for 0.5 s; the quoted mid does not move |
/// | 700 | a fast drop: taker sells take the mid down 5 % in 2 s |
/// | 702 | a partial recovery, +2 % over 18 s, then quiet again to 1200 |
public struct SpikeScenario {
    public static let symbol = "SPIKEUSDT"
    public static let events: [(second: Int, name: String)] = [(600, "pump"), (660, "wick"), (700, "drop")]
    public let seed: UInt64
    public let start: Timestamp
    let tick: Int64 = 1_000_000            // 0.01
    let lot: Int64 = 100_000               // 0.001
    let seconds = 1200

    public init(seed: UInt64 = 7, start: Timestamp = Timestamp(nanoseconds: 1_767_614_400_000_000_000)) {
        self.seed = seed
        self.start = start
    }

    /// The mid (in price units) the scenario wants at `step` (tenths of a second),
    /// before noise.
    func path(_ step: Int) -> Double {
        let second = Double(step) / 10
        switch second {
        case ..<600: return 100
        case ..<608: return 100 + 8 * (second - 600) / 8
        case ..<700: return 108
        case ..<702: return 108 - 5.4 * (second - 700) / 2
        case ..<720: return 102.6 + 2 * (second - 702) / 18
        default: return 104.6
        }
    }

    /// The recording's lines in receive order.
    public func lines() -> [String] {
        var generator = SeededGenerator(seed: seed)
        var output: [(time: Int64, order: Int, line: String)] = []
        var order = 0
        func emit(_ time: Int64, _ line: String) {
            output.append((time, order, line))
            order += 1
        }
        var quotes = SyntheticQuotes(symbol: Self.symbol, updateID: 5_000_000)
        var tradeID: UInt64 = 900_000
        var noise = 0.0
        for step in 0..<(seconds * 10) {
            let exchangeTime = start.nanoseconds + Int64(step) * 100_000_000
            let second = step / 10
            // A bounded random walk keeps the quiet channel within ±0.05.
            noise = max(-0.05, min(0.05, noise + (generator.unit() - 0.5) * 0.02))
            var mid = Int64(((path(step) + noise) * 1e8).rounded())
            mid -= mid % tick
            let pumping = second >= 600 && second < 608
            let dropping = second >= 700 && second < 702
            let bestBid = quotes.bestBid ?? mid - tick
            let bestAsk = quotes.bestAsk ?? mid + tick

            var prints: [(price: Int64, size: Int64, buyerIsMaker: Bool)] = []
            let count = pumping ? 2 + Int(generator.next() % 2) : dropping ? 3 : Int(generator.next() % 3)
            for _ in 0..<count {
                let buyerIsMaker = pumping ? false : dropping ? true : generator.next() % 2 == 0
                prints.append((buyerIsMaker ? bestBid : bestAsk, size(&generator), buyerIsMaker))
            }
            if step >= 6600, step < 6605 {
                // The wick: a market sell sweeps 12 % through the bids; more sells hit
                // the refilling bids 2 % higher every 100 ms for half a second.
                let wick = Int64(Double(mid) * (0.88 + 0.02 * Double(step - 6600)))
                prints.append((wick - wick % tick, (step == 6600 ? 50 : 5) * 100_000_000, true))
            }
            for (index, print) in prints.enumerated() {
                tradeID += 1
                let time = exchangeTime - 90_000_000 + Int64(index) * 7_000_000
                emit(time + receiveDelay(&generator), quotes.tradeLine(id: tradeID, price: print.price, size: print.size, buyerIsMaker: print.buyerIsMaker, time: time))
            }

            // Re-quote the book: 10 levels a side around the mid.
            var newBids: [Int64: Int64] = [:]
            var newAsks: [Int64: Int64] = [:]
            for level in 1...10 {
                newBids[mid - Int64(level) * tick] = quotes.bids[mid - Int64(level) * tick] ?? size(&generator) * Int64(1 + level / 3)
                newAsks[mid + Int64(level) * tick] = quotes.asks[mid + Int64(level) * tick] ?? size(&generator) * Int64(1 + level / 3)
            }
            let received = exchangeTime + receiveDelay(&generator)
            quotes.quote(bids: newBids, asks: newAsks, exchangeTime: exchangeTime, received: received, snapshot: step == 3, emit: emit)
        }
        output.sort { $0.time != $1.time ? $0.time < $1.time : $0.order < $1.order }
        return output.map { "\($0.time) \($0.line)" }
    }

    private func receiveDelay(_ generator: inout SeededGenerator) -> Int64 {
        2_000_000 + Int64(generator.next() % 4_000_000)
    }

    /// Sizes between 0.05 and 2, most small.
    private func size(_ generator: inout SeededGenerator) -> Int64 {
        let u = generator.unit()
        let raw = Int64((0.05 + u * u * 1.95) * 1e8)
        return max(lot, raw - raw % lot)
    }

    static func text(_ units: Int64) -> String { FixedPoint.format(units: units, fractionDigits: 8) }
}
