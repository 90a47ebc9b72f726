import MarketModel
import Testing
import Trading

/// MoonBot's moving take profits (SellShot, SellSpread, SellLevel) and the third stop,
/// driven through the ExitManager as the kernel drives it. Entry at 100, tick 0.01.
@Suite("Moving take profits and the third stop")
struct TakeProfitMoverTests {
    /// A 0.5 % take profit and nothing else: what the movers then do is all there is.
    /// Stops on single prints and nothing else.
    static var stopsOnly: ExitSettings {
        var settings = ExitSettings()
        settings.sellPrice = 0
        settings.useTrailing = false
        settings.fastStopLoss = true
        return settings
    }

    static var takeProfitOnly: ExitSettings {
        var settings = ExitSettings()
        settings.sellPrice = 0.5
        settings.useTrailing = false
        settings.useStopLoss = false
        return settings
    }

    @Test("UseStopLoss3: after TimeToSwitchStop3 the third stage outranks the second, and its panic sells no lower than AllowedDrop3")
    func thirdStopByTime() {
        var settings = Self.stopsOnly
        settings.stopLoss = -5
        settings.useSecondStop = true
        settings.timeToSwitch2Stop = 10
        settings.secondStopLoss = -0.5
        settings.useStopLoss3 = true
        settings.timeToSwitchStop3 = 30
        settings.priceToSwitchStop3 = 0
        settings.stopLoss3 = -1
        settings.allowedDrop3 = -2
        var harness = ExitHarness(settings: settings)
        harness.step(31, last: "99.6", bid: "99.59")
        #expect(harness.manager.panic == nil, "the second stage (99.50) would have sold: the third (99.00) is in force")
        harness.step(32, last: "98.9", bid: "90")
        #expect(harness.manager.panic == .thirdStop)
        // 90 × 0.995 = 89.55, under the third stage's floor of −2 %.
        #expect(harness.restingPrice == price("98"))
        #expect(harness.restingPurpose == .panicSell)
    }

    @Test("PriceToSwitchStop3 negative: once the price has been 3 % down, a −4 % stop replaces the −10 % one")
    func thirdStopByAdversePrice() {
        var settings = Self.stopsOnly
        settings.stopLoss = -10
        settings.useStopLoss3 = true
        settings.timeToSwitchStop3 = 600
        settings.priceToSwitchStop3 = -3
        settings.stopLoss3 = -4
        var harness = ExitHarness(settings: settings)
        harness.step(1, last: "97.5")
        harness.step(2, last: "96.9")
        #expect(harness.manager.panic == nil, "the third stage (96.00) is in force now, not hit yet")
        harness.step(3, last: "98")
        harness.step(4, last: "96", bid: "95.99")
        #expect(harness.manager.panic == .thirdStop)
    }

    @Test("SellLevel relative: 10 s after the buy the sell goes halfway to the hour's high, once")
    func sellLevelRelative() {
        var settings = Self.takeProfitOnly
        settings.sellLevelDelay = 10
        settings.sellLevelAdjust = 50
        settings.sellLevelCount = 1
        var harness = ExitHarness(settings: settings)
        harness.prints.append((-600, price("104")))
        harness.step(1, last: "100.2")
        #expect(harness.restingPrice == price("100.5"))
        harness.step(10, last: "100.3")
        #expect(harness.restingPrice == price("102"), "100 + 50 % of (104 − 100)")
        harness.prints.append((12, price("108")))
        harness.step(80, last: "100.3")
        #expect(harness.restingPrice == price("102"), "SellLevelCount 1: no second re-placement")
        #expect(harness.log == ["take-profit sell @ 100.50", "cancel", "take-profit sell @ 102.00"])
    }

    @Test("SellLevel: SellLevelAdjust beyond the high without SellLevelRelative; the attempts are paced by SellLevelDelayNext; never short of SellLevelAllowedDrop")
    func sellLevelAbsolute() {
        var settings = Self.takeProfitOnly
        settings.sellLevelDelay = 10
        settings.sellLevelRelative = false
        settings.sellLevelAdjust = -1
        settings.sellLevelCount = 2
        settings.sellLevelDelayNext = 30
        settings.sellLevelTime = 60
        var harness = ExitHarness(settings: settings)
        harness.prints.append((5, price("104")))
        harness.step(10, last: "100.3")
        #expect(harness.restingPrice == price("102.96"), "104 − 1 %")
        harness.step(20, last: "100.3")
        #expect(harness.restingPrice == price("102.96"), "the next attempt waits SellLevelDelayNext")
        harness.step(70, last: "100.05")
        // The last minute's high is 100.3 (at 20 s): 99.297 is under the floor, 100 + 0.1 %.
        #expect(harness.restingPrice == price("100.1"))
    }

    @Test("SellShot: the sell follows the recent high in its corridor, raised and lowered after their waits, within AllowedUp/AllowedDown")
    func sellShot() {
        var settings = Self.takeProfitOnly
        settings.useSellShot = true
        settings.sellShotDelay = 1
        settings.sellShotDistance = 1
        settings.sellShotCalcInterval = 0.6
        settings.sellShotCorridor = 50
        settings.sellShotRaiseWait = 0.2
        settings.sellShotReplaceDelay = 0.1
        settings.sellShotAllowedUp = 10
        settings.sellShotAllowedDown = -0.1
        var harness = ExitHarness(settings: settings)
        harness.step(0.5, last: "100")
        #expect(harness.restingPrice == price("100.5"), "SellShotDelay not reached: the plain take profit")
        harness.step(1.0, last: "100")
        #expect(harness.restingPrice == price("101"), "taken over: 1 % above the recent high")
        // 100.4: the sell is 0.6 % away, nearer than the corridor's 0.75 %.
        harness.step(1.5, last: "100.4")
        harness.step(1.6, last: "100.4")
        #expect(harness.restingPrice == price("101"), "too near for 0.1 s only: SellShotRaiseWait is 0.2 s")
        harness.step(1.8, last: "100.4")
        #expect(harness.restingPrice == price("101.41"), "raised: 100.4 + 1 %, rounded up to the tick")
        harness.step(2.0, last: "99")
        #expect(harness.restingPrice == price("101.41"), "the high of the last 0.6 s is still 100.4: inside the corridor")
        harness.step(2.5, last: "99")
        harness.step(2.7, last: "99")
        #expect(harness.restingPrice == price("99.99"), "too far for 0.2 s ≥ SellShotReplaceDelay: lowered to 99 + 1 %")
        harness.step(3.0, last: "115")
        harness.step(3.3, last: "115")
        #expect(harness.restingPrice == price("110"), "never beyond SellShotAllowedUp (+10 %)")
    }

    @Test("SellSpread: the sell goes 10 % of the shot's range under its top (range 100–105: 104.5), and not for a range under SellSpreadMinSpread")
    func sellSpread() {
        var settings = Self.takeProfitOnly
        settings.useSellSpread = true
        settings.sellSpreadDistance = -10
        settings.sellSpreadMinSpread = 1
        settings.sellSpreadDelay = 0.33
        settings.sellSpreadReplaceCount = 10
        var harness = ExitHarness(settings: settings)
        harness.prints.append((-2, price("105")))
        harness.step(0.1, last: "100")
        #expect(harness.restingPrice == price("100.5"), "the first look waits SellSpreadDelay")
        harness.step(0.5, last: "100.2")
        #expect(harness.restingPrice == price("104.5"))

        var narrow = ExitHarness(settings: settings)
        narrow.prints.append((-2, price("100.5")))
        narrow.step(0.1, last: "100")
        narrow.step(0.5, last: "100.2")
        #expect(narrow.restingPrice == price("100.5"), "a 0.5 % range is under SellSpreadMinSpread: the take profit stays")
    }

    @Test("SellSpread looks SellSpreadReplaceCount times, then leaves the sell where it is")
    func sellSpreadCount() {
        var settings = Self.takeProfitOnly
        settings.useSellSpread = true
        settings.sellSpreadReplaceCount = 2
        settings.sellSpreadWindow = 5
        var harness = ExitHarness(settings: settings)
        harness.prints.append((-2, price("105")))
        harness.step(0.4, last: "100")
        #expect(harness.restingPrice == price("104.5"))
        harness.step(4, last: "100")
        // Second look: the 105 print is more than 5 s back, so the range is flat and
        // the sell stays.
        #expect(harness.restingPrice == price("104.5"))
        harness.prints.append((5, price("110")))
        harness.step(8, last: "100")
        #expect(harness.restingPrice == price("104.5"), "two looks done: a new range is not used")
    }
}
