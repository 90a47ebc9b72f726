import MarketModel
import Strategies
import Trading

/// A strategy's order replacement waiting for the exchange to confirm the cancel of
/// the order it replaces.
///
/// Sending the cancel and the new order together lets one wick fill both: the old
/// order before the cancel lands, the new one after, and the position doubles. So the
/// kernel holds the new order until the old one is known to be closed: cancelled or
/// expired, it is sent for what the strategy asked less anything the old order filled
/// meanwhile; filled, it is dropped.
struct PendingReplacement: Sendable {
    /// The order to send, with the quantity the strategy asked for.
    var intent: OrderIntent
    /// The strategy that asked (its slot's name).
    var origin: String
    /// How much of the old order had filled when the replacement was asked for.
    var filledAtRequest: Quantity

    /// The replacement for an old order that closed with `filled` executed, or nil when
    /// nothing is left to replace (the old order filled what the strategy wanted).
    func replacement(oldOrderFilled filled: Quantity) -> OrderIntent? {
        let filledSince = filled - filledAtRequest
        guard filledSince < intent.quantity else { return nil }
        var adjusted = intent
        adjusted.quantity = intent.quantity - filledSince
        return adjusted
    }
}
