/// The two clocks every market event carries.
///
/// `exchange` is the venue's own time for the event (Binance `E`), absent where the
/// venue sends none (spot `bookTicker`, a spot REST snapshot). `received` is the local
/// host's receive time. Their difference is the feed lag shown on screen; replays order
/// events by `received`, as they happened on the recording host.
public struct EventTime: Hashable, Sendable {
    public var exchange: Timestamp?
    public var received: Timestamp

    @inlinable public init(exchange: Timestamp?, received: Timestamp) {
        self.exchange = exchange
        self.received = received
    }
}
