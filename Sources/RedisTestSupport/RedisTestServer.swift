import Processes
import Foundation
import Glibc
import RedisMirror

/// A real `redis-server` on a free loopback port, for tests: started daemonised with
/// no persistence, killed (SIGKILL, as a crash would) on demand or when released.
public final class RedisTestServer: @unchecked Sendable {
    public let port: Int
    public let password: String?
    private let directory: String
    private var pid: pid_t?

    public init(password: String? = nil) throws {
        self.password = password
        port = try Self.freePort()
        directory = NSTemporaryDirectory() + "apogee-redis-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try start()
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(atPath: directory)
    }

    public var url: RedisURL { RedisURL(host: "127.0.0.1", port: port, password: password) }

    /// `redis://…` as a user would type it.
    public var urlText: String {
        password.map { "redis://:\($0)@127.0.0.1:\(port)/0" } ?? "redis://127.0.0.1:\(port)/0"
    }

    /// Starts the server (again, after ``kill()``, on the same port) and waits until
    /// it answers PING.
    public func start() throws {
        var arguments = ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                         "--daemonize", "yes", "--pidfile", directory + "/redis.pid", "--dir", directory, "--logfile", directory + "/redis.log"]
        if let password { arguments += ["--requirepass", password] }
        let status = try ChildProcess.run(arguments, discardingOutput: true)
        guard status == 0 else { throw Failure(reason: "redis-server exited with \(status) (is it installed? scripts/install-deps.sh installs it)") }
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: directory + "/redis.pid", encoding: .utf8), let number = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
               let connection = try? RedisConnection(url: url), (try? connection.command(["PING"])) == .status("PONG") {
                pid = number
                return
            }
            usleep(20_000)
        }
        throw Failure(reason: "redis-server on port \(port) did not answer PING within 10 s")
    }

    /// Kills the server with SIGKILL and waits until its port is closed.
    public func kill() {
        guard let pid else { return }
        _ = Glibc.kill(pid, SIGKILL)
        self.pid = nil
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, (try? RedisConnection(url: url, connectTimeout: .milliseconds(200))) != nil { usleep(10_000) }
        try? FileManager.default.removeItem(atPath: directory + "/redis.pid")
    }

    /// A new client connection to this server.
    public func connect() throws -> RedisConnection { try RedisConnection(url: url) }

    public struct Failure: Error, CustomStringConvertible {
        public var reason: String
        public init(reason: String) { self.reason = reason }
        public var description: String { reason }
    }

    private static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(reason: "socket() failed: errno \(errno)") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw Failure(reason: "bind() failed: errno \(errno)") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
