/// Checks that a combined stream's name (`btcusdt@trade`) and its payload's symbol
/// (`BTCUSDT`) agree, remembering the last pair that did: a feed repeats the same few.
struct StreamSymbolCheck: Sendable {
    private var streamSymbol: [UInt8] = []
    private var symbol = ""

    mutating func matches(_ stream: UnsafeRawBufferPointer, _ payloadSymbol: String) -> Bool {
        if stream.sameBytes(as: streamSymbol), payloadSymbol == symbol { return true }
        guard Self.sameIgnoringCase(stream, payloadSymbol) else { return false }
        streamSymbol = Array(stream)
        symbol = payloadSymbol
        return true
    }

    /// Stream names use the lower-case symbol; payloads the upper-case one.
    static func sameIgnoringCase(_ stream: UnsafeRawBufferPointer, _ symbol: String) -> Bool {
        var utf8 = symbol.utf8.makeIterator()
        for byte in stream {
            guard let other = utf8.next(), lowercased(other) == lowercased(byte) else { return false }
        }
        return utf8.next() == nil
    }

    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 0x20 : byte
    }
}
