import EngineCore
import MarketModel
import TUIKit
import Trading

/// Where the data comes from.
public enum Mode: String, Sendable {
    case live = "LIVE"
    case paper = "PAPER"
    case replay = "REPLAY"
}

/// The replay clock as the header shows it.
public struct ReplayStatus: Sendable {
    /// 0 is flat out.
    public var speed: Int
    public var paused: Bool
    public var progress: Double
    public var finished: Bool
    /// Replay time since the recording's first event (nil: not known).
    public var elapsed: Timestamp?

    public init(speed: Int, paused: Bool, progress: Double, finished: Bool) {
        self.speed = speed
        self.paused = paused
        self.progress = progress
        self.finished = finished
    }
}

/// What one frame shows: the kernel's snapshot and what the driver knows around it.
public struct ScreenData: Sendable {
    public var mode: Mode
    public var exchange: String
    public var snapshot: KernelSnapshot
    public var replay: ReplayStatus?
    /// A live session's market-data connection (`up`, `down (2 drops)`), nil in a replay.
    public var feed: String?
    /// Local receive time minus exchange time of the latest event, ms.
    public var feedLagMilliseconds: Double?
    public var eventsPerSecond: Double
    public var redis: String
    /// Recent trade prices of the selected market, oldest first.
    public var priceHistory: [String: [Double]]
    /// Recent public trades of each market, newest first.
    public var tape: [String: [TradePrint]]
    public var equityHistory: [Double]
    /// 24h-style volume of each market over the session, in quote units.
    public var volume: [String: Double]
    /// Short candles of each market (a few seconds each), oldest first.
    public var candles: [String: [CandleBar]] = [:]
    /// When each price of `priceHistory` printed, by symbol (may hold only the symbol
    /// the screen draws).
    public var priceTimes: [String: [Timestamp]] = [:]
    /// The venue's estimate of the quantity queued ahead of each own resting order.
    public var queueAhead: [ClientOrderID: Quantity] = [:]
    /// The exchange's own 24-hour figures by symbol (a live whole market's all-market
    /// ticker): the table's 24h delta and volume from them when present.
    public var dayTickers: [String: DayTicker] = [:]

    public init(mode: Mode, exchange: String, snapshot: KernelSnapshot, replay: ReplayStatus?, feed: String? = nil, feedLagMilliseconds: Double?, eventsPerSecond: Double, redis: String = "off", priceHistory: [String: [Double]], tape: [String: [TradePrint]], equityHistory: [Double], volume: [String: Double], candles: [String: [CandleBar]] = [:], queueAhead: [ClientOrderID: Quantity] = [:]) {
        self.queueAhead = queueAhead
        self.candles = candles
        self.mode = mode
        self.exchange = exchange
        self.snapshot = snapshot
        self.replay = replay
        self.feed = feed
        self.feedLagMilliseconds = feedLagMilliseconds
        self.eventsPerSecond = eventsPerSecond
        self.redis = redis
        self.priceHistory = priceHistory
        self.tape = tape
        self.equityHistory = equityHistory
        self.volume = volume
    }
}

extension ScreenData {
    /// A market's 24-hour quote volume: the exchange's when its ticker is streamed, else
    /// the candles' (as far back as they go).
    public func dayVolume(of market: KernelSnapshot.MarketLine) -> Double {
        dayTickers[market.symbol].map { $0.quoteVolume.doubleValue } ?? market.dayVolume
    }
}
