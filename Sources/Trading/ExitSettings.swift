/// The exits every strategy shares, after MoonBot's Sell and Stops tabs (parameter
/// names as MoonBot's; percentages are of the entry price unless said otherwise).
public struct ExitSettings: Hashable, Sendable {
    /// Take profit: a resting sell `SellPrice` % above the entry (0 turns it off).
    public var sellPrice = 0.5
    /// `UseStopLoss` / `StopLoss` (negative %): panic-sell when the average price of
    /// the last `StopLossAverageSeconds` of prints reaches it (MoonBot's "average
    /// line"), or, with `FastStopLoss`, when a single print does.
    public var useStopLoss = true
    public var stopLoss = -5.0
    public var fastStopLoss = false
    /// The average line's window, in seconds (our name and default: MoonBot does not
    /// publish its window).
    public var stopLossAverageSeconds = 3.0
    /// `StopLossDelay`: seconds after the entry before the stop is armed.
    public var stopLossDelay = 0.0
    /// `UseSecondStop`: after `TimeToSwitch2Stop` seconds the stop moves to `SecondStopLoss` %.
    public var useSecondStop = false
    public var timeToSwitch2Stop = 60.0
    /// `PriceToSwitch2Stop`: or once the price has gone this % in the position's
    /// favour (0: no price condition).
    public var priceToSwitch2Stop = 0.0
    public var secondStopLoss = 0.0
    /// `UseStopLoss3`: a third stage, `StopLoss3` % from the entry with its own panic
    /// floor `AllowedDrop3`, taking over `TimeToSwitchStop3` seconds after the entry
    /// or once the price has gone `PriceToSwitchStop3` % from the entry (positive: its
    /// best price in the position's favour; negative: its worst against it; 0: no price
    /// condition). It outranks the second stage.
    public var useStopLoss3 = false
    public var timeToSwitchStop3 = 60.0
    public var priceToSwitchStop3 = -10.0
    public var stopLoss3 = -10.0
    public var allowedDrop3 = -99.0
    /// `UseTrailing` (MoonBot's default YES): a trailing line `TrailingPercent` %
    /// (negative) under the peak since the entry; panic-sell when the price falls to it.
    /// With `UseTakeProfit` (YES) the line appears only once it is at or above
    /// `TakeProfit` % over the entry, and the sell never goes below that level: a
    /// trailing exit never sells under the take profit (TP +2 %, trail −1 %: the line
    /// appears at +2 % once the price has risen 3 %).
    public var useTrailing = true
    public var useTakeProfit = true
    public var takeProfit = 1.0
    public var trailingPercent = -3.0
    /// Sell lowering by timer: after `PriceDownTimer` seconds (0 off), every
    /// `PriceDownDelay` seconds lower the take-profit by `PriceDownPercent` % of the entry,
    /// never below `PriceDownAllowedDrop` % from the entry (negative accepts a loss).
    public var priceDownTimer = 0.0
    public var priceDownDelay = 10.0
    public var priceDownPercent = 0.2
    public var priceDownAllowedDrop = 0.1
    /// Moving take profits (MoonBot's Sell-order sub-tabs). While one is on and due it
    /// owns the take profit's price, in this order: SellShot, SellSpread, SellLevel;
    /// the timer's lowering applies only when none of them moved the order.
    ///
    /// `UseSellShot`: from `SellShotDelay` s after the entry the sell rests
    /// `SellShotDistance` % beyond the market (a long's: the highest print of the last
    /// `SellShotCalcInterval` s) in a corridor `SellShotCorridor` % of the distance
    /// wide; raised after the price has stayed too near for `SellShotRaiseWait` s,
    /// lowered after it stayed too far for `SellShotReplaceDelay` s; never beyond
    /// `SellShotAllowedUp` % from the entry nor short of `SellShotAllowedDown` %.
    public var useSellShot = false
    public var sellShotDelay = 0.0
    public var sellShotDistance = 0.1
    public var sellShotCalcInterval = 0.6
    public var sellShotCorridor = 50.0
    public var sellShotRaiseWait = 0.2
    public var sellShotReplaceDelay = 0.1
    public var sellShotAllowedUp = 10.0
    public var sellShotAllowedDown = -0.1
    /// `UseSellSpread`: every `SellSpreadDelay` s (at least 0.33) after the entry, up to
    /// `SellSpreadReplaceCount` times, the last shot's stick is the range of the prints
    /// of the last `SellSpreadWindow` s; when it spans at least `SellSpreadMinSpread` %
    /// the sell goes `SellSpreadDistance` % (negative) of that range inside its far end
    /// (range 100–105, −10: 104.5), never short of `SellSpreadAllowedDrop` % from the
    /// entry.
    public var useSellSpread = false
    public var sellSpreadDistance = -10.0
    public var sellSpreadMinSpread = 1.0
    public var sellSpreadDelay = 0.33
    public var sellSpreadReplaceCount = 10
    public var sellSpreadAllowedDrop = 0.1
    public var sellSpreadWindow = 5.0
    /// `SellLevelDelay` (0 off): that many seconds after the entry, and then every
    /// `SellLevelDelayNext` s for `SellLevelCount` attempts in all (within
    /// `SellLevelWorkTime` s of the first; 0: no limit), the sell is re-placed from the
    /// highest print of the last `SellLevelTime` s: with `SellLevelRelative`,
    /// `SellLevelAdjust` % of the way from the entry to that high (50: halfway, 100: at
    /// it, negative: under the entry); without, `SellLevelAdjust` % beyond the high.
    /// Never short of `SellLevelAllowedDrop` % from the entry.
    public var sellLevelDelay = 0.0
    public var sellLevelTime = 3_600.0
    public var sellLevelRelative = true
    public var sellLevelAdjust = 50.0
    public var sellLevelCount = 1
    public var sellLevelDelayNext = 60.0
    public var sellLevelWorkTime = 0.0
    public var sellLevelAllowedDrop = 0.1
    /// Panic sell: the order goes `PanicSellSpread` % into the bids and is moved that much
    /// deeper every `PanicSellInterval` seconds until it fills, never past `AllowedDrop` %.
    public var panicSellSpread = 0.5
    public var panicSellInterval = 2.0
    public var allowedDrop = -99.0
    /// `AutoCancelBuy`: cancel an entry order unfilled after this many seconds (0 off).
    public var autoCancelBuy = 0.0
    /// `CancelBuyAfterSell`: when an exit sells, cancel the strategy's entries still
    /// open on that coin (a ladder's lower buys, a partly filled entry's rest).
    public var cancelBuyAfterSell = false

    public init() {}
}
