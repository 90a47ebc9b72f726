/// A check run on TOML text before it reaches TOMLKit's parser (toml++ 3).
///
/// toml++ asserts that a table header's `[` (or `[[`) is followed by a key: given `[`
/// and then the end of the line, or any other character that cannot start a key, a
/// debug build aborts (SIGABRT, found by the `strategy-toml` fuzz target) and a release
/// build, where the assertion becomes an optimiser assumption, has undefined behaviour.
/// Such a header is refused here with its line, the way toml++ refuses `[]`.
///
/// The scan follows TOML just far enough to know where a header can start: at the
/// beginning of a statement, outside strings, comments and the brackets of a value
/// (`x = [` starts an array, whose lines may begin with `[`).
public enum TOMLHeaderCheck {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var column: Int
        public var description: String {
            "\(line):\(column): a table header needs a name after '[' (a bare key or a quoted one)"
        }
    }

    public static func check(_ text: String) throws(Failure) {
        let bytes = Array(text.utf8)
        // toml++ skips a UTF-8 byte order mark, so the first statement starts after it
        // (a BOM then `[` slipped past this check: found by the fuzzer).
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1
        var lineStart = index
        var depth = 0 // brackets and braces open in the current value
        var atStatementStart = true
        func peek(_ offset: Int = 0) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }
        func isKeyStart(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "]"):
                return true
            default:
                return false
            }
        }
        /// Skips a string starting at `index` (its quote); counts the lines it spans.
        func skipString(_ quote: UInt8) {
            let triple = peek(1) == quote && peek(2) == quote
            index += triple ? 3 : 1
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") {
                    index += 2
                    continue
                }
                if byte == UInt8(ascii: "\n") {
                    line += 1
                    lineStart = index + 1
                    if !triple { return } // an unclosed string: toml++ reports it
                }
                if byte == quote {
                    if !triple {
                        index += 1
                        return
                    }
                    if peek(1) == quote && peek(2) == quote {
                        index += 3
                        // Up to two more quotes may close a multi-line string.
                        while peek() == quote { index += 1 }
                        return
                    }
                }
                index += 1
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\n"):
                line += 1
                lineStart = index + 1
                if depth == 0 { atStatementStart = true }
                index += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: "#"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                atStatementStart = false
                skipString(byte)
            case UInt8(ascii: "[") where atStatementStart && depth == 0:
                let column = index - lineStart + 1
                index += 1
                while peek() == UInt8(ascii: " ") || peek() == UInt8(ascii: "\t") { index += 1 }
                if peek() == UInt8(ascii: "[") {
                    index += 1
                    while peek() == UInt8(ascii: " ") || peek() == UInt8(ascii: "\t") { index += 1 }
                }
                guard let next = peek(), isKeyStart(next) else { throw Failure(line: line, column: column) }
                atStatementStart = false
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                atStatementStart = false
                depth += 1
                index += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth = max(0, depth - 1)
                index += 1
            default:
                atStatementStart = false
                index += 1
            }
        }
    }
}
