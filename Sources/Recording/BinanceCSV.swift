import MarketModel

/// Binance's public historical data files (data.binance.vision): `SYMBOL-trades-DATE.csv`
/// and `SYMBOL-aggTrades-DATE.csv`, spot (no header) and futures (with a header).
/// Each row becomes a recording line in the combined-stream format, so a session
/// imported from CSV replays through the same parser as a live recording.
///
/// Columns: trades `id, price, qty, quote_qty, time, is_buyer_maker[, is_best_match]`;
/// aggTrades `agg_trade_id, price, quantity, first_trade_id, last_trade_id,
/// transact_time, is_buyer_maker[, is_best_match]`. Times are milliseconds, or
/// microseconds in spot files from 2025 on (told apart by their size).
public enum BinanceCSV {
    public enum Kind { case trades, aggTrades }

    /// The kind and symbol a file name announces, if it is one of these files.
    public static func recognise(_ path: String) -> (kind: Kind, symbol: String)? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard name.hasSuffix(".csv") || name.hasSuffix(".csv.gz") else { return nil }
        let parts = name.split(separator: "-")
        guard parts.count >= 2 else { return nil }
        let symbol = String(parts[0]).uppercased()
        switch parts[1] {
        case "trades": return (.trades, symbol)
        case "aggTrades": return (.aggTrades, symbol)
        default: return nil
        }
    }

    public struct RowError: Error { public var reason: String }

    /// The recording line for one CSV row; `nil` for a header row.
    public static func line(_ row: Substring, kind: Kind, symbol: String) throws(RowError) -> (received: Int64, text: String)? {
        let fields = row.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmed(of: " \r") }
        guard let first = fields.first, UInt64(first) != nil else {
            if fields.first?.lowercased().contains("id") == true { return nil }
            throw RowError(reason: "expected a numeric id in the first column")
        }
        let expected = kind == .trades ? 6 : 7
        guard fields.count >= expected else { throw RowError(reason: "expected at least \(expected) columns, found \(fields.count)") }
        func decimal(_ index: Int, _ name: String) throws(RowError) -> String {
            do {
                _ = try FixedPoint.parse(fields[index])
            } catch {
                throw RowError(reason: "\(name): \(error)")
            }
            return fields[index]
        }
        func integer(_ index: Int, _ name: String) throws(RowError) -> UInt64 {
            guard let value = UInt64(fields[index]) else { throw RowError(reason: "\(name) '\(fields[index])' is not a whole number") }
            return value
        }
        func flag(_ index: Int) throws(RowError) -> Bool {
            switch fields[index].lowercased() {
            case "true": return true
            case "false": return false
            default: throw RowError(reason: "is_buyer_maker '\(fields[index])' is not true or false")
            }
        }
        let price = try decimal(1, "price")
        let quantity = try decimal(2, "quantity")
        let id = try integer(0, "id")
        let rawTime = try integer(kind == .trades ? 4 : 5, "time")
        let milliseconds = rawTime > 100_000_000_000_000 ? rawTime / 1000 : rawTime
        let maker = try flag(kind == .trades ? 5 : 6)
        let stream = symbol.lowercased()
        let text: String
        switch kind {
        case .trades:
            text = "{\"stream\":\"\(stream)@trade\",\"data\":{\"e\":\"trade\",\"E\":\(milliseconds),\"s\":\"\(symbol)\",\"t\":\(id),\"p\":\"\(price)\",\"q\":\"\(quantity)\",\"T\":\(milliseconds),\"m\":\(maker)}}"
        case .aggTrades:
            let firstID = try integer(3, "first_trade_id")
            let lastID = try integer(4, "last_trade_id")
            text = "{\"stream\":\"\(stream)@aggTrade\",\"data\":{\"e\":\"aggTrade\",\"E\":\(milliseconds),\"s\":\"\(symbol)\",\"a\":\(id),\"p\":\"\(price)\",\"q\":\"\(quantity)\",\"f\":\(firstID),\"l\":\(lastID),\"T\":\(milliseconds),\"m\":\(maker)}}"
        }
        return (Int64(milliseconds) * 1_000_000, text)
    }
}

extension String {
    public func trimmed(of characters: String) -> String {
        var text = Substring(self)
        while let first = text.first, characters.contains(first) { text = text.dropFirst() }
        while let last = text.last, characters.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
