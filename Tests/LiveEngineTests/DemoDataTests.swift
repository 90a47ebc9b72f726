import LiveEngine
import Backtesting
import TestFixtures
import Recording
import Foundation
import MarketModel
import Strategies
import Trading
import Testing

@Suite("The bundled demo")
struct DemoDataTests {
    static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @Test("the generator rewrites the committed demo files bit for bit")
    func regenerates() throws {
        let directory = try Support.scratchDirectory()
        let written = try DemoData.write(to: directory)
        #expect(written.paths.count == 3)
        #expect(written.bytes < 5_000_000)
        for path in written.paths {
            let name = URL(fileURLWithPath: path).lastPathComponent
            let fresh = try Data(contentsOf: URL(fileURLWithPath: path))
            let committed = try Data(contentsOf: URL(fileURLWithPath: "\(Self.checkout)/data/\(name)"))
            #expect(fresh == committed, "\(name) differs from what the generator writes")
        }
        // The exchange's rules for the demo symbols, beside them: replays and backtests
        // of the demo fit their orders to them.
        let rules = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/exchangeinfo.json"))
        #expect(rules == (try Data(contentsOf: URL(fileURLWithPath: "\(Self.checkout)/data/exchangeinfo.json"))), "data/exchangeinfo.json differs from what the generator writes")
    }

    @Test("the demo replays clean: every symbol synced, audited without a mismatch, no gap")
    func replaysClean() throws {
        let files = ["btcusdt", "ethusdt", "solusdt"].map { "\(Self.checkout)/data/demo_\($0).gz" }
        let report = try HeadlessReplay.run(ReplayOptions(files: files))
        #expect(report.malformed == 0)
        #expect(report.gaps == 0)
        #expect(report.symbols.map(\.symbol) == ["BTCUSDT", "ETHUSDT", "SOLUSDT"])
        for symbol in report.symbols {
            #expect(symbol.book?.state == .synced)
            #expect(symbol.audit.checks > 1000)
            #expect(symbol.audit.mismatches == 0)
            #expect(symbol.trades.count > 1000)
        }
    }
}

@Suite("Replay session")
struct ReplaySessionTests {
    let files = ["btcusdt", "ethusdt", "solusdt"].map { "\(DemoDataTests.checkout)/data/demo_\($0).gz" }

    @Test("the clock follows wall time × speed; pause holds it; steps and jumps move it")
    func clock() throws {
        let session = try ReplaySession(files: files, strategies: { [] })
        let start = session.clock
        session.speed = 10
        session.advance(wallNanoseconds: 100_000_000)
        #expect(session.clock.nanoseconds - start.nanoseconds == 1_000_000_000)
        session.paused = true
        session.advance(wallNanoseconds: 100_000_000)
        #expect(session.clock.nanoseconds - start.nanoseconds == 1_000_000_000)
        session.jumpMinute()
        #expect(session.clock.nanoseconds - start.nanoseconds >= 61_000_000_000)
        let fedBefore = session.eventsFed
        session.restart()
        #expect(session.eventsFed < fedBefore)
        #expect(session.clock.nanoseconds - start.nanoseconds == 0)
    }

    @Test("jump to the next detect stops where the strategy first asks for an order; a hotkey order shows its queue")
    func jumps() throws {
        let session = try ReplaySession(files: files, strategies: {
            [EMAReversal(parameters: try! ParameterSet(specs: EMAReversal.specs, given: []))]
        })
        #expect(session.kernel.strategyIntents == 0)
        session.jumpToNextEvent()
        #expect(session.kernel.strategyIntents > 0 || session.kernel.alerts > 0)
        #expect(!session.finished)
        let symbol = "BTCUSDT"
        let bid = try #require(session.kernel.book(for: symbol)?.bestBid?.price)
        let deep = Price(units: bid.units - bid.units / 200 - bid.units / 200 % 1_000_000)
        session.user(.place(OrderIntent(symbol: symbol, side: .buy, kind: .limit(deep), quantity: Quantity(units: 100_000))))
        session.step()
        session.stepSecond()
        let data = session.screenData()
        let order = try #require(data.snapshot.openOrders.first { $0.request.origin == "user" })
        #expect(data.queueAhead[order.id] != nil)
        // A frame for the screen carries the drawn symbol's history only; the markets
        // table still has every symbol.
        #expect(Set(data.priceHistory.keys) == ["BTCUSDT", "ETHUSDT", "SOLUSDT"])
        let focused = session.screenData(focus: "ETHUSDT")
        #expect(Array(focused.priceHistory.keys) == ["ETHUSDT"] && Array(focused.tape.keys) == ["ETHUSDT"] && Array(focused.priceTimes.keys) == ["ETHUSDT"])
        #expect(focused.priceTimes["ETHUSDT"]?.count == focused.priceHistory["ETHUSDT"]?.count)
        #expect(focused.snapshot.markets.count == 3)
    }
}
