/// The small part of TOML that themes and keymaps use: `[section]` headers,
/// `key = "string"` or `key = number` lines, and `#` comments. Every entry keeps its
/// line number so a bad file is refused with file, line and key.
public struct SimpleTOML: Sendable {
    public struct Entry: Hashable, Sendable {
        public var section: String
        public var key: String
        public var value: String
        public var line: Int
    }

    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var message: String
        public var description: String { "\(file):\(line): \(message)" }

        public init(file: String, line: Int, message: String) {
            self.file = file
            self.line = line
            self.message = message
        }
    }

    public var entries: [Entry]

    public init(text: String, file: String) throws(Failure) {
        var entries: [Entry] = []
        var section = ""
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            var line = Substring(raw)
            if let hash = Self.commentStart(line) { line = line[..<hash] }
            let trimmed = line.trimmingWhitespace()
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]"), trimmed.count > 2 else {
                    throw Failure(file: file, line: number, message: "a section header is written [name]")
                }
                section = String(trimmed.dropFirst().dropLast()).trimmingWhitespace()
                continue
            }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw Failure(file: file, line: number, message: "expected key = value")
            }
            var key = String(trimmed[..<equals]).trimmingWhitespace()
            if key.hasPrefix("\""), key.hasSuffix("\""), key.count >= 2 { key = String(key.dropFirst().dropLast()) }
            let rawValue = String(trimmed[trimmed.index(after: equals)...]).trimmingWhitespace()
            guard !key.isEmpty else { throw Failure(file: file, line: number, message: "missing key before =") }
            let value: String
            if rawValue.hasPrefix("\"") {
                guard rawValue.count >= 2, rawValue.hasSuffix("\"") else {
                    throw Failure(file: file, line: number, message: "key '\(key)': unterminated string")
                }
                value = String(rawValue.dropFirst().dropLast())
            } else if !rawValue.isEmpty, rawValue.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }) || rawValue == "true" || rawValue == "false" {
                value = rawValue
            } else {
                throw Failure(file: file, line: number, message: "key '\(key)': value must be a \"string\", a number or true/false")
            }
            entries.append(Entry(section: section, key: key, value: value, line: number))
        }
        self.entries = entries
    }

    /// Where a `#` comment starts, outside quotes.
    static func commentStart(_ line: Substring) -> Substring.Index? {
        var quoted = false
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if character == "\"" { quoted.toggle() }
            if character == "#", !quoted { return index }
            index = line.index(after: index)
        }
        return nil
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" || first == "\r" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
        return String(text)
    }
}
