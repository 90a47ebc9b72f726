import CHiredis
import Glibc

/// One blocking connection to Redis through hiredis, used by a single thread.
///
/// Connecting authenticates and selects the database from the URL. Every read and
/// write is bounded by the timeout, so a Redis that hangs turns into an error instead
/// of a stuck thread. After an I/O error the connection is dead: make a new one.
public final class RedisConnection {
    public let url: RedisURL
    private let context: UnsafeMutablePointer<redisContext>

    public init(url: RedisURL, connectTimeout: Duration = .seconds(1), timeout: Duration = .seconds(2)) throws(RedisError) {
        self.url = url
        guard let context = redisConnectWithTimeout(url.host, Int32(url.port), Self.timeval(connectTimeout)) else {
            throw .unreachable(address: url.address, reason: "could not allocate a connection")
        }
        if chr_context_err(context) != 0 {
            let reason = String(cString: chr_context_errstr(context))
            redisFree(context)
            throw .unreachable(address: url.address, reason: reason)
        }
        self.context = context
        _ = redisSetTimeout(context, Self.timeval(timeout))
        if let password = url.password {
            let arguments = url.user.map { ["AUTH", $0, password] } ?? ["AUTH", password]
            let reply = try command(arguments, name: "AUTH")
            if case .error(let message) = reply { throw .authentication(address: url.address, reason: message) }
        }
        else if case .error(let message) = try command(["PING"], name: "PING"), message.hasPrefix("NOAUTH") {
            throw .authentication(address: url.address, reason: message)
        }
        if url.database != 0 {
            let reply = try command(["SELECT", String(url.database)], name: "SELECT")
            if case .error(let message) = reply { throw .selectDatabase(address: url.address, database: url.database, reason: message) }
        }
    }

    deinit { redisFree(context) }

    /// Sends one command and waits for its reply. An error *reply* is returned as
    /// ``RedisReply/error(_:)``; a dead connection throws.
    @discardableResult
    public func command(_ arguments: [String]) throws(RedisError) -> RedisReply {
        try command(arguments, name: arguments.first ?? "")
    }

    /// Sends every command, then reads every reply: one round trip for the lot.
    @discardableResult
    public func pipeline(_ commands: [[String]]) throws(RedisError) -> [RedisReply] {
        for arguments in commands { try append(arguments) }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands { replies.append(try readReply()) }
        return replies
    }

    /// Reads the next reply (a pub/sub message on a subscribed connection).
    public func readReply() throws(RedisError) -> RedisReply {
        var raw: UnsafeMutableRawPointer?
        guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw lost() }
        let reply = raw.assumingMemoryBound(to: redisReply.self)
        defer { freeReplyObject(raw) }
        return RedisReply(UnsafePointer(reply))
    }

    private func command(_ arguments: [String], name: String) throws(RedisError) -> RedisReply {
        try append(arguments)
        return try readReply()
    }

    /// Queues a command in hiredis' output buffer (binary-safe: lengths are passed).
    private func append(_ arguments: [String]) throws(RedisError) {
        var bytes: [UInt8] = []
        var lengths: [Int] = []
        lengths.reserveCapacity(arguments.count)
        for argument in arguments {
            bytes.append(contentsOf: argument.utf8)
            lengths.append(argument.utf8.count)
        }
        let status: Int32 = bytes.withUnsafeBufferPointer { buffer in
            var pointers: [UnsafePointer<CChar>?] = []
            pointers.reserveCapacity(arguments.count)
            var offset = 0
            let base = buffer.baseAddress.map { UnsafeRawPointer($0) } ?? UnsafeRawPointer(bitPattern: 1)!
            for length in lengths {
                pointers.append((base + offset).assumingMemoryBound(to: CChar.self))
                offset += length
            }
            return pointers.withUnsafeMutableBufferPointer { argv in
                lengths.withUnsafeBufferPointer { argvlen in
                    redisAppendCommandArgv(context, Int32(arguments.count), argv.baseAddress, argvlen.baseAddress)
                }
            }
        }
        guard status == REDIS_OK else { throw lost() }
    }

    private func lost() -> RedisError {
        let code = chr_context_err(context)
        var reason = String(cString: chr_context_errstr(context))
        if code == REDIS_ERR_IO, reason.isEmpty || reason.contains("Resource temporarily unavailable") {
            reason = "no answer within the timeout"
        } else if code == REDIS_ERR_EOF {
            reason = "the server closed the connection"
        }
        return .connectionLost(address: url.address, reason: reason)
    }

    private static func timeval(_ duration: Duration) -> Glibc.timeval {
        let parts = duration.components
        return Glibc.timeval(tv_sec: Int(parts.seconds), tv_usec: Int(parts.attoseconds / 1_000_000_000_000))
    }
}
