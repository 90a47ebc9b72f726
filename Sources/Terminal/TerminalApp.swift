import LiveEngine
import Backtesting
import EngineCore
import Foundation
import MarketModel
import NCursesBackend
import RedisMirror
import Storage
import Strategies
import TUIKit
import Trading
import TradingUI

/// Set by the signal handler; read by the frame loop. A plain word: writing it is all a
/// handler may safely do.
nonisolated(unsafe) private var terminationSignal: Int32 = 0

private func recordSignal(_ signal: Int32) { terminationSignal = signal }

/// The full-screen terminal over a replay: keys in, frames out, at most 30 a second.
///
/// Two threads. The engine thread (`EngineThread`) owns the replay session, applies
/// commands and publishes its latest screen data into a single-slot mailbox. The UI
/// thread (this one, the only one that calls ncurses) waits for a key up to the next
/// frame, turns keys into commands for the engine, and draws whatever the mailbox
/// holds. However fast the replay runs, the screen gets at most one frame per 33 ms.
/// The terminal is restored on quit, on an error and on SIGINT, SIGTERM and SIGHUP
/// (a dropped SSH session).
public enum TerminalApp {
    public struct Options {
        public var files: [String]
        public var theme = "dark"
        public var keymap = "default"
        public var speed = 1
        public var paused = false
        public var orderSize = "0.01"
        /// Strategies by name, with their default parameters (`--strategy`).
        public var strategies: [String] = []
        /// `--param KEY=VALUE` for the one strategy of `strategies`.
        public var parameters: [(key: String, value: ParameterValue, source: String)] = []
        /// A TOML strategy file: every enabled `[[strategy]]` runs (`--config`).
        public var strategyFile: StrategyFile?
        /// The database that `session:ID` entries come from.
        public var database: String?
        /// The Redis mirror, when --redis was given; finished when the terminal closes.
        public var mirror: RedisMirror?
        /// Journal orders, fills and positions to the database (`--no-journal` turns it off).
        public var journal = true
        /// The risk gate's limits and halts (kill switch drawdown, loss per hour…).
        public var risk = RiskSettings()
        /// A live trading session with real orders instead of a replay (`apogee live`
        /// without --paper).
        public var liveTrading: LiveTradingSession.Options?
        /// A paper session on this live feed instead of a replay of `files`.
        public var live: LiveEventSource?

        public init(files: [String]) { self.files = files }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func run(_ options: Options) throws(Failure) {
        guard isatty(0) == 1, isatty(1) == 1 else {
            throw Failure(description: "the full-screen view needs a terminal on stdin and stdout; for a report without one, add --headless")
        }
        let theme: Theme
        let keymap: Keymap
        do {
            theme = try Assets.theme(options.theme)
            keymap = try Assets.keymap(options.keymap)
        } catch {
            throw Failure(description: error.description)
        }
        if let trading = options.liveTrading {
            try runLiveTrading(trading, theme: theme, keymap: keymap, orderSize: options.orderSize)
            return
        }
        let configured: [(entry: StrategyCatalog.Entry, parameters: ParameterSet)]
        do {
            configured = try TerminalStrategies.resolve(names: options.strategies, file: options.strategyFile, parameters: options.parameters)
        } catch {
            throw Failure(description: error.description)
        }
        let makeStrategies: () -> [any Strategy] = { configured.map { $0.entry.make($0.parameters) } }
        let session: ReplaySession
        if let live = options.live {
            session = ReplaySession(live: live, strategies: makeStrategies, risk: options.risk)
        } else {
            do {
                session = try ReplaySession(files: options.files, database: options.database, strategies: makeStrategies, risk: options.risk)
            } catch {
                throw Failure(description: error.description)
            }
        }
        session.speed = options.speed
        session.paused = options.paused
        session.logFile = LogFile()
        session.mirror = options.mirror
        defer { options.mirror?.finish() }
        // The order journal: every order, fill and position of the session, in SQLite.
        // Closed after the engine thread stops (defers run last-declared first).
        var journalWarning: String?
        if options.journal {
            do {
                let database = try ApogeeDatabase(path: options.database ?? ApogeeDatabase.defaultPath)
                let source = options.live.map { "\($0.venue.rawValue)@\($0.endpoint) " + $0.symbols.joined(separator: ",") } ?? options.files.joined(separator: ",")
                let strategies = configured.map(\.entry.name).joined(separator: ",")
                let kind = options.live == nil ? "replay" : "paper"
                session.openJournal = {
                    let record = TradingSessionRecord(kind: kind, venue: "simulator", source: source, strategies: strategies, createdAt: Timestamp(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9)).description)
                    do {
                        return try TradingJournal(database: database, session: record)
                    } catch {
                        journalWarning = "order journal off: \(error)"
                        return nil
                    }
                }
            } catch {
                journalWarning = "order journal off: \(error)"
            }
        }
        defer {
            session.closeJournal()
            if let failure = session.journalFailure { journalWarning = "order journal stopped: \(failure)" }
            if let journalWarning { FileHandle.standardError.write(Data("apogee: warning: \(journalWarning)\n".utf8)) }
        }
        try showScreen(EngineThread(session: session), theme: theme, keymap: keymap, orderSize: options.orderSize)
    }

    /// The live trading session behind the terminal: real orders to the exchange,
    /// journaled by the session itself. What the start-up reconciliation found and
    /// the session's outcome are printed when the screen closes.
    public static func runLiveTrading(_ trading: LiveTradingSession.Options, theme: Theme, keymap: Keymap, orderSize: String) throws(Failure) {
        let session: LiveTradingEngine
        do {
            session = try LiveTradingEngine(options: trading)
        } catch {
            throw Failure(description: error.description)
        }
        defer {
            let outcome = session.finish()
            for line in outcome.reconciliation { FileHandle.standardError.write(Data("apogee: reconcile: \(line)\n".utf8)) }
            let positions = outcome.kernel.account.openPositions.map { "\($0.symbol) \($0.quantity)" }.joined(separator: ", ")
            FileHandle.standardError.write(Data("apogee: trading session \(outcome.journalSession.map(String.init) ?? "-"): \(outcome.ordersSent) orders sent; positions: \(positions.isEmpty ? "flat" : positions)\n".utf8))
            if let failure = outcome.journalFailure { FileHandle.standardError.write(Data("apogee: warning: order journal stopped: \(failure)\n".utf8)) }
        }
        let engine = EngineThread(session: session)
        if let first = session.reconciliationLines.first {
            engine.statuses.publish("reconcile: \(first)" + (session.reconciliationLines.count > 1 ? " (+\(session.reconciliationLines.count - 1) more, printed on quit)" : ""))
        }
        try showScreen(engine, theme: theme, keymap: keymap, orderSize: orderSize)
    }

    /// The UI thread: keys to commands, the engine's latest frame to the screen.
    public static func showScreen(_ engine: EngineThread, theme: Theme, keymap: Keymap, orderSize: String) throws(Failure) {
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] { signal(signalNumber, recordSignal) }
        let utf8 = (ProcessInfo.processInfo.environment["LC_ALL"] ?? ProcessInfo.processInfo.environment["LC_CTYPE"] ?? ProcessInfo.processInfo.environment["LANG"] ?? "").uppercased().contains("UTF-8")
        let screen = TerminalScreen(theme: theme)
        defer { screen.close() }
        let glyphs: Glyphs = utf8 ? .unicode : .ascii
        var model = AppModel(orderSize: orderSize)
        let clock = ContinuousClock()
        // Ten frames a second follow a market closely enough to read; a key redraws at
        // once. (Thirty cost three times the CPU for nothing a trader can see.)
        let frame = Duration.milliseconds(100)
        guard var data = engine.frames.take() else { return }
        model.settle(data)
        screen.draw(Screen.render(model, data, width: screen.width, height: screen.height, glyphs: glyphs, keymap: keymap))
        engine.start()
        defer { engine.stop() }
        var lastFrame = clock.now
        var shownStatus = model.status

        while true {
            if terminationSignal != 0 {
                // Ctrl-C asks like q when positions are open; SIGTERM and SIGHUP close.
                guard terminationSignal == SIGINT, !model.interrupt(data) else { break }
                terminationSignal = 0
                screen.draw(Screen.render(model, data, width: screen.width, height: screen.height, glyphs: glyphs, keymap: keymap))
            }
            let untilFrame = frame - (clock.now - lastFrame)
            let wait = max(1, Int32(untilFrame.components.seconds * 1000 + untilFrame.components.attoseconds / 1_000_000_000_000_000))
            let asked = clock.now
            var redraw = false
            if let key = screen.readKey(timeoutMilliseconds: wait) {
                redraw = true
                if key != .resize {
                    var quit = false
                    for command in model.update(key: key, keymap: keymap, data: data) {
                        switch command {
                        case .quit: quit = true
                        case .setTheme(let name):
                            // The screen's own business: loaded and applied here.
                            do {
                                screen.setTheme(try Assets.theme(name))
                                model.status = "theme \(name)"
                            } catch {
                                model.status = "\(error)"
                            }
                        default: engine.post(command)
                        }
                    }
                    if quit { break }
                }
            } else if clock.now - asked < .milliseconds(Int64(wait) / 2) {
                // No key and no wait: the input is gone (closed without a hangup). Do not spin.
                usleep(UInt32(wait) * 1000)
            }
            if let status = engine.statuses.take() { model.status = status }
            engine.setFocus(model.selectedSymbol)
            let now = clock.now
            if redraw || now - lastFrame >= frame {
                lastFrame = now
                // Drawn only when there is something new: a frame, a key, a status. A
                // paused replay costs next to nothing.
                var fresh = redraw
                if let latest = engine.frames.take() {
                    data = latest
                    model.settle(data)
                    fresh = true
                }
                if model.status != shownStatus {
                    shownStatus = model.status
                    fresh = true
                }
                if fresh { screen.draw(Screen.render(model, data, width: screen.width, height: screen.height, glyphs: glyphs, keymap: keymap)) }
            }
        }
    }

    /// Carries out one screen command on the engine thread; returns a status line to show.
    public static func perform(_ command: AppCommand, on session: ReplaySession) -> String? {
        if session.live != nil, command.movesReplayClock {
            return "a live session runs on the wall clock: the replay controls do nothing here"
        }
        if let translated = command.userCommand(kernel: session.kernel) {
            switch translated {
            case .failure(let refusal):
                return refusal.description
            case .success(let user):
                let open = session.kernel.openOrders.count
                session.user(user)
                // What the kernel did, not what was asked: a refused order says why.
                if let reply = session.kernel.lastUserReply { return reply.text }
                return command.status(orderWent: "sent", market: "at market", cancelled: { "\($0.orders) cancelled" }, open: open)
            }
        }
        switch command {
        case .setSpeed(let speed):
            session.speed = speed
            session.paused = false
        case .togglePause:
            session.paused.toggle()
        case .step:
            session.step()
        case .stepSecond:
            session.stepSecond()
        case .jumpMinute:
            session.jumpMinute()
        case .jumpToNextFill:
            session.jumpToNextFill()
        case .jumpToNextEvent:
            session.jumpToNextEvent()
        case .jumpTo(let hour, let minute):
            session.jump(toHour: hour, minute: minute)
        case .restart:
            session.restart()
        case .quit, .order, .panicSell, .cancelAll, .toggleStrategy, .halt, .resume, .killSwitch, .setTheme:
            break
        }
        return nil
    }
}

extension ReplaySession: TerminalEngine {
    public func perform(_ command: AppCommand) -> String? { TerminalApp.perform(command, on: self) }
    public var waitsBetweenSteps: Bool { speed != 0 || paused || finished }
    public var isIdle: Bool { live == nil && (paused || finished) }
}

extension LiveTradingEngine: TerminalEngine {
    /// Waits for frames (up to 5 ms, so a command waits no longer than that).
    public func advance(wallNanoseconds: Int64) { pump(waitingUpTo: 0.005) }

    /// The trader's commands go to the exchange through the kernel; the replay's
    /// controls do nothing on a live session.
    public func perform(_ command: AppCommand) -> String? {
        if command.movesReplayClock { return "a live session runs on the wall clock: the replay controls do nothing here" }
        return exclusively { performHoldingEngine(command) }
    }

    private func performHoldingEngine(_ command: AppCommand) -> String? {
        switch command.userCommand(kernel: kernel) {
        case .failure(let refusal)?:
            return refusal.description
        case .success(let user)?:
            let open = kernel.openOrders.count
            if let refused = self.user(user) { return refused }
            if let reply = kernel.lastUserReply { return reply.text }
            return command.status(orderWent: "sent to the exchange", market: "at the touch", cancelled: { "cancel sent for \($0.orders)" }, open: open)
        case nil:
            return nil
        }
    }

    public var waitsBetweenSteps: Bool { false }
}
