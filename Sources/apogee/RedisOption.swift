import ArgumentParser
import RedisMirror

/// `--redis URL` and `--redis-instance NAME`: the optional mirror of hot state.
struct RedisOption: ParsableArguments {
    @Option(name: .customLong("redis"), help: ArgumentHelp("Mirror hot state to Redis (off by default); see docs/redis.md.", valueName: "redis://[:password@]host:port/db"))
    var url: String?

    @Option(name: .customLong("redis-instance"), help: "The {instance} part of the Redis keys (apogee:{instance}:…).")
    var instance = "default"

    func validate() throws {
        if let url {
            do { _ = try RedisURL(parsing: url) } catch { throw ValidationError(error.description) }
        }
        guard !instance.isEmpty, instance.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw ValidationError("--redis-instance takes letters, digits, '-', '_' and '.' only (got '\(instance)')")
        }
    }

    /// Starts the mirror, or nil without --redis. A wrong password or database stops
    /// the program with the reason; Redis being away only warns (the mirror
    /// reconnects on its own).
    func start() throws -> RedisMirror? {
        guard let url else { return nil }
        let settings: MirrorSettings
        do { settings = MirrorSettings(url: try RedisURL(parsing: url), instance: instance) } catch {
            StandardError.write("apogee: \(error)\n")
            throw ExitStatus.failure
        }
        do {
            let mirror = try RedisMirror(settings: settings)
            if mirror.status.state != .connected, let reason = mirror.status.lastError {
                StandardError.write("apogee: warning: \(reason); carrying on and reconnecting in the background\n")
            }
            return mirror
        } catch {
            StandardError.write("apogee: \(error)\n")
            throw ExitStatus.failure
        }
    }
}
