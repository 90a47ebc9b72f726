import Testing
import Trading

@Suite("Money on screen")
struct MoneyDisplayTests {
    @Test("rounded half away from zero to the column's decimals", arguments: [
        ("5.9122747", 2, "5.91"), ("5.915", 2, "5.92"), ("-5.915", 2, "-5.92"), ("-0.004", 2, "0.00"), ("10000", 2, "10000.00"), ("0.12345678", 8, "0.12345678"), ("0.12345678", 4, "0.1235"),
    ])
    func rounds(text: String, digits: Int, expected: String) throws {
        #expect(try Money(parsing: text).roundedText(fractionDigits: digits) == expected)
    }
}
