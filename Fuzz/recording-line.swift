import Feeds
import MarketModel

/// libFuzzer's entry: one input, any bytes. Feeds them through every wire parser as a
/// recording line would go, and checks what the parsers accept.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecordingLine(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    var messages = [bytes]
    var received = Timestamp(nanoseconds: RecordingLine.earliest)
    if let line = try? RecordingLine.split(bytes) {
        precondition(line.received.nanoseconds >= RecordingLine.earliest, "a receive time before 2009 was accepted")
        messages.append(line.message)
        received = line.received
    }
    for market in [MarketKind.spot, .usdMargined, nil] {
        var parser = BinanceFeedParser(market: market)
        for message in messages {
            if let event = try? parser.parse(message, received: received) { accepted(event) }
        }
    }
    for dialect in [FrameDialect.gateSpot, .gateFutures] {
        var parser = VenueFrameParser(dialect)
        for message in messages {
            var events: [MarketEvent] = []
            if (try? parser.parse(message, received: received, into: &events)) != nil {
                for event in events { accepted(event) }
            }
        }
    }
    // Binance's all-market mini tickers: what is accepted is a possible day.
    for message in messages {
        guard let tickers = try? MiniTickerParser.parse(message) else { continue }
        for ticker in tickers {
            precondition(!ticker.symbol.isEmpty && ticker.low.units > 0 && ticker.low <= ticker.high, "a mini ticker accepted with an impossible day: \(ticker)")
        }
    }
    return 0
}

/// What every accepted event must be: possible values, a symbol where one belongs.
func accepted(_ event: MarketEvent) {
    do {
        try MarketEventCheck.check(event)
    } catch {
        preconditionFailure("a parser accepted \(event): \(error)")
    }
    if case .bookSnapshot = event { return }
    precondition(event.symbol.map { !$0.isEmpty } ?? false, "an event without a symbol was accepted: \(event)")
}
