import Foundation

/// The writer thread's loop: take, fold into the image, send; reconnect with backoff.
final class MirrorWriter: @unchecked Sendable {
    private unowned let mirror: RedisMirror
    private var connection: RedisConnection?
    private var image: MirrorImage
    private let clock = ContinuousClock()
    private var backoff: Duration
    private var nextAttempt: ContinuousClock.Instant
    private var lastBooks: ContinuousClock.Instant
    private var lastMetrics: ContinuousClock.Instant
    private var random = SystemRandomNumberGenerator()
    private var everLost = false

    init(mirror: RedisMirror, connection: RedisConnection?) {
        self.mirror = mirror
        self.connection = connection
        image = MirrorImage(keys: mirror.keys, ticksKept: mirror.settings.ticksKept)
        backoff = mirror.settings.backoffStart
        nextAttempt = clock.now
        lastBooks = clock.now
        lastMetrics = clock.now
    }

    func run() {
        let settings = mirror.settings
        while true {
            mirror.wait(settings.flushInterval)
            let now = clock.now
            let booksDue = now - lastBooks >= settings.bookInterval
            let metricsDue = now - lastMetrics >= settings.metricsInterval
            if booksDue { lastBooks = now }
            if metricsDue { lastMetrics = now }
            let (batch, stopping) = mirror.take(books: booksDue, metricsDue: metricsDue)
            var commands = image.apply(batch)
            if connection == nil, stopping || now >= nextAttempt {
                if reconnect() { commands = image.rewrite() }
            }
            send(commands, events: batch.events)
            if stopping {
                if connection == nil { mirror.update { $0.state = .stopped } }
                connection = nil
                mirror.finished()
                return
            }
        }
    }

    private func send(_ state: [[String]], events: [String]) {
        guard let connection else {
            if !events.isEmpty { mirror.update { $0.eventsDropped += events.count } }
            return
        }
        guard !state.isEmpty || !events.isEmpty else { return }
        let commands = state + events.map { ["PUBLISH", image.keys.events, $0] }
        do {
            let replies = try connection.pipeline(commands)
            var errors: [String] = []
            for reply in replies { if case .error(let message) = reply { errors.append(message) } }
            let trades = state.reduce(0) { $0 + ($1.first == "LPUSH" ? $1.count - 2 : 0) }
            mirror.update { status in
                status.writes += 1
                status.tradesWritten += trades
                status.eventsPublished += events.count
                status.errorReplies += errors.count
                if let first = errors.first { status.lastError = "Redis answered a mirror command with an error: \(first)" }
            }
        } catch {
            self.connection = nil
            everLost = true
            backoff = mirror.settings.backoffStart
            nextAttempt = clock.now + backoff
            mirror.update { status in
                status.state = .down
                status.outages += 1
                status.eventsDropped += events.count
                status.lastError = error.description
            }
        }
    }

    /// One connection attempt; on failure the next waits longer (with jitter).
    private func reconnect() -> Bool {
        let settings = mirror.settings
        do {
            connection = try RedisConnection(url: settings.url, connectTimeout: settings.connectTimeout, timeout: settings.commandTimeout)
            backoff = settings.backoffStart
            let returning = everLost
            mirror.update { status in
                status.state = .connected
                if returning { status.reconnects += 1 }
            }
            return true
        } catch {
            let jitter = Double.random(in: 0.8...1.2, using: &random)
            nextAttempt = clock.now + backoff * jitter
            backoff = min(backoff * 2, settings.backoffLimit)
            mirror.update { status in
                status.state = error.isTransient ? .down : .stopped
                status.lastError = error.description
            }
            if !error.isTransient { nextAttempt = clock.now + .seconds(3600) }
            return false
        }
    }
}
