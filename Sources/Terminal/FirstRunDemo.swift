import Foundation
import Recording
import Simulation

/// The demo market `apogee` opens by default: a 40-symbol synthetic spot market (BTC
/// and 39 coins priced over eight decades, each with its own tick and lot, following
/// BTC, with a few pumps, wicks and drops), generated from a fixed seed into the data
/// folder on first run and reused after. Generated rather than bundled: forty symbols
/// of eight minutes are about 18 MB of gzip, too much to keep in the repository, and
/// a few seconds to write.
public enum FirstRunDemo {
    public static let symbols = 40
    public static let seconds = 480
    public static let seed: UInt64 = 2026

    /// `$XDG_DATA_HOME/apogee/demo-market-40x480-s2026`, else under `~/.local/share`.
    /// The name carries what made it, so a different generator setting never reuses it.
    public static func folder(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (environment["HOME"] ?? ".") + "/.local/share"
        return "\(base)/apogee/demo-market-\(symbols)x\(seconds)-s\(seed)"
    }

    /// The demo's recordings, written first if they are not there yet (`progress` is
    /// told how many symbols are done). The files go into a scratch folder renamed into
    /// place at the end, so a run stopped halfway never leaves a half market behind.
    public static func recordings(in folder: String = folder(), progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) throws(DemoData.Failure) -> [String] {
        removeAbandonedScratch(of: folder)
        if let found = existing(in: folder) { return found }
        let manager = FileManager.default
        let scratch = "\(folder).partial-\(getpid())"
        do {
            try? manager.removeItem(atPath: scratch)
            try manager.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        } catch {
            throw DemoData.Failure(description: "cannot make the demo market's folder \(scratch): \(error.localizedDescription)")
        }
        let market = SyntheticMarket(seed: seed, symbols: symbols, seconds: seconds)
        let total = market.listings.count
        do {
            _ = try DemoData.writeSyntheticMarket(market, to: scratch) { done in progress?(done, total) }
        } catch {
            try? manager.removeItem(atPath: scratch)
            throw error
        }
        // Another apogee may have finished first: its folder is as good as ours.
        if rename(scratch, folder) != 0 {
            try? manager.removeItem(atPath: scratch)
            guard let found = existing(in: folder) else {
                throw DemoData.Failure(description: "cannot move the demo market into \(folder): \(String(cString: strerror(errno)))")
            }
            return found
        }
        return existing(in: folder) ?? []
    }

    /// Scratch folders of writers that are gone (stopped by a signal, or the machine
    /// went down): never used, so removed, not left to pile up.
    static func removeAbandonedScratch(of folder: String) {
        let parent = (folder as NSString).deletingLastPathComponent
        let prefix = (folder as NSString).lastPathComponent + ".partial-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] where name.hasPrefix(prefix) {
            guard let pid = pid_t(name.dropFirst(prefix.count)) else { continue }
            let writerGone = pid == getpid() || (kill(pid, 0) != 0 && errno == ESRCH)
            guard writerGone else { continue }
            try? FileManager.default.removeItem(atPath: "\(parent)/\(name)")
        }
    }

    /// The recordings of a complete demo folder, sorted; nil when there is none.
    static func existing(in folder: String) -> [String]? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return nil }
        let files = names.filter { $0.hasSuffix(".gz") }.sorted()
        return files.isEmpty ? nil : files.map { "\(folder)/\($0)" }
    }
}
