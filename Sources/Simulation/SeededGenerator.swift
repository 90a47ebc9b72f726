/// SplitMix64: a small, fast, seeded generator. Every random choice in a simulation
/// comes from one of these, so the same seed gives the same run, in any process.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1).
    public mutating func unit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }

    /// An independent generator for the `index`-th sub-run (Monte Carlo).
    public static func derived(from seed: UInt64, index: UInt64) -> SeededGenerator {
        var base = SeededGenerator(seed: seed ^ (index &* 0xD1B5_4A32_D192_ED03))
        return SeededGenerator(seed: base.next())
    }
}
