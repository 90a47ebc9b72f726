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

    /// Fitted from a recording's own clocks: the one-way delay is the median of
    /// (local receive − exchange time) above its minimum. The minimum absorbs the
    /// offset between the two clocks (the recordings' host ran 1.27 s behind), so what
    /// remains is the variable part of the path; it is used for both directions, and
    /// never less than 1 ms.
    public static func fitted(lags: [Int64], jitter: Double = 0.2) -> LatencyModel {
        guard let minimum = lags.min() else { return .default }
        let excess = lags.map { $0 - minimum }.sorted()
        let median = excess[excess.count / 2]
        let oneWay = max(median, 1_000_000)
        return LatencyModel(orderEntryNanoseconds: oneWay, responseNanoseconds: oneWay, jitter: jitter)
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
