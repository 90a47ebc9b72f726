import EngineCore
import MarketModel

/// How the screen prints numbers: a symbol's prices at its tick's decimals and its
/// quantities at its lot's, so a column lines up (`61800.00` under `61800.09`, never
/// `61800`); a figure in a narrow column loses decimals, never digits (`10.4`, not
/// `10.`).
extension KernelSnapshot.MarketLine {
    func text(_ price: Price) -> String { price.formatted(fractionDigits: priceDecimals) }
    func text(_ quantity: Quantity) -> String { quantity.formatted(fractionDigits: quantityDecimals) }
}

extension ScreenData {
    /// The market line of `symbol`, if the kernel knows it.
    func market(_ symbol: String) -> KernelSnapshot.MarketLine? {
        snapshot.markets.first { $0.symbol == symbol }
    }

    func price(_ price: Price, of symbol: String) -> String {
        market(symbol)?.text(price) ?? price.description
    }

    func quantity(_ quantity: Quantity, of symbol: String) -> String {
        market(symbol)?.text(quantity) ?? quantity.description
    }
}

extension Screen {
    /// `value` with as many of `decimals` as fit in `width` characters (at least the
    /// whole part: a number too wide for its column shows `#`s rather than a lie).
    static func fitted(_ value: Double, decimals: Int, width: Int) -> String {
        guard width > 0 else { return "" }
        for places in stride(from: decimals, through: 0, by: -1) {
            let text = format(value, places, fixed: true)
            if text.count <= width { return text }
        }
        return String(repeating: "#", count: width)
    }

    /// `value` rounded to `places` decimals; with `fixed`, always that many (`2.50`).
    static func format(_ value: Double, _ places: Int, fixed: Bool) -> String {
        guard fixed else { return format(value, places) }
        guard value.isFinite else { return "-" }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int64(scaled / scale)
        let fraction = Int64(scaled - Double(whole) * scale)
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard places > 0 else { return sign + String(whole) }
        let digits = String(fraction)
        return sign + String(whole) + "." + String(repeating: "0", count: places - digits.count) + digits
    }
}
