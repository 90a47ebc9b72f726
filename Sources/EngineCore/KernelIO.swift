import MarketModel
import Trading
import Strategies

/// Everything the kernel reacts to. Time arrives inside these; the kernel never reads a clock.
public enum KernelInput: Sendable {
    case market(MarketEvent)
    /// An order event, with the local time it was received (its own time is the venue's).
    case order(OrderEvent, receivedAt: Timestamp)
    case timer(Timestamp)
    case user(UserCommand, at: Timestamp)
    /// The exchange's order rules for a symbol (read at start, refreshed now and then):
    /// every later order on it is fitted to them or not sent.
    case rules(SymbolRules)
}

/// What the trader can ask for (keys, the command line).
public enum UserCommand: Hashable, Sendable {
    case setTradingState(TradingState)
    /// Panic-sell one symbol's position, or every position.
    case panicSell(symbol: String?)
    /// Cancel the open orders of one symbol, or all.
    case cancelAll(symbol: String?)
    case place(OrderIntent)
    case setStrategyEnabled(name: String, enabled: Bool)
    /// Cancel every order (exits too), halt, and either flatten every position or
    /// leave positions without any order until trading is resumed.
    case killSwitch(flatten: Bool)
}

/// What the kernel asks its driver to do.
public enum KernelEffect: Hashable, Sendable {
    /// Send an order to the venue (it passed the risk gate).
    case submit(OrderRequest)
    /// Ask the venue to cancel an order.
    case cancel(ClientOrderID, symbol: String)
    /// Deliver a `.timer` input at this time.
    case scheduleTimer(Timestamp)
    case log(LogLine)
    case record(KernelRecord)
}

/// One line of the engine's log.
///
/// A detect's line keeps the detection and writes it out when it is read: a detect
/// that trades is on the path from the market frame to the order, and its text (every
/// figure formatted) is not needed before the order is out. Two lines are equal when
/// they read the same.
public struct LogLine: Hashable, Sendable, CustomStringConvertible {
    public enum Level: String, Hashable, Sendable { case info, warning, error }
    public var time: Timestamp
    public var level: Level
    private var message: Message

    private enum Message: Sendable {
        case text(String)
        case detect(Detection)
        /// An order sent, with why: written out when read, like a detect (the order
        /// goes to the exchange first).
        case order(OrderRequest, reason: String?)
    }

    public init(time: Timestamp, level: Level, text: String) {
        (self.time, self.level, message) = (time, level, .text(text))
    }

    /// The line `detection.summary`, written out when read.
    public init(time: Timestamp, level: Level, detection: Detection) {
        (self.time, self.level, message) = (time, level, .detect(detection))
    }

    /// `order 7 buy 0.5 ETHUSDT @2500 from ema-reversal: why`, written out when read.
    public init(time: Timestamp, order: OrderRequest, reason: String?) {
        (self.time, level, message) = (time, .info, .order(order, reason: reason))
    }

    public var text: String {
        get {
            switch message {
            case .text(let text): text
            case .detect(let detection): detection.summary
            case .order(let request, let reason):
                "order \(request.id) \(request.side.rawValue) \(request.quantity) \(request.symbol) \(request.kind.limitPrice.map { "@\($0)" } ?? "at market") from \(request.origin)" + (reason.map { ": " + $0 } ?? "")
            }
        }
        set { message = .text(newValue) }
    }

    public var description: String { "\(time) \(level.rawValue): \(text)" }

    /// Whether the line is a detector firing.
    public var isDetect: Bool {
        if case .detect = message { return true }
        return false
    }

    public static func == (left: LogLine, right: LogLine) -> Bool {
        left.time == right.time && left.level == right.level && left.text == right.text
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(time)
        hasher.combine(level)
        hasher.combine(text)
    }
}

/// Facts worth keeping: storage writes them, reports are built from them.
public enum KernelRecord: Hashable, Sendable {
    case order(OrderEvent)
    case trade(TradeRecord)
    case equity(Timestamp, Money)
    /// A detector fired (Drops, Pump): with AutoBuy off this is all the strategy does.
    case detect(Detection)
    /// A symbol's exits were refused too often (`order` the last refused): nothing more
    /// is placed on it until the trader acts.
    case attention(symbol: String, order: ClientOrderID, reason: String)
}
