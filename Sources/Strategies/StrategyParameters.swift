import Trading

/// A parameter value as given in a strategy file or on the command line.
public enum ParameterValue: Hashable, Sendable, CustomStringConvertible {
    case number(Double)
    case integer(Int)
    case flag(Bool)
    case text(String)

    public var description: String {
        switch self {
        case .number(let value): return String(value)
        case .integer(let value): return String(value)
        case .flag(let value): return value ? "YES" : "NO"
        case .text(let value): return value
        }
    }
}

/// One parameter a strategy accepts: its name (MoonBot's where MoonBot has one), type,
/// bounds, default and meaning.
public struct ParameterSpec: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case number(ClosedRange<Double>)
        case integer(ClosedRange<Int>)
        case flag
        case choice([String])
        /// Coins or symbols, separated by commas or spaces (`BTC, ETHUSDT`); stored
        /// upper-cased, comma-separated. Empty is allowed.
        case coinList
    }

    public var name: String
    public var kind: Kind
    public var defaultValue: ParameterValue
    public var help: String

    public init(_ name: String, _ kind: Kind, default defaultValue: ParameterValue, _ help: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.help = help
    }
}

/// Why a parameter was refused.
public struct ParameterError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
}

/// Resolved parameters: every spec has a value, checked against its type and bounds.
public struct ParameterSet: Hashable, Sendable {
    public private(set) var values: [String: ParameterValue]
    /// Names in the order they print.
    public let names: [String]

    /// Resolves `given` values (from `source`, named in errors: a file and line, or
    /// `--param`) against `specs`. Unknown keys, wrong types and values out of range are
    /// errors that say which and why.
    public init(specs: [ParameterSpec], given: [(key: String, value: ParameterValue, source: String)]) throws(ParameterError) {
        var values: [String: ParameterValue] = [:]
        for spec in specs { values[spec.name] = spec.defaultValue }
        for entry in given {
            guard let spec = specs.first(where: { $0.name.lowercased() == entry.key.lowercased() }) else {
                let known = specs.map(\.name).sorted().joined(separator: ", ")
                throw ParameterError(description: "\(entry.source): unknown parameter '\(entry.key)' (known: \(known))")
            }
            values[spec.name] = try Self.check(entry.value, against: spec, source: entry.source)
        }
        self.values = values
        names = specs.map(\.name).sorted()
    }

    static func check(_ value: ParameterValue, against spec: ParameterSpec, source: String) throws(ParameterError) -> ParameterValue {
        func wrong(_ expected: String) -> ParameterError {
            ParameterError(description: "\(source): \(spec.name) must be \(expected), got '\(value)'")
        }
        switch (spec.kind, value) {
        case (.number(let range), .number(let number)):
            guard range.contains(number) else { throw ParameterError(description: "\(source): \(spec.name) = \(number) is out of range \(range.lowerBound)...\(range.upperBound)") }
            return .number(number)
        case (.number, .integer(let integer)):
            return try check(.number(Double(integer)), against: spec, source: source)
        case (.number, .text(let text)):
            guard let number = Double(text) else { throw wrong("a number") }
            return try check(.number(number), against: spec, source: source)
        case (.integer(let range), .integer(let integer)):
            guard range.contains(integer) else { throw ParameterError(description: "\(source): \(spec.name) = \(integer) is out of range \(range.lowerBound)...\(range.upperBound)") }
            return .integer(integer)
        case (.integer, .text(let text)):
            guard let integer = Int(text) else { throw wrong("a whole number") }
            return try check(.integer(integer), against: spec, source: source)
        case (.integer, .number(let number)):
            // `Int(exactly:)`: 1e300 or inf is whole but no Int, and converting it trapped
            // (a strategy file with `EMAPeriod = 1e300`: found by the strategy-toml fuzzer).
            guard let integer = Int(exactly: number) else { throw wrong("a whole number") }
            return try check(.integer(integer), against: spec, source: source)
        case (.flag, .flag(let flag)):
            return .flag(flag)
        case (.flag, .text(let text)):
            switch text.lowercased() {
            case "yes", "true", "1", "on": return .flag(true)
            case "no", "false", "0", "off": return .flag(false)
            default: throw wrong("YES or NO")
            }
        case (.choice(let choices), .text(let text)):
            guard let match = choices.first(where: { $0.lowercased() == text.lowercased() }) else {
                throw wrong("one of \(choices.joined(separator: ", "))")
            }
            return .text(match)
        case (.coinList, .text(let text)):
            let items = text.split(whereSeparator: { $0 == "," || $0 == " " }).map { $0.uppercased() }
            guard items.allSatisfy({ $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }) else {
                throw wrong("coins or symbols separated by commas (BTC, ETHUSDT)")
            }
            return .text(items.joined(separator: ","))
        case (.coinList, _): throw wrong("coins or symbols separated by commas (BTC, ETHUSDT)")
        case (.number, _): throw wrong("a number")
        case (.integer, _): throw wrong("a whole number")
        case (.flag, _): throw wrong("YES or NO")
        case (.choice(let choices), _): throw wrong("one of \(choices.joined(separator: ", "))")
        }
    }

    /// `EmulatorMode=YES`: a live session trades the strategy on a simulated account.
    public var emulated: Bool {
        if case .flag(let value)? = values["EmulatorMode"] { return value }
        return false
    }

    /// A number parameter as an amount of the account currency, to the 10⁻⁸ unit.
    public func money(_ name: String) -> Money {
        Money(units: Int64((number(name) * 1e8).rounded()))
    }

    public func number(_ name: String) -> Double {
        switch values[name] {
        case .number(let value)?: return value
        case .integer(let value)?: return Double(value)
        default: preconditionFailure("parameter \(name) is not a number")
        }
    }

    public func integer(_ name: String) -> Int {
        if case .integer(let value)? = values[name] { return value }
        return Int(number(name))
    }

    public func flag(_ name: String) -> Bool {
        if case .flag(let value)? = values[name] { return value }
        preconditionFailure("parameter \(name) is not YES/NO")
    }

    public func text(_ name: String) -> String {
        if case .text(let value)? = values[name] { return value }
        preconditionFailure("parameter \(name) is not text")
    }
}
