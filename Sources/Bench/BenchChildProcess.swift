import Foundation
import Venues

/// What the live benchmarks share: an API key file for the fake exchange's account,
/// and `apogee` itself spawned as the measured process.
public enum BenchChildProcess {
    /// A 0600 keys file in `folder` and the account the fake exchange accepts for it.
    public static func keys(in folder: String) throws -> (path: String, account: APICredentials) {
        let path = folder + "/keys.toml"
        try "[binance]\nkey = \"bench-key-0123456789\"\nsecret = \"bench-secret-0123456789\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        return (path, APICredentials(key: "bench-key-0123456789", secret: "bench-secret-0123456789"))
    }

    /// This executable's own path (the child runs the same build).
    public static var executable: String { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path }

    /// Starts `arguments` without waiting: standard output to `output`, errors dropped.
    public static func spawn(_ arguments: [String], output: String = "/dev/null") throws -> pid_t {
        var pid = pid_t()
        var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        cArguments.append(nil)
        defer { for pointer in cArguments { free(pointer) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        guard posix_spawn(&pid, arguments[0], &actions, nil, cArguments, environ) == 0 else { throw CocoaError(.executableLoad) }
        return pid
    }
}
