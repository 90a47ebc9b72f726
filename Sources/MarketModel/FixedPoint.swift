/// Exact decimal arithmetic on integers: every price and quantity is a count of
/// 10⁻⁸ units in an `Int64`, read straight from the exchange's decimal text.
///
/// Eight places cover every Binance and Gate.io price and size; the integer range
/// (about 9.2 × 10¹⁰ whole units) covers any price or book level. Sums that may grow
/// past that (volume, notional) are kept in `Int128` by their owners.
public enum FixedPoint {
    /// Decimal places held exactly.
    public static let fractionDigits = 8
    /// Units in one whole: 10⁸.
    public static let unitsPerWhole: Int64 = 100_000_000

    /// The result of reading one decimal: its value in units and how many fraction
    /// digits the text carried (so it can be printed back in the same form).
    public struct Parsed: Equatable, Sendable {
        public var units: Int64
        public var fractionDigits: Int

        @inlinable public init(units: Int64, fractionDigits: Int) {
            self.units = units
            self.fractionDigits = fractionDigits
        }
    }

    /// Reads an unsigned plain decimal (`"61837.63000000"`, `"0.006"`, `"35"`).
    ///
    /// Refuses signs, exponents, stray characters, digits beyond the eighth decimal
    /// place unless they are zeros, and values past `Int64`.
    @inlinable
    public static func parse(_ text: UnsafeRawBufferPointer) throws(DecimalParseError) -> Parsed {
        let count = text.count
        guard count > 0 else { throw .empty }
        var whole: Int64 = 0
        var index = 0
        var integerDigits = 0
        while index < count {
            let byte = text[index]
            let digit = byte &- 0x30
            if digit < 10 {
                // Eleven digits always fit: the check below catches anything longer.
                whole = whole &* 10 &+ Int64(digit)
                integerDigits &+= 1
                index &+= 1
            } else if byte == UInt8(ascii: ".") {
                break
            } else {
                throw invalid(byte, at: index)
            }
        }
        // 10^11 whole units would already be 10^19 units, past Int64.
        if integerDigits > 11 { throw .overflow }
        var fraction: Int64 = 0
        var fractionDigits = 0
        if index < count {
            // text[index] is the decimal point.
            index += 1
            guard integerDigits > 0, index < count else { throw .missingDigits }
            while index < count {
                let byte = text[index]
                let digit = byte &- 0x30
                guard digit < 10 else { throw invalid(byte, at: index) }
                if fractionDigits < Self.fractionDigits {
                    fraction = fraction &* 10 &+ Int64(digit)
                } else if digit != 0 {
                    throw .tooManyFractionDigits(found: count - index + fractionDigits, allowed: Self.fractionDigits)
                }
                fractionDigits += 1
                index += 1
            }
        }
        var scale = fractionDigits
        while scale < Self.fractionDigits {
            fraction &*= 10
            scale += 1
        }
        let (scaledWhole, overflowA) = whole.multipliedReportingOverflow(by: unitsPerWhole)
        let (units, overflowB) = scaledWhole.addingReportingOverflow(fraction)
        if overflowA || overflowB { throw .overflow }
        return Parsed(units: units, fractionDigits: fractionDigits)
    }

    /// Reads a decimal from a Swift string (configuration, command line, tests).
    public static func parse(_ text: String) throws(DecimalParseError) -> Parsed {
        var text = text
        let result: Result<Parsed, DecimalParseError> = text.withUTF8 { bytes in
            do throws(DecimalParseError) {
                return .success(try parse(UnsafeRawBufferPointer(bytes)))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    @usableFromInline
    static func invalid(_ byte: UInt8, at index: Int) -> DecimalParseError {
        switch byte {
        case UInt8(ascii: "e"), UInt8(ascii: "E"): return .scientificNotation
        case UInt8(ascii: "-"), UInt8(ascii: "+"): return .sign(Character(UnicodeScalar(byte)))
        default: return .invalidCharacter(Character(UnicodeScalar(byte)), position: index)
        }
    }

    /// Prints `units` with exactly `fractionDigits` decimal places (0...8), the form
    /// the exchange uses for the instrument. Digits that would be cut are kept, so the
    /// text is always exact: a value finer than the requested places prints longer.
    public static func format(units: Int64, fractionDigits requested: Int) -> String {
        let negative = units < 0
        let magnitude = units.magnitude
        let whole = magnitude / UInt64(unitsPerWhole)
        var fraction = magnitude % UInt64(unitsPerWhole)
        var places = Self.fractionDigits
        let minimum = max(0, min(requested, Self.fractionDigits))
        while places > minimum, fraction % 10 == 0 {
            fraction /= 10
            places -= 1
        }
        var text = negative ? "-" : ""
        text += String(whole)
        if places > 0 {
            let digits = String(fraction)
            text += "."
            text += String(repeating: "0", count: places - digits.count)
            text += digits
        }
        return text
    }
}
