import CompressNIO
import Foundation
import NIOCore
import Simulation

/// Writes the bundled demo recording: `DemoMarket`'s lines, gzip-compressed. The same
/// seed writes the same bytes (zlib is deterministic and the gzip header carries no time).
public enum DemoData {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// The folder the demo files go in, one per symbol: `demo_btcusdt.gz`, ...
    public static let defaultFolder = "data"

    /// Generates and writes the demo files; returns (paths, lines, bytes written).
    @discardableResult
    public static func write(to folder: String, seed: UInt64 = 2026, seconds: Int = 480) throws(Failure) -> (paths: [String], lines: Int, bytes: Int) {
        var paths: [String] = []
        var lineCount = 0
        var byteCount = 0
        let market = DemoMarket(seed: seed, seconds: seconds)
        // The exchange's rules beside the recordings, as a recorder saves them.
        let rulesPath = "\(folder)/exchangeinfo.json"
        do {
            try Data(market.exchangeInfo().utf8).write(to: URL(fileURLWithPath: rulesPath), options: .atomic)
        } catch {
            throw Failure(description: "cannot write \(rulesPath): \(error.localizedDescription)")
        }
        for recording in market.recordings() {
            let path = "\(folder)/demo_\(recording.symbol.lowercased()).gz"
            let text = recording.lines.joined(separator: "\n") + "\n"
            let compressed: [UInt8]
            do {
                compressed = try gzip(Array(text.utf8))
            } catch {
                throw Failure(description: "gzip failed: \(error)")
            }
            do {
                try Data(compressed).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw Failure(description: "cannot write \(path): \(error.localizedDescription)")
            }
            paths.append(path)
            lineCount += recording.lines.count
            byteCount += compressed.count
        }
        return (paths, lineCount, byteCount)
    }

    /// Writes a ``SyntheticMarket``: one gzip file per symbol (`spot_<symbol>.gz`),
    /// `exchangeinfo.json` beside them, and the injected events in `truth.jsonl`.
    /// Symbols are generated on every core; `progress` hears how many are written.
    @discardableResult
    public static func writeSyntheticMarket(_ market: SyntheticMarket, to folder: String, progress: (@Sendable (Int) -> Void)? = nil) throws(Failure) -> (paths: [String], lines: Int, bytes: Int) {
        func write(_ bytes: [UInt8], _ path: String) throws(Failure) {
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw Failure(description: "cannot write \(path): \(error.localizedDescription)")
            }
        }
        try write(Array(market.exchangeInfo().utf8), "\(folder)/exchangeinfo.json")
        try write(Array(market.truthLines().utf8), "\(folder)/truth.jsonl")
        let btc = market.btcPath()
        let results = SyntheticResults(count: market.listings.count)
        DispatchQueue.concurrentPerform(iterations: market.listings.count) { index in
            let listing = market.listings[index]
            let path = "\(folder)/spot_\(listing.name.lowercased()).gz"
            let lines = market.recording(of: listing, btc: btc)
            let outcome: Result<(Int, Int), Failure>
            do {
                let compressed = try gzip(Array((lines.joined(separator: "\n") + "\n").utf8))
                try Data(compressed).write(to: URL(fileURLWithPath: path), options: .atomic)
                outcome = .success((lines.count, compressed.count))
            } catch {
                outcome = .failure(Failure(description: "cannot write \(path): \(error)"))
            }
            progress?(results.set(index, outcome))
        }
        var lines = 0
        var bytes = 0
        for outcome in results.outcomes {
            switch outcome {
            case .success(let written):
                lines += written.0
                bytes += written.1
            case .failure(let failure):
                throw failure
            case nil:
                throw Failure(description: "a symbol was not written")
            }
        }
        return (market.listings.map { "\(folder)/spot_\($0.name.lowercased()).gz" }, lines, bytes)
    }

    /// Writes ``SpikeScenario`` as `spot_spikeusdt_scenario.gz` in `folder`; returns its path.
    @discardableResult
    public static func writeSpikeScenario(to folder: String, seed: UInt64 = 7) throws(Failure) -> String {
        let path = "\(folder)/spot_spikeusdt_scenario.gz"
        let text = SpikeScenario(seed: seed).lines().joined(separator: "\n") + "\n"
        let compressed: [UInt8]
        do {
            compressed = try gzip(Array(text.utf8))
        } catch {
            throw Failure(description: "gzip failed: \(error)")
        }
        do {
            try Data(compressed).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw Failure(description: "cannot write \(path): \(error.localizedDescription)")
        }
        return path
    }

    public static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let allocator = ByteBufferAllocator()
        var input = allocator.buffer(capacity: bytes.count)
        input.writeBytes(bytes)
        let compressor = try ZlibCompressor(algorithm: .gzip, configuration: ZlibConfiguration(compressionLevel: 9))
        var output = allocator.buffer(capacity: compressor.maxSize(from: input))
        try compressor.deflate(from: &input, to: &output, flush: .finish)
        return output.readBytes(length: output.readableBytes) ?? []
    }
}

/// What each symbol's writer did, filled from several threads.
private final class SyntheticResults: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var outcomes: [Result<(Int, Int), DemoData.Failure>?]
    private var done = 0

    init(count: Int) { outcomes = Array(repeating: nil, count: count) }

    /// Records one symbol's outcome; returns how many are done.
    func set(_ index: Int, _ outcome: Result<(Int, Int), DemoData.Failure>) -> Int {
        lock.lock()
        defer { lock.unlock() }
        outcomes[index] = outcome
        done += 1
        return done
    }
}
