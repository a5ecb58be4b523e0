public import BatonPersistence
public import Logging
public import CoreMetrics
public import BatonModel
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Synchronization

/// Baton's store on PostgreSQL, for several Baton servers sharing one database.
///
/// **Transactions.** `Store.write` and `Store.read` take synchronous bodies, while postgres-nio is
/// asynchronous. Each transaction leases one connection from the store's `PostgresClient` pool, sends
/// `BEGIN` from async code, then runs the body on a thread of the store's own `NIOThreadPool` (never
/// on a NIO event-loop thread and never on the Swift concurrency pool), where every statement is sent
/// on that connection and awaited with a blocking `EventLoopFuture.wait()`. `COMMIT` (or `ROLLBACK`)
/// is sent from async code again once the body returns. The pool has as many threads as the client
/// has connections, so a body waiting for a row lock blocks only its own thread; the transaction
/// holding the lock runs on another thread or is already committing without one, so waits always end.
///
/// **One writer per workflow.** Write transactions run at READ COMMITTED; loading a workflow in a
/// write transaction (`workflow(id:)`, and `task(id:)` for the task's workflow) takes the workflow
/// row with `SELECT … FOR UPDATE`, so two nodes changing the same workflow take turns and the second
/// sees the first's committed result. Starts with the same idempotency key are serialized with a
/// transaction-scoped advisory lock on the key. Deadlocks (two workflows locked in opposite orders)
/// and serialization failures are retried, re-running the body on a fresh transaction; bodies must
/// therefore keep their effects inside the transaction, as the engine's do.
///
/// **Queues.** `claim` takes visible entries with `FOR UPDATE SKIP LOCKED` and deletes them in the
/// same statement, so concurrent polls on any node never hand out the same task.
///
/// **Reads** run in a `REPEATABLE READ READ ONLY` transaction: one consistent snapshot including every
/// commit of every node.
///
/// **Schema.** Numbered migrations (`Migrations`) are applied on start in one transaction that first
/// takes `pg_advisory_xact_lock`, so nodes starting together apply each migration exactly once.
///
/// **Wake-ups across nodes.** A write transaction that queued tasks sends `pg_notify` with the queue
/// names before it commits (PostgreSQL delivers it at the commit); ``watchQueues(_:)`` LISTENs on one
/// pooled connection, so a long poll on any node wakes when a task is queued through any other.
public final class PostgresStore: QueueSignalingStore {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let threads: NIOThreadPool
    private let logger: Logger
    /// Where the database is and how the store uses it.
    public let configuration: Configuration
    let definitions: DefinitionSnapshots
    /// Large payloads, kept apart from their rows.
    let payloads: StoredPayloads
    /// The health checks' own connection.
    private let probe: HealthProbe
    /// How long each transaction waited for a pooled connection (`baton_store_connection_wait_seconds`).
    private let connectionWaits: CoreMetrics.Timer?
    /// How often a transaction that hit a deadlock or serialization failure is tried again.
    static let maximumRetries = 8

    /// Connects to the database described by `configuration` and brings its schema up to date; `payloads` says from
    /// what size a workflow's or task's input or output is stored apart from its row. With `metrics`, the time each
    /// transaction waits for a pooled connection goes to its `baton_store_connection_wait_seconds` timer.
    public init(configuration: Configuration, payloads: PayloadLimits = PayloadLimits(),
                logger: Logger = Logger(label: "baton.postgres"), metrics: (any MetricsFactory)? = nil) async throws {
        var options = PostgresClient.Configuration.Options()
        options.maximumConnections = configuration.maximumConnections
        options.minimumConnections = 0
        // Every wait on the database has a deadline (a stalled statement, a lock another node holds, a transaction
        // left open by a node cut off): each connection starts with them.
        // PostgreSQL also probes a silent client's socket (keepalives after 30 s idle, every 10 s, 3 missed), so it
        // notices a node that is gone while no transaction is open too.
        options.additionalStartupParameters = [
            ("statement_timeout", configuration.statementTimeout.postgresMilliseconds),
            ("lock_timeout", configuration.lockTimeout.postgresMilliseconds),
            ("idle_in_transaction_session_timeout", configuration.idleInTransactionTimeout.postgresMilliseconds),
            ("tcp_keepalives_idle", "30"), ("tcp_keepalives_interval", "10"), ("tcp_keepalives_count", "3"),
        ]
        if let schema = configuration.schema {
            options.additionalStartupParameters.append(("search_path", schema))
        }
        let tls: PostgresClient.Configuration.TLS
        switch configuration.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .require: tls = .require(.makeClientConfiguration())
        }
        var clientConfiguration = PostgresClient.Configuration(
            host: configuration.host, port: configuration.port, username: configuration.username,
            password: configuration.password, database: configuration.database, tls: tls)
        clientConfiguration.options = options
        let client = PostgresClient(configuration: clientConfiguration, backgroundLogger: logger)
        let runner = Task { await client.run() }
        let threads = NIOThreadPool(numberOfThreads: max(2, configuration.maximumConnections))
        threads.start()
        do {
            try await Self.migrate(client, schema: configuration.schema, logger: logger)
        } catch {
            runner.cancel()
            await runner.value
            try? await threads.shutdownGracefully()
            throw Self.storeError(error, context: "Cannot open the PostgreSQL database at "
                                  + "\(configuration.host):\(configuration.port)")
        }
        self.client = client
        self.runner = runner
        self.threads = threads
        self.logger = logger
        self.configuration = configuration
        self.definitions = DefinitionSnapshots()
        self.payloads = StoredPayloads(limits: payloads)
        connectionWaits = metrics.map { CoreMetrics.Timer(label: "baton_store_connection_wait_seconds", factory: $0) }
        do {
            probe = try HealthProbe(configuration, logger: logger)
        } catch {
            runner.cancel()
            await runner.value
            try? await threads.shutdownGracefully()
            throw StoreError(.failed, "Cannot set up TLS for the PostgreSQL health check: \(error)")
        }
    }

    /// Connects to the database at `url` (see ``Configuration/init(url:)``).
    public convenience init(url: String, payloads: PayloadLimits = PayloadLimits(),
                            logger: Logger = Logger(label: "baton.postgres"), metrics: (any MetricsFactory)? = nil) async throws {
        try await self.init(configuration: Configuration(url: url), payloads: payloads, logger: logger, metrics: metrics)
    }

    public func write<Result: Sendable>(
        _ body: @escaping @Sendable (any StoreTransaction) throws -> Result
    ) async throws -> Result {
        var attempt = 0
        while true {
            do {
                return try await transaction(writing: true) { try body($0) }
            } catch let failure as PostgresFailure where failure.isRetryable && attempt < Self.maximumRetries {
                attempt += 1
                logger.debug("Retrying a PostgreSQL transaction", metadata: ["baton.error": "\(failure)"])
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(4 << min(attempt, 6)))))
            } catch {
                throw Self.storeError(error, context: "PostgreSQL write failed")
            }
        }
    }

    public func read<Result: Sendable>(
        _ body: @escaping @Sendable (any StoreReader) throws -> Result
    ) async throws -> Result {
        do {
            return try await transaction(writing: false) { try body($0) }
        } catch {
            throw Self.storeError(error, context: "PostgreSQL read failed")
        }
    }

    /// The LISTEN/NOTIFY channel for this store's schema.
    var notificationChannel: String { "baton_queues_" + (configuration.schema ?? "public") }

    public func watchQueues(_ onQueued: @escaping @Sendable ([String]) -> Void) async throws {
        let channel = notificationChannel
        do {
            try await client.withConnection { connection in
                try await connection.listen(on: channel) { notifications in
                    for try await notification in notifications {
                        onQueued(notification.payload.split(separator: "\n").map(String.init))
                    }
                }
            }
        } catch {
            throw Self.storeError(error, context: "Listening for queued tasks failed")
        }
    }

    /// Checks the database from the probe's own connection (`HealthProbe`), not the pool's.
    public func checkConnectivity() async throws {
        try await probe.check()
    }

    public func close() async throws {
        await probe.close()
        runner.cancel()
        await runner.value
        try await threads.shutdownGracefully()
    }

    /// Runs `body` in one transaction on one leased connection: BEGIN, the body on a pool thread, COMMIT.
    private func transaction<Result: Sendable>(
        writing: Bool, _ body: @escaping @Sendable (PostgresTransaction) throws -> Result
    ) async throws -> Result {
        let threads = self.threads
        let logger = self.logger
        let definitions = self.definitions
        let payloads = self.payloads
        let channel = notificationChannel
        return try await withLeasedConnection { (connection: PostgresConnection) async throws -> Result in
            let begin: PostgresQuery = writing ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
            do {
                try await connection.query(begin, logger: logger)
            } catch {
                throw PostgresFailure(error)
            }
            let outcome: Swift.Result<Result, any Error>
            do {
                outcome = .success(try await threads.runIfActive {
                    let tx = PostgresTransaction(connection: connection, logger: logger, definitions: definitions,
                                                 payloads: payloads, locking: writing)
                    let value: Result
                    do {
                        value = try body(tx)
                    } catch {
                        // A deadlock the body turned into its own error is still worth another try.
                        if let failure = tx.failure, failure.isRetryable { throw failure }
                        throw error
                    }
                    if let failure = tx.failure { throw failure }
                    try tx.notifyQueued(on: channel)
                    return value
                })
            } catch {
                outcome = .failure(error)
            }
            switch outcome {
            case .success(let value):
                do {
                    let rows = try await connection.query("COMMIT", logger: logger)
                    _ = rows
                } catch {
                    throw PostgresFailure(error)
                }
                return value
            case .failure(let error):
                do {
                    try await connection.query("ROLLBACK", logger: logger)
                } catch {
                    // The connection is in an unknown state: drop it rather than hand it out again.
                    try? await connection.close()
                }
                throw error
            }
        }
    }

    /// Runs `body` with a connection from the pool, failing as unavailable when none can be had within
    /// ``connectionWaitLimit`` (the pool otherwise waits for the database for ever). Once a connection is
    /// leased, `body` runs to its end however long it takes.
    private func withLeasedConnection<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await Self.withLeasedConnection(from: client, timing: connectionWaits, body)
    }

    private static func withLeasedConnection<Result: Sendable>(
        from client: PostgresClient, timing waits: CoreMetrics.Timer? = nil,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let leased = LeaseFlag()
        let limit = Self.connectionWaitLimit
        let asked = ContinuousClock.now
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                try await client.withConnection { connection in
                    leased.set()
                    if let waits {
                        let waited = (ContinuousClock.now - asked).components
                        waits.recordNanoseconds(waited.seconds * 1_000_000_000 + waited.attoseconds / 1_000_000_000)
                    }
                    return try await body(connection)
                }
            }
            group.addTask {
                try await Task.sleep(for: limit)
                guard leased.isSet else {
                    throw StoreError(.unavailable, "No PostgreSQL connection could be had within \(limit)", cause: .noConnection)
                }
                return nil
            }
            while let next = try await group.next() {
                if let result = next {
                    group.cancelAll()
                    return result
                }
            }
            throw StoreError(.failed, "The PostgreSQL transaction ended without a result")
        }
    }

    /// How long a transaction waits for a connection before the store reports the database unavailable.
    static let connectionWaitLimit: Duration = .seconds(10)

    /// Applies the migrations the database lacks, serialized across nodes by an advisory lock.
    private static func migrate(_ client: PostgresClient, schema: String?, logger: Logger) async throws {
        try await withLeasedConnection(from: client) { (connection: PostgresConnection) async throws in
            try await connection.query("BEGIN", logger: logger)
            do {
                // A migration may rewrite a large table, and waits for the other nodes' migrations: no deadline.
                try await connection.query("SET LOCAL statement_timeout = 0", logger: logger)
                try await connection.query("SET LOCAL lock_timeout = 0", logger: logger)
                try await connection.query("SELECT pg_advisory_xact_lock(\(Migrations.lockKey))", logger: logger)
                if let schema {
                    guard Configuration.isValidSchemaName(schema) else {
                        throw StoreError(.failed, "Invalid schema name \(schema)")
                    }
                    try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"),
                                               logger: logger)
                }
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS baton_migrations (
                        version BIGINT PRIMARY KEY,
                        name TEXT NOT NULL,
                        applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                    )
                    """, logger: logger)
                var applied: Set<Int64> = []
                for try await version in try await connection.query("SELECT version FROM baton_migrations",
                                                                    logger: logger).decode(Int64.self) {
                    applied.insert(version)
                }
                for migration in Migrations.all where !applied.contains(migration.version) {
                    logger.info("Applying a PostgreSQL migration", metadata: ["baton.migration": "\(migration.name)"])
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO baton_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                        logger: logger)
                }
                try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// The `StoreError` for a failure of the database or the connection; other errors pass through.
    static func storeError(_ error: any Error, context: String) -> any Error {
        switch error {
        case let failure as PostgresFailure: return failure.storeError
        case is PSQLError: return PostgresFailure(error).storeError
        case is NIOThreadPoolError.ThreadPoolInactive: return StoreError(.unavailable, "The PostgreSQL store is closed")
        case is CancellationError: return error
        case is StoreError: return error
        case is PostgresDecodingError: return StoreError(.corrupt, "\(context): \(String(reflecting: error))")
        default: return error
        }
    }
}

/// A database error met inside the PostgreSQL store, with its SQLSTATE.
struct PostgresFailure: Error, Sendable, CustomStringConvertible {
    /// The five-character SQLSTATE, or nil when the server sent none (connection trouble).
    let sqlState: String?
    let message: String

    init(_ error: any Error) {
        if let failure = error as? PostgresFailure {
            self = failure
        } else if let error = error as? PSQLError {
            sqlState = error.serverInfo?[.sqlState]
            if let serverMessage = error.serverInfo?[.message] {
                let detail = error.serverInfo?[.detail].map { " (\($0))" } ?? ""
                message = serverMessage + detail
            } else {
                message = "\(error.code)"
            }
        } else {
            sqlState = nil
            message = String(reflecting: error)
        }
    }

    /// A deadlock or serialization failure: the same transaction may succeed if run again.
    var isRetryable: Bool { sqlState == "40P01" || sqlState == "40001" }

    var storeError: StoreError {
        switch sqlState {
        case "23505": return StoreError(.duplicate, message)
        case .none:
            return StoreError(.unavailable, "The PostgreSQL database is unavailable: \(message)", cause: .connectionLost)
        case .some(let state) where state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57")
            || state.hasPrefix("40") || state == "55P03" || state == "25P03":
            return StoreError(.unavailable, "The PostgreSQL database is unavailable: \(message) [\(state)]",
                              cause: Self.cause(of: state))
        case .some(let state) where state.hasPrefix("XX"):
            return StoreError(.corrupt, "\(message) [\(state)]")
        case .some(let state):
            return StoreError(.failed, "\(message) [\(state)]")
        }
    }

    /// What an unavailable-class SQLSTATE says about why (nil for a deadlock or a server shutting down).
    static func cause(of state: String) -> StoreError.Cause? {
        switch state {
        case "55P03": .lockTimeout                       // lock_not_available: lock_timeout ran out
        case "57014": .statementTimeout                  // query_canceled: statement_timeout ran out
        case "25P03": .connectionLost                    // idle_in_transaction_session_timeout closed the session
        case _ where state.hasPrefix("08"): .connectionLost
        case "53300": .noConnection                      // too_many_connections
        default: nil
        }
    }

    var description: String { "\(sqlState ?? "-----"): \(message)" }
}

extension PostgresStore {
    /// The values a pooled connection has for PostgreSQL settings, as `SHOW` prints them (tests check the deadlines).
    func settingsForTesting(_ names: [String]) async throws -> [String] {
        try await client.withConnection { connection in
            var values: [String] = []
            for name in names {
                for try await value in try await connection.query(PostgresQuery(unsafeSQL: "SHOW \(name)"), logger: self.logger)
                    .decode(String.self) {
                    values.append(value)
                }
            }
            return values
        }
    }

    /// Drops the store's schema with everything in it (tests only: each test case runs in its own schema).
    func dropSchemaForTesting() async throws {
        guard let schema = configuration.schema, Configuration.isValidSchemaName(schema) else { return }
        try await client.withConnection { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(schema) CASCADE"),
                                           logger: self.logger)
        }
    }
}

/// Whether a connection was leased, shared between a lease and its timeout.
private final class LeaseFlag: Sendable {
    private let value = Mutex(false)

    func set() { value.withLock { $0 = true } }

    var isSet: Bool { value.withLock { $0 } }
}
