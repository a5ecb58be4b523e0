public import BatonEngine
import BatonDecider
import BatonHTTP
import BatonPersistence
import BatonPostgres
import BatonSQLite
import BatonScripting
import BatonUI
import Foundation
import Prometheus
import Hummingbird
import HummingbirdCore
import NIOCore
import Logging
import ServiceLifecycle

/// The composition root: the store, engine, routes and background services of one Baton server.
public struct BatonApplication: Sendable {
    /// The configuration it was built from.
    public let configuration: ServerConfiguration
    /// The engine every route calls.
    public let engine: Engine
    let store: any Store
    let logger: Logger
    /// How the API guards itself: auth, limits, metrics.
    let api: APIConfiguration

    /// Opens the database and builds the engine; call `run` to serve.
    ///
    /// - Parameter clock: the engine's source of time (tests pass a `ManualClock`).
    public init(configuration: ServerConfiguration, clock: any EngineClock = SystemClock()) throws {
        var logger = Logger(label: "baton", metadataProvider: .requestID)
        logger.logLevel = configuration.logLevel
        guard !configuration.usesPostgres else {
            throw ConfigurationError("A PostgreSQL database is opened with BatonApplication.open(configuration:)")
        }
        guard configuration.database.hasPrefix("sqlite:") || !configuration.database.contains("://") else {
            throw ConfigurationError("Unsupported database '\(configuration.database)': give an SQLite file path "
                + "or a postgres://user:password@host:port/database URL")
        }
        guard let durability = SQLiteStore.Durability(rawValue: configuration.sqliteDurability.uppercased()) else {
            throw ConfigurationError("Unknown SQLite durability '\(configuration.sqliteDurability)'; use FULL or NORMAL")
        }
        self.configuration = configuration
        self.logger = logger
        api = try Self.apiConfiguration(for: configuration)
        store = try SQLiteStore(path: configuration.sqlitePath, durability: durability,
                                busyTimeout: configuration.sqliteBusyTimeout, payloads: configuration.executionLimits.payloads)
        engine = Self.engine(over: store, clock: clock, logger: logger, configuration: configuration, api: api)
    }

    /// Opens the database the configuration names — an SQLite file, or PostgreSQL for a `postgres://` URL —
    /// and builds the engine; call `run` to serve.
    public static func open(configuration: ServerConfiguration, clock: any EngineClock = SystemClock()) async throws
        -> BatonApplication {
        guard configuration.usesPostgres else { return try BatonApplication(configuration: configuration, clock: clock) }
        var logger = Logger(label: "baton", metadataProvider: .requestID)
        logger.logLevel = configuration.logLevel
        let postgres: PostgresStore.Configuration
        do {
            postgres = try PostgresStore.Configuration(url: configuration.database)
        } catch {
            throw ConfigurationError(error.message)
        }
        let api = try Self.apiConfiguration(for: configuration)
        let store = try await PostgresStore(configuration: postgres, payloads: configuration.executionLimits.payloads,
                                            logger: logger, metrics: PrometheusMetricsFactory(registry: api.metrics.registry))
        return BatonApplication(configuration: configuration, store: store, clock: clock, logger: logger, api: api)
    }

    private init(configuration: ServerConfiguration, store: any Store, clock: any EngineClock, logger: Logger,
                 api: APIConfiguration) {
        self.configuration = configuration
        self.logger = logger
        self.api = api
        self.store = store
        engine = Self.engine(over: store, clock: clock, logger: logger, configuration: configuration, api: api)
    }

    private static func engine(over store: any Store, clock: any EngineClock, logger: Logger,
                               configuration: ServerConfiguration, api: APIConfiguration) -> Engine {
        Engine(store: store, clock: clock, logger: logger,
               metrics: EngineMetrics(factory: PrometheusMetricsFactory(registry: api.metrics.registry)),
               limits: configuration.executionLimits, scripts: NativeScriptEvaluator(limits: configuration.scriptLimits))
    }

    /// Serves until SIGINT or SIGTERM (or until the surrounding task is cancelled), then stops accepting
    /// connections, finishes in-flight requests, stops the sweeper and closes the database.
    ///
    /// - Parameters:
    ///   - handleSignals: whether SIGINT and SIGTERM start a graceful shutdown (off for in-process tests,
    ///     which stop the server by cancelling its task).
    ///   - onServerRunning: called with the bound port once the server listens.
    public func run(handleSignals: Bool = true,
                    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Router(context: BatonRequestContext.self)
        BatonRouter.addRoutes(to: router, engine: engine, uiDirectory: BatonUI.assetsDirectory?.path, configuration: api)
        let logger = self.logger
        let host = configuration.host
        let connections = (idleTimeout: TimeAmount(configuration.idleTimeout), maximum: configuration.maximumConnections)
        let app = Application(
            router: router,
            server: HTTPServerBuilder { responder in
                LimitedHTTPChannel(http: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: connections.idleTimeout)),
                                   maximumConnections: connections.maximum)
            },
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: "Baton"),
            services: [Sweeper(engine: engine, interval: configuration.sweepInterval,
                               misfireThreshold: configuration.scheduleMisfireThreshold),
                       HTTPTaskRunner(engine: engine, targets: configuration.httpTaskTargets),
                       ScriptTaskRunner(engine: engine, scripts: NativeScriptEvaluator(limits: configuration.scriptLimits),
                                        concurrency: configuration.scriptConcurrency),
                       QueueWatcher(engine: engine)],
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.notice("Baton is listening", metadata: ["baton.host": "\(host)", "baton.port": "\(port)"])
                await onServerRunning(port)
            },
            logger: logger)
        do {
            if handleSignals {
                try await app.runService()
            } else {
                try await ServiceGroup(configuration: .init(services: [app], logger: logger)).run()
            }
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
        logger.notice("Baton stopped")
    }
}
