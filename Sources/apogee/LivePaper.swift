import Terminal
import VenueClients
import ArgumentParser
import Foundation
import LiveEngine
import Storage
import Venues

extension LiveCommand {
    /// `--paper`: the live feed traded on the simulator, in the terminal or headless.
    func runPaper() throws {
        let strategyFile = try config.map(ViewOptions.loadStrategyFile)
        let given = try parameters()
        let symbols = try symbolList()
        let source: LiveEventSource
        do throws(LiveFailure) {
            source = try LiveEventSource(connection: try connection(), symbols: symbols, depth: depthSymbols)
        } catch {
            StandardError.write("apogee: \(error)\n")
            throw ExitStatus.failure
        }
        defer { source.stop() }
        if let watch = listingWatch { source.watchListings(quote: watch.quote, every: watch.every) }
        let mirror = try redis.start()
        defer { mirror?.finish() }
        guard headless else {
            var options = TerminalApp.Options(files: [])
            options.live = source
            options.strategies = strategies
            options.parameters = given
            options.strategyFile = strategyFile
            options.theme = theme
            options.keymap = keymap
            options.orderSize = orderSize
            options.journal = !noJournal
            options.database = database
            options.risk = try risk.applied(over: strategyFile)
            options.mirror = mirror
            do {
                try TerminalApp.run(options)
            } catch {
                StandardError.write("apogee: \(error)\n")
                throw ExitStatus.failure
            }
            return
        }
        let stop = SignalFlag()
        let started = Date()
        let limit = duration
        let riskSettings = try risk.applied(over: strategyFile)
        do throws(LiveFailure) {
            let outcome = try HeadlessPaper.run(source: source, strategyNames: strategies, file: strategyFile, parameters: given, risk: riskSettings, database: noJournal ? nil : (database ?? ApogeeDatabase.defaultPath), mirror: mirror) {
                stop.raised || (limit.map { Date().timeIntervalSince(started) >= $0 } ?? false)
            }
            let session = outcome.journalSession.map { "paper session \($0)" } ?? "paper session (not journaled)"
            print("\(session): \(outcome.events) events, \(outcome.snapshots) snapshot(s), \(outcome.feed.drops) drop(s); \(outcome.orders) orders, \(outcome.fills) fills, \(outcome.trades) round trips, net P&L \(outcome.netPnL.roundedText(fractionDigits: 2)) USDT; positions: \(outcome.positions.isEmpty ? "flat" : outcome.positions.joined(separator: ", "))")
            if let failure = outcome.journalFailure { StandardError.write("apogee: warning: order journal stopped: \(failure)\n") }
        } catch {
            StandardError.write("apogee: \(error)\n")
            throw ExitStatus.failure
        }
    }
}
