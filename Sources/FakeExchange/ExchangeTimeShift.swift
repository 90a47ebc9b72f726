/// Moves the exchange times of a recorded Binance message (`"E":` event time, `"T":`
/// trade or transaction time, both in milliseconds) by a fixed amount, so a recording
/// played today carries today's times, as the live exchange's messages do, and the
/// terminal's feed lag reads as the recording's own delay rather than its age.
enum ExchangeTimeShift {
    static func shifted(_ text: String, byMilliseconds shift: Int64) -> String {
        guard shift != 0 else { return text }
        var bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 8)
        var index = 0
        let quote = UInt8(ascii: "\""), colon = UInt8(ascii: ":")
        while index < bytes.count {
            // `"E":123` or `"T":123`: copy the key, then the moved number.
            if bytes[index] == quote, index + 4 < bytes.count,
               bytes[index + 1] == UInt8(ascii: "E") || bytes[index + 1] == UInt8(ascii: "T"),
               bytes[index + 2] == quote, bytes[index + 3] == colon {
                var end = index + 4
                var value: Int64 = 0
                while end < bytes.count, bytes[end] >= 48, bytes[end] <= 57 {
                    value = value * 10 + Int64(bytes[end] - 48)
                    end += 1
                }
                output.append(contentsOf: bytes[index..<(index + 4)])
                if end > index + 4 {
                    output.append(contentsOf: String(value + shift).utf8)
                }
                index = end
                continue
            }
            output.append(bytes[index])
            index += 1
        }
        bytes = output
        return String(decoding: bytes, as: UTF8.self)
    }
}
