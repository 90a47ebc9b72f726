/// The strategies Apogee knows by name.
public enum StrategyCatalog {
    public struct Entry: Sendable {
        public var name: String
        public var summary: String
        public var specs: [ParameterSpec]
        public var make: @Sendable (ParameterSet) -> any Strategy
    }

    public static let entries: [Entry] = [
        Entry(name: EMAReversal.strategyName,
              summary: "enter when the price stretches away from its EMA and turns back",
              specs: EMAReversal.specs,
              make: { EMAReversal(parameters: $0) }),
        Entry(name: MoonShot.strategyName,
              summary: "MoonBot MoonShot: a resting entry MShotPrice % from the price, following it in a corridor, catching spikes",
              specs: MoonShot.specs,
              make: { MoonShot(parameters: $0) }),
        Entry(name: MoonStrike.strategyName,
              summary: "MoonBot MoonStrike: buy into a sharp spike below the smoothed bid, sell on the retrace",
              specs: MoonStrike.specs,
              make: { MoonStrike(parameters: $0) }),
        Entry(name: MoonHook.strategyName,
              summary: "MoonBot MoonHook: after a fast drop, a corridor order sized by the drop waits for a second spike",
              specs: MoonHook.specs,
              make: { MoonHook(parameters: $0) }),
        Entry(name: PumpDetection.strategyName,
              summary: "MoonBot PumpDetection: a fast rise on aggressive buying (AutoBuy to buy near the pre-pump price)",
              specs: PumpDetection.specs,
              make: { PumpDetection(parameters: $0) }),
        Entry(name: ChannelSplit.strategyName,
              summary: "a quiet price channel that breaks, confirmed, entered in the break's direction",
              specs: ChannelSplit.specs,
              make: { ChannelSplit(parameters: $0) }),
        Entry(name: DropsDetection.strategyName,
              summary: "MoonBot DropsDetection: the price fell DropsPriceDelta % within DropsMaxTime s (AutoBuy to trade it)",
              specs: DropsDetection.specs,
              make: { DropsDetection(parameters: $0) }),
    ]

    public static func entry(named name: String) -> Entry? {
        entries.first { $0.name == name.lowercased() }
    }
}
