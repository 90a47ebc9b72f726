/// Why a request to an exchange's order API failed, in words a trader reads (never
/// with the key or the secret in them). The order clients throw it; the live session
/// machine reads its fields, never its text, to decide what to do.
public struct OrderVenueFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
    /// Binance's error code, when it gave one (-1022 bad signature, -2010 rejected…).
    public var code: Int?
    /// Gate.io's error label, when it gave one (INVALID_SIGNATURE, ORDER_NOT_FOUND…).
    public var label: String?
    /// The request was not carried out because of the request rate (the exchange's
    /// 429/418, or Apogee's own guard before sending): it may be sent again, unchanged,
    /// from this wall time (ns). Nil for every other failure.
    public var retryAt: Int64?
    /// The order may or may not be on the exchange (its answers were lost and the look-up
    /// failed): it must be looked up again, never taken as refused or sent anew.
    public var outcomeUnknown = false

    public init(description: String, code: Int? = nil, label: String? = nil, retryAt: Int64? = nil, outcomeUnknown: Bool = false) {
        self.description = description
        self.code = code
        self.label = label
        self.retryAt = retryAt
        self.outcomeUnknown = outcomeUnknown
    }

    /// The exchange does not know the order (Binance -2011 on a cancel, -2013 on a
    /// query; Gate.io ORDER_NOT_FOUND).
    public var isUnknownOrder: Bool { code == -2011 || code == -2013 || label == "ORDER_NOT_FOUND" }
}

