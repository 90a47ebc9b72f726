import Foundation
import GRDB

/// Apogee's SQLite database: sessions of market data, and (later) the order journal
/// and backtest runs. WAL mode; named migrations that never change once shipped.
public final class ApogeeDatabase: Sendable {
    public let path: String
    let pool: DatabasePool

    /// `$XDG_DATA_HOME/apogee/apogee.sqlite`, else `~/.local/share/apogee/apogee.sqlite`.
    public static var defaultPath: String {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_DATA_HOME"] ?? (environment["HOME"] ?? ".") + "/.local/share"
        return "\(base)/apogee/apogee.sqlite"
    }

    /// Opens (creating it if needed) and migrates the database at `path`.
    public init(path: String) throws(StorageError) {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw StorageError("cannot create the folder of the database \(path): \(error.localizedDescription)")
            }
        }
        // A newer Apogee's database is refused before anything can write to it: opening
        // the pool would switch a database in rollback-journal mode to WAL (header bytes).
        if FileManager.default.fileExists(atPath: path) {
            try Self.refuseNewerSchema(path: path)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        // WAL with NORMAL sync: a crashed process loses nothing committed; only a power
        // cut can take the last transactions. Syncing every chunk to disk would make an
        // import wait on the disk most of the time.
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch let error as DatabaseError {
            throw Self.explain(error, path: path)
        } catch {
            throw StorageError("cannot open the database \(path): \(error)")
        }
        let migrator = Schema.migrator
        do {
            // Migrating takes the write lock even when there is nothing to do: only a
            // database that needs it is migrated, so that readers (`sessions`, a replay
            // of a session) read while an import or a live session writes (WAL).
            if try !pool.read({ try migrator.hasCompletedMigrations($0) }) {
                try migrator.migrate(pool)
            }
        } catch let error as StorageError {
            throw error
        } catch let error as DatabaseError {
            throw Self.explain(error, path: path)
        } catch {
            throw StorageError("cannot prepare the database \(path): \(error)")
        }
    }

    /// Reads the applied migrations through a read-only connection and refuses a
    /// database that has one this build does not know.
    static func refuseNewerSchema(path: String) throws(StorageError) {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        let applied: Set<String>
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            applied = try queue.read { db in
                try db.tableExists("grdb_migrations") ? try Schema.migrator.appliedIdentifiers(db) : []
            }
            try queue.close()
        } catch let error as DatabaseError {
            throw explain(error, path: path)
        } catch {
            throw StorageError("cannot open the database \(path): \(error)")
        }
        let unknown = applied.subtracting(Schema.migrationNames)
        if !unknown.isEmpty {
            throw StorageError("the database \(path) was written by a newer Apogee (schema \(unknown.sorted().joined(separator: ", "))); it was left untouched: update Apogee or use another --db")
        }
    }

    static func explain(_ error: DatabaseError, path: String) -> StorageError {
        switch error.resultCode {
        case .SQLITE_NOTADB:
            return StorageError("\(path) is not an SQLite database; give --db a new file name or an Apogee database")
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
            return StorageError("cannot write the database \(path) (\(error.message ?? "permission denied")); give --db a writable place")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return StorageError("the database \(path) is locked by another writer; try again when it is done")
        default:
            return StorageError("database \(path): \(error.message ?? "\(error)")")
        }
    }
}
