/// The widgets: each draws into a rectangle of a buffer and nothing else.
extension Buffer {
    /// A bordered block with a title; returns the inner rectangle.
    @discardableResult
    public mutating func block(_ rect: Rect, title: String, glyphs: Glyphs, focused: Bool = false) -> Rect {
        guard rect.width >= 2, rect.height >= 2 else { return Rect(x: rect.x, y: rect.y, width: 0, height: 0) }
        let border = Style(.border, focused ? [.bold] : [])
        for column in rect.x..<rect.maxX {
            self[column, rect.y] = Cell(glyphs.horizontal, border)
            self[column, rect.maxY - 1] = Cell(glyphs.horizontal, border)
        }
        for row in rect.y..<rect.maxY {
            self[rect.x, row] = Cell(glyphs.vertical, border)
            self[rect.maxX - 1, row] = Cell(glyphs.vertical, border)
        }
        self[rect.x, rect.y] = Cell(glyphs.topLeft, border)
        self[rect.maxX - 1, rect.y] = Cell(glyphs.topRight, border)
        self[rect.x, rect.maxY - 1] = Cell(glyphs.bottomLeft, border)
        self[rect.maxX - 1, rect.maxY - 1] = Cell(glyphs.bottomRight, border)
        if rect.width > 4 {
            write(" \(title) ", x: rect.x + 1, y: rect.y, style: Style(.title, [.bold]), limit: rect.width - 2)
        }
        return rect.inset(by: 1)
    }

    /// Lines of styled text, clipped to the rectangle.
    public mutating func text(_ lines: [(String, Style)], in rect: Rect) {
        for (offset, line) in lines.prefix(rect.height).enumerated() {
            write(line.0, x: rect.x, y: rect.y + offset, style: line.1, limit: rect.width)
        }
    }

    /// A table: a header row and rows of cells, each column with a width and alignment.
    public mutating func table(_ columns: [TableColumn], rows: [[(String, Style)]], in rect: Rect, header: Bool = true) {
        var y = rect.y
        func drawRow(_ cells: [(String, Style)]) {
            var x = rect.x
            // A column that does not fit whole is left out, with the ones after it: a
            // cut column reads as other figures (`0.0` for 0.0372).
            for (index, column) in columns.enumerated() {
                guard x + column.width <= rect.maxX || index == 0, x < rect.maxX else { break }
                let width = Swift.min(column.width, rect.maxX - x)
                let (value, style) = index < cells.count ? cells[index] : ("", .plain)
                // A figure too long for its column shows #s, never its first digits.
                let clipped = column.alignRight && value.count > width ? String(repeating: "#", count: width) : String(value.prefix(width))
                let start = column.alignRight ? x + width - clipped.count : x
                write(clipped, x: start, y: y, style: style, limit: width)
                x += width + 1
            }
            y += 1
        }
        if header, rect.height > 0 {
            drawRow(columns.map { ($0.title, Style(.muted, [.bold])) })
        }
        for row in rows where y < rect.maxY { drawRow(row) }
    }

    /// A sparkline of `values`, newest on the right.
    public mutating func sparkline(_ values: [Double], in rect: Rect, style: Style, glyphs: Glyphs) {
        guard rect.width > 0, rect.height > 0, let low = values.min(), let high = values.max() else { return }
        let shown = values.suffix(rect.width)
        let span = high - low
        for (offset, value) in shown.enumerated() {
            let level = span > 0 ? Int(((value - low) / span * 7).rounded()) : 3
            self[rect.x + offset, rect.maxY - 1] = Cell(glyphs.levels[Swift.max(0, Swift.min(7, level))], style)
        }
    }

    /// A horizontal gauge filled to `fraction`.
    public mutating func gauge(_ fraction: Double, label: String, in rect: Rect, style: Style, glyphs: Glyphs) {
        guard rect.width > 0, rect.height > 0 else { return }
        let filled = Int((Swift.max(0, Swift.min(1, fraction)) * Double(rect.width)).rounded())
        for column in 0..<rect.width {
            self[rect.x + column, rect.y] = column < filled ? Cell(glyphs.bar, style) : Cell(" ", Style(.muted))
        }
        let start = rect.x + Swift.max(0, (rect.width - label.count) / 2)
        write(label, x: start, y: rect.y, style: Style(.text, [.bold]), limit: rect.width)
    }

    /// A line chart of `values` scaled to the rectangle: Braille dots (2×4 per cell)
    /// where the terminal has them, `*` otherwise. Extra marks (`marks`: value and
    /// style) draw a horizontal line each, such as a stop or an own order, when they
    /// lie within the prices' own range of them.
    /// Returns the scale it drew with (the prices of the top and bottom rows), so an
    /// axis beside it can be labelled; nil when nothing was drawn.
    @discardableResult
    /// `minimumSpan`: the scale covers at least this much (around the values' middle),
    /// so a change too small to matter draws as one.
    public mutating func lineChart(_ values: [Double], marks: [(Double, Style)] = [], minimumSpan: Double = 0, in rect: Rect, style: Style, glyphs: Glyphs) -> (low: Double, high: Double)? {
        // The scale fits the prices drawn, not older ones scrolled off the left.
        let visible = Array(values.suffix(glyphs.braille ? rect.width * 2 : rect.width))
        guard rect.width > 0, rect.height > 0, let valueLow = visible.min(), let valueHigh = visible.max() else { return nil }
        // Marks widen the scale only when they are near the prices: a far-away order
        // must not flatten the line. Those further out are not drawn.
        let reach = max(valueHigh - valueLow, abs(valueHigh) * 0.001)
        let shownMarks = marks.filter { $0.0 >= valueLow - reach && $0.0 <= valueHigh + reach }
        let all = visible + shownMarks.map(\.0)
        guard var low = all.min(), var high = all.max() else { return nil }
        if high - low < minimumSpan {
            let middle = (high + low) / 2
            (low, high) = (middle - minimumSpan / 2, middle + minimumSpan / 2)
        }
        let span = high - low
        for (value, markStyle) in shownMarks {
            let row = span > 0 ? Int(((high - value) / span * Double(rect.height - 1)).rounded()) : rect.height / 2
            for column in rect.x..<rect.maxX {
                self[column, rect.y + row] = Cell(glyphs.horizontal, markStyle)
            }
        }
        if glyphs.braille {
            let dotsWide = rect.width * 2
            let dotsHigh = rect.height * 4
            let shown = Array(values.suffix(dotsWide))
            var grid = Array(repeating: UInt32(0), count: rect.width * rect.height)
            // Braille bit for (column 0/1, row 0...3).
            let bits: [[UInt32]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
            for (index, value) in shown.enumerated() {
                let dotX = index + (dotsWide - shown.count)
                let dotY = span > 0 ? Int(((high - value) / span * Double(dotsHigh - 1)).rounded()) : dotsHigh / 2
                let cell = (dotY / 4) * rect.width + dotX / 2
                grid[cell] |= bits[dotX % 2][dotY % 4]
            }
            for (index, pattern) in grid.enumerated() where pattern != 0 {
                if let scalar = Unicode.Scalar(0x2800 + pattern) {
                    self[rect.x + index % rect.width, rect.y + index / rect.width] = Cell(Character(scalar), style)
                }
            }
        } else {
            let shown = Array(values.suffix(rect.width))
            for (index, value) in shown.enumerated() {
                let row = span > 0 ? Int(((high - value) / span * Double(rect.height - 1)).rounded()) : rect.height / 2
                self[rect.x + index + (rect.width - shown.count), rect.y + row] = Cell("*", style)
            }
        }
        return (low, high)
    }

    /// The row of `value` on a chart of `rect` scaled from `low` (bottom) to `high`
    /// (top); nil when it is off the chart.
    public static func chartRow(_ value: Double, low: Double, high: Double, in rect: Rect) -> Int? {
        guard rect.height > 0 else { return nil }
        let span = high - low
        let row = span > 0 ? Int(((high - value) / span * Double(rect.height - 1)).rounded()) : rect.height / 2
        return (0..<rect.height).contains(row) ? rect.y + row : nil
    }
}

/// One candle for the candle chart: open, high, low, close.
public struct CandleBar: Hashable, Sendable {
    public var open: Double
    public var high: Double
    public var low: Double
    public var close: Double

    public init(open: Double, high: Double, low: Double, close: Double) {
        self.open = open
        self.high = high
        self.low = low
        self.close = close
    }
}

extension Buffer {
    /// A candle chart, one column per candle, newest on the right: the wick from low to
    /// high, the body from open to close in the rising or falling style.
    public mutating func candleChart(_ candles: [CandleBar], in rect: Rect, rising: Style, falling: Style, glyphs: Glyphs) {
        guard rect.width > 0, rect.height > 0, !candles.isEmpty else { return }
        let shown = Array(candles.suffix(rect.width))
        guard let low = shown.map(\.low).min(), let high = shown.map(\.high).max() else { return }
        let span = high - low
        func row(_ value: Double) -> Int {
            span > 0 ? Int(((high - value) / span * Double(rect.height - 1)).rounded()) : rect.height / 2
        }
        for (offset, candle) in shown.enumerated() {
            let x = rect.x + offset + (rect.width - shown.count)
            let style = candle.close >= candle.open ? rising : falling
            for y in row(candle.high)...row(candle.low) { self[x, rect.y + y] = Cell(glyphs.vertical, style) }
            let top = row(max(candle.open, candle.close))
            let bottom = row(min(candle.open, candle.close))
            for y in top...bottom { self[x, rect.y + y] = Cell(glyphs.bar, style) }
        }
    }
}

/// A column of a table.
public struct TableColumn: Hashable, Sendable {
    public var title: String
    public var width: Int
    public var alignRight: Bool

    public init(_ title: String, width: Int, alignRight: Bool = false) {
        self.title = title
        self.width = width
        self.alignRight = alignRight
    }
}
