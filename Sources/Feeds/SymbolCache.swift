/// Reuses the `String` of the symbol just seen: a feed names the same few symbols on
/// every message, so comparing bytes is cheaper than building a new string each time.
struct SymbolCache: Sendable {
    private var bytes: [UInt8] = []
    private var last = ""

    mutating func string(for symbol: UnsafeRawBufferPointer) -> String {
        if symbol.sameBytes(as: bytes) { return last }
        bytes = Array(symbol)
        last = String(decoding: symbol, as: UTF8.self)
        return last
    }
}
