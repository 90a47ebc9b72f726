import Trading

/// The parameters of the shared exits, with MoonBot's names and defaults, accepted by
/// every strategy.
public enum ExitParameters {
    public static let specs: [ParameterSpec] = [
        ParameterSpec("SellPrice", .number(0...1000), default: .number(0.5), "take profit, % above the buy price (0: none)"),
        ParameterSpec("UseStopLoss", .flag, default: .flag(true), "panic-sell when the price reaches StopLoss"),
        ParameterSpec("FastStopLoss", .flag, default: .flag(false), "the stop reacts to single prints, not to the average of the last StopLossAverageSeconds"),
        ParameterSpec("StopLossAverageSeconds", .number(0...3_600), default: .number(3), "window of the average price the stop is measured against (not a MoonBot name)"),
        ParameterSpec("StopLoss", .number(-100...100), default: .number(-5), "stop level, % from the buy price"),
        ParameterSpec("StopLossDelay", .number(0...86_400), default: .number(0), "seconds after the buy before the stop is armed"),
        ParameterSpec("UseSecondStop", .flag, default: .flag(false), "switch to SecondStopLoss after TimeToSwitch2Stop"),
        ParameterSpec("TimeToSwitch2Stop", .number(0...86_400), default: .number(60), "seconds before the second stop applies"),
        ParameterSpec("PriceToSwitch2Stop", .number(0...1000), default: .number(0), "or once the price has gone this % in the position's favour (0: no price condition)"),
        ParameterSpec("SecondStopLoss", .number(-100...100), default: .number(0), "second stop level, % from the buy price"),
        ParameterSpec("UseTrailing", .flag, default: .flag(true), "trail a stop TrailingPercent behind the peak"),
        ParameterSpec("UseTakeProfit", .flag, default: .flag(true), "the trailing line appears only at TakeProfit or above, and never sells below it"),
        ParameterSpec("TakeProfit", .number(0...1000), default: .number(1), "profit % under which the trailing line never sits"),
        ParameterSpec("TrailingPercent", .number(-100...0), default: .number(-3), "trailing distance, % from the peak"),
        ParameterSpec("PriceDownTimer", .number(0...86_400), default: .number(0), "seconds before the take profit starts lowering (0: never)"),
        ParameterSpec("PriceDownDelay", .number(0.1...86_400), default: .number(10), "seconds between two lowerings"),
        ParameterSpec("PriceDownPercent", .number(0...100), default: .number(0.2), "each lowering, % of the buy price"),
        ParameterSpec("PriceDownAllowedDrop", .number(-100...1000), default: .number(0.1), "floor of the lowered take profit, % from the buy price"),
        ParameterSpec("PanicSellSpread", .number(0.01...20), default: .number(0.5), "how far into the bids a panic sell goes, and each further step, %"),
        ParameterSpec("PanicSellInterval", .number(0.1...600), default: .number(2), "seconds between two panic-sell steps"),
        ParameterSpec("AllowedDrop", .number(-100...0), default: .number(-99), "floor of the panic sell, % from the buy price"),
        ParameterSpec("AutoCancelBuy", .number(0...86_400), default: .number(0), "cancel a buy not wholly filled after this many seconds (0: never)"),
        ParameterSpec("CancelBuyAfterSell", .flag, default: .flag(false), "when a sell of the position fills, cancel the strategy's buys still open on the coin"),
    ]

    /// The shared exit parameters with some defaults changed for one strategy.
    public static func specs(defaults: [String: ParameterValue]) -> [ParameterSpec] {
        specs.map { spec in
            var spec = spec
            if let value = defaults[spec.name] { spec.defaultValue = value }
            return spec
        }
    }

    public static func settings(from parameters: ParameterSet) -> ExitSettings {
        var settings = ExitSettings()
        settings.sellPrice = parameters.number("SellPrice")
        settings.useStopLoss = parameters.flag("UseStopLoss")
        settings.fastStopLoss = parameters.flag("FastStopLoss")
        settings.stopLossAverageSeconds = parameters.number("StopLossAverageSeconds")
        settings.stopLoss = parameters.number("StopLoss")
        settings.stopLossDelay = parameters.number("StopLossDelay")
        settings.useSecondStop = parameters.flag("UseSecondStop")
        settings.timeToSwitch2Stop = parameters.number("TimeToSwitch2Stop")
        settings.priceToSwitch2Stop = parameters.number("PriceToSwitch2Stop")
        settings.secondStopLoss = parameters.number("SecondStopLoss")
        settings.useTrailing = parameters.flag("UseTrailing")
        settings.useTakeProfit = parameters.flag("UseTakeProfit")
        settings.takeProfit = parameters.number("TakeProfit")
        settings.trailingPercent = parameters.number("TrailingPercent")
        settings.priceDownTimer = parameters.number("PriceDownTimer")
        settings.priceDownDelay = parameters.number("PriceDownDelay")
        settings.priceDownPercent = parameters.number("PriceDownPercent")
        settings.priceDownAllowedDrop = parameters.number("PriceDownAllowedDrop")
        settings.panicSellSpread = parameters.number("PanicSellSpread")
        settings.panicSellInterval = parameters.number("PanicSellInterval")
        settings.allowedDrop = parameters.number("AllowedDrop")
        settings.autoCancelBuy = parameters.number("AutoCancelBuy")
        settings.cancelBuyAfterSell = parameters.flag("CancelBuyAfterSell")
        return settings
    }
}
