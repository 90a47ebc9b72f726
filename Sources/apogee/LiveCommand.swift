import Terminal
import Backtesting
import VenueClients
import ArgumentParser
import FakeExchange
import Foundation
import LiveEngine
import Storage
import Strategies
import Trading
import Venues

/// `apogee live`: a live session: the paper terminal, headless paper trading, real
/// orders (headless), or the books alone.
struct LiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "Trade or watch live markets: the paper terminal, headless paper or real trading, or the books alone.",
        discussion: """
            Without --paper or --headless, the full-screen terminal trades for real (LIVE \
            in the header): the strategies and the hotkeys send signed orders, each \
            order's intent journaled before it is sent (API keys required; a market \
            order from a hotkey goes out as a limit at the touch).

            --paper opens the full-screen terminal on the live feed with the simulator as \
            the venue (PAPER in the header): the strategies of --strategy / --config and \
            the hotkeys trade a simulated account at live prices, journaled to --db. \
            With --headless it runs the same session without the screen and prints a \
            summary at the end.

            --headless --trade sends real signed orders for --strategy, journaling each \
            order's intent before it is sent and reconciling what a crashed session left \
            open on start (its buys are cancelled unless --keep-orders-after-crash).

            --headless alone streams the books, keeps them in sync with REST snapshots by \
            the exchange's rules (again after any gap or reconnect), audits them against \
            the exchange's best bid/ask and prints the same report as a replay.

            Every mode reconnects with backoff and jitter when the connection drops.

            Market data: Binance spot and USD-M (USD-M mainnet on its routed /public \
            and /market streams), Gate.io spot (pairs like ETH_USDT) and Gate.io USDT \
            futures (contracts like BTC_USDT; sizes turned into base quantities by each \
            contract's quanto multiplier, read at start). Orders: Binance \
            spot (fills pushed by the user-data stream), USD-M (--leverage, \
            --margin-type, fills pushed by the listen-key stream, the countdown \
            cancel-all kept armed), Gate.io spot (fills pushed on spot.orders) and Gate.io \
            USDT futures (--leverage, --margin-type, fills pushed on futures.orders); on \
            Gate.io too the countdown cancel-all is kept armed. Over TLS to \
            mainnet or testnet, plain to the loopback fake exchange (--endpoint \
            loopback:PORT), or to one address of your own (--endpoint https://HOST:PORT, \
            --ca-file to trust its certificate). With no \
            network, a session fails within seconds saying the exchange is unreachable.

            Examples:
              apogee fake-exchange --data ../shared/data/binance/spot_ethusdt_20240808.gz --port 18080 &
              apogee live --exchange binance --symbols ETHUSDT --endpoint loopback:18080 --paper
              apogee live --exchange binance --symbols ETHUSDT --endpoint loopback:18080 --headless --duration 30
              apogee fake-exchange --data ../shared/data/binance/spot_ethusdt_20240808.gz --gate --keys keys.toml --port 18081 &
              apogee live --exchange gate --symbols ETH_USDT --endpoint loopback:18081 --keys keys.toml --headless --trade --strategy drops
            """)

    @Option(help: "binance, binance-futures, gate or gate-futures.")
    var exchange: String

    @Option(help: "Symbols, comma-separated (BTCUSDT,ETHUSDT; Gate.io: ETH_USDT).")
    var symbols: String?

    @Option(help: "Instead of --symbols: every symbol of this quote currency the exchange trades now (Binance; e.g. USDT), from its exchangeInfo, spread over as many connections as the streams need.")
    var quote: String?

    @Option(name: .customLong("relist-every"), help: "With --quote: read the quote market's listing again every this many seconds; new listings are streamed (and traded), a market that stops trading takes no order (0: never).")
    var relistEvery: Double = 300

    @Option(help: ArgumentHelp("Which books (diff depth) to stream, beside every symbol's trades and best bid/ask: all; screen (the book on screen, and on paper the coins with an order or a position, each from when it is needed); or SYMBOLS,comma-separated (those from the start, and the screen's). Default: all with --symbols, screen with --quote (Binance; Gate.io streams all).", valueName: "all|screen|SYMBOLS"))
    var depth: String?

    @Option(help: "mainnet, testnet, loopback:PORT (the fake exchange, plain), or one address for everything (https://127.0.0.1:8443).")
    var endpoint = "mainnet"

    @Option(name: .customLong("ca-file"), help: "Also trust the certificates of this PEM file for TLS (a test exchange's own certificate).")
    var caFile: String?

    @Flag(help: "Trade on paper: the live feed with the simulator as the venue (the terminal, or a summary with --headless).")
    var paper = false

    @Flag(help: "Run without the full-screen view and print a report at the end.")
    var headless = false

    @Option(help: "Stop after this many seconds (default: until Ctrl-C, or q in the terminal).")
    var duration: Double?

    @Flag(help: "Print the report as one JSON object (market data; with --trade, the trading summary: orders sent, held and refused by code, fills, cancels, drops, silences, dust, attention, last errors).")
    var json = false

    @Flag(help: "Trade for real without the screen (with --headless): the strategies' signed orders, journaled to --db.")
    var trade = false

    @Option(name: .customLong("strategy"), help: "A strategy to run (repeatable; default ema-reversal). With --trade, one with EmulatorMode=YES trades a simulated account beside the real one.")
    var strategies: [String] = []

    @Option(name: .customLong("param"), help: "A parameter of the one --strategy, KEY=VALUE (repeatable).")
    var params: [String] = []

    @Option(name: .customLong("config"), help: "With --paper or --trade: a TOML strategy file; every enabled [[strategy]] runs (see docs/strategies.md).")
    var config: String?

    @Option(help: "Theme of the terminal: dark, light, mono, high-contrast, or a .toml path.")
    var theme = "dark"

    @Option(help: "Keymap of the terminal: default, vim, or a .toml path.")
    var keymap = "default"

    @Option(name: .customLong("size"), help: "Order size of the terminal's buy and sell hotkeys.")
    var orderSize = "0.01"

    @Option(help: "A TOML keys file ([binance] or [gate] key = \"…\" secret = \"…\"), mode 0600; else APOGEE_BINANCE_KEY / _SECRET (APOGEE_GATE_KEY / _SECRET for Gate.io).")
    var keys: String?

    @Option(name: .customLong("db"), help: "The database the order journal goes to (default: $XDG_DATA_HOME/apogee/apogee.sqlite).")
    var database: String?

    @Flag(name: .customLong("no-journal"), help: "With --paper: do not journal the session's orders, fills and positions.")
    var noJournal = false

    @OptionGroup var risk: RiskOptions

    @OptionGroup var redis: RedisOption

    @Option(help: "Futures (Binance USD-M, Gate.io USDT): leverage set on each symbol at start.")
    var leverage = 5

    @Option(name: .customLong("margin-type"), help: "Futures: isolated or crossed margin, set on each symbol at start (Gate.io: crossed is leverage 0 with this leverage as its limit).")
    var marginType = "isolated"

    @Option(name: .customLong("countdown-cancel"), help: "Binance USD-M and Gate.io: keep the exchange's countdown cancel-all armed at this many seconds, so open orders die if Apogee or its connection does (0: off).")
    var countdownCancel = 30

    @Flag(name: .customLong("keep-orders-after-crash"), help: "Keep the buy orders a crashed session left open instead of cancelling them.")
    var keepOrdersAfterCrash = false

    func validate() throws {
        guard VenueID(rawValue: exchange) != nil else {
            throw ValidationError("unknown exchange '\(exchange)' (binance, binance-futures, gate, gate-futures)")
        }
        _ = try environment()
        if let duration, duration <= 0 { throw ValidationError("--duration must be positive") }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) { throw ValidationError("--ca-file \(caFile): no such readable file") }
        if paper, trade { throw ValidationError("--paper and --trade exclude each other: paper trades the simulator, --trade the exchange") }
        guard relistEvery.isFinite, relistEvery >= 0 else { throw ValidationError("--relist-every takes 0 (never) or a number of seconds (got \(relistEvery))") }
        if (symbols == nil) == (quote == nil) { throw ValidationError("name the markets with --symbols A,B or take a whole quote market with --quote USDT (one of them)") }
        if let depth, depth.split(separator: ",").allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { throw ValidationError("--depth takes all, screen or symbols (got '\(depth)')") }
        guard (1...125).contains(leverage) else { throw ValidationError("--leverage takes 1 to 125 (got \(leverage))") }
        guard ["isolated", "crossed"].contains(marginType.lowercased()) else { throw ValidationError("--margin-type takes isolated or crossed (got '\(marginType)')") }
        guard countdownCancel == 0 || (5...3600).contains(countdownCancel) else { throw ValidationError("--countdown-cancel takes 0 (off) or 5 to 3600 seconds (got \(countdownCancel))") }
        if !params.isEmpty, strategies.count != 1 { throw ValidationError("--param sets a parameter of the one --strategy named (\(strategies.count) named); use a --config file for several") }
        if config != nil, !paper, !trade { throw ValidationError("--config names strategies to run: add --paper or --trade") }
        if redis.url != nil, headless, !paper, !trade { throw ValidationError("--redis mirrors a trading session's state: add --paper or --trade") }
    }

    /// The symbols whose depth is streamed from the start (nil: all), by `--depth`.
    var depthSymbols: Set<String>? {
        let choice = depth ?? (quote == nil ? "all" : "screen")
        switch choice.lowercased() {
        case "all": return nil
        case "screen": return []
        default: return Set(choice.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty })
        }
    }

    /// The symbols named, or every symbol of `--quote` the exchange trades now.
    func symbolList() throws -> [String] {
        if let symbols { return symbols.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty } }
        let quote = (quote ?? "").uppercased()
        do {
            let found = try QuoteMarket.symbols(try connection(), quote: quote)
            StandardError.write("quote \(quote): \(found.count) symbols\n")
            return found
        } catch {
            StandardError.write("apogee: \(error)\n")
            throw ExitStatus.failure
        }
    }

    /// `--param KEY=VALUE` items, in order.
    func parameters() throws -> [(key: String, value: ParameterValue, source: String)] {
        try params.map { param in
            guard let equals = param.firstIndex(of: "="), equals != param.startIndex else {
                StandardError.write("apogee: --param \(param): expected KEY=VALUE\n")
                throw ExitStatus.failure
            }
            return (String(param[..<equals]), .text(String(param[param.index(after: equals)...])), "--param \(param)")
        }
    }

    func environment() throws -> VenueEnvironment {
        try VenueEnvironment(option: endpoint)
    }

    /// The venue's addresses, TLS included; a message and exit 1 when they are wrong.
    func connection() throws(LiveFailure) -> VenueConnection {
        let environment: VenueEnvironment
        do { environment = try self.environment() } catch { throw LiveFailure(description: "\(error)") }
        return try VenueConnection(venue: VenueID(rawValue: exchange)!, environment: environment, caFile: caFile)
    }

    /// `--quote`'s listing watch, unless `--relist-every 0`.
    var listingWatch: (quote: String, every: Double)? {
        guard let quote, relistEvery > 0 else { return nil }
        return (quote.uppercased(), relistEvery)
    }

    func run() throws {
        if paper {
            try runPaper()
            return
        }
        guard headless else {
            try runTrading(inTerminal: true)
            return
        }
        if trade {
            try runTrading()
            return
        }
        var options = LiveOptions(venue: VenueID(rawValue: exchange)!, symbols: try symbolList(), environment: try environment())
        options.caFile = caFile
        options.duration = duration
        options.listingWatch = listingWatch
        options.depth = depthSymbols
        let stop = SignalFlag()
        options.stopWhen = { stop.raised }
        let report: ReplayReport
        do throws(LiveFailure) {
            report = try HeadlessLive.run(options)
        } catch {
            StandardError.write("apogee: \(error)\n")
            throw ExitStatus.failure
        }
        print(json ? report.json : report.summary)
    }
}

extension LiveCommand {
    /// Real orders: headless until Ctrl-C or --duration, or in the terminal (LIVE).
    func runTrading(inTerminal: Bool = false) throws {
        let venue = VenueID(rawValue: exchange)!
        let connection: VenueConnection
        do throws(LiveFailure) {
            connection = try self.connection()
        } catch {
            StandardError.write("apogee: \(error)\n")
            throw ExitStatus.failure
        }
        let credentials: APICredentials
        do {
            guard let loaded = try APICredentials.load(for: venue, environment: ProcessInfo.processInfo.environment, keysFile: keys) else {
                let name = venue.isGate ? "GATE" : "BINANCE"
                StandardError.write("apogee: trading needs API keys: APOGEE_\(name)_KEY and APOGEE_\(name)_SECRET, or --keys FILE (mode 0600, a [\(venue.isGate ? "gate" : "binance")] table); to trade on paper, add --paper\n")
                throw ExitStatus.failure
            }
            credentials = loaded
        } catch let failure as APICredentials.Failure {
            StandardError.write("apogee: \(failure)\n")
            throw ExitStatus.failure
        }
        let given = try parameters()
        let stop = SignalFlag()
        let started = Date()
        let limit = duration
        // The named strategies (--param goes to the one named), then the file's enabled
        // ones; ema-reversal when none is named.
        var chosen = strategies.map { (name: $0, parameters: given) }
        let strategyFile = try config.map(ViewOptions.loadStrategyFile)
        if let file = strategyFile {
            chosen += file.entries.filter(\.enabled).map { ($0.name, $0.parameters) }
        }
        if chosen.isEmpty { chosen = [("ema-reversal", given)] }
        var options = LiveTradingSession.Options(symbols: try symbolList(), connection: connection, credentials: credentials, strategies: chosen, stopWhen: {
            stop.raised || (limit.map { Date().timeIntervalSince(started) >= $0 } ?? false)
        })
        options.database = database ?? ApogeeDatabase.defaultPath
        options.cancelLeftoverBuys = !keepOrdersAfterCrash
        options.risk = try risk.applied(over: strategyFile)
        options.leverage = leverage
        options.marginType = marginType.uppercased()
        options.countdownSeconds = countdownCancel == 0 ? nil : countdownCancel
        options.depth = depthSymbols
        options.listingWatch = listingWatch
        options.mirror = try redis.start()
        defer { options.mirror?.finish() }
        if inTerminal {
            var view = TerminalApp.Options(files: [])
            view.liveTrading = options
            view.theme = theme
            view.keymap = keymap
            view.orderSize = orderSize
            do {
                try TerminalApp.run(view)
            } catch {
                StandardError.write("apogee: \(error)\n")
                throw ExitStatus.failure
            }
            return
        }
        var unclean = false
        do throws(LiveFailure) {
            let outcome = try LiveTradingSession.run(options)
            let summary = LiveTradingSummary(outcome)
            if json {
                print(summary.json)
            } else {
                for line in outcome.reconciliation { print("reconcile: \(line)") }
                for line in summary.text { print(line) }
            }
            if let emulator = outcome.emulator {
                let emulated = emulator.account.openPositions.map { "\($0.symbol) \($0.quantity)" }.joined(separator: ", ")
                let net = emulator.journal.reduce(Money.zero) { $0 + $1.netPnL }
                print("emulator session \(outcome.emulatorJournalSession.map(String.init) ?? "-") (EmulatorMode strategies, simulated): \(emulator.orderCount) orders, \(emulator.journal.count) round trips, net P&L \(net.roundedText(fractionDigits: 2)) USDT; positions: \(emulated.isEmpty ? "flat" : emulated)")
            }
            if let failure = outcome.journalFailure { StandardError.write("apogee: warning: order journal stopped: \(failure)\n") }
            // A session that went blind, left a cancel unconfirmed or a symbol needing the
            // trader did not end cleanly: say so in the exit status too.
            for problem in summary.problems { StandardError.write("apogee: \(problem)\n") }
            unclean = !summary.problems.isEmpty
        } catch {
            StandardError.write("apogee: \(error)\n")
            throw ExitStatus.failure
        }
        if unclean { throw ExitStatus.unclean }
    }
}

/// `apogee fake-exchange`: a recording served as a live Binance on 127.0.0.1.
struct FakeExchangeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fake-exchange",
        abstract: "Serve a recording as a live Binance (or, with --gate, Gate.io) on 127.0.0.1, for `apogee live` and tests.",
        discussion: """
            Serves GET /api/v3/time, GET /api/v3/depth (and the /fapi/v1 twins) from its \
            own book, and the combined streams at ws://127.0.0.1:PORT/stream?streams=…, \
            playing the recording at its recorded pace times --speed once the first \
            client subscribes. With --keys it takes signed orders for that account \
            (spot /api/v3 and USD-M /fapi/v1, leverage, margin type, countdown \
            cancel-all) and pushes executionReports on its WebSocket API (/ws-api/v3); \
            with --gate, Gate.io v4 spot orders (/api/v4/spot/orders, countdown_cancel_all) \
            signed by Gate's rule and pushed on the private spot.orders channel; with \
            --gate-futures (a USD-M recording), Gate.io USDT futures market data and \
            orders. \
            The fault options inject what the exchanges do on bad days. Exits when the \
            recording is over.
            """)

    @Option(help: "The recording to play; several, comma-separated (one symbol each), play as one market.")
    var data: String

    @Option(help: "Port on 127.0.0.1 (0: a free one, printed).")
    var port = 0

    @Option(help: "Playback speed (1: as recorded).")
    var speed = 1.0

    @Option(name: .customLong("drop-after"), help: "Fault: drop every connection once after this many messages.")
    var dropAfter: Int?

    @Option(name: .customLong("gap-at"), help: "Fault: leave out this depth message (1-based) once.")
    var gapAt: Int?

    @Option(name: .customLong("duplicate-depth"), help: "Fault: send this depth message twice.")
    var duplicateDepth: Int?

    @Option(name: .customLong("swap-depth"), help: "Fault: send this depth message after the next one.")
    var swapDepth: Int?

    @Option(name: .customLong("lose-answer-of-order"), help: "Fault: carry out this order (1-based) but close the connection before answering.")
    var loseAnswer: Int?

    @Option(name: .customLong("rate-limit-order"), help: "Fault: answer this order 429 with Retry-After: 1, not carrying it out.")
    var rateLimitOrder: Int?

    @Option(name: .customLong("server-error-order"), help: "Fault: carry out this order but answer 503.")
    var serverErrorOrder: Int?

    @Flag(name: .customLong("partial-fills"), help: "Fault: each trade fills at most half of what is left of an order.")
    var partialFills = false

    @Option(name: .customLong("rest-delay"), help: "Fault: hold every REST answer this many milliseconds.")
    var restDelay: Int?

    @Option(help: "A keys file (TOML [binance] key/secret, mode 0600) whose account the order endpoints accept.")
    var keys: String?

    @Flag(help: "Serve https and wss with a fresh self-signed certificate (printed: pass it to apogee live as --ca-file).")
    var tls = false

    @Flag(help: "Speak Gate.io v4 spot instead of Binance (/ws/v4/ with subscribe messages, /api/v4/spot/order_book): pairs like ETH_USDT.")
    var gate = false

    @Flag(name: .customLong("gate-futures"), help: "Speak Gate.io v4 USDT futures market data instead of Binance (/v4/ws/usdt, /api/v4/futures/usdt/order_book and contracts; sizes in contracts of 0.0001): play a USD-M recording, contracts like BTC_USDT; with --keys it takes futures orders (/api/v4/futures/usdt/orders) and pushes futures.orders.")
    var gateFutures = false

    @Flag(name: .customLong("recorded-times"), help: "Send the recording's exchange times as they are (default: moved to today, keeping the recorded delays).")
    var recordedTimes = false

    func run() throws {
        let exchange: FakeExchange
        do {
            let account = try keys.flatMap { try APICredentials.load(for: gate || gateFutures ? .gate : .binance, environment: [:], keysFile: $0) }
            var faults = FakeExchangeFaults(dropAfterMessages: dropAfter, gapAtDepthMessage: gapAt, loseResponseOfOrder: loseAnswer)
            faults.duplicateDepthMessage = duplicateDepth
            faults.swapDepthMessageWithNext = swapDepth
            faults.rateLimitOrder = rateLimitOrder
            faults.serverErrorOfOrder = serverErrorOrder
            faults.partialFills = partialFills
            faults.restDelayMilliseconds = restDelay
            let files = data.split(separator: ",").map(String.init)
            // A market with its own exchangeinfo.json beside it (a synthetic market)
            // is listed and enforced with each symbol's filters.
            var rules = FakeExchangeRules()
            rules.symbols = try ExchangeRulesSource.resolve(explicit: nil, recordings: files).rules
            if !rules.symbols.isEmpty { StandardError.write("fake exchange: the filters of \(rules.symbols.count) symbol(s) from exchangeinfo.json beside the data\n") }
            exchange = try FakeExchange(recordings: files, speed: speed, faults: faults, account: account, shiftTimesToNow: !recordedTimes, dialect: gateFutures ? .gateFutures : gate ? .gate : .binance, rules: rules)
        } catch {
            StandardError.write("apogee: \(error)\n")
            throw ExitStatus.failure
        }
        var certificate: FakeExchangeTLS?
        if tls {
            let folder = NSTemporaryDirectory() + "apogee-fake-tls-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            certificate = try FakeExchangeTLS.selfSigned(in: folder)
        }
        let bound = try exchange.start(port: port, tls: certificate)
        let scheme = tls ? "https" : "http"
        // Written at once (not through stdout's buffer): scripts wait for this line.
        var banner = "fake exchange on \(scheme)://127.0.0.1:\(bound) (streams: \(tls ? "wss" : "ws")://127.0.0.1:\(bound)\(gateFutures ? "/v4/ws/usdt, Gate.io v4 USDT futures" : gate ? "/ws/v4/, Gate.io v4" : "/stream?streams=…")), \(exchange.messageCount) messages at \(speed)x\n"
        if let certificate { banner += "certificate: \(certificate.certificateChain) (apogee live … --endpoint https://127.0.0.1:\(bound) --ca-file \(certificate.certificateChain))\n" }
        FileHandle.standardOutput.write(Data(banner.utf8))
        let stop = SignalFlag()
        while !exchange.finished, !stop.raised { usleep(50_000) }
        exchange.stop()
    }
}

/// Set by SIGINT/SIGTERM, so a long-running command ends cleanly.
final class SignalFlag: @unchecked Sendable {
    nonisolated(unsafe) static var flag: Int32 = 0
    init() {
        signal(SIGINT) { _ in SignalFlag.flag = 1 }
        signal(SIGTERM) { _ in SignalFlag.flag = 1 }
    }
    var raised: Bool { SignalFlag.flag != 0 }
}

/// `apogee record`: a live feed into a database session, headless.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record an exchange's raw market frames into a database session (headless).",
        discussion: """
            Each frame is stored with its local receive time, as the recordings of \
            ../shared/data are, plus a REST snapshot at the start and after every \
            reconnect, in chunks committed at least every second (a crash loses at most \
            the last second; the session then stays incomplete). The session replays and \
            backtests like an imported file: `apogee replay ID`, `--session ID`. One \
            session per symbol, all on one connection. The exchange's rules for each \
            symbol (Binance's exchangeInfo, Gate.io's pair or contract details) are \
            recorded first, so a backtest of the session fits its orders to them. \
            Binance spot and USD-M, Gate.io spot and USDT futures (symbols like \
            BTC_USDT): mainnet, testnet (TLS), the loopback fake exchange or an \
            address of your own.
            """)

    @Option(help: "binance, binance-futures, gate or gate-futures.")
    var exchange = "binance"

    @Option(help: "The symbols to record, comma-separated (BTCUSDT,ETHUSDT; on Gate.io BTC_USDT).")
    var symbols: String?

    @Option(help: "Instead of --symbols: every symbol of this quote currency the exchange trades now (Binance; e.g. USDT), a session each.")
    var quote: String?

    @Option(name: .customLong("relist-every"), help: "With --quote: read the quote market's listing again every this many seconds; new listings are streamed (and traded), a market that stops trading takes no order (0: never).")
    var relistEvery: Double = 300

    @Option(help: "mainnet, testnet, loopback:PORT (the fake exchange), or one address for everything (https://127.0.0.1:8443).")
    var endpoint = "mainnet"

    @Option(name: .customLong("ca-file"), help: "Also trust the certificates of this PEM file for TLS.")
    var caFile: String?

    @OptionGroup var database: DatabaseOption

    @Option(help: "Stop after this many seconds (default: until Ctrl-C).")
    var duration: Double?

    func run() throws {
        guard let venue = VenueID(rawValue: exchange) else {
            StandardError.write("apogee: unknown exchange '\(exchange)' (binance, binance-futures, gate, gate-futures)\n")
            throw ExitStatus.failure
        }
        let connection: VenueConnection
        do {
            connection = try VenueConnection(venue: venue, environment: try VenueEnvironment(option: endpoint), caFile: caFile)
        } catch {
            StandardError.write("apogee: \(error)\n")
            throw ExitStatus.failure
        }
        guard (symbols == nil) != (quote == nil) else {
            StandardError.write("apogee: name the markets with --symbols A,B or take a whole quote market with --quote USDT (one of them)\n")
            throw ExitStatus.failure
        }
        let db = try database.open()
        let stop = SignalFlag()
        let started = Date()
        let limit = duration
        do throws(LiveFailure) {
            var names = (symbols ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
            if let quote {
                names = try QuoteMarket.symbols(connection, quote: quote.uppercased())
                StandardError.write("quote \(quote.uppercased()): \(names.count) symbols\n")
            }
            let outcome = try LiveRecording.run(connection: connection, symbols: names, database: db, stopWhen: {
                stop.raised || (limit.map { Date().timeIntervalSince(started) >= $0 } ?? false)
            })
            let sessions = outcome.sessions.map { "\($0.symbol) session \($0.session)" }.joined(separator: ", ")
            print("recorded \(sessions): \(outcome.lines) lines, \(outcome.snapshots) snapshot(s), \(outcome.reconnects) reconnect(s) (apogee replay \(outcome.session) --db \(db.path))")
        } catch {
            StandardError.write("apogee: \(error)\n")
            throw ExitStatus.failure
        }
    }
}
