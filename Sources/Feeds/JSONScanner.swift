import MarketModel

/// A strict forward-only reader of JSON bytes, for exchange messages.
///
/// It reads the bytes where they lie: no tree, no `JSONDecoder`, no copies. Values the
/// caller wants are read as what they must be (an unsigned integer, a decimal string, a
/// bool); anything else is skipped with full validation of its syntax.
@usableFromInline
struct JSONScanner {
    @usableFromInline let base: UnsafePointer<UInt8>
    @usableFromInline let end: Int
    @usableFromInline var index = 0

    @inlinable init(_ bytes: UnsafeRawBufferPointer) {
        // An empty buffer may have no base address; point at a static byte instead.
        if let address = bytes.baseAddress {
            base = address.assumingMemoryBound(to: UInt8.self)
        } else {
            base = JSONScanner.emptyByte
        }
        end = bytes.count
    }

    // Never written after creation, so sharing it across threads is safe.
    @usableFromInline nonisolated(unsafe) static let emptyByte: UnsafePointer<UInt8> = {
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return UnsafePointer(pointer)
    }()

    @inlinable var isAtEnd: Bool { index >= end }

    @usableFromInline @inline(never)
    func error(_ reason: String) -> FeedError { FeedError(reason, offset: min(index, end)) }

    @inlinable mutating func skipWhitespace() {
        while index < end {
            switch base[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// The next significant byte, without consuming it (0 at the end).
    @inlinable mutating func peek() -> UInt8 {
        skipWhitespace()
        return index < end ? base[index] : 0
    }

    @inlinable mutating func expect(_ byte: UInt8) throws(FeedError) {
        // Exchanges send compact JSON: the byte is almost always right here.
        if index < end, base[index] == byte {
            index &+= 1
            return
        }
        skipWhitespace()
        if index < end, base[index] == byte {
            index &+= 1
            return
        }
        throw unexpected(expected: byte)
    }

    @usableFromInline @inline(never)
    func unexpected(expected byte: UInt8) -> FeedError {
        guard index < end else { return error("message ends early; expected '\(Character(UnicodeScalar(byte)))'") }
        return error("expected '\(Character(UnicodeScalar(byte)))' but found '\(Character(UnicodeScalar(base[index])))'")
    }

    /// Advances past the separator before the next member or element; returns false at
    /// the closing bracket (which it consumes).
    @inlinable mutating func hasNext(closing: UInt8, first: inout Bool) throws(FeedError) -> Bool {
        skipWhitespace()
        guard index < end else { throw error("message ends inside an object or array") }
        if base[index] == closing {
            index += 1
            return false
        }
        if first {
            first = false
        } else {
            guard base[index] == UInt8(ascii: ",") else { throw error("expected ',' between values") }
            index += 1
        }
        return true
    }

    /// A string's raw bytes between the quotes. Escapes are refused: no field Apogee
    /// reads from an exchange ever needs one.
    @inlinable mutating func string() throws(FeedError) -> UnsafeRawBufferPointer {
        try expect(UInt8(ascii: "\""))
        let start = index
        while index < end {
            let byte = base[index]
            // One comparison covers the common case: a printable byte other than
            // the quote and the backslash.
            if byte > UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                index &+= 1
                continue
            }
            if byte == UInt8(ascii: "\"") {
                let text = UnsafeRawBufferPointer(start: base + start, count: index - start)
                index &+= 1
                return text
            }
            if byte == UInt8(ascii: "\\") { throw error("escaped characters are not expected in this field") }
            if byte < 0x20 { throw error("control character inside a string") }
            index &+= 1
        }
        throw error("string is not terminated")
    }

    /// A member name followed by its colon.
    @inlinable mutating func key() throws(FeedError) -> UnsafeRawBufferPointer {
        let name = try string()
        try expect(UInt8(ascii: ":"))
        return name
    }

    /// A non-negative integer without sign, fraction or exponent.
    @inlinable mutating func unsignedInteger() throws(FeedError) -> UInt64 {
        skipWhitespace()
        let start = index
        var value: UInt64 = 0
        while index < end {
            let digit = base[index] &- 0x30
            guard digit < 10 else { break }
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (added, overflowB) = shifted.addingReportingOverflow(UInt64(digit))
            if overflowA || overflowB { throw error("integer is too large") }
            value = added
            index += 1
        }
        if index == start { throw error("expected an unsigned integer") }
        if index < end {
            switch base[index] {
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
                throw error("expected an integer, found a fraction or exponent")
            default: break
            }
        }
        return value
    }

    /// An exchange time (`E`, `T`): milliseconds, or microseconds as Binance sends them
    /// on streams opened with `timeUnit=MICROSECOND` and writes them in its 2025+ CSV
    /// files. The two are told apart by size: milliseconds reach year 2255 at 9e12,
    /// microseconds of this century start at 1e15.
    @inlinable mutating func milliseconds() throws(FeedError) -> Timestamp {
        let value = try unsignedInteger()
        if value < 9_000_000_000_000 { return .milliseconds(Int64(value)) }
        guard value >= 1_000_000_000_000_000, value < 9_000_000_000_000_000 else { throw error("time is out of range for milliseconds or microseconds") }
        return Timestamp(nanoseconds: Int64(value) * 1_000)
    }

    @inlinable mutating func bool() throws(FeedError) -> Bool {
        skipWhitespace()
        if matchLiteral("true") { return true }
        if matchLiteral("false") { return false }
        throw error("expected true or false")
    }

    @inlinable mutating func matchLiteral(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard end - index >= count else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<count where base[index + offset] != pointer[offset] { return false }
        index += count
        return true
    }

    /// A decimal sent as a string (`"61837.63000000"`), read exactly.
    ///
    /// The common shape (digits, a point, up to eight digits, the closing quote) is read
    /// in the same pass that finds the string's end. Anything else takes the general
    /// path, which gives the exact reason for a refusal.
    @inlinable mutating func decimalString<Value: FixedPointValue>(_ field: StaticString, as type: Value.Type, digits: inout Int) throws(FeedError) -> Value {
        if index < end, base[index] == UInt8(ascii: "\"") {
            var cursor = index &+ 1
            var whole: Int64 = 0
            var integerDigits = 0
            while cursor < end {
                let digit = base[cursor] &- 0x30
                if digit >= 10 { break }
                whole = whole &* 10 &+ Int64(digit)
                integerDigits &+= 1
                cursor &+= 1
            }
            var fraction: Int64 = 0
            var fractionDigits = 0
            var exact = integerDigits > 0 && integerDigits <= 11
            if exact, cursor < end, base[cursor] == UInt8(ascii: ".") {
                cursor &+= 1
                while cursor < end {
                    let digit = base[cursor] &- 0x30
                    if digit >= 10 { break }
                    if fractionDigits < FixedPoint.fractionDigits {
                        fraction = fraction &* 10 &+ Int64(digit)
                    } else if digit != 0 {
                        exact = false
                    }
                    fractionDigits &+= 1
                    cursor &+= 1
                }
                if fractionDigits == 0 { exact = false }
            }
            if exact, cursor < end, base[cursor] == UInt8(ascii: "\"") {
                let scaledFraction = fraction &* JSONScanner.fractionScale[min(fractionDigits, FixedPoint.fractionDigits)]
                let (scaledWhole, overflow) = whole.multipliedReportingOverflow(by: FixedPoint.unitsPerWhole)
                let (units, overflowSum) = scaledWhole.addingReportingOverflow(scaledFraction)
                if !overflow && !overflowSum {
                    index = cursor &+ 1
                    if fractionDigits > digits { digits = fractionDigits }
                    return Value(units: units)
                }
            }
        }
        return try decimalStringGeneral(field, as: type, digits: &digits)
    }

    /// 10^(8 - n): scales n fraction digits to 10⁻⁸ units.
    @usableFromInline static let fractionScale: [Int64] = [100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1000, 100, 10, 1]

    @usableFromInline mutating func decimalStringGeneral<Value: FixedPointValue>(_ field: StaticString, as type: Value.Type, digits: inout Int) throws(FeedError) -> Value {
        skipWhitespace()
        let start = index
        let text = try string()
        do {
            let parsed = try FixedPoint.parse(text)
            if parsed.fractionDigits > digits { digits = parsed.fractionDigits }
            return Value(units: parsed.units)
        } catch {
            throw FeedError("field \"\(field)\": \(error) in \"\(String(decoding: text, as: UTF8.self))\"", offset: start)
        }
    }

    /// Skips any JSON value, checking its syntax.
    mutating func skipValue(depth: Int = 0) throws(FeedError) {
        guard depth < 32 else { throw error("values nested too deeply") }
        switch peek() {
        case UInt8(ascii: "\""):
            index += 1
            while index < end {
                let byte = base[index]
                if byte == UInt8(ascii: "\\") {
                    index += 2
                    continue
                }
                index += 1
                if byte == UInt8(ascii: "\"") { return }
            }
            throw error("string is not terminated")
        case UInt8(ascii: "{"):
            index += 1
            var first = true
            while try hasNext(closing: UInt8(ascii: "}"), first: &first) {
                _ = try key()
                try skipValue(depth: depth + 1)
            }
        case UInt8(ascii: "["):
            index += 1
            var first = true
            while try hasNext(closing: UInt8(ascii: "]"), first: &first) {
                try skipValue(depth: depth + 1)
            }
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            _ = try bool()
        case UInt8(ascii: "n"):
            guard matchLiteral("null") else { throw error("unexpected value") }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = index
            while index < end {
                switch base[index] {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
                    index += 1
                default:
                    if index == start { throw error("unexpected value") }
                    return
                }
            }
        case 0:
            throw error("message ends where a value was expected")
        default:
            throw error("unexpected character '\(Character(UnicodeScalar(base[index])))'")
        }
    }
}

extension UnsafeRawBufferPointer {
    /// Byte-wise equality with a literal, for member names.
    @inlinable func equals(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard self.count == count else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<count where self[offset] != pointer[offset] { return false }
        return true
    }
}
