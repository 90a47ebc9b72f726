import EngineCore
import MarketModel
import Trading

/// What the live session machine asks its I/O shell to do. The shell carries each out
/// in order and hands the machine the answer (``VenueAnswer``); journal entries have
/// none. Nothing here has happened yet when the machine returns it.
public enum LiveAction: Hashable, Sendable {
    /// Write this to the order journal. An order's `.submitted` entry comes before its
    /// `.place`: the intent is durable before the exchange can see the order.
    case journal(LiveJournalEntry)
    /// Send this order to the exchange under `clientOrderID`; `resend`: it was held
    /// for the request rate and goes again unchanged (not a new order).
    case place(OrderRequest, clientOrderID: String, resend: Bool)
    /// Ask the exchange to cancel this order.
    case cancel(ClientOrderID, symbol: String, clientOrderID: String)
    /// Ask the exchange how this order stands.
    case lookUp(ClientOrderID, symbol: String, clientOrderID: String, purpose: LookUpPurpose)
    /// Read what the account holds of `symbol` (after a refusal for balance).
    case readHolding(symbol: String)
    /// Read the exchange's order rules and the account's commission rates again.
    case readRules(symbol: String)
}

/// Why an order is looked up: the answer means different things.
public enum LookUpPurpose: Hashable, Sendable {
    /// The regular look at open orders' fills (the safety net of pushed updates).
    case poll
    /// A cancel was answered "unknown order": filled or cancelled meanwhile, or it
    /// never got there.
    case afterCancel
}

/// One entry of the order journal, as the machine decides it.
public enum LiveJournalEntry: Hashable, Sendable {
    /// An order's intent, committed before the order is sent.
    case submitted(OrderRequest, at: Timestamp)
    case cancelRequested(ClientOrderID, at: Timestamp)
    /// An order event the kernel applied, with the order as it is after it.
    case orderChanged(OrderEvent, order: Order?)
    /// A symbol needs the trader: its exits were refused too often.
    case attention(OrderRequest, reason: String, at: Timestamp)
    /// A fact the kernel recorded (an order event, a closed trade, an equity sample, a
    /// detect), for the sinks that show state (the Redis mirror); only when
    /// ``LiveOrderMachine/Configuration/passesRecords`` is set.
    case delivered(KernelRecord, at: Timestamp)
}

/// The exchange's answer to a ``LiveAction`` (or an update it pushed), typed: the
/// machine never reads an answer's text to decide.
public enum VenueAnswer: Hashable, Sendable {
    /// The order is on the exchange; `recovered`: its answer was lost and it was found
    /// by its client id (not sent twice).
    case placed(ClientOrderID, VenueOrderReport?, recovered: Bool)
    case placeFailed(ClientOrderID, OrderVenueFailure)
    /// The shell did not send the order (its intent could not be made durable).
    case notSent(ClientOrderID, reason: String)
    /// The cancel was answered with how the order stands.
    case cancelAnswered(ClientOrderID, VenueOrderReport)
    case cancelFailed(ClientOrderID, OrderVenueFailure)
    /// nil: the exchange does not know the order.
    case lookedUp(ClientOrderID, VenueOrderReport?, purpose: LookUpPurpose)
    case lookUpFailed(ClientOrderID, OrderVenueFailure, purpose: LookUpPurpose)
    /// An order update the exchange pushed (its user-data stream).
    case pushed(VenueOrderReport)
    case holding(symbol: String, Quantity)
    case holdingUnread(symbol: String, OrderVenueFailure)
    /// The rules and rates read again; nil for what this venue's client cannot read.
    case rules(symbol: String, SymbolRules?, FeeSchedule?)
    case rulesUnread(symbol: String, OrderVenueFailure)
}
