import Processes
import Foundation
import LiveEngine

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

    /// `environment` is added to this process's (through env(1)).
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> ApogeeProcess {
        let directory = NSTemporaryDirectory() + "apogee-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let out = directory + "/stdout"
        let err = directory + "/stderr"
        let prefix = environment.isEmpty ? [] : ["/usr/bin/env"] + environment.keys.sorted().map { "\($0)=\(environment[$0]!)" }
        let status = try ChildProcess.run(prefix + [executable] + arguments, standardOutput: out, standardError: err)
        return ApogeeProcess(
            status: status,
            standardOutput: try String(contentsOfFile: out, encoding: .utf8),
            standardError: try String(contentsOfFile: err, encoding: .utf8))
    }

    static let sharedData: String = {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/binance").path
    }()

    /// Starts a process without waiting for it (output discarded); returns its pid.
    static func spawnDetached(_ arguments: [String]) throws -> pid_t {
        var pid = pid_t()
        var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        cArguments.append(nil)
        defer { for pointer in cArguments { free(pointer) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let result = posix_spawn(&pid, arguments[0], &actions, nil, cArguments, environ)
        guard result == 0 else { throw CocoaError(.executableLoad) }
        return pid
    }
}
