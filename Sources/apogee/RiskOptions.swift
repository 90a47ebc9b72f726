import ArgumentParser
import Trading

/// The risk gate's halts that a trader sets per run: the kill switch's drawdown, the
/// hourly loss limit, and whether a halt flattens.
struct RiskOptions: ParsableArguments {
    @Option(name: .customLong("kill-drawdown"), help: ArgumentHelp("Kill switch: when equity falls this far below its peak, cancel every order and halt.", valueName: "USDT"))
    var killDrawdown: Double?

    @Option(name: .customLong("max-loss-per-hour"), help: ArgumentHelp("Halt when the trades closed in the last hour lost more than this.", valueName: "USDT"))
    var maxLossPerHour: Double?

    @Flag(name: .customLong("flatten-on-halt"), help: "A halt or the kill switch also closes every position.")
    var flattenOnHalt = false

    @Option(name: .customLong("price-band"), help: ArgumentHelp("Refuse an entry whose limit is more than this % from the last trade (default 10; 0: off). Exits are never held to it.", valueName: "PERCENT"))
    var priceBand: Double?

    func validate() throws {
        // NaN and infinity pass a plain `<= 0` test: refused here by name.
        if let killDrawdown, !(killDrawdown.isFinite && killDrawdown > 0) { throw ValidationError("--kill-drawdown must be a positive number of USDT (got \(killDrawdown))") }
        if let maxLossPerHour, !(maxLossPerHour.isFinite && maxLossPerHour > 0) { throw ValidationError("--max-loss-per-hour must be a positive number of USDT (got \(maxLossPerHour))") }
        if let priceBand, !(priceBand.isFinite && priceBand >= 0) { throw ValidationError("--price-band must be 0 (off) or a positive percentage (got \(priceBand))") }
    }

    func applied(to base: RiskSettings = RiskSettings()) -> RiskSettings {
        var settings = base
        if let killDrawdown { settings.killSwitchDrawdown = Money(units: Int64((killDrawdown * 1e8).rounded())) }
        if let maxLossPerHour { settings.maxLossPerHour = Money(units: Int64((maxLossPerHour * 1e8).rounded())) }
        settings.flattenOnHalt = flattenOnHalt
        if let priceBand { settings.priceBandPercent = priceBand > 0 ? priceBand : nil }
        return settings
    }
}
