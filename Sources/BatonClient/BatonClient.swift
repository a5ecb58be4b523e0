public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// The Swift SDK for Baton's (and Conductor's) REST API: typed async calls for every endpoint,
/// grouped as `metadata`, `workflows` and `tasks`.
///
/// ```swift
/// let client = BatonClient(baseURL: "http://localhost:8080")
/// let id = try await client.workflows.start(name: "hello", input: ["name": "Ada"])
/// try await client.workflows.pause(id)
/// try await client.shutdown()
/// ```
///
/// Every call throws `ClientError`: `.refused` (with the HTTP status and the server's message) when the
/// server says no, `.unreachable` when it cannot be reached.
public final class BatonClient: Sendable {
    /// Options for the connection to the server.
    public struct Configuration: Sendable {
        /// How long one request may take before it fails as unreachable (long polls get their wait on top).
        public var requestTimeout: Duration
        /// How long establishing a connection may take.
        public var connectTimeout: Duration

        /// Creates options with a 30 s request timeout and a 5 s connect timeout.
        public init(requestTimeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(5)) {
            self.requestTimeout = requestTimeout
            self.connectTimeout = connectTimeout
        }
    }

    /// The server's root URL, e.g. `http://localhost:8080` (without `/api`).
    public let baseURL: String
    /// Task and workflow definitions: `/api/metadata`.
    public let metadata: MetadataClient
    /// Starting, reading, searching and signalling workflow executions: `/api/workflow`.
    public let workflows: WorkflowClient
    /// Polling, results, signals by reference name, logs and queues: `/api/tasks`.
    public let tasks: TaskClient
    /// Operators' requests: `/api/admin`.
    public let admin: AdminClient
    /// Schedules: `/api/scheduler`.
    public let scheduler: SchedulerClient

    private let transport: HTTPTransport
    private let ownsHTTPClient: Bool
    private let isShutDown = Mutex(false)

    /// Creates a client of the server at `baseURL` with its own connection pool; call `shutdown()`
    /// when done (or use `withBatonClient`). `apiKey`, when given, is sent as `X-Authorization`.
    public convenience init(baseURL: String = "http://localhost:8080", apiKey: String? = nil,
                            configuration: Configuration = Configuration()) {
        var httpConfiguration = HTTPClient.Configuration()
        // Fail fast when the server is down, so callers (and the worker host's backoff) decide what to do.
        httpConfiguration.connectionPool.retryConnectionEstablishment = false
        httpConfiguration.timeout.connect = HTTPTransport.timeAmount(configuration.connectTimeout)
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: httpConfiguration)
        self.init(baseURL: baseURL, apiKey: apiKey, configuration: configuration, httpClient: http, ownsHTTPClient: true)
    }

    /// Creates a client that sends its requests through `httpClient`, which the caller owns and shuts down.
    public convenience init(baseURL: String, apiKey: String? = nil, httpClient: HTTPClient,
                            configuration: Configuration = Configuration()) {
        self.init(baseURL: baseURL, apiKey: apiKey, configuration: configuration, httpClient: httpClient,
                  ownsHTTPClient: false)
    }

    private init(baseURL: String, apiKey: String?, configuration: Configuration, httpClient: HTTPClient,
                 ownsHTTPClient: Bool) {
        var root = baseURL.trimmingCharacters(in: .whitespacesAndNewlines)
        while root.hasSuffix("/") { root.removeLast() }
        if root.hasSuffix("/api") { root.removeLast(4) }
        self.baseURL = root
        self.ownsHTTPClient = ownsHTTPClient
        transport = HTTPTransport(http: httpClient, baseURL: root, apiKey: apiKey,
                                  requestTimeout: configuration.requestTimeout)
        metadata = MetadataClient(transport: transport)
        workflows = WorkflowClient(transport: transport)
        tasks = TaskClient(transport: transport)
        admin = AdminClient(transport: transport)
        scheduler = SchedulerClient(transport: transport)
    }

    /// Closes the client's connections; calls made afterwards fail. Does nothing for a client built
    /// on a caller's `HTTPClient`, or when called again.
    public func shutdown() async throws {
        let first = isShutDown.withLock { done in
            defer { done = true }
            return !done
        }
        guard first, ownsHTTPClient else { return }
        try await transport.http.shutdown()
    }

    /// Returns whether the server reports itself healthy (`GET /health`).
    public func isHealthy() async throws -> Bool {
        struct Health: Decodable { var healthy: Bool }
        return try await transport.get(Health.self, "/health").healthy
    }

    /// Returns the server's version text (`GET /api/version`).
    public func serverVersion() async throws -> String {
        try await transport.send(.GET, "/api/version").text
    }
}

/// Runs `body` with a new client of the server at `baseURL`, then shuts the client down, also when
/// `body` throws. Returns what `body` returns.
public func withBatonClient<Result: Sendable>(
    baseURL: String = "http://localhost:8080", apiKey: String? = nil,
    configuration: BatonClient.Configuration = BatonClient.Configuration(),
    _ body: (BatonClient) async throws -> Result
) async throws -> Result {
    let client = BatonClient(baseURL: baseURL, apiKey: apiKey, configuration: configuration)
    let result: Result
    do {
        result = try await body(client)
    } catch {
        try? await client.shutdown()
        throw error
    }
    try await client.shutdown()
    return result
}
