import EngineCore
import MarketModel
import Simulation
import Strategies
import Trading

/// How well each MoonBot detector finds the events injected into a ``SyntheticMarket``
/// (issue 18): every detector runs detect-only over the whole market, and each detect
/// is matched against the ground truth by symbol and time.
///
/// A detect *hits* an event on its symbol when it comes between a second before the event's start and
/// `grace` after its end (120 s by default: Drops looks back 100 s, so a drop that
/// stays down is detected again once its 30 s penalty is over); a detect of the detector's own kind of event is on target,
/// one of another kind is a cross-detect (Drops firing on a wick, which is a drop of
/// the prints), and one near no event at all is noise.
public struct DetectorScore: Sendable {
    /// The detector for each kind of event, with its MoonBot defaults (AutoBuy off).
    public static let detectors: [(kind: SyntheticMarket.Kind, strategy: String)] = [
        (.pump, "pump"), (.wick, "mstrike"), (.drop, "drops"),
    ]

    public var kind: SyntheticMarket.Kind
    public var strategy: String
    /// Events of this kind injected, and how many of them at least one detect hit.
    public var events: Int
    public var found: Int
    /// Detects fired, and how many hit an event of this kind, of another kind, or none.
    public var detects: Int
    public var onTarget: Int
    public var crossDetects: Int
    public var noise: Int
    /// Symbols with a noise detect (for the report).
    public var noiseSymbols: [String]

    /// Share of the events found (1 with none injected).
    public var recall: Double { events == 0 ? 1 : Double(found) / Double(events) }
    /// Share of the detects that hit an event of this kind (1 with no detect).
    public var precision: Double { detects == 0 ? 1 : Double(onTarget) / Double(detects) }

    /// Scores every detector over `files` (a synthetic market's recordings) against
    /// `truth`, from `start`.
    public static func score(files: [String], truth: [SyntheticMarket.Event], start: Timestamp, grace seconds: Int64 = 120) throws -> [DetectorScore] {
        var scores: [DetectorScore] = []
        for (kind, name) in detectors {
            guard let entry = StrategyCatalog.entry(named: name) else { continue }
            let given: [(String, ParameterValue, String)] = entry.specs.contains { $0.name == "AutoBuy" } ? [("AutoBuy", .flag(false), "score")] : []
            let parameters = try ParameterSet(specs: entry.specs, given: given)
            let cash = Money(whole: 1_000_000)
            let configuration = KernelConfiguration(account: .spot, initialCash: cash, marketKind: .spot)
            var run = BacktestRun(kernel: TradingKernel(configuration: configuration, strategies: [entry.make(parameters)]), venue: SimulatedExchange(settings: SimulationSettings(account: .spot), cash: cash))
            var found: [Detection] = []
            run.observer = { observation in
                if case .delivered(.detect(let detection), _) = observation { found.append(detection) }
            }
            let stream = try RecordingEventStream(options: ReplayOptions(files: files, market: .spot))
            while let item = try stream.next() { run.feed(item.event) }
            run.finish()

            func event(hitBy detection: Detection) -> SyntheticMarket.Event? {
                truth.first { event in
                    // A second early: a step's prints are stamped up to 90 ms before it.
                    let from = start.nanoseconds + Int64(event.second - 1) * 1_000_000_000
                    let until = from + Int64(event.duration) * 1_000_000_000 + seconds * 1_000_000_000
                    return event.symbol == detection.symbol && detection.time.nanoseconds >= from && detection.time.nanoseconds <= until
                }
            }
            var score = DetectorScore(kind: kind, strategy: name, events: truth.filter { $0.kind == kind }.count, found: 0, detects: found.count, onTarget: 0, crossDetects: 0, noise: 0, noiseSymbols: [])
            var hit: Set<SyntheticMarket.Event> = []
            for detection in found {
                guard let event = event(hitBy: detection) else {
                    score.noise += 1
                    if !score.noiseSymbols.contains(detection.symbol) { score.noiseSymbols.append(detection.symbol) }
                    continue
                }
                if event.kind == kind {
                    score.onTarget += 1
                    hit.insert(event)
                } else {
                    score.crossDetects += 1
                }
            }
            score.found = hit.count
            scores.append(score)
        }
        return scores
    }

    /// One line of the report: `pump (pump): 5/5 found, 5 detects: 5 on target, 0 cross, 0 noise`.
    public var summary: String {
        "\(kind.rawValue) (\(strategy)): \(found)/\(events) found (recall \(Self.percent(recall))), \(detects) detects: \(onTarget) on target (precision \(Self.percent(precision))), \(crossDetects) on another kind of event, \(noise) noise" + (noiseSymbols.isEmpty ? "" : " on \(noiseSymbols.prefix(5).joined(separator: ", "))")
    }

    static func percent(_ share: Double) -> String { "\(Int((share * 100).rounded())) %" }
}
