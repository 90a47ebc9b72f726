/// Why a decimal string from an exchange could not be read exactly.
///
/// Prices and quantities are never rounded: text that cannot be held exactly in
/// ``FixedPoint/fractionDigits`` decimal places is refused with one of these reasons.
public enum DecimalParseError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case sign(Character)
    case scientificNotation
    case invalidCharacter(Character, position: Int)
    case missingDigits
    case tooManyFractionDigits(found: Int, allowed: Int)
    case overflow

    public var description: String {
        switch self {
        case .empty:
            return "empty number"
        case .sign(let sign):
            return "sign '\(sign)' is not allowed here"
        case .scientificNotation:
            return "scientific notation is not accepted; exchanges send plain decimals"
        case .invalidCharacter(let character, let position):
            return "unexpected character '\(character)' at position \(position + 1)"
        case .missingDigits:
            return "a digit is missing before or after the decimal point"
        case .tooManyFractionDigits(let found, let allowed):
            return "\(found) decimal places cannot be held exactly (at most \(allowed))"
        case .overflow:
            return "number is too large"
        }
    }
}
