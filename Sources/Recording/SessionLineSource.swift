#if canImport(Glibc)
import Glibc
#endif
import Foundation
import MarketModel
import Storage

/// The lines of a stored session, chunk by chunk, as a replay reads a file.
public final class SessionLineSource: LineSource {
    public let path: String
    public let fileSize: Int
    /// The market recorded with the session.
    public let market: MarketKind?
    /// The exchange recorded with the session (`binance`, `gateio`).
    public let exchange: String
    public private(set) var fileBytesRead = 0
    public private(set) var lineNumber = 0
    private let database: ApogeeDatabase
    private let session: Int64
    private var sequence = 0
    /// The current chunk, in memory of its own so the lines handed out stay valid
    /// until the next call.
    private var chunk = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    private var offset = 0
    private var exhausted = false

    public init(database: ApogeeDatabase, session: Int64) throws(RecordingError) {
        self.database = database
        self.session = session
        path = "session:\(session)"
        do {
            guard let record = try database.session(session) else {
                throw RecordingError.cannotOpen(path: path, reason: "no session \(session) in \(database.path) (see `apogee sessions`)")
            }
            if !record.complete {
                throw RecordingError.cannotOpen(path: path, reason: "session \(session) is incomplete (its import was interrupted); import the file again")
            }
            fileSize = try database.storedBytes(session: session)
            market = record.market.flatMap(MarketKind.init(rawValue:))
            exchange = record.exchange
        } catch let error as RecordingError {
            throw error
        } catch {
            throw RecordingError.cannotOpen(path: path, reason: "\(error)")
        }
    }

    public func nextLine() throws(RecordingError) -> UnsafeRawBufferPointer? {
        while offset >= chunk.count {
            guard !exhausted else { return nil }
            let data: Data?
            do {
                data = try database.chunk(session: session, sequence: sequence)
            } catch {
                throw RecordingError.readFailed(path: path, reason: error.description)
            }
            guard let data else {
                exhausted = true
                return nil
            }
            chunk.deallocate()
            chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: data.count, alignment: 16)
            data.copyBytes(to: chunk)
            offset = 0
            sequence += 1
            fileBytesRead += chunk.count
        }
        let start = offset
        let base = chunk.baseAddress!
        let end = memchr(base + start, 0x0A, chunk.count - start).map { base.distance(to: $0) } ?? chunk.count
        offset = end + 1
        lineNumber += 1
        return UnsafeRawBufferPointer(rebasing: chunk[start..<end])
    }

    deinit { chunk.deallocate() }
}
