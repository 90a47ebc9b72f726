import CNCurses
import TUIKit
#if canImport(Glibc)
import Glibc
#endif

/// The ncurses screen: draws TUIKit buffers, reads keys. One thread only.
///
/// Only cells that changed since the last frame are written, then one `doupdate()`.
/// Colours follow the terminal: 256 colours (or more) take the theme's palette
/// entries, 8 or 16 take the nearest ANSI colour, none (or a monochrome theme) tell
/// roles apart by attributes. `close()` restores the terminal and is safe to call twice.
public final class TerminalScreen {
    public private(set) var width: Int
    public private(set) var height: Int
    public let colors: Int
    private var theme: Theme
    private var previous: Buffer?
    private var open = true
    private var useColor: Bool

    /// Starts curses on the controlling terminal. `setlocale` comes first, so wide
    /// characters work under a UTF-8 locale.
    public init(theme: Theme) {
        setlocale(LC_ALL, "")
        initscr()
        cbreak()
        noecho()
        nonl()
        keypad(cnc_stdscr(), true)
        curs_set(0)
        set_escdelay(25)
        self.theme = theme
        var colorCount = 0
        if has_colors() {
            start_color()
            use_default_colors()
            colorCount = Int(cnc_COLORS())
        }
        colors = colorCount
        useColor = colorCount >= 8 && !theme.monochrome
        var rows: Int32 = 0
        var columns: Int32 = 0
        cnc_getmaxyx(cnc_stdscr(), &rows, &columns)
        width = Int(columns)
        height = Int(rows)
        if useColor { definePairs() }
    }

    deinit { close() }

    /// Draws with `theme` from the next frame on (`:theme`), every cell repainted.
    public func setTheme(_ theme: Theme) {
        self.theme = theme
        useColor = colors >= 8 && !theme.monochrome
        if useColor { definePairs() }
        previous = nil
        clear()
    }

    /// Restores the terminal.
    public func close() {
        guard open else { return }
        open = false
        endwin()
    }

    private func definePairs() {
        let backgroundNumber = colorNumber(theme.background)
        let background = Int16(backgroundNumber ?? -1)
        for (index, role) in Role.allCases.enumerated() {
            var foreground = colorNumber(theme.color(for: role))
            // On 8 colours "bright black" (the dark theme's borders and muted text) is
            // black: on a default (dark) or black background it would not show. The
            // terminal's own foreground, dimmed, stands in for it.
            if colors < 16, foreground == 0, backgroundNumber == nil || backgroundNumber == 0 { foreground = nil }
            init_pair(Int16(index + 1), Int16(foreground ?? -1), background)
        }
    }

    private func colorNumber(_ color: Color) -> Int? {
        if colors >= 256 { return color.paletteIndex.map(Int.init) }
        guard let ansi = color.ansiApproximation else { return nil }
        if colors >= 16, case .ansi(_, true) = color { return Int(ansi) + 8 }
        return Int(ansi)
    }

    private func attributes(for style: Style) -> attr_t {
        var value: attr_t = 0
        if style.attributes.contains(.bold) { value |= cnc_A_BOLD() }
        if style.attributes.contains(.reverse) { value |= cnc_A_REVERSE() }
        if style.attributes.contains(.dim) { value |= cnc_A_DIM() }
        if style.attributes.contains(.underline) { value |= cnc_A_UNDERLINE() }
        if useColor, colors < 16, style.role == .muted || style.role == .border {
            value |= cnc_A_DIM()
        }
        if !useColor {
            // Without colour, roles differ by attributes.
            switch style.role {
            case .title, .header, .warning: value |= cnc_A_BOLD()
            case .ownOrder, .highlight: value |= cnc_A_UNDERLINE()
            case .muted, .border: value |= cnc_A_DIM()
            case .ask, .loss: value |= cnc_A_BOLD()
            default: break
            }
        }
        return value
    }

    /// Draws a frame, writing only what changed.
    public func draw(_ buffer: Buffer) {
        guard open else { return }
        for change in buffer.changes(since: previous) {
            let scalar = change.cell.character.unicodeScalars.first.map { wchar_t(Int32($0.value)) } ?? wchar_t(32)
            let pair = useColor ? Int16((Role.allCases.firstIndex(of: change.cell.style.role) ?? 0) + 1) : 0
            _ = cnc_mvaddwch(Int32(change.y), Int32(change.x), scalar, attributes(for: change.cell.style), pair)
        }
        previous = buffer
        wnoutrefresh(cnc_stdscr())
        doupdate()
    }

    /// Waits up to `milliseconds` for a key.
    public func readKey(timeoutMilliseconds milliseconds: Int32) -> Key? {
        wtimeout(cnc_stdscr(), milliseconds)
        let code = wgetch(cnc_stdscr())
        guard code != ERR else { return nil }
        if code == cnc_KEY_RESIZE() {
            var rows: Int32 = 0
            var columns: Int32 = 0
            cnc_getmaxyx(cnc_stdscr(), &rows, &columns)
            width = Int(columns)
            height = Int(rows)
            previous = nil
            clear()
            return .resize
        }
        switch code {
        case 10, 13, KEY_ENTER: return .enter
        case 27: return .escape
        case 9: return .tab
        case 127, 8, KEY_BACKSPACE: return .backspace
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case 1...26: return .control(Character(UnicodeScalar(UInt8(code) + 96)))
        case (KEY_F0 + 1)...(KEY_F0 + 12): return .function(Int(code - KEY_F0))
        case 32...126: return .character(Character(UnicodeScalar(UInt8(code))))
        default: return nil
        }
    }
}
