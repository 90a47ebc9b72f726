import Backtesting
import VenueClients
import Foundation
import MarketModel
import RedisMirror
import Storage
import Strategies
import Trading

/// A paper session without a screen: the live feed traded by the strategies on the
/// simulated venue (the engine of the PAPER terminal, on a 2 ms tick), journaled like
/// any session, summed up at the end.
public enum HeadlessPaper {
    public struct Outcome: Sendable {
        public var journalSession: Int64?
        public var events: Int
        public var orders: Int
        public var fills: Int
        public var trades: Int
        public var netPnL: Money
        public var positions: [String]
        public var feed: LiveMarketFeed.Status
        public var snapshots: Int
        public var journalFailure: StorageError?
    }

    /// Runs the strategies named (`--strategy`, with `parameters` for the one named) and
    /// those of `file`, as the terminal would; `ema-reversal` when none is given.
    public static func run(source: LiveEventSource, strategyNames: [String], file: StrategyFile?, parameters: [(key: String, value: ParameterValue, source: String)], risk: RiskSettings = RiskSettings(), database: String?, mirror: RedisMirror? = nil, stopWhen: @Sendable () -> Bool) throws(LiveFailure) -> Outcome {
        let strategies: [(entry: StrategyCatalog.Entry, parameters: ParameterSet)]
        do { strategies = try TerminalStrategies.resolve(names: strategyNames, file: file, parameters: parameters) } catch { throw LiveFailure(description: error.description) }
        let session = ReplaySession(live: source, strategies: { strategies.map { $0.entry.make($0.parameters) } }, risk: risk)
        session.mirror = mirror
        if let database {
            let opened: ApogeeDatabase
            do { opened = try ApogeeDatabase(path: database) } catch { throw LiveFailure(description: "order journal: \(error)") }
            let record = TradingSessionRecord(kind: "paper", venue: "simulator", source: "\(source.venue.rawValue)@\(source.endpoint) " + source.symbols.joined(separator: ","), strategies: strategies.map(\.entry.name).joined(separator: ","), createdAt: Timestamp(nanoseconds: WallClock.now()).description)
            var failure: String?
            session.openJournal = {
                do { return try TradingJournal(database: opened, session: record) } catch {
                    failure = "\(error)"
                    return nil
                }
            }
            if let failure { throw LiveFailure(description: "order journal: \(failure)") }
        }
        var last = WallClock.now()
        while !stopWhen() {
            usleep(2_000)
            let now = WallClock.now()
            session.advance(wallNanoseconds: now - last)
            last = now
        }
        session.closeJournal()
        let kernel = session.kernel
        return Outcome(
            journalSession: session.journalSessionID, events: session.eventsFed,
            orders: kernel.orderCount, fills: session.run.fills,
            trades: kernel.journal.count, netPnL: kernel.journal.reduce(Money.zero) { $0 + $1.netPnL },
            positions: kernel.account.openPositions.map { "\($0.symbol) \($0.quantity)" },
            feed: source.status, snapshots: source.snapshotsApplied, journalFailure: session.journalFailure)
    }
}
