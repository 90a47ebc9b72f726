import Terminal
import Backtesting
import ArgumentParser
import Foundation
import LiveEngine
import Storage

/// `--db PATH`, shared by every command that uses the database.
struct DatabaseOption: ParsableArguments {
    @Option(name: .customLong("db"), help: "SQLite database (default: $XDG_DATA_HOME/apogee/apogee.sqlite).")
    var path: String?

    func open() throws -> ApogeeDatabase {
        do {
            return try ApogeeDatabase(path: path ?? ApogeeDatabase.defaultPath)
        } catch {
            StandardError.write("apogee: \(error)\n")
            throw ExitStatus.failure
        }
    }

    /// Runs a database read, turning its failure into a message and exit status 1.
    static func attempt<T>(_ body: () throws(StorageError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            StandardError.write("apogee: \(error)\n")
            throw ExitStatus.failure
        }
    }

    /// Replay entries: a file stays a file; `session:ID`, or a number that is not a
    /// file, names a stored session.
    static func entries(_ arguments: [String]) -> [String] {
        arguments.map { argument in
            if Int64(argument) != nil, !FileManager.default.fileExists(atPath: argument) { return "session:\(argument)" }
            return argument
        }
    }
}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import recordings into the database, one session per file.",
        discussion: """
            Stores the raw lines in chunks (each its own transaction) so a replay reads \
            them back in order. Importing the same content twice does not duplicate it. \
            Replay or backtest a session with `apogee replay ID` or `--session ID`. \
            SIGINT or SIGTERM stops the import: the file being imported is removed \
            (a half session would replay as a quiet market), the files before it are \
            kept; exit status 130/143 (docs/exit-status.md).
            """)

    @Argument(help: "Recording files (.gz or plain).")
    var files: [String]

    @OptionGroup var database: DatabaseOption

    @Flag(help: "Print one JSON object per file.")
    var json = false

    func run() throws {
        let db = try database.open()
        let line = ProgressLine()
        StopSignals.install()
        for (number, file) in files.enumerated() {
            let outcome: RecordingImport.Outcome
            do throws(BacktestFailure) {
                outcome = try RecordingImport.run(file: file, database: db, progress: line.callback, stop: StopRequest.process)
            } catch {
                line.clear()
                StandardError.write("apogee: \(error)\n")
                if case .interrupted(let signal, _) = error {
                    if number > 0 { StandardError.write("apogee: the \(number) file(s) before it were imported and kept\n") }
                    throw StopSignals.exitCode(signal)
                }
                throw ExitStatus.failure
            }
            line.clear()
            if json {
                var out = JSONWriter()
                out.beginObject()
                out.value("file", outcome.file)
                out.value("session", Int(outcome.session))
                out.value("lines", outcome.lines)
                out.value("already_there", outcome.alreadyThere)
                out.value("elapsed_s", outcome.seconds, places: 4)
                out.endObject()
                print(out.text)
            } else if outcome.alreadyThere {
                print("\(file) is already there: session \(outcome.session) (\(outcome.lines) lines)")
            } else {
                let rate = outcome.seconds > 0 ? Int(Double(outcome.lines) / outcome.seconds) : 0
                print("imported \(file) as session \(outcome.session): \(outcome.lines) lines in \((outcome.seconds * 100).rounded() / 100) s (\(rate) lines/s)")
            }
        }
    }
}

struct SessionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sessions", abstract: "List the sessions in the database, or delete one.")

    @OptionGroup var database: DatabaseOption

    @Flag(help: "Print a JSON array.")
    var json = false

    @Option(help: "Delete the session with this id (its lines, trades and candles), complete or not: an import that was killed leaves an INCOMPLETE one.")
    var delete: Int64?

    func run() throws {
        let db = try database.open()
        if let delete {
            let removed = try DatabaseOption.attempt { () throws(StorageError) in try db.removeSession(delete) }
            guard removed else {
                StandardError.write("apogee: no session \(delete) in \(db.path) (see `apogee sessions`)\n")
                throw ExitStatus.failure
            }
            print("deleted session \(delete) from \(db.path)")
            return
        }
        let sessions = try DatabaseOption.attempt { () throws(StorageError) in try db.sessions() }
        if json {
            var out = JSONWriter()
            out.beginArray()
            for session in sessions {
                out.beginObject()
                out.value("id", Int(session.id ?? 0))
                out.value("kind", session.kind)
                out.value("source", session.source)
                out.value("exchange", session.exchange)
                out.value("market", session.market)
                out.value("symbols", session.symbols)
                out.value("lines", session.lines)
                out.value("complete", session.complete)
                out.value("first_received", session.firstReceivedNs.map { Terminal.timestampText($0) })
                out.value("last_received", session.lastReceivedNs.map { Terminal.timestampText($0) })
                out.endObject()
            }
            out.endArray()
            print(out.text)
            return
        }
        if sessions.isEmpty { print("no session in \(db.path) (import one with `apogee import FILE`)") }
        for session in sessions {
            let span = session.firstReceivedNs.map { Terminal.timestampText($0) } ?? "-"
            print("\(session.id ?? 0)  \(session.kind)  \(session.exchange) \(session.market ?? "?") \(session.symbols)  \(session.lines) lines from \(span)\(session.complete ? "" : "  INCOMPLETE")  \(session.source)")
        }
    }
}

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "List the saved backtest runs with their metrics.")

    @OptionGroup var database: DatabaseOption

    @Flag(help: "Print a JSON array.")
    var json = false

    func run() throws {
        let db = try database.open()
        let runs = try DatabaseOption.attempt { () throws(StorageError) in try db.runs() }
        if json {
            var out = JSONWriter()
            out.beginArray()
            for run in runs {
                out.beginObject()
                out.value("id", Int(run.id ?? 0))
                out.value("created_at", run.createdAt)
                out.value("strategy", run.strategy)
                out.value("data", run.data)
                out.value("seed", Int(run.seed))
                out.value("events", run.events)
                out.value("trades", run.trades)
                out.value("net_pnl", run.netPnL, places: 8)
                out.value("fees", run.fees, places: 8)
                out.value("win_rate", run.winRate, places: 4)
                out.value("max_drawdown", run.maxDrawdown, places: 8)
                out.value("sharpe", run.sharpe ?? .nan, places: 4)
                out.value("interrupted", run.interrupted)
                out.endObject()
            }
            out.endArray()
            print(out.text)
            return
        }
        if runs.isEmpty { print("no run in \(db.path) (every `apogee backtest` is saved)") }
        for run in runs {
            print("\(run.id ?? 0)  \(run.createdAt)  \(run.strategy) seed \(run.seed)  trades \(run.trades)  net \((run.netPnL * 100).rounded() / 100)  dd \((run.maxDrawdown * 100).rounded() / 100)  \(run.data)\(run.interrupted.map { "  (interrupted by \($0))" } ?? "")")
        }
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a run's report (--run ID --json) or a session's trades (--session ID --trades --csv).")

    @Option(name: .customLong("run"), help: "A saved backtest run.")
    var runID: Int64?

    @Option(help: "A stored session.")
    var session: Int64?

    @Flag(help: "The session's trades.")
    var trades = false

    @Flag(help: "CSV output (for --trades).")
    var csv = false

    @Flag(help: "JSON output (for --run).")
    var json = false

    @OptionGroup var database: DatabaseOption

    func validate() throws {
        guard (runID == nil) != (session == nil) else { throw ValidationError("give either --run ID or --session ID") }
        if session != nil, !(trades && csv) { throw ValidationError("a session exports as --trades --csv") }
        if runID != nil, !json { throw ValidationError("a run exports as --json") }
    }

    func run() throws {
        let db = try database.open()
        if let id = runID {
            guard let record = (try? db.run(id)) ?? nil else {
                StandardError.write("apogee: no run \(id) in \(db.path) (see `apogee runs`)\n")
                throw ExitStatus.failure
            }
            print(record.report)
            return
        }
        guard let id = session else { return }
        var options = ReplayOptions(files: ["session:\(id)"])
        options.database = db.path
        do {
            let stream = try RecordingEventStream(options: options)
            print("time,symbol,trade_id,price,quantity,aggressor")
            while let item = try stream.next() {
                guard case .trade(let trade) = item.event else { continue }
                print("\(trade.tradeTime),\(trade.symbol),\(trade.id),\(trade.price),\(trade.quantity),\(trade.aggressor.rawValue)")
            }
        } catch {
            StandardError.write("apogee: \(error)\n")
            throw ExitStatus.failure
        }
    }
}
