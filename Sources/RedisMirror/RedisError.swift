/// What went wrong talking to Redis, in words a trader can act on. Never holds the
/// password: URLs are printed through ``RedisURL/description``.
public enum RedisError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidURL(String, reason: String)
    case unreachable(address: String, reason: String)
    case authentication(address: String, reason: String)
    case selectDatabase(address: String, database: Int, reason: String)
    case connectionLost(address: String, reason: String)
    case reply(command: String, message: String)

    public var description: String {
        switch self {
        case .invalidURL(let url, let reason):
            return "the Redis URL \(url) is not valid: \(reason)"
        case .unreachable(let address, let reason):
            return "Redis at \(address) is unreachable: \(reason)"
        case .authentication(let address, let reason):
            return "Redis at \(address) refused the credentials (\(reason)); check the password in --redis redis://:PASSWORD@host:port/db"
        case .selectDatabase(let address, let database, let reason):
            return "Redis at \(address) refused database \(database) (\(reason)); check the /db part of --redis"
        case .connectionLost(let address, let reason):
            return "lost the connection to Redis at \(address): \(reason)"
        case .reply(let command, let message):
            return "Redis answered \(command) with an error: \(message)"
        }
    }

    /// Whether retrying later can help (a wrong password or database will not).
    public var isTransient: Bool {
        switch self {
        case .unreachable, .connectionLost: return true
        case .invalidURL, .authentication, .selectDatabase, .reply: return false
        }
    }
}
