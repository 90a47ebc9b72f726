/// Writes JSON text with members in the order they are written, so reports print the
/// same bytes every time (no dictionary order reaches output).
public struct JSONWriter {
    public private(set) var text = ""
    private var needsComma: [Bool] = [false]

    public init() {}

    public mutating func beginObject(_ key: String? = nil) {
        prefix(key)
        text += "{"
        needsComma.append(false)
    }

    public mutating func endObject() {
        needsComma.removeLast()
        text += "}"
    }

    public mutating func beginArray(_ key: String? = nil) {
        prefix(key)
        text += "["
        needsComma.append(false)
    }

    public mutating func endArray() {
        needsComma.removeLast()
        text += "]"
    }

    public mutating func value(_ key: String? = nil, _ number: Int) {
        prefix(key)
        text += String(number)
    }

    public mutating func value(_ key: String? = nil, _ number: UInt64) {
        prefix(key)
        text += String(number)
    }

    /// A floating-point figure, rounded to `places` decimals (statistics only).
    public mutating func value(_ key: String? = nil, _ number: Double, places: Int) {
        prefix(key)
        guard number.isFinite else {
            text += "null"
            return
        }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let rounded = (number * scale).rounded() / scale
        text += rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int64(rounded)) : String(rounded)
    }

    public mutating func value(_ key: String? = nil, _ string: String?) {
        prefix(key)
        guard let string else {
            text += "null"
            return
        }
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }

    public mutating func value(_ key: String? = nil, _ flag: Bool) {
        prefix(key)
        text += flag ? "true" : "false"
    }

    public mutating func null(_ key: String? = nil) {
        prefix(key)
        text += "null"
    }

    private mutating func prefix(_ key: String?) {
        if needsComma[needsComma.count - 1] { text += "," }
        needsComma[needsComma.count - 1] = true
        // Keys are plain identifiers written by Apogee itself: no escaping needed.
        if let key { text += "\"" + key + "\":" }
    }
}
