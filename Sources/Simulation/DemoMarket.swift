import MarketModel

/// A synthetic market in the recording format of `../shared/data` (Binance spot
/// combined streams: `@depth@100ms` diffs, `@bookTicker`, `@trade`, one REST snapshot
/// per symbol), for the bundled demo: deterministic for a seed, coherent (every ticker
/// matches the book at its update id, so the audit passes), and with a spike and a
/// drop per symbol so the strategies have something to do.
///
/// Shape, loosely after the real files' statistics: one-tick spreads, a 20-level book a
/// side refreshed every 100 ms, bursts of trades with heavy-tailed sizes (~60 % of prints
/// under the median size), a quiet drift of a few basis points a minute.
public struct DemoMarket {
    public struct Symbol: Sendable {
        public var name: String
        public var price: Int64
        public var tick: Int64
        public var lot: Int64
        public var typicalSize: Int64

        public init(name: String, price: Double, tick: Double, lot: Double, typicalSize: Double) {
            self.name = name
            self.price = Int64((price * 1e8).rounded())
            self.tick = Int64((tick * 1e8).rounded())
            self.lot = Int64((lot * 1e8).rounded())
            self.typicalSize = Int64((typicalSize * 1e8).rounded())
        }
    }

    public static let defaultSymbols = [
        Symbol(name: "BTCUSDT", price: 61_800, tick: 0.01, lot: 0.00001, typicalSize: 0.004),
        Symbol(name: "ETHUSDT", price: 2_683, tick: 0.01, lot: 0.0001, typicalSize: 0.05),
        Symbol(name: "SOLUSDT", price: 152.4, tick: 0.01, lot: 0.001, typicalSize: 2),
    ]

    struct State {
        var symbol: Symbol
        var mid: Int64
        var quotes: SyntheticQuotes
        var tradeID: UInt64
    }

    public let seed: UInt64
    public let seconds: Int
    public let start: Timestamp
    public let symbols: [Symbol]

    public init(seed: UInt64 = 2026, seconds: Int = 480, start: Timestamp = Timestamp(nanoseconds: 1_767_614_400_000_000_000), symbols: [Symbol] = DemoMarket.defaultSymbols) {
        self.seed = seed
        self.seconds = seconds
        self.start = start
        self.symbols = symbols
    }

    /// Each symbol's recording (one file per symbol, as the real recordings are: a REST
    /// snapshot names no symbol, so a file holds one), lines in receive order.
    public func recordings() -> [(symbol: String, lines: [String])] {
        let all = lines()
        return symbols.enumerated().map { index, symbol in
            (symbol.name, all.filter { $0.symbol == index }.map(\.line))
        }
    }

    /// Every line of every symbol, in receive order, tagged with its symbol's index.
    func lines() -> [(symbol: Int, line: String)] {
        var generator = SeededGenerator(seed: seed)
        var states = symbols.enumerated().map { index, symbol in
            State(symbol: symbol, mid: symbol.price, quotes: SyntheticQuotes(symbol: symbol.name, updateID: 1_000_000 * UInt64(index + 1)), tradeID: 500_000 * UInt64(index + 1))
        }
        var output: [(time: Int64, order: Int, symbol: Int, line: String)] = []
        var order = 0
        var current = 0
        func emit(_ time: Int64, _ line: String) {
            output.append((time, order, current, line))
            order += 1
        }
        let steps = seconds * 10
        for step in 0..<steps {
            let exchangeTime = start.nanoseconds + Int64(step) * 100_000_000
            for index in states.indices {
                current = index
                var state = states[index]
                let symbol = state.symbol
                // The mid drifts; a spike at 40 % and a drop at 70 % of the session.
                let phase = Double(step) / Double(steps)
                var drift = Int64((generator.unit() - 0.5) * 2.2) * symbol.tick
                let spike = phase > 0.40 + 0.03 * Double(index) && phase < 0.405 + 0.03 * Double(index)
                let drop = phase > 0.70 + 0.02 * Double(index) && phase < 0.708 + 0.02 * Double(index)
                if spike { drift += state.mid / 600 }
                if drop { drift -= state.mid / 400 }
                state.mid = max(symbol.tick * 100, state.mid + drift)
                state.mid -= state.mid % symbol.tick

                // Trades during the last 100 ms, at the touch of the book as it was.
                let bestBid = state.quotes.bestBid ?? state.mid - symbol.tick
                let bestAsk = state.quotes.bestAsk ?? state.mid + symbol.tick
                let tradeCount = Int(generator.next() % (spike || drop ? 12 : 4))
                for trade in 0..<tradeCount {
                    let buyerIsMaker = spike ? generator.next() % 4 == 0 : drop ? generator.next() % 4 != 0 : generator.next() % 2 == 0
                    let price = buyerIsMaker ? bestBid : bestAsk
                    let size = Self.size(symbol, &generator)
                    state.tradeID += 1
                    let time = exchangeTime - 90_000_000 + Int64(trade) * 7_000_000
                    emit(time + receiveDelay(&generator), state.quotes.tradeLine(id: state.tradeID, price: price, size: size, buyerIsMaker: buyerIsMaker, time: time))
                }

                // The book around the new mid: 20 levels a side. Most levels keep their
                // size; a few change each 100 ms, more near the top.
                var newBids: [Int64: Int64] = [:]
                var newAsks: [Int64: Int64] = [:]
                for level in 1...20 {
                    let bidPrice = state.mid - Int64(level) * symbol.tick
                    let askPrice = state.mid + Int64(level) * symbol.tick
                    let churn = level <= 3 ? 0.5 : 0.08
                    newBids[bidPrice] = state.quotes.bids[bidPrice].flatMap { generator.unit() > churn ? $0 : nil } ?? Self.size(symbol, &generator) * Int64(1 + level / 4)
                    newAsks[askPrice] = state.quotes.asks[askPrice].flatMap { generator.unit() > churn ? $0 : nil } ?? Self.size(symbol, &generator) * Int64(1 + level / 4)
                }
                let received = exchangeTime + receiveDelay(&generator)
                state.quotes.quote(bids: newBids, asks: newAsks, exchangeTime: exchangeTime, received: received, snapshot: step == 3, emit: emit)
                states[index] = state
            }
        }
        output.sort { $0.time != $1.time ? $0.time < $1.time : $0.order < $1.order }
        return output.map { ($0.symbol, "\($0.time) \($0.line)") }
    }

    /// The exchange's rules for the market's symbols, as Binance spot's
    /// `/api/v3/exchangeInfo` answers them (PRICE_FILTER, LOT_SIZE, NOTIONAL of 5 USDT):
    /// saved beside the demo recordings, so replays and backtests fit their orders to them.
    public func exchangeInfo() -> String {
        Self.exchangeInfo(symbols.map { ($0.name, $0.tick, $0.lot) }, serverTime: start)
    }

    /// Binance spot's exchangeInfo answer for symbols with these ticks and lots (units
    /// of 10⁻⁸) and a 5 USDT minimum notional.
    static func exchangeInfo(_ symbols: [(name: String, tick: Int64, lot: Int64)], serverTime: Timestamp) -> String {
        let entries = symbols.map { symbol in
            let base = symbol.name.hasSuffix("USDT") ? String(symbol.name.dropLast(4)) : symbol.name
            let filters = [
                "{\"filterType\":\"PRICE_FILTER\",\"minPrice\":\"\(text(symbol.tick))\",\"maxPrice\":\"1000000.00000000\",\"tickSize\":\"\(text(symbol.tick))\"}",
                "{\"filterType\":\"LOT_SIZE\",\"minQty\":\"\(text(symbol.lot))\",\"maxQty\":\"9000000000.00000000\",\"stepSize\":\"\(text(symbol.lot))\"}",
                "{\"filterType\":\"NOTIONAL\",\"minNotional\":\"5.00000000\",\"applyMinToMarket\":true,\"maxNotional\":\"9000000.00000000\",\"applyMaxToMarket\":false,\"avgPriceMins\":5}",
            ]
            return "{\"symbol\":\"\(symbol.name)\",\"status\":\"TRADING\",\"baseAsset\":\"\(base)\",\"quoteAsset\":\"USDT\",\"filters\":[\(filters.joined(separator: ","))]}"
        }
        return "{\"timezone\":\"UTC\",\"serverTime\":\(serverTime.nanoseconds / 1_000_000),\"symbols\":[\(entries.joined(separator: ","))]}\n"
    }

    private func receiveDelay(_ generator: inout SeededGenerator) -> Int64 {
        2_000_000 + Int64(generator.next() % 4_000_000)
    }

    /// A heavy-tailed size: most prints small, a few large.
    static func size(_ symbol: Symbol, _ generator: inout SeededGenerator) -> Int64 {
        let u = generator.unit()
        let factor = u < 0.6 ? 0.2 + u : u < 0.9 ? 1 + (u - 0.6) * 10 : 4 + (u - 0.9) * 200
        let raw = Int64(Double(symbol.typicalSize) * factor)
        return max(symbol.lot, raw - raw % symbol.lot)
    }

    static func text(_ units: Int64) -> String { FixedPoint.format(units: units, fractionDigits: 8) }
}
