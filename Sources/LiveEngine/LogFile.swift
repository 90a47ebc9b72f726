import EngineCore
import Foundation

/// The engine's log, appended to a file: the screen belongs to the view.
/// `$XDG_STATE_HOME/apogee/apogee.log`, else `~/.local/state/apogee/apogee.log`.
public final class LogFile {
    public let path: String
    private let handle: FileHandle

    public init?() {
        let environment = ProcessInfo.processInfo.environment
        guard let base = environment["XDG_STATE_HOME"] ?? environment["HOME"].map({ "\($0)/.local/state" }) else { return nil }
        let folder = "\(base)/apogee"
        path = "\(folder)/apogee.log"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
        } catch {
            return nil
        }
    }

    deinit { try? handle.close() }

    public func write(_ line: LogLine) {
        handle.write(Data((line.description + "\n").utf8))
    }
}
