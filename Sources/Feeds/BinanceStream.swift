/// The kinds of Binance market stream Apogee reads, by their name after the `@`.
enum BinanceStreamKind: Equatable {
    case depth, bookTicker, trade, aggTrade

    /// Parses `btcusdt@depth@100ms`, `btcusdt@bookTicker`, ... into the symbol part and
    /// the kind.
    static func parse(_ name: UnsafeRawBufferPointer) throws(FeedError) -> (symbol: UnsafeRawBufferPointer, kind: BinanceStreamKind) {
        guard let at = name.firstIndex(of: UInt8(ascii: "@")), at > 0 else {
            throw FeedError("stream name \"\(String(decoding: name, as: UTF8.self))\" has no symbol@kind form")
        }
        let symbol = UnsafeRawBufferPointer(rebasing: name[..<at])
        let rest = UnsafeRawBufferPointer(rebasing: name[(at + 1)...])
        let kindEnd = rest.firstIndex(of: UInt8(ascii: "@")) ?? rest.count
        let kindName = UnsafeRawBufferPointer(rebasing: rest[..<kindEnd])
        let kind: BinanceStreamKind
        if kindName.equals("depth") { kind = .depth }
        else if kindName.equals("bookTicker") { kind = .bookTicker }
        else if kindName.equals("trade") { kind = .trade }
        else if kindName.equals("aggTrade") { kind = .aggTrade }
        else if kindName.starts(with: "depth".utf8) {
            throw FeedError("partial book stream \"\(String(decoding: name, as: UTF8.self))\" is not supported; subscribe to the diff stream <symbol>@depth")
        } else {
            throw FeedError("unknown stream \"\(String(decoding: name, as: UTF8.self))\"")
        }
        return (symbol, kind)
    }
}

/// Remembers the last stream name parsed: a connection repeats a handful of them.
struct StreamNameCache: Sendable {
    private var name: [UInt8] = []
    private var symbolLength = 0
    private var kind = BinanceStreamKind.trade

    mutating func parse(_ stream: UnsafeRawBufferPointer) throws(FeedError) -> (symbol: UnsafeRawBufferPointer, kind: BinanceStreamKind) {
        if stream.count == name.count, stream.sameBytes(as: name) {
            return (UnsafeRawBufferPointer(rebasing: stream[..<symbolLength]), kind)
        }
        let parsed = try BinanceStreamKind.parse(stream)
        name = Array(stream)
        symbolLength = parsed.symbol.count
        kind = parsed.kind
        return parsed
    }
}

extension UnsafeRawBufferPointer {
    /// Byte-wise equality with an array of the same length, without generic iteration.
    func sameBytes(as bytes: [UInt8]) -> Bool {
        guard count == bytes.count else { return false }
        return bytes.withUnsafeBufferPointer { other in
            for offset in 0..<count where self[offset] != other[offset] { return false }
            return true
        }
    }
}
