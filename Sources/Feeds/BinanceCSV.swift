import MarketModel

/// Binance's public historical data files (data.binance.vision): `SYMBOL-trades-DATE.csv`
/// and `SYMBOL-aggTrades-DATE.csv`, spot (no header) and futures (with a header).
/// Each row becomes a recording line in the combined-stream format, so a session
/// imported from CSV replays through the same parser as a live recording.
///
/// Columns: trades `id, price, qty, quote_qty, time, is_buyer_maker[, is_best_match]`;
/// aggTrades `agg_trade_id, price, quantity, first_trade_id, last_trade_id,
/// transact_time, is_buyer_maker[, is_best_match]`. Times are milliseconds, or
/// microseconds in spot files from 2025 on (told apart by their size, kept exact).
///
/// Spot rows carry the trailing `is_best_match` column and no header; USD-M futures
/// rows have a header and no `is_best_match`. That is how a file's market is told when
/// its path (`.../spot/...`, `.../futures/um/...`) does not say.
public enum BinanceCSV {
    public enum Kind { case trades, aggTrades }

    /// Whether a file name is a CSV file at all (plain or gzip-compressed).
    public static func isCSVName(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map { $0.lowercased() } ?? ""
        return name.hasSuffix(".csv") || name.hasSuffix(".csv.gz")
    }

    /// The kind and symbol a file name announces, if it is one of these files.
    ///
    /// The symbol must be letters and digits, as every Binance symbol is: it is written
    /// into JSON lines and reports, where a `,` or `"` from a file name would break them.
    public static func recognise(_ path: String) -> (kind: Kind, symbol: String)? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard isCSVName(name) else { return nil }
        let parts = name.split(separator: "-")
        guard parts.count >= 2 else { return nil }
        let symbol = String(parts[0]).uppercased()
        guard (2...32).contains(symbol.utf8.count), symbol.utf8.allSatisfy({ (48...57).contains($0) || (65...90).contains($0) }) else { return nil }
        switch parts[1] {
        case "trades": return (.trades, symbol)
        case "aggTrades": return (.aggTrades, symbol)
        default: return nil
        }
    }

    /// The market a file's path names, as data.binance.vision lays files out
    /// (`data/spot/...`, `data/futures/um/...`, `data/futures/cm/...`); `nil` when it does not.
    public static func market(path: String) -> MarketKind? {
        let folders = path.lowercased().split(separator: "/").dropLast()
        if let futures = folders.firstIndex(of: "futures"), futures + 1 < folders.endIndex {
            switch folders[futures + 1] {
            case "um": return .usdMargined
            case "cm": return .coinMargined
            default: break
            }
        }
        return folders.contains("spot") ? .spot : nil
    }

    /// The market a row's shape shows: spot rows end with `is_best_match`, futures rows
    /// do not (a header row is only in futures files).
    public static func market(columns: Int, kind: Kind) -> MarketKind? {
        switch (kind, columns) {
        case (.trades, 7), (.aggTrades, 8): return .spot
        case (.trades, 6), (.aggTrades, 7): return .usdMargined
        default: return nil
        }
    }

    public struct RowError: Error { public var reason: String }

    /// The recording line for one CSV row, with the number of columns it had; `nil` for
    /// a header row.
    public static func line(_ row: Substring, kind: Kind, symbol: String) throws(RowError) -> (received: Int64, text: String, columns: Int)? {
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
        // Milliseconds or microseconds from 2009 (no market is older; the floor every
        // recording line is held to) to 2255. Seconds (ten digits) would read as
        // January 1970 and are refused, not guessed.
        let nanoseconds: Int64
        switch rawTime {
        case 1_230_768_000_000..<9_000_000_000_000: nanoseconds = Int64(rawTime) * 1_000_000
        case 1_230_768_000_000_000..<9_000_000_000_000_000: nanoseconds = Int64(rawTime) * 1_000
        default:
            let why: String
            switch rawTime {
            case ..<1_000_000_000_000: why = "too small: seconds?"
            case ..<1_230_768_000_000: why = "before 2009"
            case ..<1_000_000_000_000_000: why = "between the two ranges"
            case ..<1_230_768_000_000_000: why = "before 2009"
            default: why = "beyond 2255"
            }
            throw RowError(reason: "time \(rawTime) is neither milliseconds nor microseconds since 2009 (\(why))")
        }
        // Written as read: the feed parser takes microseconds as Binance's
        // `timeUnit=MICROSECOND` streams send them.
        let exchangeTime = rawTime
        let maker = try flag(kind == .trades ? 5 : 6)
        let stream = symbol.lowercased()
        let text: String
        switch kind {
        case .trades:
            text = "{\"stream\":\"\(stream)@trade\",\"data\":{\"e\":\"trade\",\"E\":\(exchangeTime),\"s\":\"\(symbol)\",\"t\":\(id),\"p\":\"\(price)\",\"q\":\"\(quantity)\",\"T\":\(exchangeTime),\"m\":\(maker)}}"
        case .aggTrades:
            let firstID = try integer(3, "first_trade_id")
            let lastID = try integer(4, "last_trade_id")
            text = "{\"stream\":\"\(stream)@aggTrade\",\"data\":{\"e\":\"aggTrade\",\"E\":\(exchangeTime),\"s\":\"\(symbol)\",\"a\":\(id),\"p\":\"\(price)\",\"q\":\"\(quantity)\",\"f\":\(firstID),\"l\":\(lastID),\"T\":\(exchangeTime),\"m\":\(maker)}}"
        }
        // The line is read back as a replay will read it: a row the parser would refuse
        // (a price of 0, beyond any market's) is refused here, with the same reason,
        // instead of being stored and counted malformed at every replay.
        var parser = BinanceFeedParser(market: nil)
        do {
            _ = try parser.parse(text, received: Timestamp(nanoseconds: nanoseconds))
        } catch {
            throw RowError(reason: error.reason)
        }
        return (nanoseconds, text, fields.count)
    }
}

extension String {
    func trimmed(of characters: String) -> String {
        var text = Substring(self)
        while let first = text.first, characters.contains(first) { text = text.dropFirst() }
        while let last = text.last, characters.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
