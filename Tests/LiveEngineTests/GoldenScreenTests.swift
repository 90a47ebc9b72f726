import EngineCore
import Foundation
import LiveEngine
import MarketModel
import Strategies
import Terminal
import Testing
@testable import TradingUI
import TUIKit

/// The screen, exactly: every character of a fixed replay position drawn at 80x24,
/// 120x40 and 200x60, and each panel on its own, compared with the text kept in
/// `Golden/`. A change to the layout shows up here as a diff a reviewer reads; when
/// it is meant, `APOGEE_UPDATE_GOLDEN=1 swift test --filter GoldenScreenTests` writes
/// the new text (then read the diff before committing it).
@Suite("Golden screens", .serialized)
struct GoldenScreenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").path
    static let updating = ProcessInfo.processInfo.environment["APOGEE_UPDATE_GOLDEN"] == "1"

    /// The bundled demo, EMA reversal trading it, stopped at its first decision and ten
    /// seconds on, with a hotkey buy resting 1 % below the market (off the ladder and
    /// the chart: both name it at their edge) and one on the third bid: markets, a
    /// book, a chart, orders and log lines are all on screen. The events/s figure (wall-clock) is fixed.
    static func position() throws -> (AppModel, ScreenData) {
        let session = try ReplaySession(files: Assets.demoRecordings(), strategies: {
            [EMAReversal(parameters: try! ParameterSet(specs: EMAReversal.specs, given: []))]
        })
        session.paused = true
        session.jumpToNextEvent()
        for _ in 0..<10 { session.stepSecond() }
        let bid = try #require(session.kernel.book(for: "BTCUSDT")?.bestBid?.price)
        let below = Price(units: bid.units - bid.units / 100 - bid.units / 100 % 1_000_000)
        session.user(.place(OrderIntent(symbol: "BTCUSDT", side: .buy, kind: .limit(below), quantity: Quantity(units: 100_000))))
        // And one inside the ladder, on the third bid: its row shows it, with the queue.
        let third = try #require(session.kernel.book(for: "BTCUSDT")?.bids.top(3).last?.price)
        session.user(.place(OrderIntent(symbol: "BTCUSDT", side: .buy, kind: .limit(third), quantity: Quantity(units: 200_000))))
        session.stepSecond()
        var data = session.screenData()
        data.eventsPerSecond = 1234
        var model = AppModel(orderSize: "0.001")
        model.selectedSymbol = "BTCUSDT"
        model.status = session.kernel.lastUserReply?.text
        return (model, data)
    }

    static func expectGolden(_ name: String, _ buffer: Buffer, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let text = buffer.lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }.joined(separator: "\n") + "\n"
        let path = "\(folder)/\(name).txt"
        if updating {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let expected = try #require(try? String(contentsOfFile: path, encoding: .utf8), "no golden text \(path): run with APOGEE_UPDATE_GOLDEN=1 once", sourceLocation: sourceLocation)
        if text != expected {
            let got = text.split(separator: "\n", omittingEmptySubsequences: false)
            let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let first = (0..<max(got.count, want.count)).first { $0 >= got.count || $0 >= want.count || got[$0] != want[$0] } ?? 0
            Issue.record("\(name) differs from \(path) first at row \(first):\n  got:  \(first < got.count ? String(got[first]) : "<none>")\n  want: \(first < want.count ? String(want[first]) : "<none>")\nwhole screen:\n\(text)", sourceLocation: sourceLocation)
        }
    }

    @Test("the whole screen at 80x24, 120x40 and 200x60", arguments: [(80, 24), (120, 40), (200, 60)])
    func wholeScreen(size: (Int, Int)) throws {
        let (model, data) = try Self.position()
        try Self.expectGolden("screen-\(size.0)x\(size.1)", Screen.render(model, data, width: size.0, height: size.1, glyphs: .ascii, keymap: Assets.builtInKeymap))
    }

    @Test("each panel alone, in a 60x16 box")
    func panels() throws {
        let (model, data) = try Self.position()
        let market = data.snapshot.markets.first { $0.symbol == "BTCUSDT" }
        let box = Rect(x: 0, y: 0, width: 60, height: 16)
        let panels: [(String, (inout Buffer) -> Void)] = [
            ("markets", { Screen.marketsTable(&$0, model, data, in: box, glyphs: .ascii) }),
            ("strategies", { Screen.strategies(&$0, model, data, in: box, glyphs: .ascii) }),
            ("ladder", { Screen.ladder(&$0, market, data, in: box, glyphs: .ascii) }),
            ("chart", { Screen.chart(&$0, model, market, data, in: box, glyphs: .ascii) }),
            ("positions", { Screen.positions(&$0, data, in: box, glyphs: .ascii) }),
            ("tape", { Screen.tape(&$0, market, data, in: box, glyphs: .ascii) }),
            ("log", { Screen.log(&$0, model, data, in: box, glyphs: .ascii) }),
            ("profit", { Screen.profit(&$0, data, in: box, glyphs: .ascii) }),
        ]
        for (name, draw) in panels {
            var buffer = Buffer(width: box.width, height: box.height)
            draw(&buffer)
            try Self.expectGolden("panel-\(name)", buffer)
        }
    }

    @Test("docs/terminal.md shows the 80x24 and 120x40 golden screens as they are")
    func captures() throws {
        let docs = URL(fileURLWithPath: Self.folder).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/terminal.md").path
        let text = try String(contentsOfFile: docs, encoding: .utf8)
        for size in ["80x24", "120x40"] {
            let golden = try String(contentsOfFile: "\(Self.folder)/screen-\(size).txt", encoding: .utf8)
            #expect(text.contains("```\n" + golden + "```"), "docs/terminal.md's \(size) capture differs from Golden/screen-\(size).txt: paste it again")
        }
    }

}
