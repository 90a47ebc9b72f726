/// The side of a book or of a trade's aggressor.
public enum Side: String, Sendable, Hashable {
    case buy
    case sell

    public var opposite: Side { self == .buy ? .sell : .buy }
}
