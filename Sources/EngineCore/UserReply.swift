/// What the kernel did with the trader's last command, in words for the status line:
/// an order sent (with any rounding the exchange's rules made) or refused with the
/// reason, what a cancel cancelled, why nothing happened.
///
/// The screen shows this, never its own guess: a status line that says "sent" for an
/// order the risk gate refused is how a trader comes to believe a position is covered.
public struct UserReply: Hashable, Sendable {
    /// False when the command was refused or did nothing.
    public var done: Bool
    public var text: String

    public init(done: Bool, _ text: String) {
        self.done = done
        self.text = text
    }
}
