import GRDB

/// A session: market data recorded, imported, backtested or traded live.
public struct SessionRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    public static let databaseTableName = "session"

    public var id: Int64?
    public var kind: String
    public var source: String
    public var sourceHash: String?
    public var exchange: String
    public var market: String?
    public var symbols: String
    public var firstReceivedNs: Int64?
    public var lastReceivedNs: Int64?
    public var lines: Int
    public var complete: Bool
    public var createdAt: String

    enum CodingKeys: String, CodingKey {
        case id, kind, source, exchange, market, symbols, lines, complete
        case sourceHash = "source_hash"
        case firstReceivedNs = "first_received_ns"
        case lastReceivedNs = "last_received_ns"
        case createdAt = "created_at"
    }

    public init(id: Int64? = nil, kind: String, source: String, sourceHash: String?, exchange: String, market: String?, symbols: String, firstReceivedNs: Int64? = nil, lastReceivedNs: Int64? = nil, lines: Int = 0, complete: Bool = false, createdAt: String) {
        self.id = id
        self.kind = kind
        self.source = source
        self.sourceHash = sourceHash
        self.exchange = exchange
        self.market = market
        self.symbols = symbols
        self.firstReceivedNs = firstReceivedNs
        self.lastReceivedNs = lastReceivedNs
        self.lines = lines
        self.complete = complete
        self.createdAt = createdAt
    }

}

extension ApogeeDatabase {
    /// Every session, oldest first.
    public func sessions() throws(StorageError) -> [SessionRecord] {
        do {
            return try pool.read { try SessionRecord.order(Column("id")).fetchAll($0) }
        } catch {
            throw StorageError("cannot list the sessions of \(path): \(error)")
        }
    }

    public func session(_ id: Int64) throws(StorageError) -> SessionRecord? {
        do {
            return try pool.read { try SessionRecord.fetchOne($0, key: id) }
        } catch {
            throw StorageError("cannot read session \(id) of \(path): \(error)")
        }
    }
}
