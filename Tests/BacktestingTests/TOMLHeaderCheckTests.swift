import Backtesting
import Testing
@testable import TOMLGuard

/// toml++ aborts on a table header with no key after `[` (found by the strategy-toml
/// fuzz target): such text is refused before it reaches the parser.
@Suite("TOML text checked before toml++ sees it")
struct TOMLHeaderCheckTests {
    @Test("a header with nothing that can start a key after '[' or '[[' is refused with its line and column", arguments: [
        ("[\n", 1, 1),
        ("[", 1, 1),
        ("a = 1\n  [[ \t\n", 2, 3),
        ("[risk]\nprice_band = 4\n[ =", 3, 1),
        ("x = \"\"\"\n[\n\"\"\"\n[#", 4, 1),
        ("\u{FEFF}[\u{FFFD}", 1, 1), // after a byte order mark, which toml++ skips
    ])
    func refused(text: String, line: Int, column: Int) {
        #expect(throws: TOMLHeaderCheck.Failure(line: line, column: column)) { try TOMLHeaderCheck.check(text) }
    }

    @Test("valid TOML passes: nested arrays over lines, '[' inside strings and comments, quoted and dotted headers")
    func accepted() throws {
        let texts = [
            "x = [\n  [1, 2],\n  [\n    3\n  ]\n]\n[[strategy]]\nname = \"ema\"\n",
            "s = \"[\"\nt = '['\nu = '''\n[\n'''\n# [\n[ \"quoted key\" ]\n[a.b]\n[[ c ]]\n",
            "[]\n", // toml++ refuses it itself, with its own message, without aborting
        ]
        for text in texts {
            #expect(throws: Never.self) { try TOMLHeaderCheck.check(text) }
        }
    }

    @Test("a strategy file with such a header is refused with the file, line and column, not an abort")
    func strategyFile() {
        do {
            _ = try StrategyFile(path: "mine.toml", text: "[[strategy]]\nname = \"ema\"\n[\n")
            Issue.record("accepted")
        } catch {
            #expect(error.description == "mine.toml:3:1: a table header needs a name after '[' (a bare key or a quoted one)")
        }
    }
}
