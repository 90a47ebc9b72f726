#if canImport(Glibc)
import Glibc
#endif

/// Runs another program and waits for it.
///
/// Children are started with `posix_spawn`, an empty signal mask and default signal
/// handlers: a child started from a thread of Swift concurrency would otherwise inherit
/// a mask that blocks SIGTERM and could never be stopped (see
/// `../shared/reference/toolchain.md`).
public enum ChildProcess {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `arguments` (looked up on `PATH`) with stdout sent to `/dev/null`;
    /// returns the exit status.
    @discardableResult
    public static func run(_ arguments: [String], discardingOutput: Bool = true) throws(Failure) -> Int32 {
        try run(arguments, standardOutput: discardingOutput ? "/dev/null" : nil, standardError: nil)
    }

    /// Runs `arguments` with stdin from `/dev/null` and stdout and stderr written to
    /// the given files (inherited when `nil`); returns the exit status.
    public static func run(_ arguments: [String], standardOutput: String?, standardError: String?) throws(Failure) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if let standardOutput {
            posix_spawn_file_actions_addopen(&actions, 1, standardOutput, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        if let standardError {
            posix_spawn_file_actions_addopen(&actions, 2, standardError, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        cArguments.append(nil)
        defer { for pointer in cArguments { free(pointer) } }
        var pid = pid_t()
        let status = posix_spawnp(&pid, arguments[0], &actions, &attributes, cArguments, environ)
        guard status == 0 else {
            throw Failure(description: "cannot start \(arguments[0]): \(String(cString: strerror(status)))")
        }
        var exitStatus: Int32 = 0
        while waitpid(pid, &exitStatus, 0) < 0 {
            guard errno == EINTR else { throw Failure(description: "waiting for \(arguments[0]) failed") }
        }
        // WIFEXITED / WEXITSTATUS are macros Swift cannot import.
        if exitStatus & 0x7F == 0 { return (exitStatus >> 8) & 0xFF }
        return 128 + (exitStatus & 0x7F)
    }
}
