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
