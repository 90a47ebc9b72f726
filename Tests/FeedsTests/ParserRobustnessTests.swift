import Feeds
import MarketModel
import Simulation
import Testing

@Suite("Parser robustness")
struct ParserRobustnessTests {
    static let messages = [
        Messages.spotDepth, Messages.futuresDepth, Messages.coinDepth, Messages.spotTicker, Messages.futuresTicker,
        Messages.spotTrade, Messages.futuresTrade, Messages.spotAggTrade, Messages.futuresAggTrade,
        Messages.spotSnapshot, Messages.futuresSnapshot, Messages.rawTrade,
    ]

    @Test("damaged messages are refused or read, never a crash", arguments: messages.indices)
    func mutations(index: Int) {
        let original = Array(Self.messages[index].utf8)
        var generator = SeededGenerator(seed: UInt64(index) &+ 1)
        var parser = BinanceFeedParser()
        var refused = 0
        for round in 0..<1500 {
            var bytes = original
            switch round % 3 {
            case 0:
                // Overwrite a few bytes with anything.
                for _ in 0..<(1 + Int(generator.next() % 3)) {
                    bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
                }
            case 1:
                // Cut the message short.
                bytes.removeLast(1 + Int(generator.next() % UInt64(bytes.count - 1)))
            default:
                // Insert a structural byte somewhere.
                let structural: [UInt8] = Array("{}[],:\"\\-.e0 ".utf8)
                bytes.insert(structural[Int(generator.next() % UInt64(structural.count))], at: Int(generator.next() % UInt64(bytes.count)))
            }
            do {
                let event = try bytes.withUnsafeBytes { raw throws(FeedError) in
                    try parser.parse(raw, received: Timestamp(nanoseconds: 1))
                }
                // Whatever is read must still be well-formed.
                if case .bookDelta(let delta) = event { #expect(delta.firstUpdateID <= delta.finalUpdateID) }
                if case .trade(let trade) = event { #expect(trade.price.units >= 0 && trade.quantity.units >= 0) }
            } catch let error as FeedError {
                #expect(!error.reason.isEmpty)
                refused += 1
            } catch {
                Issue.record("unexpected error type: \(error)")
            }
        }
        #expect(refused > 500)
    }
}
