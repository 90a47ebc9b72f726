import ArgumentParser
import FakeExchange
import Foundation
import Runtime
import Venues

/// `apogee live`: a live market-data session (headless for now).
struct LiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "Watch live markets: stream, synchronise and audit the order books (headless).",
        discussion: """
            Subscribes to the exchange's trade, diff-depth and best bid/ask streams for the \
            symbols, keeps each book in sync with REST snapshots by the exchange's rules \
            (again after any gap or reconnect), audits it against the exchange's best \
            bid/ask and prints the same report as a replay. Reconnects with backoff and \
            jitter when the connection drops.

            Today: Binance spot and USD-M market data over plain WebSocket, which is the \
            loopback fake exchange (`apogee fake-exchange`, --endpoint loopback:PORT). \
            TLS (mainnet, testnet), trading, Gate.io streams, the terminal view and \
            --paper are the rest of issue #7. With no network, a mainnet session fails \
            within seconds saying the exchange is unreachable.

            Example:
              apogee fake-exchange --data ../shared/data/binance/spot_ethusdt_20240808.gz --port 18080 &
              apogee live --exchange binance --symbols ETHUSDT --endpoint loopback:18080 --headless --duration 30
            """)

    @Option(help: "binance, binance-futures, gate or gate-futures.")
    var exchange: String

    @Option(help: "Symbols, comma-separated (BTCUSDT,ETHUSDT).")
    var symbols: String

    @Option(help: "mainnet, testnet, or loopback:PORT (the fake exchange).")
    var endpoint = "mainnet"

    @Flag(help: "Run without the full-screen view and print a report at the end.")
    var headless = false

    @Option(help: "Stop after this many seconds (default: until Ctrl-C).")
    var duration: Double?

    @Flag(help: "Print the report as one JSON object.")
    var json = false

    func validate() throws {
        guard VenueID(rawValue: exchange) != nil else {
            throw ValidationError("unknown exchange '\(exchange)' (binance, binance-futures, gate, gate-futures)")
        }
        _ = try environment()
        if let duration, duration <= 0 { throw ValidationError("--duration must be positive") }
    }

    func environment() throws -> VenueEnvironment {
        switch endpoint {
        case "mainnet": return .mainnet
        case "testnet": return .testnet
        default:
            guard endpoint.hasPrefix("loopback:"), let port = Int(endpoint.dropFirst(9)), (1...65535).contains(port) else {
                throw ValidationError("--endpoint takes mainnet, testnet or loopback:PORT (got '\(endpoint)')")
            }
            return .loopback(port: port)
        }
    }

    func run() throws {
        guard headless else {
            StandardError.write("apogee: the live terminal view is not built yet; run with --headless (issue #7)\n")
            throw ExitStatus.failure
        }
        var options = LiveOptions(venue: VenueID(rawValue: exchange)!, symbols: symbols.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }, environment: try environment())
        options.duration = duration
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

/// `apogee fake-exchange`: a recording served as a live Binance on 127.0.0.1.
struct FakeExchangeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fake-exchange",
        abstract: "Serve a recording as a live Binance on 127.0.0.1 (for `apogee live` and tests).",
        discussion: """
            Serves GET /api/v3/time, GET /api/v3/depth (and the /fapi/v1 twins) from its \
            own book, and the combined streams at ws://127.0.0.1:PORT/stream?streams=…, \
            playing the recording at its recorded pace times --speed once the first \
            client subscribes. Exits when the recording is over.
            """)

    @Option(help: "The recording to play.")
    var data: String

    @Option(help: "Port on 127.0.0.1 (0: a free one, printed).")
    var port = 0

    @Option(help: "Playback speed (1: as recorded).")
    var speed = 1.0

    @Option(name: .customLong("drop-after"), help: "Fault: drop every connection once after this many messages.")
    var dropAfter: Int?

    @Option(name: .customLong("gap-at"), help: "Fault: leave out this depth message (1-based) once.")
    var gapAt: Int?

    func run() throws {
        let exchange: FakeExchange
        do {
            exchange = try FakeExchange(recording: data, speed: speed, faults: FakeExchangeFaults(dropAfterMessages: dropAfter, gapAtDepthMessage: gapAt))
        } catch {
            StandardError.write("apogee: \(error)\n")
            throw ExitStatus.failure
        }
        let bound = try exchange.start(port: port)
        print("fake exchange on http://127.0.0.1:\(bound) (streams: ws://127.0.0.1:\(bound)/stream?streams=…), \(exchange.messageCount) messages at \(speed)x")
        FileHandle.standardOutput.synchronizeFile()
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
