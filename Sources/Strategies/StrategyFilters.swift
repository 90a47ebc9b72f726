import MarketModel
import Trading

/// The filters every MoonBot-family strategy shares (moonbot.md §2.1, §2.9), applied
/// by the kernel to a strategy's entry orders and detects, so each strategy states
/// only its own rule. All are off by default.
///
/// A filter that cannot judge yet (a delta or volume needs history the session does
/// not have) lets the entry through; the figures come from the symbol's one-minute
/// candles.
public struct StrategyFilters: Hashable, Sendable {
    public struct DeltaRange: Hashable, Sendable {
        /// Minutes the delta spans (1, 5, 15, 60, 180, 1440).
        public var minutes: Int
        public var minimum: Double
        public var maximum: Double
        var name: String
    }

    public var whiteList: [String] = []
    public var blackList: [String] = []
    public var priceMin = 0.0
    public var priceMax = 0.0
    public var dailyVolumeMin = 0.0
    public var dailyVolumeMax = 0.0
    public var hourlyVolumeMin = 0.0
    public var hourlyVolumeMax = 0.0
    public var deltas: [DeltaRange] = []
    /// A range for BTC's or the market's signed change (MoonBot's `Delta_BTC_*`,
    /// `Delta_Market_*`).
    public struct ContextRange: Hashable, Sendable {
        public var ofMarket: Bool
        public var minutes: Int
        public var minimum: Double
        public var maximum: Double
        var name: String
    }
    public var contextRanges: [ContextRange] = []
    public var maxActiveOrders = Int.max
    public var maxOrdersPerMarket = Int.max

    /// No filter at all (strategies outside the MoonBot family).
    public static let none = StrategyFilters()

    static let deltaTypes = ["1m", "5m", "15m", "1h", "3h", "24h"]
    static func minutes(_ type: String) -> Int {
        switch type {
        case "1m": return 1
        case "5m": return 5
        case "15m": return 15
        case "3h": return 180
        case "24h": return 1440
        default: return 60
        }
    }

    /// MoonBot's per-strategy emulator flag: in a live session the strategy trades a
    /// simulated account on the live feed beside the real one; it changes nothing in a
    /// replay, a backtest or on paper, where every order is simulated already.
    public static let emulatorSpec = ParameterSpec("EmulatorMode", .flag, default: .flag(false), "live: trade this strategy on a simulated account beside the real one (replays, backtests and paper simulate every order anyway)")

    public static let specs: [ParameterSpec] = [
        emulatorSpec,
        ParameterSpec("CoinsWhiteList", .coinList, default: .text(""), "trade only these coins or symbols (empty: all)"),
        ParameterSpec("CoinsBlackList", .coinList, default: .text(""), "never trade these coins or symbols"),
        ParameterSpec("WorkingPriceMin", .number(0...1_000_000_000), default: .number(0), "lowest price traded (0: no floor)"),
        ParameterSpec("WorkingPriceMax", .number(0...1_000_000_000), default: .number(0), "highest price traded (0: no ceiling)"),
        ParameterSpec("MinVolume", .number(0...1e15), default: .number(0), "least quote volume over the last 24 h (0: off)"),
        ParameterSpec("MaxVolume", .number(0...1e15), default: .number(0), "most quote volume over the last 24 h (0: off)"),
        ParameterSpec("MinHourlyVolume", .number(0...1e15), default: .number(0), "least quote volume over the last hour (0: off)"),
        ParameterSpec("MaxHourlyVolume", .number(0...1e15), default: .number(0), "most quote volume over the last hour (0: off)"),
        ParameterSpec("Delta_3h_Min", .number(-1_000...1_000), default: .number(-1_000), "least 3h delta, %"),
        ParameterSpec("Delta_3h_Max", .number(-1_000...1_000), default: .number(1_000), "most 3h delta, %"),
        ParameterSpec("Delta_24h_Min", .number(-1_000...1_000), default: .number(-1_000), "least 24h delta, %"),
        ParameterSpec("Delta_24h_Max", .number(-1_000...1_000), default: .number(1_000), "most 24h delta, %"),
        ParameterSpec("Delta2_Type", .choice(deltaTypes), default: .text("1h"), "span of the second delta filter"),
        ParameterSpec("Delta2_Min", .number(-1_000...1_000), default: .number(-1_000), "least second delta, %"),
        ParameterSpec("Delta2_Max", .number(-1_000...1_000), default: .number(1_000), "most second delta, %"),
        ParameterSpec("Delta3_Type", .choice(deltaTypes), default: .text("1m"), "span of the third delta filter"),
        ParameterSpec("Delta3_Min", .number(-1_000...1_000), default: .number(-1_000), "least third delta, %"),
        ParameterSpec("Delta3_Max", .number(-1_000...1_000), default: .number(1_000), "most third delta, %"),
    ] + contextSpecs.flatMap { name, _, _, what in
        [ParameterSpec("\(name)_Min", .number(-1_000...1_000), default: .number(-1_000), "least \(what), %"),
         ParameterSpec("\(name)_Max", .number(-1_000...1_000), default: .number(1_000), "most \(what), %")]
    } + [
        ParameterSpec("MaxActiveOrders", .integer(1...1_000), default: .integer(10), "entry orders open at once, all symbols"),
        ParameterSpec("MaxOrdersPerMarket", .integer(1...100), default: .integer(1), "entry orders open at once on one symbol"),
    ]

    /// MoonBot's context filters: name, market (else BTC), minutes, what it measures.
    static let contextSpecs: [(String, Bool, Int, String)] = [
        ("Delta_BTC", false, 60, "BTC change against its 1h mean"),
        ("Delta_BTC_24", false, 1440, "BTC change against its 24h mean"),
        ("Delta_BTC_5m", false, 5, "BTC change against its 5m mean"),
        ("Delta_BTC_1m", false, 1, "BTC change over the current minute"),
        ("Delta_Market", true, 60, "market change (average of the other symbols) against the 1h mean"),
        ("Delta_Market_24", true, 1440, "market change (average of the other symbols) against the 24h mean"),
    ]

    public init() {}

    public init(parameters: ParameterSet) {
        whiteList = Self.list(parameters.text("CoinsWhiteList"))
        blackList = Self.list(parameters.text("CoinsBlackList"))
        priceMin = parameters.number("WorkingPriceMin")
        priceMax = parameters.number("WorkingPriceMax")
        dailyVolumeMin = parameters.number("MinVolume")
        dailyVolumeMax = parameters.number("MaxVolume")
        hourlyVolumeMin = parameters.number("MinHourlyVolume")
        hourlyVolumeMax = parameters.number("MaxHourlyVolume")
        let ranges: [(String, Int, String, String)] = [
            ("Delta_3h", 180, "Delta_3h_Min", "Delta_3h_Max"),
            ("Delta_24h", 1440, "Delta_24h_Min", "Delta_24h_Max"),
            ("Delta2 (\(parameters.text("Delta2_Type")))", Self.minutes(parameters.text("Delta2_Type")), "Delta2_Min", "Delta2_Max"),
            ("Delta3 (\(parameters.text("Delta3_Type")))", Self.minutes(parameters.text("Delta3_Type")), "Delta3_Min", "Delta3_Max"),
        ]
        for (name, minutes, low, high) in ranges {
            let minimum = parameters.number(low)
            let maximum = parameters.number(high)
            if minimum > -1_000 || maximum < 1_000 { deltas.append(DeltaRange(minutes: minutes, minimum: minimum, maximum: maximum, name: name)) }
        }
        for (name, ofMarket, minutes, _) in Self.contextSpecs {
            let minimum = parameters.number("\(name)_Min")
            let maximum = parameters.number("\(name)_Max")
            if minimum > -1_000 || maximum < 1_000 { contextRanges.append(ContextRange(ofMarket: ofMarket, minutes: minutes, minimum: minimum, maximum: maximum, name: name)) }
        }
        maxActiveOrders = parameters.integer("MaxActiveOrders")
        maxOrdersPerMarket = parameters.integer("MaxOrdersPerMarket")
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map(String.init)
    }

    /// Why the symbol does not pass now, or nil when it does.
    public func refusal(_ context: StrategyContext) -> String? {
        let symbol = context.symbol
        if !whiteList.isEmpty, !whiteList.contains(where: { Self.matches($0, symbol) }) { return "\(symbol) is not on CoinsWhiteList" }
        if let listed = blackList.first(where: { Self.matches($0, symbol) }) { return "\(symbol) is on CoinsBlackList (\(listed))" }
        if let last = context.lastPrice {
            let price = Double(last.units) / 1e8
            if priceMin > 0, price < priceMin { return "price \(last) under WorkingPriceMin \(priceMin)" }
            if priceMax > 0, price > priceMax { return "price \(last) over WorkingPriceMax \(priceMax)" }
        }
        if hourlyVolumeMin > 0 || hourlyVolumeMax > 0, let volume = Self.quoteVolume(context.candles, minutes: 60, now: context.now) {
            if hourlyVolumeMin > 0, volume < hourlyVolumeMin { return "hourly volume \(Int(volume)) under MinHourlyVolume \(Int(hourlyVolumeMin))" }
            if hourlyVolumeMax > 0, volume > hourlyVolumeMax { return "hourly volume \(Int(volume)) over MaxHourlyVolume \(Int(hourlyVolumeMax))" }
        }
        if dailyVolumeMin > 0 || dailyVolumeMax > 0, let volume = Self.quoteVolume(context.candles, minutes: 1440, now: context.now) {
            if dailyVolumeMin > 0, volume < dailyVolumeMin { return "24h volume \(Int(volume)) under MinVolume \(Int(dailyVolumeMin))" }
            if dailyVolumeMax > 0, volume > dailyVolumeMax { return "24h volume \(Int(volume)) over MaxVolume \(Int(dailyVolumeMax))" }
        }
        for range in deltas {
            guard let delta = context.candles.delta(intervals: range.minutes, now: context.now) else { continue }
            if delta < range.minimum || delta > range.maximum {
                return "\(range.name) delta \((delta * 100).rounded() / 100) % outside \(range.minimum)…\(range.maximum)"
            }
        }
        for range in contextRanges {
            // Without BTC (or any other symbol) traded yet the filter cannot judge: it passes.
            guard let change = (range.ofMarket ? context.market.market : context.market.btc)?[range.minutes] else { continue }
            if change < range.minimum || change > range.maximum {
                return "\(range.name) \((change * 100).rounded() / 100) % outside \(range.minimum)…\(range.maximum)"
            }
        }
        return nil
    }

    /// A list entry names a symbol exactly, or its base coin (`BTC` for `BTCUSDT`).
    static func matches(_ entry: String, _ symbol: String) -> Bool {
        if entry == symbol { return true }
        guard symbol.hasPrefix(entry) else { return false }
        let quote = symbol.dropFirst(entry.count)
        return ["USDT", "USDC", "FDUSD", "BUSD", "BTC", "ETH", "BNB", "TRY", "EUR"].contains(String(quote))
    }

    /// Quote volume of the one-minute candles of the last `minutes`, or nil when the
    /// series does not reach back that far.
    static func quoteVolume(_ candles: CandleSeries, minutes: Int, now: Timestamp) -> Double? {
        let span = Int64(minutes) * 60_000_000_000
        var total = 0.0
        var age = 0
        var reachesBack = false
        while let candle = candles[age: age] {
            if now.nanoseconds - candle.start.nanoseconds >= span {
                reachesBack = true
                break
            }
            total += Double(candle.close.units) / 1e8 * Double(candle.volume.units) / 1e8
            age += 1
        }
        return reachesBack ? total : nil
    }
}
