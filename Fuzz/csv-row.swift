import Feeds
import MarketModel

/// libFuzzer's entry: any bytes as rows of a Binance public-data CSV file (trades and
/// aggTrades). A row accepted must become a line the replay reads back as the same
/// trade: the line splits with the row's time, the parser takes it, and the trade has
/// the row's id and time and passes `MarketEventCheck`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVRow(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    for row in text.split(separator: "\n", omittingEmptySubsequences: false).prefix(8) {
        for kind in [BinanceCSV.Kind.trades, .aggTrades] {
            guard let made = try? BinanceCSV.line(row, kind: kind, symbol: "BTCUSDT") else { continue }
            let line = Array("\(made.received) \(made.text)".utf8)
            line.withUnsafeBytes { bytes in
                guard let split = try? RecordingLine.split(bytes) else {
                    preconditionFailure("an accepted row made a line that does not split: \(String(decoding: line, as: UTF8.self))")
                }
                precondition(split.received.nanoseconds == made.received, "the line's receive time is not the row's")
                var parser = BinanceFeedParser(market: nil)
                guard case .trade(let trade)? = try? parser.parse(split.message, received: split.received) else {
                    preconditionFailure("an accepted row is not a trade to the parser: \(made.text)")
                }
                precondition(trade.tradeTime.nanoseconds == made.received, "the trade's time is not the row's")
                let id = row.split(separator: ",", omittingEmptySubsequences: false).first.map { String($0).filter { $0 != " " && $0 != "\r" } }
                precondition(id.flatMap(UInt64.init) == trade.id, "the trade's id is not the row's")
                do {
                    try MarketEventCheck.check(.trade(trade))
                } catch {
                    preconditionFailure("an accepted row holds an impossible trade: \(error)")
                }
            }
        }
    }
    return 0
}
