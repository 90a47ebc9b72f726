import Dispatch
import Foundation
import Synchronization

/// What it costs to hand a market frame from the network thread to whoever owns the
/// engine, measured from the frame's hand-over to the moment the owner starts on it:
///
/// - **lock**: today's design — the network thread takes the engine's lock and runs the
///   frame itself (the owner is whoever holds the lock);
/// - **actor**: the engine as a Swift actor — the network thread starts a `Task` that
///   awaits the actor;
/// - **thread**: a single-owner thread with a mailbox — the network thread posts the
///   frame and signals; the owner thread wakes and runs it.
///
/// The frames come one at a time with a pause between them, as a quiet market's do:
/// every hand-over finds the owner idle, which is the case that decides an order's
/// latency. Figures are nanoseconds, percentiles of `frames` hand-overs.
public enum HandoffBenchmark {
    public struct Figures: Sendable {
        public var name: String
        public var p50: Int64
        public var p99: Int64
    }

    public static func run(frames: Int = 20_000) -> [Figures] {
        [("lock", measureLock), ("actor", measureActor), ("thread", measureThread)].map { name, measure in
            var samples = measure(frames)
            samples.sort()
            return Figures(name: name, p50: samples[samples.count / 2], p99: samples[samples.count * 99 / 100])
        }
    }

    static func now() -> Int64 { Int64(DispatchTime.now().uptimeNanoseconds) }

    /// The pause between frames (a quiet market), so the owner is idle at each one.
    static func pause() {
        let until = now() + 20_000
        while now() < until {}
    }

    static func measureLock(_ frames: Int) -> [Int64] {
        let lock = NSRecursiveLock()
        var samples: [Int64] = []
        samples.reserveCapacity(frames)
        for _ in 0..<frames {
            let handed = now()
            lock.lock()
            samples.append(now() - handed)
            lock.unlock()
            pause()
        }
        return samples
    }

    actor Engine {
        var samples: [Int64] = []
        func handle(handedAt: Int64) { samples.append(HandoffBenchmark.now() - handedAt) }
        func taken() -> [Int64] { samples }
    }

    static func measureActor(_ frames: Int) -> [Int64] {
        let engine = Engine()
        let done = DispatchSemaphore(value: 0)
        for index in 0..<frames {
            let handed = now()
            Task {
                await engine.handle(handedAt: handed)
                if index == frames - 1 { done.signal() }
            }
            pause()
        }
        done.wait()
        let result = Mutex<[Int64]>([])
        let read = DispatchSemaphore(value: 0)
        Task {
            let samples = await engine.taken()
            result.withLock { $0 = samples }
            read.signal()
        }
        read.wait()
        return result.withLock { $0 }
    }

    final class Mailbox: @unchecked Sendable {
        let condition = NSCondition()
        var waiting: [Int64] = []
        var samples: [Int64] = []
        var finished = false
    }

    static func measureThread(_ frames: Int) -> [Int64] {
        let box = Mailbox()
        let owner = Thread {
            box.condition.lock()
            while !box.finished || !box.waiting.isEmpty {
                if box.waiting.isEmpty { box.condition.wait(); continue }
                let handed = box.waiting.removeFirst()
                box.samples.append(HandoffBenchmark.now() - handed)
            }
            box.condition.unlock()
        }
        owner.start()
        for _ in 0..<frames {
            box.condition.lock()
            box.waiting.append(now())
            box.condition.signal()
            box.condition.unlock()
            pause()
        }
        box.condition.lock()
        box.finished = true
        box.condition.signal()
        box.condition.unlock()
        while true {
            box.condition.lock()
            let count = box.samples.count
            box.condition.unlock()
            if count == frames { break }
            pause()
        }
        return box.samples
    }
}
