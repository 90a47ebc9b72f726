/// What a cell is for, so themes can colour it: the screen never names a colour.
public enum Role: String, Hashable, Sendable, CaseIterable {
    case text, muted, title, border, bid, ask, profit, loss, ownOrder = "own_order", warning, highlight, header
}

/// Text attributes a terminal can show.
public struct Attributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = Attributes(rawValue: 1)
    public static let reverse = Attributes(rawValue: 2)
    public static let dim = Attributes(rawValue: 4)
    public static let underline = Attributes(rawValue: 8)
}

/// The look of a cell: a role and attributes.
public struct Style: Hashable, Sendable {
    public var role: Role
    public var attributes: Attributes

    public init(_ role: Role = .text, _ attributes: Attributes = []) {
        self.role = role
        self.attributes = attributes
    }

    public static let plain = Style()
}

/// One character cell of the screen.
public struct Cell: Hashable, Sendable {
    public var character: Character
    public var style: Style

    public init(_ character: Character = " ", _ style: Style = .plain) {
        self.character = character
        self.style = style
    }

    public static let blank = Cell()
}
