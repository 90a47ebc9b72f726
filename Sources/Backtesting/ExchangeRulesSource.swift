import Feeds
import Foundation
import MarketModel
import Trading

/// Where a backtest or a replay takes the exchange's filters from: a saved
/// exchangeInfo answer (`--exchange-info FILE`, or `exchangeinfo.json` beside the
/// recordings), or nowhere, in which case the kernel infers tick and lot from the
/// prices it sees and the report says so.
public struct ExchangeRulesSource: Sendable {
    /// The name a recorder saves the exchange's answer under, beside its files.
    public static let besideRecordings = "exchangeinfo.json"

    public var rules: [String: SymbolRules]
    /// Where they came from, for the report ("", with no rules).
    public var path: String

    public init(rules: [String: SymbolRules] = [:], path: String = "") {
        self.rules = rules
        self.path = path
    }

    /// For the report: what the orders were checked against.
    public var summary: String {
        rules.isEmpty
            ? "none: tick and lot inferred from the prices seen, no minimum notional (save the exchange's exchangeInfo answer as \(Self.besideRecordings) beside the recordings, or give --exchange-info FILE)"
            : "\(rules.count) symbol(s) from \(path)"
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The rules `explicit` names, or those recorded in the recordings themselves
    /// (`recorded`: the rules in force when they were made), or those saved beside the
    /// first recording file, or none. An explicit file that cannot be read is an
    /// error; a missing file beside the recordings is not.
    public static func resolve(explicit: String?, recordings: [String], recorded: [String: SymbolRules] = [:], at now: Timestamp = Timestamp(nanoseconds: 0)) throws(Failure) -> ExchangeRulesSource {
        if let explicit { return try load(explicit, at: now) }
        if !recorded.isEmpty { return ExchangeRulesSource(rules: recorded, path: "the recording (the exchange's exchangeInfo when it was recorded)") }
        guard let first = recordings.first(where: { ReplayOptions.sessionID($0) == nil }) else { return ExchangeRulesSource() }
        let folder = (first as NSString).deletingLastPathComponent
        let beside = folder.isEmpty ? besideRecordings : folder + "/" + besideRecordings
        guard FileManager.default.fileExists(atPath: beside) else { return ExchangeRulesSource() }
        return try load(beside, at: now)
    }

    public static func load(_ path: String, at now: Timestamp) throws(Failure) -> ExchangeRulesSource {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "cannot read exchange rules \(path): no such file or not readable")
        }
        do {
            let list = try parse(Array(data), at: now)
            return ExchangeRulesSource(rules: Dictionary(list.map { ($0.symbol, $0) }, uniquingKeysWith: { _, last in last }), path: path)
        } catch {
            throw Failure(description: "exchange rules \(path): \(error)")
        }
    }

    /// Every symbol a Binance exchangeInfo answer lists, in its order. USD-M answers are told apart by
    /// their contract fields (`contractType`), or `futures` says which.
    public static func parse(_ bytes: [UInt8], futures: Bool? = nil, at now: Timestamp) throws(FeedError) -> [SymbolRules] {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            throw FeedError("not a JSON object (an exchangeInfo answer is one)")
        }
        guard let symbols = object["symbols"] as? [[String: Any]] else {
            throw FeedError("no \"symbols\" list (is this an exchangeInfo answer?)")
        }
        var rules: [SymbolRules] = []
        for (index, entry) in symbols.enumerated() {
            guard let symbol = entry["symbol"] as? String, !symbol.isEmpty else {
                throw FeedError("symbols[\(index)] has no \"symbol\" name")
            }
            rules.append(BinanceExchangeInfo.rules(entry, symbol: symbol, futures: futures ?? (entry["contractType"] != nil), at: now))
        }
        return rules
    }

    /// A Gate.io market's details as `apogee record` saves them
    /// (`{"gate_currency_pair":{…}}` or `{"gate_contract":{…}}`): its rules, and a
    /// contract's size.
    public static func parseGate(_ bytes: [UInt8], at now: Timestamp) throws(FeedError) -> (rules: SymbolRules, multiplier: Quantity?) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            throw FeedError("not a JSON object")
        }
        let futures = object["gate_contract"] != nil
        guard let details = (object["gate_contract"] ?? object["gate_currency_pair"]) as? [String: Any] else {
            throw FeedError("neither gate_contract nor gate_currency_pair holds an object")
        }
        guard let symbol = GateSymbolDetails.symbol(details) else {
            throw FeedError("the details name no market (no \"id\" or \"name\")")
        }
        return (try GateSymbolDetails.rules(details, symbol: symbol, futures: futures, at: now), futures ? GateSymbolDetails.multiplier(details) : nil)
    }

}
