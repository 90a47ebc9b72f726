import Strategies
import TOMLGuard
import TOMLKit

/// A TOML strategy file: several strategies, each an entry of `[[strategy]]` with its
/// `name` and its parameters (MoonBot's names):
///
/// ```toml
/// [[strategy]]
/// name = "ema-reversal"
/// EMAPeriod = 60
/// StretchPercent = 0.12
/// UseTrailing = true
/// ```
public struct StrategyFile: Sendable {
    public struct Entry: Sendable {
        public var name: String
        public var enabled: Bool
        public var parameters: [(key: String, value: ParameterValue, source: String)]
    }

    public var path: String
    public var entries: [Entry]
    /// The file's `[risk]` table, if it has one.
    public var risk: RiskTable?

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(path: String, text: String) throws(Failure) {
        self.path = path
        let table: TOMLTable
        do {
            try TOMLHeaderCheck.check(text)
        } catch {
            throw Failure(description: "\(path):\(error)")
        }
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw Failure(description: "\(path):\(error.source.begin.line):\(error.source.begin.column): \(error.description)")
        } catch {
            throw Failure(description: "\(path): \(error)")
        }
        for key in table.keys.sorted() where key != "strategy" && key != "risk" {
            throw Failure(description: "\(path): unknown top-level key '\(key)'; strategies go in [[strategy]] entries, risk limits in [risk]")
        }
        if let risk = table["risk"] {
            guard let riskTable = risk.table else { throw Failure(description: "\(path): risk must be a table ([risk])") }
            self.risk = try RiskTable(path: path, table: riskTable)
        }
        // A file of risk limits alone is fine; one with neither is a mistake.
        guard let list = table["strategy"]?.array ?? (risk != nil ? [] : nil) else {
            throw Failure(description: "\(path): no [[strategy]] entry and no [risk] table")
        }
        var entries: [Entry] = []
        for (number, element) in list.enumerated() {
            let label = "\(path) [[strategy]] #\(number + 1)"
            guard let item = element.table else { throw Failure(description: "\(label): not a table") }
            guard let name = item["name"]?.string else { throw Failure(description: "\(label): missing name = \"...\"") }
            var enabled = true
            var parameters: [(key: String, value: ParameterValue, source: String)] = []
            for key in item.keys.sorted() where key != "name" {
                guard let value = item[key] else { continue }
                if key == "enabled" {
                    guard let flag = value.bool else { throw Failure(description: "\(label) (\(name)): enabled must be true or false") }
                    enabled = flag
                    continue
                }
                let converted: ParameterValue
                switch value.type {
                case .int: converted = .integer(value.int ?? 0)
                case .double: converted = .number(value.double ?? 0)
                case .bool: converted = .flag(value.bool ?? false)
                case .string: converted = .text(value.string ?? "")
                default: throw Failure(description: "\(label) (\(name)): \(key) has a \(value.type) value; use a number, true/false or a string")
                }
                parameters.append((key, converted, "\(label) (\(name))"))
            }
            entries.append(Entry(name: name, enabled: enabled, parameters: parameters))
        }
        self.entries = entries
    }
}
