import Strategies
import Trading

/// libFuzzer's entry: any bytes as a strategy file (`--config`): `[[strategy]]`
/// entries and a `[risk]` table, read by TOMLKit and checked by `StrategyFile` and
/// `RiskTable`. Compiled together with those two files (they live in Backtesting,
/// whose other modules do I/O). What must hold: no crash; parameters a strategy's specs
/// accept make that strategy; price bands accepted are finite and not negative.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStrategyTOML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let file = try? StrategyFile(path: "fuzz.toml", text: text) else { return 0 }
    for entry in file.entries {
        // The name and the values are checked where the file is used (the strategy's
        // specs); whatever they accept must make a strategy without a crash.
        guard let catalog = StrategyCatalog.entry(named: entry.name),
              let parameters = try? ParameterSet(specs: catalog.specs, given: entry.parameters) else { continue }
        _ = catalog.make(parameters)
    }
    if let risk = file.risk?.settings {
        for (name, value) in [("price_band", risk.priceBandPercent), ("exit_price_band", risk.exitPriceBandPercent)] {
            if let value { precondition(value.isFinite && value >= 0, "\(name) = \(value) was accepted") }
        }
    }
    return 0
}
