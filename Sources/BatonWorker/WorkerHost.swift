public import BatonClient
import Foundation
public import Logging
public import Metrics
public import ServiceLifecycle

/// Runs workers: for each task type a poll loop takes as many tasks as it has free slots with one
/// batch long poll, executes them concurrently, and reports their outcomes. A swift-service-lifecycle
/// `Service`: graceful shutdown stops polling, lets in-flight tasks finish and report, then returns.
///
/// ```swift
/// let host = WorkerHost(client: client, workers: [Greeter()])
/// let group = ServiceGroup(services: [host], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// try await group.run()
/// ```
public struct WorkerHost: Service {
    /// How the host polls, backs off, extends leases and reports.
    public struct Configuration: Sendable {
        /// The worker id sent with polls and results (default: the host name and process id).
        public var workerId: String
        /// How long one batch poll waits on the server for a task (at most 5 s). Graceful shutdown
        /// waits for the poll in flight, so this also bounds how long a shutdown takes to stop polling.
        public var pollTimeout: Duration
        /// The delays between attempts while the server cannot be reached or refuses polls.
        public var backoff: Backoff
        /// How often to extend the lease of a running task; nil means half of each task's
        /// `responseTimeoutSeconds`. Extensions keep long tasks from timing out.
        public var leaseExtensionInterval: Duration?
        /// How many times reporting a result is attempted while the server cannot be reached.
        public var reportAttempts: Int
        /// Where the counters and timers go; nil means the process's `MetricsSystem`.
        public var metricsFactory: (any MetricsFactory)?
        /// The logger for the host's own messages.
        public var logger: Logger

        /// Creates a configuration with a 1 s poll timeout and the default backoff.
        public init(workerId: String = Configuration.defaultWorkerId, pollTimeout: Duration = .seconds(1),
                    backoff: Backoff = Backoff(), leaseExtensionInterval: Duration? = nil, reportAttempts: Int = 10,
                    metricsFactory: (any MetricsFactory)? = nil, logger: Logger = Logger(label: "baton.worker")) {
            self.workerId = workerId
            self.pollTimeout = min(pollTimeout, .seconds(5))
            self.backoff = backoff
            self.leaseExtensionInterval = leaseExtensionInterval
            self.reportAttempts = max(1, reportAttempts)
            self.metricsFactory = metricsFactory
            self.logger = logger
        }

        /// This machine's host name and this process's id, e.g. `build-7:4242`.
        public static var defaultWorkerId: String {
            "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
        }
    }

    /// The client the host polls and reports through (the host does not shut it down).
    public let client: BatonClient
    /// The workers, one per task type and domain.
    public let workers: [any Worker]
    /// How the host polls, backs off, extends leases and reports.
    public let configuration: Configuration
    /// The clock the poll loops' backoff sleeps on (a test's own clock in tests).
    let backoffClock: any Clock<Duration>

    /// Creates a host that runs `workers` against the server `client` talks to.
    public init(client: BatonClient, workers: [any Worker], configuration: Configuration = Configuration()) {
        self.init(client: client, workers: workers, configuration: configuration, backoffClock: ContinuousClock())
    }

    init(client: BatonClient, workers: [any Worker], configuration: Configuration, backoffClock: any Clock<Duration>) {
        self.client = client
        self.workers = workers
        self.configuration = configuration
        self.backoffClock = backoffClock
    }

    /// Polls and executes tasks until graceful shutdown (then drains in-flight tasks) or cancellation.
    /// Throws `WorkerHostError` when the workers are misconfigured.
    public func run() async throws {
        try validate()
        let stop = StopSignal()
        let factory = configuration.metricsFactory ?? MetricsSystem.factory
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for worker in workers {
                    let loop = PollLoop(worker: worker, client: client, configuration: configuration, stop: stop,
                                        metrics: WorkerMetrics(taskType: worker.taskType, factory: factory),
                                        backoffClock: backoffClock)
                    group.addTask { await loop.run() }
                }
            }
        } onGracefulShutdown: {
            stop.stop()
        }
    }

    private func validate() throws {
        guard !workers.isEmpty else { throw WorkerHostError("A worker host needs at least one worker") }
        var seen: Set<String> = []
        for worker in workers {
            guard !worker.taskType.isEmpty else { throw WorkerHostError("A worker has an empty task type") }
            guard (1...1000).contains(worker.concurrency) else {
                throw WorkerHostError("The worker for \(worker.taskType) has concurrency \(worker.concurrency); use 1 to 1000")
            }
            let key = (worker.domain.map { "\($0):" } ?? "") + worker.taskType
            guard seen.insert(key).inserted else { throw WorkerHostError("Two workers poll \(key)") }
        }
    }
}

/// A worker host that cannot run as configured.
public struct WorkerHostError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and how to fix it.
    public var message: String

    /// Creates an error with `message`.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
