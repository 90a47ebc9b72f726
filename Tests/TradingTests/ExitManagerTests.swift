import MarketModel
import Testing
import Trading

/// Drives an ExitManager as the kernel would: ids for placed orders, cancels confirmed
/// at once.
struct ExitHarness {
    var manager: ExitManager
    var position: Position
    var nextID: UInt64 = 100
    var resting: [ClientOrderID: (price: Price, purpose: ExitPurpose)] = [:]
    var log: [String] = []
    /// Every print so far (time in seconds after the entry, price).
    var prints: [(time: Double, price: Price)] = []
    let tick = price("0.01")

    init(settings: ExitSettings, entry: String = "100", quantityText: String = "1") {
        var position = Position(symbol: "BTCUSDT", kind: .spot)
        _ = position.apply(fill(1, .buy, quantityText, at: entry))
        self.position = position
        manager = ExitManager(symbol: "BTCUSDT", settings: settings, entryTime: at(0))
    }

    /// One evaluation at `time` with the last print `last` and best bid `bid`.
    mutating func step(_ time: Double, last: String, bid: String? = nil) {
        // Each step is a print, as the kernel's trades are.
        manager.observe(price(last), at: at(time))
        prints.append((time, price(last)))
        let window = prints
        // The prints of the last `seconds`, as the kernel gives them to the movers.
        let extremes: RecentExtremes = { seconds in
            let inside = window.filter { $0.time >= time - seconds }.map(\.price)
            guard let high = inside.max(), let low = inside.min() else { return nil }
            return (high, low)
        }
        var actions = manager.evaluate(position: position, lastPrice: price(last), bestBid: bid.map(price), bestAsk: nil, now: at(time), tick: tick, extremes: extremes)
        // Cancels are confirmed at once, which may let the manager place the next order.
        while !actions.isEmpty {
            var next: [ExitAction] = []
            for action in actions {
                switch action {
                case .place(_, let side, let orderPrice, _, let purpose):
                    let id = ClientOrderID(nextID)
                    nextID += 1
                    manager.placed(id, quantity: position.absoluteQuantity)
                    resting[id] = (orderPrice, purpose)
                    log.append("\(purpose.rawValue) \(side.rawValue) @ \(orderPrice.formatted(fractionDigits: 2))")
                case .cancel(let id):
                    resting[id] = nil
                    manager.orderClosed(id)
                    log.append("cancel")
                    next = manager.evaluate(position: position, lastPrice: price(last), bestBid: bid.map(price), bestAsk: nil, now: at(time), tick: tick, extremes: extremes)
                }
            }
            actions = next
        }
    }

    var restingPrice: Price? { resting.values.first?.price }
    var restingPurpose: ExitPurpose? { resting.values.first?.purpose }
}

@Suite("Shared exits")
struct ExitManagerTests {
    @Test("take profit rests SellPrice % above the entry")
    func takeProfit() {
        var settings = ExitSettings()
        settings.sellPrice = 0.5
        var harness = ExitHarness(settings: settings)
        harness.step(1, last: "100", bid: "99.99")
        #expect(harness.log == ["take-profit sell @ 100.50"])
        harness.step(2, last: "100.2", bid: "100.19")
        #expect(harness.log.count == 1)
    }

    @Test("stop loss waits for its arming delay, then panic-sells into the bids")
    func stopLoss() {
        var settings = ExitSettings()
        settings.stopLoss = -2
        settings.stopLossDelay = 10
        settings.panicSellSpread = 0.5
        var harness = ExitHarness(settings: settings)
        harness.step(1, last: "100", bid: "99.99")
        harness.step(5, last: "97", bid: "96.99")
        #expect(harness.manager.panic == nil)
        harness.step(11, last: "97.5", bid: "97.49")
        #expect(harness.manager.panic == .stopLoss)
        // 97.49 × 0.995 = 97.00255 → 97.01 (a sell's price rounds up to the tick)
        #expect(harness.log == ["take-profit sell @ 100.50", "cancel", "panic-sell sell @ 97.01"])
    }

    @Test("the second stop takes over after its time: here, breakeven")
    func secondStop() {
        var settings = ExitSettings()
        settings.sellPrice = 0
        settings.stopLoss = -5
        settings.useSecondStop = true
        settings.timeToSwitch2Stop = 60
        settings.secondStopLoss = 0
        var harness = ExitHarness(settings: settings)
        harness.step(30, last: "99.9", bid: "99.89")
        #expect(harness.manager.panic == nil)
        harness.step(61, last: "99.9", bid: "99.89")
        #expect(harness.manager.panic == .secondStop)
    }

    @Test("PriceToSwitch2Stop: once the price has been 1 % up, the stop moves to breakeven well before TimeToSwitch2Stop")
    func secondStopByPrice() {
        var settings = ExitSettings()
        settings.sellPrice = 0
        settings.useTrailing = false
        settings.fastStopLoss = true
        settings.stopLoss = -5
        settings.useSecondStop = true
        settings.timeToSwitch2Stop = 600
        settings.priceToSwitch2Stop = 1
        settings.secondStopLoss = 0
        var harness = ExitHarness(settings: settings)
        harness.step(1, last: "100.5")
        harness.step(2, last: "99.9")
        #expect(harness.manager.panic == nil, "not yet 1 % up: the first stop (95) holds")
        harness.step(3, last: "101")
        harness.step(4, last: "100.2")
        #expect(harness.manager.panic == nil)
        harness.step(5, last: "99.99", bid: "99.98")
        #expect(harness.manager.panic == .secondStop)
    }

    @Test("MoonBot's trailing: TP +2 %, trail −1 %: the line appears at +2 % once the price has risen about 3 %, then follows the peak")
    func trailing() {
        var settings = ExitSettings()
        settings.sellPrice = 0
        settings.useStopLoss = false
        settings.useTrailing = true
        settings.takeProfit = 2
        settings.trailingPercent = -1
        var harness = ExitHarness(settings: settings)
        harness.step(1, last: "102.5")
        #expect(!harness.manager.trailingActive, "the line (101.48) would sit under the take profit")
        harness.step(2, last: "103.1")
        #expect(harness.manager.trailingActive)
        harness.step(3, last: "104")
        harness.step(4, last: "103")
        #expect(harness.manager.panic == nil)
        // 104 × 0.99 = 102.96: the line.
        harness.step(5, last: "102.96", bid: "102.95")
        #expect(harness.manager.panic == .trailingStop)
        #expect(harness.manager.peak == price("104"))
    }

    @Test("a trailing exit never sells under the take profit: a gap through the line leaves the sell at the take-profit level, until the stop loss takes over")
    func trailingNeverBelowTakeProfit() {
        var settings = ExitSettings()
        settings.sellPrice = 0
        settings.stopLoss = -5
        settings.fastStopLoss = true
        settings.useTrailing = true
        settings.takeProfit = 2
        settings.trailingPercent = -1
        settings.panicSellSpread = 0.5
        var harness = ExitHarness(settings: settings)
        harness.step(1, last: "104")
        #expect(harness.manager.trailingActive)
        // The price gaps to 101, under the take profit (102): the sell waits at 102.
        harness.step(2, last: "101", bid: "100.99")
        #expect(harness.manager.panic == .trailingStop)
        #expect(harness.restingPrice == price("102"))
        harness.step(5, last: "100", bid: "99.99")
        #expect(harness.restingPrice == price("102"))
        // Down through the stop (95): the stop loss takes over and sells into the bids.
        harness.step(8, last: "94.9", bid: "94.89")
        #expect(harness.manager.panic == .stopLoss)
        #expect(harness.restingPrice.map { $0 < price("95") } == true)
    }

    @Test("without UseTakeProfit the trailing line follows the peak from the entry and may sell under it")
    func trailingWithoutTakeProfit() {
        var settings = ExitSettings()
        settings.sellPrice = 0
        settings.useStopLoss = false
        settings.useTakeProfit = false
        settings.trailingPercent = -1
        var harness = ExitHarness(settings: settings)
        harness.step(1, last: "100.5")
        #expect(harness.manager.trailingActive)
        harness.step(2, last: "99.49", bid: "99.48")
        #expect(harness.manager.panic == .trailingStop)
    }

    @Test("the stop watches the average of the last seconds' prints: one stray print under it does not sell; FastStopLoss does")
    func averagedStop() {
        for fast in [false, true] {
            var settings = ExitSettings()
            settings.sellPrice = 0
            settings.useTrailing = false
            settings.stopLoss = -2
            settings.fastStopLoss = fast
            settings.stopLossAverageSeconds = 3
            var harness = ExitHarness(settings: settings)
            harness.step(1, last: "100")
            harness.step(1.5, last: "99.9")
            harness.step(2, last: "97.5", bid: "97.4")
            #expect(harness.manager.panic == (fast ? .stopLoss : nil), "FastStopLoss \(fast)")
            guard !fast else { continue }
            harness.step(2.5, last: "99.8")
            #expect(harness.manager.panic == nil)
            // The price stays under the stop: within 3 s the average follows it down.
            harness.step(4, last: "97.6")
            harness.step(5, last: "97.6")
            harness.step(6, last: "97.6")
            #expect(harness.manager.panic == .stopLoss)
        }
    }

    @Test("the take profit is lowered by timer, never below the allowed drop")
    func priceDown() {
        var settings = ExitSettings()
        settings.sellPrice = 0.5
        settings.useStopLoss = false
        settings.priceDownTimer = 30
        settings.priceDownDelay = 10
        settings.priceDownPercent = 0.2
        settings.priceDownAllowedDrop = 0.1
        var harness = ExitHarness(settings: settings)
        harness.step(1, last: "100")
        harness.step(29, last: "100")
        #expect(harness.restingPrice == price("100.5"))
        harness.step(30, last: "100")
        #expect(harness.restingPrice == price("100.3"))
        harness.step(35, last: "100")
        #expect(harness.restingPrice == price("100.3"))
        harness.step(40, last: "100")
        #expect(harness.restingPrice == price("100.1"))
        harness.step(50, last: "100")
        #expect(harness.restingPrice == price("100.1"))
        #expect(harness.log == ["take-profit sell @ 100.50", "cancel", "take-profit sell @ 100.30", "cancel", "take-profit sell @ 100.10"])
    }

    @Test("a panic sell is re-priced one step deeper every interval until it fills")
    func panicReprices() {
        var settings = ExitSettings()
        settings.sellPrice = 0
        settings.useStopLoss = false
        settings.panicSellSpread = 0.5
        settings.panicSellInterval = 2
        var harness = ExitHarness(settings: settings)
        harness.manager.startPanic(.manual)
        harness.step(10, last: "100", bid: "100")
        #expect(harness.restingPrice == price("99.5"))
        harness.step(11, last: "100", bid: "100")
        #expect(harness.restingPrice == price("99.5"))
        harness.step(12, last: "99.8", bid: "99.8")
        // min(99.5, 99.8) × 0.995 = 99.0025 → 99.01
        #expect(harness.restingPrice == price("99.01"))
        harness.step(14, last: "98", bid: "98")
        // min(99.01, 98) × 0.995 = 97.51
        #expect(harness.restingPrice == price("97.51"))
        #expect(harness.restingPurpose == .panicSell)
    }

    @Test("a short's exits mirror a long's")
    func short() {
        var settings = ExitSettings()
        settings.sellPrice = 1
        settings.stopLoss = -2
        var position = Position(symbol: "BTCUSDT", kind: .linear, leverage: 5)
        _ = position.apply(fill(1, .sell, "1", at: "100"))
        var manager = ExitManager(symbol: "BTCUSDT", settings: settings, entryTime: at(0))
        let actions = manager.evaluate(position: position, lastPrice: price("100"), bestBid: nil, bestAsk: price("100.01"), now: at(1), tick: price("0.01"))
        #expect(actions == [.place(symbol: "BTCUSDT", side: .buy, price: price("99"), quantity: quantity("1"), purpose: .takeProfit)])
        manager.placed(ClientOrderID(5), quantity: quantity("1"))
        _ = manager.evaluate(position: position, lastPrice: price("102"), bestBid: nil, bestAsk: price("102.01"), now: at(2), tick: price("0.01"))
        #expect(manager.panic == .stopLoss)
    }
}
