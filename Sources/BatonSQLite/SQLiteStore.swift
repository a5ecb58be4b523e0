public import BatonModel
public import BatonPersistence
import CSQLiteSettings
import Foundation
import GRDB
import Synchronization

/// Baton's embedded store: one SQLite file in WAL mode, written through a group-committing writer.
public final class SQLiteStore: Store {
    /// How hard SQLite works to make a commit survive a crash.
    public enum Durability: String, Sendable, CaseIterable {
        /// Every commit is flushed to disk before it is acknowledged: survives power loss.
        case full = "FULL"
        /// Commits survive a crash of the process (`kill -9`); the last ones may be lost on power loss.
        case normal = "NORMAL"
    }

    /// SQLite's settings for the whole process, made once, before the first store opens its database: without
    /// memory statistics, SQLite's allocations take no global mutex (5 % of the writer's time). A process that
    /// used SQLite before keeps them; nothing else changes.
    private static let processSettings: Void = { _ = baton_sqlite_disable_memory_statistics() }()

    private let pool: DatabasePool
    let batcher: WriteBatcher
    private let checkpointer: Checkpointer
    let definitions: DefinitionSnapshots
    /// The tasks of large live executions as last committed (see `ExecutionCache`).
    let executions: ExecutionCache
    /// Large payloads, kept apart from their rows.
    let payloads: StoredPayloads

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    ///
    /// - Parameters:
    ///   - busyTimeout: how long a write waits for a lock another process holds on the file before it fails as
    ///     unavailable (HTTP 503, retryable).
    ///   - payloads: from what size a workflow's or task's input or output is stored apart from its row.
    public convenience init(path: String, durability: Durability = .full, busyTimeout: Duration = .seconds(10),
                            payloads: PayloadLimits = PayloadLimits()) throws {
        try self.init(path: path, durability: durability, busyTimeout: busyTimeout, payloads: payloads,
                      executionCache: ExecutionCache.Policy())
    }

    /// Opens the database as `init(path:durability:busyTimeout:payloads:)` does, caching large executions by
    /// `executionCache`.
    init(path: String, durability: Durability, busyTimeout: Duration, payloads: PayloadLimits = PayloadLimits(),
         executionCache: ExecutionCache.Policy) throws {
        _ = Self.processSettings
        var configuration = Configuration()
        let (seconds, attoseconds) = busyTimeout.components
        configuration.busyMode = .timeout(Double(seconds) + Double(attoseconds) / 1e18)
        configuration.maximumReaderCount = 8
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // The writer keeps the indexes' hot pages in memory (64 MiB at most; readers keep SQLite's default),
            // and the savepoint of each job in a group commit journals the pages it changes in memory, not
            // in a temporary file (which cost two `pwrite`s per page and job). Its checkpoints are a bound on
            // the log's size: the `Checkpointer` copies commits into the database file on its own connection.
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA cache_size = -65536")
                try db.execute(sql: "PRAGMA temp_store = MEMORY")
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Checkpointer.writerCheckpointPages)")
            }
        }
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            pool = try DatabasePool(path: path, configuration: configuration)
            // Set on the writer once the pool is open: when it turns WAL on, GRDB sets `synchronous = NORMAL` on
            // its writer, after `prepareDatabase` has run, so a setting made there never held for commits.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(durability.rawValue)") }
            try Schema.migrator.migrate(pool)
            checkpointer = try Checkpointer(path: path, synchronous: durability.rawValue)
        } catch {
            throw StoreError(.failed, "Cannot open the SQLite database at \(path): \(error)")
        }
        let executions = ExecutionCache(policy: executionCache)
        batcher = WriteBatcher(writer: pool, began: { executions.transactionBegan() },
                               committed: { [checkpointer] in
                                   executions.transactionCommitted()
                                   checkpointer.committed()
                               })
        definitions = DefinitionSnapshots()
        self.executions = executions
        self.payloads = StoredPayloads(limits: payloads)
    }

    public func write<Result: Sendable>(
        _ body: @escaping @Sendable (any StoreTransaction) throws -> Result
    ) async throws -> Result {
        do {
            return try await batcher.write(job(body))
        } catch let error as DatabaseError {
            throw StoreError(error)
        }
    }

    public func writeInBackground<Result: Sendable>(
        _ body: @escaping @Sendable (any StoreTransaction) throws -> Result
    ) async throws -> Result {
        do {
            return try await batcher.write(job(body), inBackground: true)
        } catch let error as DatabaseError {
            throw StoreError(error)
        }
    }

    public func writeEach<Result: Sendable>(
        _ bodies: [@Sendable (any StoreTransaction) throws -> Result]
    ) async -> [Swift.Result<Result, any Error>] {
        return await batcher.writeEach(bodies.map(job)).map { outcome in
            outcome.mapError { error in (error as? DatabaseError).map { StoreError($0) } ?? error }
        }
    }

    /// `body` as a writer job: run on a transaction with this job's record of large executions, which joins
    /// the cache's once the body succeeds.
    private func job<Result: Sendable>(
        _ body: @escaping @Sendable (any StoreTransaction) throws -> Result
    ) -> @Sendable (Database) throws -> Result {
        let definitions = self.definitions
        let executions = self.executions
        let payloads = self.payloads
        return { db in
            let staging = ExecutionStaging(shared: executions)
            let result = try body(SQLiteTransaction(db: db, definitions: definitions, payloads: payloads,
                                                    cache: (executions, staging)))
            executions.jobSucceeded(staging)
            return result
        }
    }

    public func read<Result: Sendable>(
        _ body: @escaping @Sendable (any StoreReader) throws -> Result
    ) async throws -> Result {
        let definitions = self.definitions
        let payloads = self.payloads
        do {
            return try await pool.read { db in
                try body(SQLiteTransaction(db: db, definitions: definitions, payloads: payloads))
            }
        } catch let error as DatabaseError {
            throw StoreError(error)
        }
    }

    public func close() async throws {
        checkpointer.stop()
        // GRDB closes the pool's read-only readers last, and a read-only connection cannot remove the log: the
        // checkpointer's connection, closed after them, is the last one, and removes the `-wal` and `-shm` files.
        try pool.close()
        try checkpointer.close()
    }
}

extension StoreError {
    init(_ error: DatabaseError) {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_CANTOPEN:
            let cause: Cause? = switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED: .lockTimeout
            case .SQLITE_FULL: .diskFull
            default: nil
            }
            self.init(.unavailable, "The database is unavailable: \(error.message ?? "\(error.resultCode)")", cause: cause)
        case .SQLITE_CONSTRAINT where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
            || error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE:
            self.init(.duplicate, error.message ?? "constraint violated")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            self.init(.corrupt, error.message ?? "database corrupt")
        default:
            self.init(.failed, "\(error)")
        }
    }
}

/// The definition snapshots executions run on, stored once per distinct definition (the encoding and
/// decoding are `DefinitionSnapshotCache`'s, this type keeps the rows), and the registered definitions
/// decoded once per stored text.
final class DefinitionSnapshots: Sendable {
    typealias Snapshot = DefinitionSnapshotCache.Snapshot

    /// Registered task and workflow definitions, decoded, by type and stored JSON text.
    private struct DecodedKey: Hashable {
        let type: ObjectIdentifier
        let json: String
    }

    private let cache = DefinitionSnapshotCache()
    private let decodedDefinitions = Mutex<[DecodedKey: any Sendable]>([:])
    private static let limit = 4096

    /// The value decoded earlier from `json`, if any.
    func decoded<T: Sendable>(_ type: T.Type, json: String) -> T? {
        decodedDefinitions.withLock { $0[DecodedKey(type: ObjectIdentifier(T.self), json: json)] } as? T
    }

    /// Remembers what `json` decodes to. The key is the text itself, so an updated definition is a new entry.
    func remember<T: Sendable>(_ value: T, json: String) {
        decodedDefinitions.withLock { cache in
            if cache.count >= Self.limit { cache.removeAll() }
            cache[DecodedKey(type: ObjectIdentifier(T.self), json: json)] = value
        }
    }

    /// The key of `definition`, saving it when the database does not hold it yet.
    ///
    /// The cache spares only the encoding: a key it remembers may have been inserted by a transaction that
    /// rolled back, so the row's presence is checked every time.
    func key(for definition: WorkflowDef, in db: Database) throws -> String {
        let (encoded, _) = try cache.encoded(definition)
        let stored = try db.cachedStatement(sql: "SELECT 1 FROM definition_snapshots WHERE key = ?")
            .firstRow(encoded.key) { _ in true } ?? false
        if !stored {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO definition_snapshots (key, json) VALUES (?, ?)")
                .execute(arguments: [encoded.key, encoded.json])
        }
        return encoded.key
    }

    /// The definition stored under `key`.
    func snapshot(forKey key: String, in db: Database) throws -> Snapshot {
        if let snapshot = cache.snapshot(forKey: key) { return snapshot }
        guard let json = try String.fetchOne(db, sql: "SELECT json FROM definition_snapshots WHERE key = ?", arguments: [key])
        else { throw StoreError(.corrupt, "Definition snapshot \(key) is missing") }
        return try cache.snapshot(decoding: json, key: key)
    }
}
