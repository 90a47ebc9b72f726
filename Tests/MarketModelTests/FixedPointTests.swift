import MarketModel
import Testing

@Suite("Exact decimals")
struct FixedPointTests {
    @Test("reads exchange decimals exactly and prints them back in the same form", arguments: [
        ("61837.63000000", Int64(6_183_763_000_000), 8),
        ("0.006", Int64(600_000), 3),
        ("35", Int64(3_500_000_000), 0),
        ("0.00000001", Int64(1), 8),
        ("0.00000000", Int64(0), 8),
        ("92233720368.54775807", Int64.max, 8),
        ("2683.80000000", Int64(268_380_000_000), 8),
        ("61800.20", Int64(6_180_020_000_000), 2),
    ])
    func roundTrip(text: String, units: Int64, digits: Int) throws {
        let parsed = try FixedPoint.parse(text)
        #expect(parsed.units == units)
        #expect(parsed.fractionDigits == digits)
        #expect(FixedPoint.format(units: parsed.units, fractionDigits: digits) == text)
    }

    @Test("extra trailing zeros beyond eight places are exact, so they are accepted")
    func trailingZeros() throws {
        #expect(try FixedPoint.parse("1.5000000000").units == 150_000_000)
    }

    @Test("refuses what it cannot hold exactly, with a reason", arguments: [
        ("1e5", DecimalParseError.scientificNotation),
        ("6.18E4", DecimalParseError.scientificNotation),
        ("-1.5", DecimalParseError.sign("-")),
        ("+1.5", DecimalParseError.sign("+")),
        ("1.000000001", DecimalParseError.tooManyFractionDigits(found: 9, allowed: 8)),
        ("92233720368.54775808", DecimalParseError.overflow),
        ("123456789012345678901", DecimalParseError.overflow),
        ("", DecimalParseError.empty),
        (".5", DecimalParseError.missingDigits),
        ("5.", DecimalParseError.missingDigits),
        ("1,5", DecimalParseError.invalidCharacter(",", position: 1)),
        (" 1", DecimalParseError.invalidCharacter(" ", position: 0)),
        ("1.2.3", DecimalParseError.invalidCharacter(".", position: 3)),
        ("NaN", DecimalParseError.invalidCharacter("N", position: 0)),
    ])
    func refuses(text: String, expected: DecimalParseError) {
        #expect(throws: expected) { try FixedPoint.parse(text) }
    }

    @Test("error messages say what is wrong")
    func messages() {
        #expect(DecimalParseError.scientificNotation.description.contains("scientific notation"))
        #expect(DecimalParseError.tooManyFractionDigits(found: 9, allowed: 8).description == "9 decimal places cannot be held exactly (at most 8)")
        #expect(DecimalParseError.invalidCharacter(",", position: 1).description == "unexpected character ',' at position 2")
    }

    @Test("formatting keeps every significant digit even when asked for fewer places")
    func formatNeverRounds() {
        #expect(FixedPoint.format(units: 123_456_789, fractionDigits: 2) == "1.23456789")
        #expect(FixedPoint.format(units: 150_000_000, fractionDigits: 2) == "1.50")
        #expect(FixedPoint.format(units: 150_000_000, fractionDigits: 0) == "1.5")
        #expect(FixedPoint.format(units: -150_000_000, fractionDigits: 3) == "-1.500")
        #expect(Price(units: 6_183_763_000_000).description == "61837.63")
    }

    @Test("prices and quantities compare by value")
    func ordering() throws {
        let low = try Price(parsing: "61837.63")
        let high = try Price(parsing: "61837.64000000")
        #expect(low < high)
        #expect(try Price(parsing: "1.10") == Price(parsing: "1.1"))
        #expect(try Quantity(parsing: "0.5") + Quantity(parsing: "0.25") == Quantity(parsing: "0.75"))
    }
}
