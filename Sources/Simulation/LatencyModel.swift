import MarketModel

/// Delays between the kernel and the simulated exchange.
///
/// - Order entry: from the kernel's decision to the order reaching the exchange.
/// - Response: from the exchange's event (accept, fill, cancel) to the kernel.
/// - Market data: extra delay before the kernel sees a market event, on top of the
///   delay already in the recording (its receive times are the recording host's).
///
/// `jitter` spreads each order's delays uniformly by ± that fraction, drawn from the
/// simulation's seeded generator.
public struct LatencyModel: Hashable, Sendable {
    public var orderEntryNanoseconds: Int64
    public var responseNanoseconds: Int64
    public var marketDataNanoseconds: Int64
    public var jitter: Double

    public init(orderEntryNanoseconds: Int64, responseNanoseconds: Int64, marketDataNanoseconds: Int64 = 0, jitter: Double = 0) {
        self.orderEntryNanoseconds = orderEntryNanoseconds
        self.responseNanoseconds = responseNanoseconds
        self.marketDataNanoseconds = marketDataNanoseconds
        self.jitter = jitter
    }

    /// 5 ms each way: a VPS near the exchange.
    public static let `default` = LatencyModel(orderEntryNanoseconds: 5_000_000, responseNanoseconds: 5_000_000)

    /// The network's fixed one-way delay, which a recording's two clocks cannot show:
    /// its fastest message defines "zero" once the clocks' offset is taken out (the
    /// recordings' host ran 1.27 s behind the exchange). 1 ms, a server in the
    /// exchange's region; added back to what is fitted so the floor is not lost.
    public static let assumedFloorNanoseconds: Int64 = 1_000_000

    /// Fitted from a recording's own clocks. The lags (local receive − exchange time)
    /// less their minimum are the variable part of the path; their median plus the
    /// assumed floor is the one-way delay:
    /// - of the feed: the kernel sees each event that long after the simulated
    ///   exchange did (the venue matches against the exchange-time book, the strategy
    ///   decides on the local-time one);
    /// - of orders, each way: the same network path.
    public static func fitted(lags: [Int64], jitter: Double = 0.2) -> LatencyModel {
        guard let minimum = lags.min() else { return .default }
        let excess = lags.map { $0 - minimum }.sorted()
        let oneWay = excess[excess.count / 2] + assumedFloorNanoseconds
        return LatencyModel(orderEntryNanoseconds: oneWay, responseNanoseconds: oneWay, marketDataNanoseconds: oneWay, jitter: jitter)
    }

    /// Each delay scaled by `factor` (Monte Carlo).
    public func scaled(by factor: Double) -> LatencyModel {
        LatencyModel(
            orderEntryNanoseconds: Int64(Double(orderEntryNanoseconds) * factor),
            responseNanoseconds: Int64(Double(responseNanoseconds) * factor),
            marketDataNanoseconds: Int64(Double(marketDataNanoseconds) * factor),
            jitter: jitter)
    }

    func draw(_ base: Int64, using generator: inout SeededGenerator) -> Int64 {
        guard jitter > 0 else { return base }
        let spread = (generator.unit() * 2 - 1) * jitter
        return max(0, Int64(Double(base) * (1 + spread)))
    }
}
