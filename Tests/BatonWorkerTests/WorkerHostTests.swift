import BatonClient
import BatonEngine
import BatonModel
import BatonTesting
import BatonWorker
import Foundation
import Logging
import MetricsTestKit
import ServiceLifecycle
import Synchronization
import Testing

/// Runs `host` in a service group while `body` runs, then shuts the group down gracefully and waits for it.
func withHost<Result: Sendable>(_ host: WorkerHost,
                                _ body: @Sendable (ServiceGroup) async throws -> Result) async throws -> Result {
    let group = ServiceGroup(configuration: .init(services: [.init(service: host)], logger: Logger(label: "test")))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            let result = try await body(group)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            tasks.cancelAll()
            throw error
        }
    }
}

/// Counts how many executions run at once and the most that ever did.
final class ConcurrencyGauge: Sendable {
    private let state = Mutex((current: 0, maximum: 0, total: 0))

    func enter() {
        state.withLock { state in
            state.current += 1
            state.total += 1
            state.maximum = max(state.maximum, state.current)
        }
    }

    func leave() { state.withLock { $0.current -= 1 } }
    var maximum: Int { state.withLock { $0.maximum } }
    var total: Int { state.withLock { $0.total } }
}

/// A gate that tasks wait at until the test opens it.
final class Gate: Sendable {
    private let state = Mutex((isOpen: false, waiters: [CheckedContinuation<Void, Never>]()))

    func wait() async {
        await withCheckedContinuation { continuation in
            let open = state.withLock { state in
                if state.isOpen { return true }
                state.waiters.append(continuation)
                return false
            }
            if open { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    var waiting: Int { state.withLock { $0.waiters.count } }
}

func testConfiguration(metrics: TestMetrics = TestMetrics(), lease: Duration? = nil) -> WorkerHost.Configuration {
    WorkerHost.Configuration(workerId: "test-host", pollTimeout: .milliseconds(100),
                             backoff: Backoff(initialDelay: .milliseconds(20), maximumDelay: .milliseconds(200)),
                             leaseExtensionInterval: lease, metricsFactory: metrics, logger: quietLogger)
}

@Suite("Worker host")
struct WorkerHostTests {
    @Test("runs many tasks of two types within each type's concurrency limit and counts them")
    func concurrency() async throws {
        try await withClient { client, _ in
            try await client.registerChain("chain", taskType: "work", refs: ["one"])
            try await client.registerChain("other", taskType: "side", refs: ["one"])
            let gauge = ConcurrencyGauge()
            let sideGauge = ConcurrencyGauge()
            let worker = ClosureWorker("work", concurrency: 3) { task in
                gauge.enter()
                defer { gauge.leave() }
                try await Task.sleep(for: .milliseconds(30))
                return .completed(["doubled": .int((task.inputData["n"]?.intValue ?? 0) * 2)])
            }
            let side = ClosureWorker("side") { _ in
                sideGauge.enter()
                defer { sideGauge.leave() }
                try await Task.sleep(for: .milliseconds(10))
                return .completed()
            }
            let metrics = TestMetrics()
            var ids: [String] = []
            for n in 0..<12 { ids.append(try await client.workflows.start(name: "chain", input: ["n": .int(Int64(n))])) }
            for _ in 0..<4 { ids.append(try await client.workflows.start(name: "other")) }
            let host = WorkerHost(client: client, workers: [worker, side], configuration: testConfiguration(metrics: metrics))
            try await withHost(host) { _ in
                let done = try await eventually {
                    try await client.workflows.search(WorkflowQuery(statuses: [.completed])).totalHits == 16
                }
                #expect(done)
            }
            #expect(gauge.total == 12)
            #expect(gauge.maximum <= 3)
            #expect(sideGauge.maximum == 1)
            #expect(try await client.workflows.get(ids[5]).output["doubled"] == 10)
            let completed = try metrics.expectCounter("baton_worker_tasks", [("taskType", "work"), ("outcome", "completed")])
            #expect(completed.totalValue == 12)
            #expect(try metrics.expectTimer("baton_worker_task_duration", [("taskType", "work")]).values.count == 12)
            #expect(try metrics.expectCounter("baton_worker_polls", [("taskType", "side")]).totalValue > 0)
        }
    }

    @Test("a thrown error fails the task with its message; TaskFailure can fail it terminally")
    func thrownErrors() async throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "the printer is on fire" } }
        try await withClient { client, _ in
            try await client.registerChain("chain", refs: ["one"], retryCount: 2)
            let plain = try await client.workflows.start(name: "chain", input: ["n": 1])
            let terminal = try await client.workflows.start(name: "chain", input: ["n": 2])
            let worker = ClosureWorker("work") { task in
                if task.inputData["n"] == 1 { throw Broken() }
                throw TaskFailure("card declined", isTerminal: true, output: ["code": "E42"])
            }
            try await withHost(WorkerHost(client: client, workers: [worker], configuration: testConfiguration())) { _ in
                let failed = try await eventually {
                    let terminalFailed = try await client.workflows.get(terminal).status == .failed
                    let plainFailed = try await client.workflows.get(plain).tasks.first?.status == .failed
                    return terminalFailed && plainFailed
                }
                #expect(failed)
            }
            let first = try #require(try await client.workflows.get(plain).tasks.first)
            #expect(first.reasonForIncompletion == "the printer is on fire")
            let declined = try #require(try await client.workflows.get(terminal).tasks.first)
            #expect(declined.status == .failedWithTerminalError)
            #expect(declined.reasonForIncompletion == "card declined")
            #expect(declined.outputData["code"] == "E42")
        }
    }

    @Test("an in-progress outcome is handed out again after callbackAfterSeconds, with its output kept")
    func inProgress() async throws {
        try await withClient { client, server in
            try await client.registerChain("chain", refs: ["one"])
            let id = try await client.workflows.start(name: "chain")
            let calls = Mutex(0)
            let worker = ClosureWorker("work") { task in
                let call = calls.withLock { count in
                    count += 1
                    return count
                }
                if call == 1 { return .inProgress(callbackAfterSeconds: 30, output: ["step": 1]) }
                return .completed(["step": .int((task.outputData["step"]?.intValue ?? 0) + 1)])
            }
            try await withHost(WorkerHost(client: client, workers: [worker], configuration: testConfiguration())) { _ in
                let waiting = try await eventually {
                    let task = try await client.workflows.get(id).tasks.first
                    return task?.status == .scheduled && task?.callbackAfterSeconds == 30
                }
                #expect(waiting)
                #expect(calls.withLock { $0 } == 1)
                server.clock.advance(by: 31_000)
                let completed = try await eventually { try await client.workflows.get(id).status == .completed }
                #expect(completed)
            }
            #expect(try await client.workflows.get(id).tasks.first?.outputData["step"] == 2)
        }
    }

    @Test("a long task's lease is extended while it runs, so it does not time out")
    func leaseExtensions() async throws {
        try await withClient { client, server in
            try await client.registerChain("chain", refs: ["one"], responseTimeoutSeconds: 10)
            let id = try await client.workflows.start(name: "chain")
            let gate = Gate()
            let worker = ClosureWorker("work") { _ in
                await gate.wait()
                return .completed(["slow": true])
            }
            let metrics = TestMetrics()
            let host = WorkerHost(client: client, workers: [worker],
                                  configuration: testConfiguration(metrics: metrics, lease: .milliseconds(20)))
            try await withHost(host) { _ in
                let waiting = await eventually { gate.waiting == 1 }
                #expect(waiting)
                let task = try #require(try await client.workflows.get(id).tasks.first)
                let started = task.updateTime
                for step in 1...2 {
                    server.clock.advance(by: 6_000)
                    let extended = try await eventually {
                        try await client.tasks.get(task.taskId).updateTime >= started + Int64(step) * 6_000
                    }
                    #expect(extended)
                }
                // 12 s after the poll, past the 10 s response timeout: only the extensions keep it alive.
                await server.sweep()
                #expect(try await client.tasks.get(task.taskId).status == .inProgress)
                gate.open()
                #expect(try await eventually { try await client.workflows.get(id).status == .completed })
            }
            #expect(try metrics.expectCounter("baton_worker_lease_extensions", [("taskType", "work")]).totalValue >= 2)
        }
    }

    @Test("graceful shutdown lets in-flight tasks finish and report, and polls no more")
    func gracefulShutdown() async throws {
        try await withClient { client, _ in
            try await client.registerChain("chain", refs: ["one"])
            let first = try await client.workflows.start(name: "chain")
            let second = try await client.workflows.start(name: "chain")
            let gate = Gate()
            let worker = ClosureWorker("work", concurrency: 2) { _ in
                await gate.wait()
                return .completed(["drained": true])
            }
            let metrics = TestMetrics()
            let host = WorkerHost(client: client, workers: [worker], configuration: testConfiguration(metrics: metrics))
            let group = ServiceGroup(configuration: .init(services: [.init(service: host)], logger: Logger(label: "test")))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                let waiting = await eventually { gate.waiting == 2 }
                #expect(waiting)
                await group.triggerGracefulShutdown()
                // Queued after shutdown began: nobody may take it.
                let late = try await client.workflows.start(name: "chain")
                gate.open()
                try await tasks.waitForAll()
                for id in [first, second] {
                    let workflow = try await client.workflows.get(id)
                    #expect(workflow.status == .completed)
                    #expect(workflow.tasks.first?.outputData["drained"] == true)
                }
                #expect(try await client.workflows.get(late).tasks.first?.status == .scheduled)
                #expect(try await client.tasks.queueSize(taskType: "work") == 1)
            }
        }
    }

    @Test("misconfigured workers make run() throw")
    func misconfiguration() async throws {
        try await withClient { client, _ in
            let duplicate = WorkerHost(client: client, workers: [ClosureWorker("a") { _ in .completed() },
                                                                 ClosureWorker("a") { _ in .completed() }])
            await #expect(throws: WorkerHostError.self) { try await duplicate.run() }
            let zero = WorkerHost(client: client, workers: [ClosureWorker("a", concurrency: 0) { _ in .completed() }])
            await #expect(throws: WorkerHostError.self) { try await zero.run() }
        }
    }

    @Test("backoff grows exponentially up to its maximum, with bounded jitter")
    func backoff() {
        struct Fixed: RandomNumberGenerator {
            var value: UInt64
            mutating func next() -> UInt64 { value }
        }
        let backoff = Backoff(initialDelay: .milliseconds(100), maximumDelay: .seconds(1), multiplier: 2, jitter: 0.5)
        var none = Fixed(value: 0)
        #expect(backoff.delay(afterFailures: 1, using: &none) == .milliseconds(100))
        #expect(backoff.delay(afterFailures: 3, using: &none) == .milliseconds(400))
        #expect(backoff.delay(afterFailures: 50, using: &none) == .seconds(1))
        var most = Fixed(value: .max)
        let jittered = backoff.delay(afterFailures: 2, using: &most)
        #expect(jittered >= .milliseconds(100) && jittered < .milliseconds(200))
        for failures in 1...20 {
            let delay = backoff.delay(afterFailures: failures)
            #expect(delay >= .milliseconds(50) && delay <= .seconds(1))
        }
    }
}

/// A logger that keeps the host's expected warnings (polls failing while a server is down) out of test output.
let quietLogger: Logger = {
    var logger = Logger(label: "baton.worker.test")
    logger.logLevel = .critical
    return logger
}()
