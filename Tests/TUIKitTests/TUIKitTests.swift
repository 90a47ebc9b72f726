import Testing
import TUIKit

@Suite("TUIKit")
struct TUIKitTests {
    @Test("a block draws its border and title and returns its inside")
    func block() {
        var buffer = Buffer(width: 12, height: 4)
        let inner = buffer.block(buffer.area, title: "Book", glyphs: .ascii)
        #expect(buffer.lines == ["+ Book ----+", "|          |", "|          |", "+----------+"])
        #expect(inner == Rect(x: 1, y: 1, width: 10, height: 2))
        #expect(buffer[2, 0].style.role == .title)
    }

    @Test("layout: fixed and percentage parts first, fills share the rest, too little collapses")
    func layout() {
        let area = Rect(x: 0, y: 0, width: 100, height: 10)
        let parts = Layout.split(area, .horizontal, [.fixed(30), .percent(20), .fill, .fill])
        #expect(parts.map(\.width) == [30, 20, 25, 25])
        #expect(parts.map(\.x) == [0, 30, 50, 75])
        let tight = Layout.split(Rect(x: 0, y: 0, width: 10, height: 3), .vertical, [.fixed(2), .fixed(5), .min(1)])
        #expect(tight.map(\.height) == [2, 1, 0])
    }

    @Test("the diff lists only the cells that changed, all of them after a resize")
    func diff() {
        var first = Buffer(width: 10, height: 2)
        first.write("61837.63", x: 0, y: 0)
        var second = first
        second.write("61837.64", x: 0, y: 0, style: Style(.bid))
        let changes = second.changes(since: first)
        #expect(changes.count == 8)
        #expect(changes.contains { $0.x == 7 && $0.cell.character == "4" })
        #expect(second.changes(since: Buffer(width: 5, height: 2)).count == 20)
        #expect(first.changes(since: first).isEmpty)
    }

    @Test("tables align columns; sparklines and gauges scale")
    func widgets() {
        var buffer = Buffer(width: 20, height: 3)
        buffer.table([TableColumn("Sym", width: 8), TableColumn("Px", width: 6, alignRight: true)], rows: [[("BTCUSDT", .plain), ("61800", .plain)]], in: buffer.area)
        #expect(buffer.lines[0].hasPrefix("Sym          Px"))
        #expect(buffer.lines[1].hasPrefix("BTCUSDT   61800"))
        var spark = Buffer(width: 4, height: 1)
        spark.sparkline([1, 2, 3, 4], in: spark.area, style: .plain, glyphs: .unicode)
        #expect(spark.lines == ["▁▃▆█"])
        var gauge = Buffer(width: 10, height: 1)
        gauge.gauge(0.5, label: "", in: gauge.area, style: .plain, glyphs: .ascii)
        #expect(gauge.lines == ["#####     "])
    }

    @Test("a line chart draws Braille dots, or stars without UTF-8")
    func chart() {
        var braille = Buffer(width: 2, height: 1)
        braille.lineChart([1, 2, 3, 4], in: braille.area, style: .plain, glyphs: .unicode)
        #expect(braille.lines[0].unicodeScalars.allSatisfy { (0x2800...0x28FF).contains($0.value) })
        var ascii = Buffer(width: 4, height: 2)
        ascii.lineChart([1, 2, 1, 2], in: ascii.area, style: .plain, glyphs: .ascii)
        #expect(ascii.lines == [" * *", "* * "])
    }

    @Test("themes: roles to colours; a bad file names file, line and key")
    func themes() throws {
        let theme = try Theme.parse("[colors]\nbid = \"green\"\nask = \"#ff0000\"\nown_order = \"208\"\n", name: "t", file: "t.toml")
        #expect(theme.color(for: .bid) == .ansi(2, bright: false))
        #expect(theme.color(for: .ask).ansiApproximation == 1)
        #expect(theme.color(for: .ownOrder).paletteIndex == 208)
        #expect(throws: SimpleTOML.Failure(file: "t.toml", line: 3, message: "key 'bid': unknown colour 'greeen' (a name such as green or bright-red, 0-255, #rrggbb, or default)")) {
            try Theme.parse("[colors]\n# comment\nbid = \"greeen\"\n", name: "t", file: "t.toml")
        }
        #expect(throws: SimpleTOML.Failure.self) { try Theme.parse("[colors]\nbidd = \"green\"\n", name: "t", file: "t.toml") }
    }

    @Test("keymaps: keys to actions; unknown keys, unknown actions and double bindings are refused")
    func keymaps() throws {
        let actions: Set = ["buy", "quit", "help"]
        let keymap = try Keymap.parse("[keys]\nb = \"buy\"\n\"?\" = \"help\"\nctrl-c = \"quit\"\nf1 = \"help\"\n", name: "k", file: "k.toml", actions: actions)
        #expect(keymap.action(for: .character("b")) == "buy")
        #expect(keymap.action(for: .control("c")) == "quit")
        #expect(keymap.action(for: .function(1)) == "help")
        #expect(throws: SimpleTOML.Failure(file: "k.toml", line: 2, message: "key 'b': unknown action 'buyy' (known: buy, help, quit)")) {
            try Keymap.parse("[keys]\nb = \"buyy\"\n", name: "k", file: "k.toml", actions: actions)
        }
        #expect(throws: SimpleTOML.Failure(file: "k.toml", line: 3, message: "key 'b' is bound twice")) {
            try Keymap.parse("[keys]\nb = \"buy\"\nb = \"quit\"\n", name: "k", file: "k.toml", actions: actions)
        }
        #expect(throws: SimpleTOML.Failure.self) { try Keymap.parse("[keys]\nhyper-x = \"buy\"\n", name: "k", file: "k.toml", actions: actions) }
    }
}

@Suite("Chart marks")
struct ChartMarkTests {
    @Test("a mark near the prices is drawn; a far one does not flatten the line")
    func marks() {
        var near = Buffer(width: 4, height: 3)
        near.lineChart([10, 11, 10, 11], marks: [(9, Style(.ownOrder))], in: near.area, style: .plain, glyphs: .ascii)
        #expect(near.lines[2] == "----")
        var far = Buffer(width: 4, height: 3)
        far.lineChart([10, 11, 10, 11], marks: [(100, Style(.ownOrder))], in: far.area, style: .plain, glyphs: .ascii)
        #expect(far.lines == [" * *", "    ", "* * "])
    }
}
