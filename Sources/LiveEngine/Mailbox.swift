import Synchronization

/// A single slot holding the latest value: the writer replaces what is there, the
/// reader takes it. The engine publishes snapshots into one; the UI draws from it at
/// its own pace, so a fast engine never queues up frames.
public final class Mailbox<Value: Sendable>: Sendable {
    private let slot = Mutex<Value?>(nil)

    public init() {}

    public func publish(_ value: Value) {
        slot.withLock { $0 = value }
    }

    public func take() -> Value? {
        slot.withLock { slot in
            defer { slot = nil }
            return slot
        }
    }
}

/// Commands from the UI thread to the engine thread, in order.
public final class CommandQueue<Command: Sendable>: Sendable {
    private let items = Mutex<[Command]>([])

    public init() {}

    public func post(_ command: Command) {
        items.withLock { $0.append(command) }
    }

    public func takeAll() -> [Command] {
        items.withLock { items in
            defer { items.removeAll() }
            return items
        }
    }
}

/// A set of keys shared between threads (what is being fetched in the background).
public final class SharedKeys: Sendable {
    private let keys = Mutex<Set<String>>([])

    public init() {}

    /// False when the key was there already.
    public func insert(_ key: String) -> Bool { keys.withLock { $0.insert(key).inserted } }
    public func remove(_ key: String) { _ = keys.withLock { $0.remove(key) } }
}
