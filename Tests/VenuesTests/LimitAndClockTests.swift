import Testing
import Venues

@Suite("Clock offset and rate limits")
struct LimitAndClockTests {
    @Test("the offset comes from the shortest round trip")
    func clockOffset() {
        var clock = ClockOffset()
        clock.add(sent: 1_000, received: 1_400, serverTime: 10_000)      // rtt 400: offset 10000 − 1200
        #expect(clock.offset == 8_800 && clock.uncertainty == 200)
        clock.add(sent: 2_000, received: 2_100, serverTime: 10_860)      // rtt 100: better
        #expect(clock.offset == 8_810 && clock.uncertainty == 50)
        clock.add(sent: 3_000, received: 3_900, serverTime: 99_999)      // worse: ignored
        #expect(clock.offset == 8_810)
        #expect(clock.serverTime(at: 5_000) == 13_810)
        #expect(clock.samples == 3)
    }

    @Test("Binance weight slows down at 80 %; 429 and 418 wait for Retry-After")
    func binanceLimits() {
        var limiter = RateLimiter(weightLimit: 6000)
        limiter.observe(status: 200, headers: [("x-mbx-used-weight-1m", "1200")], at: 0)
        #expect(limiter.decision(at: 0) == .go)
        limiter.observe(status: 200, headers: [("X-MBX-USED-WEIGHT-1M", "4900")], at: 0)
        #expect(limiter.decision(at: 0) == .slowDown)
        limiter.observe(status: 429, headers: [("Retry-After", "7")], at: 1_000_000_000)
        #expect(limiter.decision(at: 2_000_000_000) == .wait(until: 8_000_000_000))
        #expect(limiter.summary(at: 2_000_000_000) == "rate-limited 6 s")
        limiter.observe(status: 418, headers: [], at: 10_000_000_000)
        #expect(limiter.summary(at: 10_000_000_000) == "BANNED 120 s")
    }

    @Test("Gate: remain/limit headers, and a reset timestamp in seconds or milliseconds")
    func gateLimits() {
        var limiter = RateLimiter(weightLimit: 0)
        limiter.observe(status: 200, headers: [("X-Gate-RateLimit-Limit", "200"), ("X-Gate-RateLimit-Requests-Remain", "150")], at: 0)
        #expect(limiter.usedWeight == 50 && limiter.decision(at: 0) == .go)
        limiter.observe(status: 429, headers: [("X-Gate-RateLimit-Reset-Timestamp", "1700000010")], at: 0)
        #expect(limiter.decision(at: 0) == .wait(until: 1_700_000_010_000_000_000))
        limiter.observe(status: 429, headers: [("X-Gate-RateLimit-Reset-Timestamp", "1700000020500")], at: 0)
        #expect(limiter.decision(at: 0) == .wait(until: 1_700_000_020_500_000_000))
    }
}
