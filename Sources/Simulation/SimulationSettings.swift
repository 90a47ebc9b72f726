import MarketModel
import Trading

/// Everything that shapes a simulated venue.
public struct SimulationSettings: Hashable, Sendable {
    public var latency: LatencyModel
    public var queue: QueueModel
    public var account: AccountTerms
    public var seed: UInt64

    public init(latency: LatencyModel = .default, queue: QueueModel = .conservative, account: AccountTerms, seed: UInt64 = 1) {
        self.latency = latency
        self.queue = queue
        self.account = account
        self.seed = seed
    }
}

/// An order event the simulated venue produced, and when the kernel hears of it.
public struct SimulatedReport: Hashable, Sendable {
    public var event: OrderEvent
    public var deliverAt: Timestamp
}
