import Backtesting
import EngineCore
import MarketModel
import Trading

/// What a headless trading session did, for the trader who reads it afterwards: the
/// orders sent, held and refused (by the exchange's code), fills, cancels that failed
/// and were retried, connection drops, the countdown, symbols needing attention, dust
/// and the last errors. One JSON object (`--json`) or a few lines of text.
public struct LiveTradingSummary: Sendable {
    public let outcome: LiveTradingSession.Outcome

    public init(_ outcome: LiveTradingSession.Outcome) { self.outcome = outcome }

    /// Why the session's end is not clean, if it is not: a trader (or a script's exit
    /// status) must not mistake it for a quiet success.
    public var problems: [String] {
        var found: [String] = []
        if outcome.marketDataSilences > 0 { found.append("market data stopped for 10 s or more \(outcome.marketDataSilences) time(s)") }
        if outcome.cancelsPending > 0 { found.append("\(outcome.cancelsPending) cancel(s) never confirmed by the exchange: check its open orders") }
        if outcome.stillHeld > 0 { found.append("\(outcome.stillHeld) order(s) still held for the request rate at the end (never sent)") }
        for line in outcome.attention { found.append("needs attention: \(line)") }
        if let failure = outcome.journalFailure { found.append("the order journal stopped: \(failure)") }
        if let countdown = outcome.countdownFailure { found.append("the countdown cancel-all failed: \(countdown)") }
        return found
    }

    public var json: String {
        var out = JSONWriter()
        out.beginObject()
        out.value("session", outcome.journalSession.map { Int($0) } ?? 0)
        out.beginObject("orders")
        out.value("sent", outcome.ordersSent)
        out.value("recovered_after_lost_answer", outcome.recovered)
        out.value("held_for_rate", outcome.ordersHeld)
        out.value("still_held", outcome.stillHeld)
        out.value("denied_locally", deniedLocally)
        out.beginObject("refused_by_exchange")
        for (code, count) in outcome.refusals.sorted(by: { $0.key < $1.key }) { out.value(code, count) }
        out.endObject()
        out.endObject()
        out.beginObject("fills")
        out.value("pushed", outcome.fillsPushed)
        out.value("polled", outcome.fillsPolled)
        out.value("fees", outcome.kernel.account.fees.formatted(fractionDigits: 8))
        out.endObject()
        out.beginObject("cancels")
        out.value("failed_attempts", outcome.cancelFailures)
        out.value("retried", outcome.cancelsRetried)
        out.value("pending", outcome.cancelsPending)
        out.endObject()
        out.beginObject("market_data")
        out.value("drops", outcome.drops)
        out.value("silences", outcome.marketDataSilences)
        out.value("frames", outcome.framesOnArrival + outcome.framesWaited)
        out.endObject()
        out.value("countdown", outcome.countdownFailure.map { "failed: \($0)" } ?? "ok")
        out.value("rate_limit", outcome.rateLimit)
        out.beginArray("positions")
        for position in outcome.kernel.account.openPositions {
            out.beginObject()
            out.value("symbol", position.symbol)
            out.value("quantity", position.quantity.formatted(fractionDigits: 0))
            out.endObject()
        }
        out.endArray()
        for (key, lines) in [("dust", outcome.dust), ("needs_attention", outcome.attention), ("reconciliation", outcome.reconciliation), ("last_errors", outcome.lastErrors), ("problems", problems)] {
            out.beginArray(key)
            for line in lines { out.value(nil, line) }
            out.endArray()
        }
        out.endObject()
        return out.text
    }

    /// Orders the kernel did not send (the risk gate, the exchange's filters, a symbol
    /// needing attention): its ids run from 1.
    var deniedLocally: Int {
        guard outcome.kernel.orderCount > 0 else { return 0 }
        return (1...outcome.kernel.orderCount).reduce(0) { $0 + (outcome.kernel.order(ClientOrderID(UInt64($1)))?.status == .denied ? 1 : 0) }
    }

    public var text: [String] {
        let positions = outcome.kernel.account.openPositions.map { "\($0.symbol) \($0.quantity)" }.joined(separator: ", ")
        let refused = outcome.refusals.sorted { $0.key < $1.key }.map { "\($0.value)× \($0.key)" }.joined(separator: ", ")
        var lines = ["trading session \(outcome.journalSession.map(String.init) ?? "-"): \(outcome.ordersSent) orders sent (\(outcome.recovered) recovered after a lost answer, \(outcome.ordersHeld) held for the request rate), \(deniedLocally) not sent (risk gate, filters), refused by the exchange: \(refused.isEmpty ? "none" : refused); fills \(outcome.fillsPushed) pushed, \(outcome.fillsPolled) polled; cancels: \(outcome.cancelsRetried) retried, \(outcome.cancelsPending) pending; market data: \(outcome.drops) drop(s), \(outcome.marketDataSilences) silence(s); positions: \(positions.isEmpty ? "flat" : positions); \(outcome.rateLimit)"]
        if !outcome.dust.isEmpty { lines.append("dust (under the exchange's minimums, not traded): " + outcome.dust.joined(separator: ", ")) }
        for error in outcome.lastErrors.suffix(5) { lines.append("last error: \(error)") }
        for problem in problems { lines.append("PROBLEM: \(problem)") }
        return lines
    }
}
