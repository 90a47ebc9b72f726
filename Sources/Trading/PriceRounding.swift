import MarketModel

extension Price {
    /// This price moved by `percent` % (positive up), rounded to `tick` in the given
    /// direction so an order never lands between ticks.
    public func moved(byPercent percent: Double, tick: Price, roundingUp: Bool) -> Price {
        let target = Double(units) * (1 + percent / 100)
        return Price.rounded(units: target, tick: tick, up: roundingUp)
    }

    /// `units` (possibly fractional) rounded to a multiple of `tick`.
    public static func rounded(units: Double, tick: Price, up: Bool) -> Price {
        let step = Double(max(tick.units, 1))
        // The small epsilon keeps exact multiples from moving a whole tick through
        // floating-point noise.
        let ticks = up ? (units / step - 1e-9).rounded(.up) : (units / step + 1e-9).rounded(.down)
        return Price(units: Int64(max(ticks, 0)) * Int64(step))
    }

    /// Rounded to `tick`, towards the side that is worse for the order (down for a
    /// sell's floor, up for a buy's ceiling) as chosen by `up`.
    public func rounded(toTick tick: Price, up: Bool) -> Price {
        Price.rounded(units: Double(units), tick: tick, up: up)
    }
}
