import MarketModel

/// The members of a Gate.io result object (or the REST snapshot), read whatever their
/// order; the channel then decides which must be there.
struct GatePayload {
    var symbol: String?
    var tradeID: UInt64?
    var createTimeMilliseconds: Timestamp?
    var side: Side?
    var amount: Quantity?
    var price: Price?
    var millisecondsTime: Timestamp?
    var eventSeconds: Timestamp?
    var firstUpdateID: UInt64?
    var finalUpdateID: UInt64?
    var snapshotID: UInt64?
    var bidPrice: Price?
    var bidQuantity: Quantity?
    var askPrice: Price?
    var askQuantity: Quantity?
    var bids: [BookLevel]?
    var asks: [BookLevel]?
    var full = false

    mutating func readObject(from scanner: inout JSONScanner, decimals: inout DecimalPlaces) throws(FeedError) {
        try scanner.expect(UInt8(ascii: "{"))
        var first = true
        while try scanner.hasNext(closing: UInt8(ascii: "}"), first: &first) {
            let key = try scanner.key()
            if try !read(key: key, from: &scanner, decimals: &decimals) { try scanner.skipValue() }
        }
    }

    /// Reads `key`'s value into its field; false for keys it does not know.
    mutating func read(key: UnsafeRawBufferPointer, from scanner: inout JSONScanner, decimals: inout DecimalPlaces) throws(FeedError) -> Bool {
        if key.equals("s") || key.equals("currency_pair") {
            symbol = String(decoding: try scanner.string(), as: UTF8.self)
        } else if key.equals("id") {
            let value = try scanner.unsignedInteger()
            tradeID = value
            snapshotID = value
        } else if key.equals("create_time_ms") {
            createTimeMilliseconds = try Self.fractionalMilliseconds(from: &scanner)
        } else if key.equals("side") {
            let text = try scanner.string()
            if text.equals("buy") { side = .buy } else if text.equals("sell") { side = .sell } else { throw scanner.error("side must be buy or sell") }
        } else if key.equals("amount") {
            amount = try Self.quantity("amount", from: &scanner, decimals: &decimals)
        } else if key.equals("price") {
            price = try scanner.decimalString("price", as: Price.self, digits: &decimals.price)
        } else if key.equals("t") || key.equals("current") {
            millisecondsTime = try scanner.milliseconds()
        } else if key.equals("E") {
            let seconds = try scanner.unsignedInteger()
            // Found by fuzzing: a millisecond time here overflowed the multiplication.
            guard seconds < 9_000_000_000 else { throw scanner.error("\"E\" is not a time in seconds (out of range)") }
            eventSeconds = Timestamp(nanoseconds: Int64(seconds) * 1_000_000_000)
        } else if key.equals("U") {
            firstUpdateID = try scanner.unsignedInteger()
        } else if key.equals("u") {
            finalUpdateID = try scanner.unsignedInteger()
        } else if key.equals("b") {
            if scanner.peek() == UInt8(ascii: "[") { bids = try Self.levels("b", from: &scanner, decimals: &decimals) } else { bidPrice = try scanner.decimalString("b", as: Price.self, digits: &decimals.price) }
        } else if key.equals("a") {
            if scanner.peek() == UInt8(ascii: "[") { asks = try Self.levels("a", from: &scanner, decimals: &decimals) } else { askPrice = try scanner.decimalString("a", as: Price.self, digits: &decimals.price) }
        } else if key.equals("B") {
            bidQuantity = try Self.quantity("B", from: &scanner, decimals: &decimals)
        } else if key.equals("A") {
            askQuantity = try Self.quantity("A", from: &scanner, decimals: &decimals)
        } else if key.equals("bids") {
            bids = try Self.levels("bids", from: &scanner, decimals: &decimals)
        } else if key.equals("asks") {
            asks = try Self.levels("asks", from: &scanner, decimals: &decimals)
        } else if key.equals("full") {
            full = try scanner.bool()
        } else {
            return false
        }
        return true
    }

    /// A quantity string. Gate prints amounts with up to 10 decimals and Apogee's
    /// quantities hold 8: digits past the eighth are rounded to nearest (ties up), a
    /// change of at most 5·10⁻⁹, which no order size or book display can show.
    static func quantity(_ field: StaticString, from scanner: inout JSONScanner, decimals: inout DecimalPlaces) throws(FeedError) -> Quantity {
        let text = try scanner.string()
        var whole: Int64 = 0
        var fraction: Int64 = 0
        var places = 0
        var roundUp = false
        var seenPoint = false
        var digits = 0
        for byte in text {
            if byte == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw scanner.error("field \"\(field)\" is not a decimal: \"\(String(decoding: text, as: UTF8.self))\"")
            }
            digits += 1
            let digit = Int64(byte - UInt8(ascii: "0"))
            if !seenPoint {
                guard whole < 90_000_000_000 else { throw scanner.error("field \"\(field)\" is out of range") }
                whole = whole * 10 + digit
            } else if places < 8 {
                fraction = fraction * 10 + digit
                places += 1
            } else if places == 8 {
                roundUp = digit >= 5
                places += 1
            }
        }
        guard digits > 0 else { throw scanner.error("field \"\(field)\" is empty") }
        decimals.quantity = max(decimals.quantity, min(places, 8))
        while places < 8 {
            fraction *= 10
            places += 1
        }
        // 92,233,720,369 and more does not fit in Quantity's units (the digit guard above
        // only keeps `whole` itself from overflowing): refused, not trapped. Found by
        // the recording-line fuzz target.
        let (scaled, overflowed) = whole.multipliedReportingOverflow(by: 100_000_000)
        let (units, overflowedAgain) = scaled.addingReportingOverflow(fraction + (roundUp ? 1 : 0))
        guard !overflowed, !overflowedAgain else { throw scanner.error("field \"\(field)\" is out of range") }
        return Quantity(units: units)
    }

    /// `[["price","amount"], ...]`: exact prices, amounts as ``quantity(_:from:decimals:)``.
    static func levels(_ field: StaticString, from scanner: inout JSONScanner, decimals: inout DecimalPlaces) throws(FeedError) -> [BookLevel] {
        try scanner.expect(UInt8(ascii: "["))
        var levels: [BookLevel] = []
        var first = true
        while try scanner.hasNext(closing: UInt8(ascii: "]"), first: &first) {
            try scanner.expect(UInt8(ascii: "["))
            let price = try scanner.decimalString(field, as: Price.self, digits: &decimals.price)
            try scanner.expect(UInt8(ascii: ","))
            scanner.skipWhitespace()
            let amount = try quantity(field, from: &scanner, decimals: &decimals)
            scanner.skipWhitespace()
            guard scanner.peek() == UInt8(ascii: "]") else { throw scanner.error("a level of \"\(field)\" must be [price, amount]") }
            scanner.index += 1
            levels.append(BookLevel(price: price, quantity: amount))
        }
        return levels
    }

    /// `"1606292218213.4578"`: milliseconds with a fraction, kept to the nanosecond.
    static func fractionalMilliseconds(from scanner: inout JSONScanner) throws(FeedError) -> Timestamp {
        let text = try scanner.string()
        var milliseconds: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var seenPoint = false
        for byte in text {
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { throw scanner.error("create_time_ms has two decimal points") }
                seenPoint = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { throw scanner.error("create_time_ms is not a decimal") }
            let digit = Int64(byte - UInt8(ascii: "0"))
            if seenPoint {
                guard fractionDigits < 6 else { continue }
                fraction = fraction * 10 + digit
                fractionDigits += 1
            } else {
                guard milliseconds < 100_000_000_000_000 else { throw scanner.error("create_time_ms is out of range") }
                milliseconds = milliseconds * 10 + digit
            }
        }
        while fractionDigits < 6 {
            fraction *= 10
            fractionDigits += 1
        }
        // The same bound as every millisecond time: nanoseconds must fit in Int64.
        guard milliseconds < 9_000_000_000_000 else { throw scanner.error("create_time_ms is out of range") }
        return Timestamp(nanoseconds: milliseconds * 1_000_000 + fraction)
    }

    func require<T>(_ value: T?, _ name: String, in channel: String) throws(FeedError) -> T {
        guard let value else { throw FeedError("\(channel) result has no \"\(name)\"") }
        return value
    }

    func trade(received: Timestamp) throws(FeedError) -> TradePrint {
        let symbol = try require(symbol, "currency_pair", in: "spot.trades")
        let time = try require(createTimeMilliseconds, "create_time_ms", in: "spot.trades")
        return TradePrint(symbol: symbol, id: try require(tradeID, "id", in: "spot.trades"), price: try require(price, "price", in: "spot.trades"),
                          quantity: try require(amount, "amount", in: "spot.trades"), aggressor: try require(side, "side", in: "spot.trades"),
                          tradeTime: time, time: EventTime(exchange: time, received: received))
    }

    func ticker(received: Timestamp) throws(FeedError) -> BestBidAsk {
        BestBidAsk(symbol: try require(symbol, "s", in: "spot.book_ticker"), updateID: try require(finalUpdateID, "u", in: "spot.book_ticker"),
                   bid: BookLevel(price: try require(bidPrice, "b", in: "spot.book_ticker"), quantity: try require(bidQuantity, "B", in: "spot.book_ticker")),
                   ask: BookLevel(price: try require(askPrice, "a", in: "spot.book_ticker"), quantity: try require(askQuantity, "A", in: "spot.book_ticker")),
                   time: EventTime(exchange: millisecondsTime, received: received))
    }

    func depth(received: Timestamp) throws(FeedError) -> MarketEvent {
        let channel = "spot.order_book_update"
        let symbol = try require(symbol, "s", in: channel)
        let final = try require(finalUpdateID, "u", in: channel)
        let time = EventTime(exchange: millisecondsTime ?? eventSeconds, received: received)
        if full {
            return .bookSnapshot(BookSnapshot(symbol: symbol, lastUpdateID: final, bids: bids ?? [], asks: asks ?? [], time: time))
        }
        let first = try require(firstUpdateID, "U", in: channel)
        guard first <= final else { throw FeedError("\(channel) has U=\(first) after u=\(final)") }
        return .bookDelta(BookDelta(symbol: symbol, firstUpdateID: first, finalUpdateID: final, bids: bids ?? [], asks: asks ?? [], time: time))
    }
}
