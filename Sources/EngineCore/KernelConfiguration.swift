import MarketModel
import Trading

/// How a kernel is set up: the account, the risk limits and the market it trades.
public struct KernelConfiguration: Sendable {
    public var account: AccountTerms
    public var initialCash: Money
    /// The risk gate's limits, stops and protections.
    public var risk: RiskSettings
    public var marketKind: MarketKind
    /// Interval of the equity curve.
    public var equityIntervalNanoseconds: Int64 = 60_000_000_000
    /// Lines of log kept for the view.
    public var logLinesKept = 200
    /// The exchange's rules per symbol known before the first event (a backtest's
    /// saved exchangeInfo): each applies when its symbol first appears. Live sessions
    /// read them from the exchange instead (``KernelInput/rules(_:)``).
    public var exchangeRules: [String: SymbolRules] = [:]
    /// The market context's reference coin (MoonBot's dBTC).
    public var btcSymbol = "BTCUSDT"

    public init(account: AccountTerms, initialCash: Money, risk: RiskSettings = RiskSettings(), marketKind: MarketKind) {
        self.account = account
        self.initialCash = initialCash
        self.risk = risk
        self.marketKind = marketKind
    }
}
