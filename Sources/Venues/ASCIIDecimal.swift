extension Array where Element == UInt8 {
    /// Appends `value` in decimal ASCII: the numbers of a request (a time in ms, a
    /// length) written straight into its bytes, with no string in between.
    public mutating func appendDecimal(_ value: Int64) {
        if value < 0 { append(UInt8(ascii: "-")) }
        appendDigits(value.magnitude)
    }

    private mutating func appendDigits(_ value: UInt64) {
        if value >= 10 { appendDigits(value / 10) }
        append(UInt8(ascii: "0") + UInt8(value % 10))
    }
}
