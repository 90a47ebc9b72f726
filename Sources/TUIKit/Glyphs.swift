/// The characters drawing uses: Unicode box drawing and blocks, or plain ASCII for a
/// terminal without UTF-8 (`LANG=C`).
public struct Glyphs: Hashable, Sendable {
    public var horizontal: Character
    public var vertical: Character
    public var topLeft: Character
    public var topRight: Character
    public var bottomLeft: Character
    public var bottomRight: Character
    public var bar: Character
    /// Eight heights, lowest first, for sparklines.
    public var levels: [Character]
    /// Braille dots for charts; when false, charts plot `*`.
    public var braille: Bool

    public static let unicode = Glyphs(horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘", bar: "█", levels: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"], braille: true)
    public static let ascii = Glyphs(horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+", bar: "#", levels: ["_", "_", ".", ".", "-", "-", "=", "#"], braille: false)
}
