/// How much of a split a part takes.
public enum Constraint: Hashable, Sendable {
    /// Exactly this many cells.
    case fixed(Int)
    /// This share of the whole, in %.
    case percent(Int)
    /// At least this many cells, more if there is room.
    case min(Int)
    /// What is left, shared evenly with the other fills.
    case fill
}

/// Splits rectangles into rows or columns by constraints.
///
/// Fixed and percentage parts are served first, in order, while space lasts; `min`
/// parts get their minimum, then share the rest with `fill` parts. A part that does not
/// fit gets zero cells: callers treat an empty rectangle as a collapsed panel.
public enum Layout {
    public enum Direction: Sendable { case horizontal, vertical }

    public static func split(_ area: Rect, _ direction: Direction, _ constraints: [Constraint]) -> [Rect] {
        let total = direction == .horizontal ? area.width : area.height
        var sizes = Array(repeating: 0, count: constraints.count)
        var remaining = total
        for (index, constraint) in constraints.enumerated() {
            switch constraint {
            case .fixed(let cells):
                sizes[index] = Swift.min(cells, remaining)
            case .percent(let share):
                sizes[index] = Swift.min(total * share / 100, remaining)
            case .min(let cells):
                sizes[index] = Swift.min(cells, remaining)
            case .fill:
                continue
            }
            remaining -= sizes[index]
        }
        let growable = constraints.indices.filter {
            if case .fill = constraints[$0] { return true }
            if case .min = constraints[$0] { return true }
            return false
        }
        if !growable.isEmpty, remaining > 0 {
            let share = remaining / growable.count
            var extra = remaining - share * growable.count
            for index in growable {
                sizes[index] += share + (extra > 0 ? 1 : 0)
                if extra > 0 { extra -= 1 }
            }
        }
        var offset = direction == .horizontal ? area.x : area.y
        return sizes.map { size in
            defer { offset += size }
            return direction == .horizontal
                ? Rect(x: offset, y: area.y, width: size, height: area.height)
                : Rect(x: area.x, y: offset, width: area.width, height: size)
        }
    }
}
