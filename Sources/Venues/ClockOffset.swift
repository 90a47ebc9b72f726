/// The exchange's clock against ours, from time requests (`GET /api/v3/time`,
/// `/fapi/v1/time`, Gate's `/spot/time`): `offset = serverTime − (sent + rtt / 2)`.
///
/// The sample with the shortest round trip wins (it bounds the error best); the status
/// bar shows `offset` and `uncertainty`. All times in nanoseconds, passed in: this type
/// reads no clock.
public struct ClockOffset: Sendable, Equatable {
    public private(set) var offset: Int64 = 0
    /// Half the round trip of the sample in use: the offset is right within this.
    public private(set) var uncertainty: Int64 = .max
    public private(set) var samples = 0

    public init() {}

    /// Folds in one sample: sent at `sent`, answered at `received` (our clock) with the
    /// server's `serverTime`.
    public mutating func add(sent: Int64, received: Int64, serverTime: Int64) {
        guard received >= sent else { return }
        let halfTrip = (received - sent) / 2
        samples += 1
        guard halfTrip <= uncertainty else { return }
        uncertainty = halfTrip
        offset = serverTime - (sent + halfTrip)
    }

    /// Our time `local` as the exchange's clock reads it.
    public func serverTime(at local: Int64) -> Int64 { local + offset }
}
