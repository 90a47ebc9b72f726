import LiveEngine
import Dispatch
import Foundation
import Synchronization
import TradingUI

/// What the terminal's engine thread drives: a replay, a paper or a live session.
public protocol TerminalEngine: AnyObject {
    /// Moves the session on by `wallNanoseconds` of real time.
    func advance(wallNanoseconds: Int64)
    /// The frame; with a `focus` the per-symbol histories only of that symbol.
    func screenData(focus: String?) -> ScreenData
    /// Carries out one screen command; returns a status line to show.
    func perform(_ command: AppCommand) -> String?
    /// False while the engine should go straight on (a replay flat out).
    var waitsBetweenSteps: Bool { get }
    /// True while nothing moves on its own (a paused or finished replay): the engine
    /// then sleeps until a command, and publishes no frame without a change.
    var isIdle: Bool { get }
}

extension TerminalEngine {
    public var isIdle: Bool { false }
}

/// The engine on its own thread: it owns the session, applies the UI's commands in
/// order, moves the session's clock, and publishes the latest screen data into a
/// mailbox (at most every 16 ms, and after every command). The UI thread never touches
/// the session.
public final class EngineThread: @unchecked Sendable {
    // The session is confined to the engine thread once `start` is called (a live
    // session also lets the feed's thread in, under its own lock); that is what makes
    // the unchecked Sendable safe.
    private let session: any TerminalEngine
    public let frames = Mailbox<ScreenData>()
    public let statuses = Mailbox<String>()
    public let commands = CommandQueue<AppCommand>()
    private let stopping = Atomic<Bool>(false)
    /// The symbol the screen draws (its chart, tape, candles): only its history is
    /// copied into a frame. Set by the UI thread.
    private let focus = Mutex<(symbol: String?, changed: Bool)>((nil, false))
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    public init(session: any TerminalEngine) {
        self.session = session
        frames.publish(session.screenData(focus: nil))
    }

    /// The UI's selected symbol: a fresh frame follows at once when it changes.
    public func setFocus(_ symbol: String?) {
        let changed = focus.withLock { state in
            guard state.symbol != symbol else { return false }
            state = (symbol, true)
            return true
        }
        if changed { wake.signal() }
    }

    public func start() {
        let thread = Thread { [self] in
            self.loop()
            self.finished.signal()
        }
        thread.name = "apogee-engine"
        thread.start()
    }

    /// Hands a command to the engine and wakes it.
    public func post(_ command: AppCommand) {
        commands.post(command)
        wake.signal()
    }

    /// Stops the engine and waits for it (a second at most).
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        wake.signal()
        _ = finished.wait(timeout: .now() + .seconds(1))
    }

    private func loop() {
        let clock = ContinuousClock()
        var last = clock.now
        var lastPublish = clock.now
        while !stopping.load(ordering: .relaxed) {
            var changed = focus.withLock { state in
                defer { state.changed = false }
                return state.changed
            }
            for command in commands.takeAll() {
                if let status = session.perform(command) { statuses.publish(status) }
                changed = true
            }
            let now = clock.now
            let elapsed = now - last
            last = now
            session.advance(wallNanoseconds: elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
            let idle = session.isIdle
            // Idle, a frame only after a command (and once a second, for what changes
            // outside the session: the Redis link, the clock of a live feed).
            if changed || (!idle && now - lastPublish >= .milliseconds(80)) || now - lastPublish >= .seconds(1) {
                frames.publish(session.screenData(focus: focus.withLock { $0.symbol }))
                lastPublish = now
            }
            // Flat out, go straight on; otherwise wait for a command or the next tick
            // (idle: a command, or the next once-a-second frame).
            if session.waitsBetweenSteps {
                _ = wake.wait(timeout: .now() + .milliseconds(idle ? 250 : 40))
            }
        }
    }
}
