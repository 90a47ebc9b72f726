/// A key as keymaps name it: `b`, `B`, `space`, `enter`, `esc`, `tab`, `up`, `down`,
/// `left`, `right`, `pgup`, `pgdn`, `f1`…`f12`, `ctrl-c`, `:`.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    case character(Character)
    case control(Character)
    case enter, escape, tab, backspace, up, down, left, right, pageUp, pageDown, resize
    case function(Int)

    public init?(name: String) {
        switch name.lowercased() {
        case "space": self = .character(" ")
        case "enter", "return": self = .enter
        case "esc", "escape": self = .escape
        case "tab": self = .tab
        case "backspace": self = .backspace
        case "up": self = .up
        case "down": self = .down
        case "left": self = .left
        case "right": self = .right
        case "pgup", "pageup": self = .pageUp
        case "pgdn", "pagedown": self = .pageDown
        default:
            let lower = name.lowercased()
            if lower.hasPrefix("ctrl-"), lower.count == 6, let letter = lower.last, letter.isLetter {
                self = .control(letter)
            } else if lower.hasPrefix("f"), let number = Int(lower.dropFirst()), (1...12).contains(number) {
                self = .function(number)
            } else if name.count == 1, let character = name.first {
                self = .character(character)
            } else {
                return nil
            }
        }
    }

    public var description: String {
        switch self {
        case .character(" "): return "space"
        case .character(let character): return String(character)
        case .control(let letter): return "ctrl-\(letter)"
        case .enter: return "enter"
        case .escape: return "esc"
        case .tab: return "tab"
        case .backspace: return "backspace"
        case .up: return "up"
        case .down: return "down"
        case .left: return "left"
        case .right: return "right"
        case .pageUp: return "pgup"
        case .pageDown: return "pgdn"
        case .resize: return "resize"
        case .function(let number): return "f\(number)"
        }
    }
}

/// Keys bound to named actions, in the order the file gives them (the help overlay
/// lists them that way).
public struct Keymap: Hashable, Sendable {
    public var name: String
    public private(set) var bindings: [(key: Key, action: String)]

    public static func == (lhs: Keymap, rhs: Keymap) -> Bool {
        lhs.name == rhs.name && lhs.bindings.map(\.key) == rhs.bindings.map(\.key) && lhs.bindings.map(\.action) == rhs.bindings.map(\.action)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    public init(name: String, bindings: [(key: Key, action: String)]) {
        self.name = name
        self.bindings = bindings
    }

    public func action(for key: Key) -> String? { bindings.first { $0.key == key }?.action }

    /// Reads a keymap file: `[keys]` then `key = "action"` lines. Keys that do not
    /// parse, actions not in `actions`, and a key bound twice are refused with file,
    /// line and key.
    public static func parse(_ text: String, name: String, file: String, actions: Set<String>) throws(SimpleTOML.Failure) -> Keymap {
        let document = try SimpleTOML(text: text, file: file)
        var bindings: [(key: Key, action: String)] = []
        for entry in document.entries {
            guard entry.section == "keys" else {
                throw SimpleTOML.Failure(file: file, line: entry.line, message: "key '\(entry.key)' is outside [keys]")
            }
            guard let key = Key(name: entry.key) else {
                throw SimpleTOML.Failure(file: file, line: entry.line, message: "key '\(entry.key)': not a key name (a character, space, enter, esc, tab, up, down, left, right, pgup, pgdn, f1-f12, ctrl-x)")
            }
            guard actions.contains(entry.value) else {
                throw SimpleTOML.Failure(file: file, line: entry.line, message: "key '\(entry.key)': unknown action '\(entry.value)' (known: \(actions.sorted().joined(separator: ", ")))")
            }
            if bindings.contains(where: { $0.key == key }) {
                throw SimpleTOML.Failure(file: file, line: entry.line, message: "key '\(entry.key)' is bound twice")
            }
            bindings.append((key, entry.value))
        }
        return Keymap(name: name, bindings: bindings)
    }
}
