import Backtesting
import Strategies

/// The strategies a terminal session runs: those named with `--strategy` (default
/// parameters) and every enabled entry of a `--config` file; `ema-reversal` when
/// neither is given. Each name once: the kernel tells strategies apart by name.
public enum TerminalStrategies {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// `parameters` (`--param KEY=VALUE`) go to the one strategy `names` holds.
    public static func resolve(names: [String], file: StrategyFile?, parameters: [(key: String, value: ParameterValue, source: String)] = []) throws(Failure) -> [(entry: StrategyCatalog.Entry, parameters: ParameterSet)] {
        if !parameters.isEmpty, names.count != 1 {
            throw Failure(description: "\(parameters[0].source): --param sets a parameter of the one --strategy named (\(names.count) named); use a --config file for several")
        }
        var result: [(entry: StrategyCatalog.Entry, parameters: ParameterSet)] = []
        func add(_ name: String, _ given: [(key: String, value: ParameterValue, source: String)], from source: String) throws(Failure) {
            guard let entry = StrategyCatalog.entry(named: name) else {
                throw Failure(description: "\(source): unknown strategy '\(name)' (known: \(StrategyCatalog.entries.map(\.name).joined(separator: ", ")))")
            }
            guard !result.contains(where: { $0.entry.name == entry.name }) else {
                throw Failure(description: "\(source): strategy '\(entry.name)' is named twice; one session runs each strategy once")
            }
            do {
                result.append((entry, try ParameterSet(specs: entry.specs, given: given)))
            } catch {
                throw Failure(description: error.description)
            }
        }
        for name in names { try add(name, parameters, from: "--strategy \(name)") }
        if let file {
            for item in file.entries where item.enabled { try add(item.name, item.parameters, from: file.path) }
        }
        if names.isEmpty, file == nil { try add("ema-reversal", [], from: "default") }
        return result
    }
}
