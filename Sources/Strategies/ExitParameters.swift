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
        ParameterSpec("UseStopLoss3", .flag, default: .flag(false), "a third stop stage, StopLoss3, after TimeToSwitchStop3 or PriceToSwitchStop3; outranks the second"),
        ParameterSpec("TimeToSwitchStop3", .number(0...86_400), default: .number(60), "seconds before the third stop applies"),
        ParameterSpec("PriceToSwitchStop3", .number(-100...1000), default: .number(-10), "or once the price has gone this % from the buy (positive: its best up, negative: its worst down; 0: no price condition)"),
        ParameterSpec("StopLoss3", .number(-100...100), default: .number(-10), "third stop level, % from the buy price"),
        ParameterSpec("AllowedDrop3", .number(-100...0), default: .number(-99), "floor of the third stop's panic sell, % from the buy price"),
        ParameterSpec("UseTrailing", .flag, default: .flag(true), "trail a stop TrailingPercent behind the peak"),
        ParameterSpec("UseTakeProfit", .flag, default: .flag(true), "the trailing line appears only at TakeProfit or above, and never sells below it"),
        ParameterSpec("TakeProfit", .number(0...1000), default: .number(1), "profit % under which the trailing line never sits"),
        ParameterSpec("TrailingPercent", .number(-100...0), default: .number(-3), "trailing distance, % from the peak"),
        ParameterSpec("PriceDownTimer", .number(0...86_400), default: .number(0), "seconds before the take profit starts lowering (0: never)"),
        ParameterSpec("PriceDownDelay", .number(0.1...86_400), default: .number(10), "seconds between two lowerings"),
        ParameterSpec("PriceDownPercent", .number(0...100), default: .number(0.2), "each lowering, % of the buy price"),
        ParameterSpec("PriceDownAllowedDrop", .number(-100...1000), default: .number(0.1), "floor of the lowered take profit, % from the buy price"),
        ParameterSpec("UseSellShot", .flag, default: .flag(false), "the take profit follows the market's recent high in a corridor (SellShot)"),
        ParameterSpec("SellShotDelay", .number(0...86_400), default: .number(0), "seconds after the buy before SellShot takes the sell over"),
        ParameterSpec("SellShotDistance", .number(-100...100), default: .number(0.1), "the sell's distance over the high of the last SellShotCalcInterval s, %"),
        ParameterSpec("SellShotCalcInterval", .number(0.01...3_600), default: .number(0.6), "seconds of prints the high is taken over"),
        ParameterSpec("SellShotCorridor", .number(1...99), default: .number(50), "corridor width, % of the distance"),
        ParameterSpec("SellShotRaiseWait", .number(0...3_600), default: .number(0.2), "seconds the price must stay too near before the sell is raised"),
        ParameterSpec("SellShotReplaceDelay", .number(0...3_600), default: .number(0.1), "seconds the price must stay too far before the sell is lowered"),
        ParameterSpec("SellShotAllowedUp", .number(-100...1000), default: .number(10), "the sell never goes beyond this % from the buy price"),
        ParameterSpec("SellShotAllowedDown", .number(-100...1000), default: .number(-0.1), "nor short of this % from the buy price"),
        ParameterSpec("UseSellSpread", .flag, default: .flag(false), "place the sell inside the last shot's range (SellSpread)"),
        ParameterSpec("SellSpreadDistance", .number(-100...(-1)), default: .number(-10), "how far inside the range's far end, % of the range"),
        ParameterSpec("SellSpreadMinSpread", .number(0...100), default: .number(1), "smallest range, % of its low, worth using"),
        ParameterSpec("SellSpreadDelay", .number(0...3_600), default: .number(0.33), "seconds between two looks at the range (at least 0.33)"),
        ParameterSpec("SellSpreadReplaceCount", .integer(0...1000), default: .integer(10), "looks at the range in all"),
        ParameterSpec("SellSpreadAllowedDrop", .number(-100...1000), default: .number(0.1), "the sell never short of this % from the buy price"),
        ParameterSpec("SellSpreadWindow", .number(0.1...3_600), default: .number(5), "seconds of prints that make the shot's range (not a MoonBot name)"),
        ParameterSpec("SellLevelDelay", .number(0...86_400), default: .number(0), "seconds after the buy before the sell is re-placed from the recent high (0: never)"),
        ParameterSpec("SellLevelTime", .number(1...86_400), default: .number(3_600), "seconds of prints the high is taken over"),
        ParameterSpec("SellLevelRelative", .flag, default: .flag(true), "SellLevelAdjust is % of the way from the buy to the high (else % beyond the high)"),
        ParameterSpec("SellLevelAdjust", .number(-1000...1000), default: .number(50), "where the sell goes, %"),
        ParameterSpec("SellLevelCount", .integer(1...1000), default: .integer(1), "re-placements in all"),
        ParameterSpec("SellLevelDelayNext", .number(0...86_400), default: .number(60), "seconds between two re-placements"),
        ParameterSpec("SellLevelWorkTime", .number(0...86_400), default: .number(0), "re-placements stop this many seconds after the first (0: no limit)"),
        ParameterSpec("SellLevelAllowedDrop", .number(-100...1000), default: .number(0.1), "the sell never short of this % from the buy price"),
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
        settings.useStopLoss3 = parameters.flag("UseStopLoss3")
        settings.timeToSwitchStop3 = parameters.number("TimeToSwitchStop3")
        settings.priceToSwitchStop3 = parameters.number("PriceToSwitchStop3")
        settings.stopLoss3 = parameters.number("StopLoss3")
        settings.allowedDrop3 = parameters.number("AllowedDrop3")
        settings.useSellShot = parameters.flag("UseSellShot")
        settings.sellShotDelay = parameters.number("SellShotDelay")
        settings.sellShotDistance = parameters.number("SellShotDistance")
        settings.sellShotCalcInterval = parameters.number("SellShotCalcInterval")
        settings.sellShotCorridor = parameters.number("SellShotCorridor")
        settings.sellShotRaiseWait = parameters.number("SellShotRaiseWait")
        settings.sellShotReplaceDelay = parameters.number("SellShotReplaceDelay")
        settings.sellShotAllowedUp = parameters.number("SellShotAllowedUp")
        settings.sellShotAllowedDown = parameters.number("SellShotAllowedDown")
        settings.useSellSpread = parameters.flag("UseSellSpread")
        settings.sellSpreadDistance = parameters.number("SellSpreadDistance")
        settings.sellSpreadMinSpread = parameters.number("SellSpreadMinSpread")
        settings.sellSpreadDelay = parameters.number("SellSpreadDelay")
        settings.sellSpreadReplaceCount = parameters.integer("SellSpreadReplaceCount")
        settings.sellSpreadAllowedDrop = parameters.number("SellSpreadAllowedDrop")
        settings.sellSpreadWindow = parameters.number("SellSpreadWindow")
        settings.sellLevelDelay = parameters.number("SellLevelDelay")
        settings.sellLevelTime = parameters.number("SellLevelTime")
        settings.sellLevelRelative = parameters.flag("SellLevelRelative")
        settings.sellLevelAdjust = parameters.number("SellLevelAdjust")
        settings.sellLevelCount = parameters.integer("SellLevelCount")
        settings.sellLevelDelayNext = parameters.number("SellLevelDelayNext")
        settings.sellLevelWorkTime = parameters.number("SellLevelWorkTime")
        settings.sellLevelAllowedDrop = parameters.number("SellLevelAllowedDrop")
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
