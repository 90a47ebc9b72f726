/// What the exchange said about our request rate, and whether to wait.
///
/// Binance: `X-MBX-USED-WEIGHT-1M` against the minute's weight limit (6000 on spot,
/// 2400 on USD-M unless exchangeInfo says otherwise); `Retry-After` seconds with 429 and
/// 418 (a ban). Gate: `X-Gate-RateLimit-Requests-Remain`/`-Limit` and
/// `-Reset-Timestamp` (seconds or milliseconds) on 429, no `Retry-After`.
/// Requests slow down past `slowDownAt` of the limit and stop until the ban or the
/// window ends. Times in nanoseconds, passed in.
public struct RateLimiter: Sendable, Equatable {
    public var weightLimit: Int
    public var slowDownAt = 0.8
    public private(set) var usedWeight = 0
    public private(set) var blockedUntil: Int64?
    public private(set) var lastStatus: Int?

    public init(weightLimit: Int) { self.weightLimit = weightLimit }

    public enum Decision: Equatable, Sendable {
        case go
        /// Past the slow-down mark: only what must go (cancels, the kill switch) goes.
        case slowDown
        /// 429/418: nothing until then.
        case wait(until: Int64)
    }

    /// Reads a response's status and headers (names compared without case).
    public mutating func observe(status: Int, headers: [(name: String, value: String)], at now: Int64) {
        lastStatus = status
        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
        if let used = header("X-MBX-USED-WEIGHT-1M").flatMap({ Int($0) }) { usedWeight = used }
        if let limit = header("X-Gate-RateLimit-Limit").flatMap({ Int($0) }), let remain = header("X-Gate-RateLimit-Requests-Remain").flatMap({ Int($0) }) {
            weightLimit = limit
            usedWeight = limit - remain
        }
        guard status == 429 || status == 418 else { return }
        if let seconds = header("Retry-After").flatMap({ Int64($0) }) {
            blockedUntil = now + seconds * 1_000_000_000
        } else if let reset = header("X-Gate-RateLimit-Reset-Timestamp").flatMap({ Int64($0) }) {
            // Unix seconds or milliseconds: Gate's docs do not say; values above 1e12 are ms.
            blockedUntil = reset > 1_000_000_000_000 ? reset * 1_000_000 : reset * 1_000_000_000
        } else {
            // No hint: a ban (418) waits two minutes, the shortest Binance gives; 429 one second.
            blockedUntil = now + (status == 418 ? 120 : 1) * 1_000_000_000
        }
    }

    public func decision(at now: Int64) -> Decision {
        if let blockedUntil, now < blockedUntil { return .wait(until: blockedUntil) }
        if weightLimit > 0, Double(usedWeight) >= Double(weightLimit) * slowDownAt { return .slowDown }
        return .go
    }

    /// For the status bar: `weight 1200/6000`, `BANNED 118 s`.
    public func summary(at now: Int64) -> String {
        if let blockedUntil, now < blockedUntil {
            return "\(lastStatus == 418 ? "BANNED" : "rate-limited") \((blockedUntil - now + 999_999_999) / 1_000_000_000) s"
        }
        return "weight \(usedWeight)/\(weightLimit)"
    }
}
