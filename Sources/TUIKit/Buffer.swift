/// A frame: a grid of cells the widgets draw into, compared with the previous frame so
/// only changed cells reach the terminal.
public struct Buffer: Hashable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            cells[y * width + x] = newValue
        }
    }

    /// Writes `text` from (x, y), clipped to `limit` cells and to the buffer. Returns
    /// the number of cells written.
    @discardableResult
    public mutating func write(_ text: String, x: Int, y: Int, style: Style = .plain, limit: Int = .max) -> Int {
        guard y >= 0, y < height else { return 0 }
        var column = x
        var written = 0
        for character in text {
            if written >= limit || column >= width { break }
            if column >= 0 { cells[y * width + column] = Cell(character, style) }
            column += 1
            written += 1
        }
        return written
    }

    /// Fills a rectangle with one cell.
    public mutating func fill(_ rect: Rect, with cell: Cell) {
        for row in Swift.max(rect.y, 0)..<Swift.min(rect.maxY, height) {
            for column in Swift.max(rect.x, 0)..<Swift.min(rect.maxX, width) {
                cells[row * width + column] = cell
            }
        }
    }

    /// Sets the style of a rectangle, keeping its characters.
    public mutating func setStyle(_ style: Style, in rect: Rect) {
        for row in Swift.max(rect.y, 0)..<Swift.min(rect.maxY, height) {
            for column in Swift.max(rect.x, 0)..<Swift.min(rect.maxX, width) {
                cells[row * width + column].style = style
            }
        }
    }

    /// One row as text, for tests and logs.
    public func line(_ y: Int) -> String {
        String(cells[(y * width)..<((y + 1) * width)].map(\.character))
    }

    public var lines: [String] { (0..<height).map(line) }

    /// A change between two frames: one cell to write.
    public struct Change: Hashable, Sendable {
        public var x: Int
        public var y: Int
        public var cell: Cell
    }

    /// The cells that differ from `previous` (all of them when the size changed).
    public func changes(since previous: Buffer?) -> [Change] {
        var changes: [Change] = []
        guard let previous, previous.width == width, previous.height == height else {
            changes.reserveCapacity(cells.count)
            for index in cells.indices { changes.append(Change(x: index % width, y: index / width, cell: cells[index])) }
            return changes
        }
        for index in cells.indices where cells[index] != previous.cells[index] {
            changes.append(Change(x: index % width, y: index / width, cell: cells[index]))
        }
        return changes
    }
}
