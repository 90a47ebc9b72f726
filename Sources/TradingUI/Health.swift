import EngineCore

/// The header's health light: one word and the reason, worst first, from what the
/// frame already holds (feed, book, lag, orders, Redis, trading state). Green when all
/// is well, amber when something needs watching, red when trading is unsafe.
public struct Health: Equatable, Sendable {
    public enum Level: Int, Comparable, Sendable {
        case ok, warn, bad
        public static func < (left: Level, right: Level) -> Bool { left.rawValue < right.rawValue }
    }

    public var level: Level
    public var reason: String?

    /// "OK", "WARN book syncing", "BAD feed down".
    public var text: String {
        let word = level == .ok ? "OK" : level == .warn ? "WARN" : "BAD"
        return reason.map { "\(word) \($0)" } ?? word
    }

    /// Lag above this (ms) is worth a look: decisions are made on an old market.
    public static let slowLagMilliseconds = 2_000.0

    public static func of(_ data: ScreenData, market: KernelSnapshot.MarketLine?) -> Health {
        var worst = Health(level: .ok, reason: nil)
        func note(_ level: Level, _ reason: String) {
            if level > worst.level { worst = Health(level: level, reason: reason) }
        }
        let feed = data.feed ?? ""
        if feed.hasPrefix("down") { note(.bad, "feed down") }
        if feed.contains("NO MARKET DATA") { note(.bad, "no market data") }
        if feed.contains("COUNTDOWN FAILED") { note(.bad, "countdown failed") }
        if feed.contains("PENDING") { note(.warn, "cancels pending") }
        if feed.contains("NEEDS ATTENTION") { note(.bad, "needs attention") }
        if data.snapshot.tradingState == .halted { note(.bad, "halted") }
        if let state = market?.bookState, state != "synced" { note(.warn, "book \(state)") }
        if let lag = data.feedLagMilliseconds, lag > slowLagMilliseconds { note(.warn, "lag \(Int(lag / 1000)) s") }
        let redis = data.redis.lowercased()
        if redis.contains("down") || redis.contains("error") || redis.contains("fail") { note(.warn, "redis down") }
        return worst
    }
}
