import Foundation
import Runtime

/// Runs the built `apogee` executable as a user would, capturing what it prints.
struct ApogeeProcess {
    var status: Int32
    var standardOutput: String
    var standardError: String

    /// The `apogee` binary beside this test bundle (SwiftPM builds both into one folder).
    static let executable: String = {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        // On Linux the test binary may sit inside a `.xctest` folder.
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("apogee").path), folder.path != "/" {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent("apogee").path
    }()

    static func run(_ arguments: [String]) throws -> ApogeeProcess {
        let directory = NSTemporaryDirectory() + "apogee-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let out = directory + "/stdout"
        let err = directory + "/stderr"
        let status = try ChildProcess.run([executable] + arguments, standardOutput: out, standardError: err)
        return ApogeeProcess(
            status: status,
            standardOutput: try String(contentsOfFile: out, encoding: .utf8),
            standardError: try String(contentsOfFile: err, encoding: .utf8))
    }

    static let sharedData: String = {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/binance").path
    }()
}
