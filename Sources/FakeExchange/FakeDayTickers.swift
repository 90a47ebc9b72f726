import Foundation
import MarketModel
import Synchronization

/// The fake exchange's `!miniTicker@arr`: each symbol's figures over the trades played
/// so far (a recording is minutes long, so "24 hours" is all of it), sent once a second
/// for the symbols that traded since the last send, as Binance sends them.
final class FakeDayTickers: Sendable {
    private struct Figures {
        var open: Price
        var high: Price
        var low: Price
        var close: Price
        var baseVolume: Int128 = 0
        /// Σ price units × quantity units (10⁻¹⁶ of the quote currency).
        var quoteVolume: Int128 = 0
    }

    private let state = Mutex<(figures: [String: Figures], changed: Set<String>)>(([:], []))

    func record(_ trade: TradePrint) {
        state.withLock { state in
            var figures = state.figures[trade.symbol] ?? Figures(open: trade.price, high: trade.price, low: trade.price, close: trade.price)
            if trade.price > figures.high { figures.high = trade.price }
            if trade.price < figures.low { figures.low = trade.price }
            figures.close = trade.price
            figures.baseVolume += Int128(trade.quantity.units)
            figures.quoteVolume += Int128(trade.price.units) * Int128(trade.quantity.units)
            state.figures[trade.symbol] = figures
            state.changed.insert(trade.symbol)
        }
    }

    /// The combined-stream message for the symbols that changed, sorted; nil when none did.
    func frame(eventTimeMilliseconds: Int64) -> String? {
        let entries: [String] = state.withLock { state in
            defer { state.changed.removeAll() }
            return state.changed.sorted().compactMap { symbol in
                guard let figures = state.figures[symbol] else { return nil }
                let quote = Quantity(units: Int64(clamping: figures.quoteVolume / Int128(FixedPoint.unitsPerWhole)))
                let base = Quantity(units: Int64(clamping: figures.baseVolume))
                return "{\"e\":\"24hrMiniTicker\",\"E\":\(eventTimeMilliseconds),\"s\":\"\(symbol)\",\"c\":\"\(figures.close.formatted(fractionDigits: 8))\",\"o\":\"\(figures.open.formatted(fractionDigits: 8))\",\"h\":\"\(figures.high.formatted(fractionDigits: 8))\",\"l\":\"\(figures.low.formatted(fractionDigits: 8))\",\"v\":\"\(base.formatted(fractionDigits: 8))\",\"q\":\"\(quote.formatted(fractionDigits: 8))\"}"
            }
        }
        guard !entries.isEmpty else { return nil }
        return "{\"stream\":\"!miniTicker@arr\",\"data\":[" + entries.joined(separator: ",") + "]}"
    }
}
