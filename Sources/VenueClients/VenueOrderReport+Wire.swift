import LiveCore
import MarketModel
import Trading

/// The order clients' answers, read into the live machine's typed values at the edge:
/// one place where the exchange's printed numbers become exact ones. An answer whose
/// numbers do not read is an error with the text in it, never a silent zero.
extension VenueOrderReport {
    /// A placement's, look-up's or cancel's answer.
    public init(_ state: ExchangeOrderState) throws(OrderVenueFailure) {
        guard let executed = try? Quantity(parsing: state.executedQuantity) else {
            throw OrderVenueFailure(description: "order \(state.clientOrderID): the exchange's executed quantity '\(state.executedQuantity)' does not read as a number")
        }
        self.init(clientOrderID: state.clientOrderID, status: state.typedStatus, executed: executed, executedQuote: state.executedQuote.flatMap { try? Money(parsing: $0) })
    }

    /// An update pushed on the user-data stream. A fill's own figures (`TRADE`) come
    /// with it: price, quantity, maker side, commission.
    public init(_ report: ExecutionReport) throws(OrderVenueFailure) {
        guard let executed = try? Quantity(parsing: report.cumulativeQuantity) else {
            throw OrderVenueFailure(description: "order update \(report.clientOrderID): the cumulative quantity '\(report.cumulativeQuantity)' does not read as a number; the next poll books it")
        }
        var lastFill: LastFill?
        if report.executionType == "TRADE", let price = try? Price(parsing: report.lastPrice), let quantity = try? Quantity(parsing: report.lastQuantity) {
            lastFill = LastFill(price: price, quantity: quantity, isMaker: report.isMaker, commission: report.commission.flatMap { try? Quantity(parsing: $0) }, commissionAsset: report.commissionAsset)
        }
        self.init(clientOrderID: report.clientOrderID, status: ExchangeOrderStatus(exchangeWord: report.status), executed: executed, executedQuote: report.cumulativeQuote.flatMap { try? Money(parsing: $0) }, lastFill: lastFill, detail: report.rejectReason)
    }
}
