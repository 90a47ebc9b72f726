/// A terminal colour as themes name it.
public enum Color: Hashable, Sendable {
    /// The terminal's own default.
    case `default`
    /// One of the eight ANSI colours (0 black … 7 white), `bright` for the high half.
    case ansi(UInt8, bright: Bool)
    /// An entry of the 256-colour palette.
    case indexed(UInt8)
    /// A true colour, mapped to the nearest the terminal has.
    case rgb(UInt8, UInt8, UInt8)

    static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// Reads `green`, `bright-green`, `default`, `208`, `#ff8800`.
    public init?(name: String) {
        let lower = name.lowercased()
        if lower == "default" || lower == "none" {
            self = .default
        } else if let index = Self.names.firstIndex(of: lower) {
            self = .ansi(UInt8(index), bright: false)
        } else if lower.hasPrefix("bright-"), let index = Self.names.firstIndex(of: String(lower.dropFirst(7))) {
            self = .ansi(UInt8(index), bright: true)
        } else if let number = UInt8(lower) {
            self = .indexed(number)
        } else if lower.hasPrefix("#"), lower.count == 7, let value = UInt32(lower.dropFirst(), radix: 16) {
            self = .rgb(UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF))
        } else {
            return nil
        }
    }

    /// The nearest of the eight ANSI colours (for 8- and 16-colour terminals).
    public var ansiApproximation: UInt8? {
        switch self {
        case .default: return nil
        case .ansi(let index, _): return index
        case .indexed(let index):
            if index < 8 { return index }
            if index < 16 { return index - 8 }
            return Color.rgbApproximation(Color.rgb(of: index))
        case .rgb(let red, let green, let blue): return Color.rgbApproximation((red, green, blue))
        }
    }

    /// The nearest entry of the 256-colour palette.
    public var paletteIndex: UInt8? {
        switch self {
        case .default: return nil
        case .ansi(let index, let bright): return bright ? index + 8 : index
        case .indexed(let index): return index
        case .rgb(let red, let green, let blue):
            func level(_ value: UInt8) -> UInt8 { value < 48 ? 0 : value < 115 ? 1 : (value - 35) / 40 }
            return 16 + 36 * level(red) + 6 * level(green) + level(blue)
        }
    }

    static func rgb(of index: UInt8) -> (UInt8, UInt8, UInt8) {
        if index >= 232 {
            let gray = UInt8(8 + Int(index - 232) * 10)
            return (gray, gray, gray)
        }
        let cube = Int(index) - 16
        let steps: [UInt8] = [0, 95, 135, 175, 215, 255]
        return (steps[cube / 36], steps[cube / 6 % 6], steps[cube % 6])
    }

    static func rgbApproximation(_ rgb: (UInt8, UInt8, UInt8)) -> UInt8 {
        let (red, green, blue) = (rgb.0 > 127 ? 1 : 0, rgb.1 > 127 ? 1 : 0, rgb.2 > 127 ? 1 : 0)
        return UInt8(red | green << 1 | blue << 2)
    }
}

/// Colours for roles: what `bid`, `ask`, `profit`, `loss`, `own_order`, `border`,
/// `title`, `muted`, `warning`… look like.
public struct Theme: Hashable, Sendable {
    public var name: String
    public var foreground: [Role: Color]
    public var background: Color
    /// Monochrome: roles are told apart by attributes only.
    public var monochrome: Bool

    public init(name: String, foreground: [Role: Color], background: Color = .default, monochrome: Bool = false) {
        self.name = name
        self.foreground = foreground
        self.background = background
        self.monochrome = monochrome
    }

    public func color(for role: Role) -> Color { foreground[role] ?? .default }

    /// Reads a theme file:
    /// ```
    /// [colors]
    /// bid = "green"
    /// ask = "bright-red"
    /// background = "default"
    /// [options]
    /// monochrome = false
    /// ```
    /// Unknown roles, unknown colours and unknown keys are refused with file and line.
    public static func parse(_ text: String, name: String, file: String) throws(SimpleTOML.Failure) -> Theme {
        let document = try SimpleTOML(text: text, file: file)
        var theme = Theme(name: name, foreground: [:])
        for entry in document.entries {
            switch entry.section {
            case "colors":
                guard let color = Color(name: entry.value) else {
                    throw SimpleTOML.Failure(file: file, line: entry.line, message: "key '\(entry.key)': unknown colour '\(entry.value)' (a name such as green or bright-red, 0-255, #rrggbb, or default)")
                }
                if entry.key == "background" {
                    theme.background = color
                } else if let role = Role(rawValue: entry.key) {
                    theme.foreground[role] = color
                } else {
                    throw SimpleTOML.Failure(file: file, line: entry.line, message: "key '\(entry.key)': unknown role (known: \(Role.allCases.map(\.rawValue).joined(separator: ", ")), background)")
                }
            case "options" where entry.key == "monochrome":
                theme.monochrome = entry.value == "true"
            default:
                throw SimpleTOML.Failure(file: file, line: entry.line, message: "key '\(entry.key)' is not expected in [\(entry.section)]")
            }
        }
        return theme
    }
}
