/// One price level of an L2 book: the total quantity resting at a price.
/// In a diff, a zero quantity removes the level.
public struct BookLevel: Hashable, Sendable {
    public var price: Price
    public var quantity: Quantity

    @inlinable public init(price: Price, quantity: Quantity) {
        self.price = price
        self.quantity = quantity
    }
}
