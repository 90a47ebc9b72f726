/// The exits every strategy shares, after MoonBot's Sell and Stops tabs (parameter
/// names as MoonBot's; percentages are of the entry price unless said otherwise).
public struct ExitSettings: Hashable, Sendable {
    /// Take profit: a resting sell `SellPrice` % above the entry (0 turns it off).
    public var sellPrice = 0.5
    /// `UseStopLoss` / `StopLoss` (negative %): panic-sell when a print reaches it.
    public var useStopLoss = true
    public var stopLoss = -5.0
    /// `StopLossDelay`: seconds after the entry before the stop is armed.
    public var stopLossDelay = 0.0
    /// `UseSecondStop`: after `TimeToSwitch2Stop` seconds the stop moves to `SecondStopLoss` %.
    public var useSecondStop = false
    public var timeToSwitch2Stop = 60.0
    public var secondStopLoss = 0.0
    /// `UseTrailing`: once the price has reached `TakeProfit` %, panic-sell when it falls
    /// `TrailingPercent` % (negative) from its peak since the entry.
    public var useTrailing = false
    public var takeProfit = 1.0
    public var trailingPercent = -3.0
    /// Sell lowering by timer: after `PriceDownTimer` seconds (0 off), every
    /// `PriceDownDelay` seconds lower the take-profit by `PriceDownPercent` % of the entry,
    /// never below `PriceDownAllowedDrop` % from the entry (negative accepts a loss).
    public var priceDownTimer = 0.0
    public var priceDownDelay = 10.0
    public var priceDownPercent = 0.2
    public var priceDownAllowedDrop = 0.1
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
