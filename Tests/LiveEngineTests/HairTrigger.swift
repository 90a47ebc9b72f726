import Strategies

/// Drops with hair-trigger thresholds (a 0.01 % fall within 2 s), which trades every
/// few seconds of the bundled recordings: the strategy the live tests trade with.
enum HairTrigger {
    /// `buyPrice`: % above (or, negative, below) the price to buy at; `sellPrice`: the
    /// take profit in %; `penalty`: seconds before the next detection;
    /// `autoCancelBuy`: seconds an unfilled buy rests (0: forever).
    static func drops(buyPrice: Double, sellPrice: Double? = nil, orderSize: Double? = nil, penalty: Double = 1, autoCancelBuy: Double = 2) -> [(key: String, value: ParameterValue, source: String)] {
        var parameters: [(key: String, value: ParameterValue, source: String)] = [
            ("DropsMaxTime", .integer(2), "test"), ("DropsPriceMA", .integer(0), "test"), ("DropsPriceDelta", .number(0.01), "test"),
            ("NextDetectPenalty", .number(penalty), "test"), ("AutoBuy", .flag(true), "test"), ("BuyPrice", .number(buyPrice), "test"),
        ]
        if let orderSize { parameters.append(("OrderSize", .number(orderSize), "test")) }
        if let sellPrice { parameters.append(("SellPrice", .number(sellPrice), "test")) }
        parameters.append(("AutoCancelBuy", .number(autoCancelBuy), "test"))
        return parameters
    }
}
