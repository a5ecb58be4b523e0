import BatonPersistence
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Synchronization

/// A connection of its own, outside the store's pool, for health checks: `/health` says whether this server
/// reaches its database even while every pooled connection waits on a row lock another server holds (which is
/// contention, not this server being broken). A check is `SELECT 1` within `deadline`; a connection that fails
/// one is closed, and the next check opens another.
final class HealthProbe: Sendable {
    /// How long a check may take, connecting included.
    static let deadline: Duration = .seconds(2)

    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let connection = Mutex<PostgresConnection?>(nil)

    init(_ store: PostgresStore.Configuration, logger: Logger = Logger(label: "baton.postgres")) throws {
        let tls: PostgresConnection.Configuration.TLS
        switch store.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(host: store.host, port: store.port, username: store.username,
                                                             password: store.password, database: store.database, tls: tls)
        configuration.options.connectTimeout = .seconds(2)
        configuration.options.additionalStartupParameters = [("statement_timeout", "2000")]
        self.configuration = configuration
        self.logger = logger
    }

    /// Checks that the database answers; throws `StoreError(.unavailable)` when it does not within the deadline.
    func check() async throws {
        do {
            try await withDeadline {
                let connection = try await self.openConnection()
                do {
                    _ = try await connection.query("SELECT 1", logger: self.logger)
                } catch {
                    self.drop(connection)
                    throw error
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.unavailable, "The database does not answer: \(String(reflecting: error))")
        }
    }

    /// Closes the probe's connection.
    func close() async {
        if let open = connection.withLock({ $0.take() }) { try? await open.close() }
    }

    private func openConnection() async throws -> PostgresConnection {
        if let open = connection.withLock({ $0 }), !open.isClosed { return open }
        let opened = try await PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(),
                                                          configuration: configuration, id: 0, logger: logger).get()
        let extra = connection.withLock { current -> PostgresConnection? in
            if let current, !current.isClosed { return opened }  // another check opened one meanwhile
            current = opened
            return nil
        }
        if let extra {
            try? await extra.close()
            return try await openConnection()
        }
        return opened
    }

    private func drop(_ failed: PostgresConnection) {
        connection.withLock { if $0 === failed { $0 = nil } }
        logger.warning("The health check's database connection failed; it is closed and will be opened again")
        Task { try? await failed.close() }
    }

    /// Runs `body`, failing as unavailable when it takes longer than `deadline` (and cancelling it).
    private func withDeadline(_ body: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await body()
                return true
            }
            group.addTask {
                try await Task.sleep(for: Self.deadline)
                return false
            }
            defer { group.cancelAll() }
            guard try await group.next() == true else {
                if let open = connection.withLock({ $0.take() }) { Task { try? await open.close() } }
                throw StoreError(.unavailable, "The database did not answer within \(Self.deadline)")
            }
        }
    }
}
