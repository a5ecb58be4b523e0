import BatonClient
import BatonModel
import BatonWorker
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// The definitions the benchmark registers (all names start with `bench_`).
enum Definitions {
    static let taskTypes = ["bench_start_t", "bench_e2e1_t", "bench_e2e5_t", "bench_lat_t"]

    static func register(on endpoint: Endpoint) async throws {
        let taskDefs = taskTypes.map { #"{"name":"\#($0)","retryCount":0,"responseTimeoutSeconds":300,"timeoutSeconds":0}"# }
        try await endpoint.expect(.POST, "/api/metadata/taskdefs", body: "[" + taskDefs.joined(separator: ",") + "]")
        try await workflow("bench_start", taskType: "bench_start_t", count: 1, on: endpoint)
        try await workflow("bench_e2e1", taskType: "bench_e2e1_t", count: 1, on: endpoint)
        try await workflow("bench_e2e5", taskType: "bench_e2e5_t", count: 5, on: endpoint)
        try await workflow("bench_lat", taskType: "bench_lat_t", count: 1, on: endpoint)
        try await endpoint.expect(.POST, "/api/metadata/workflow?overwrite=true", body: """
            {"name":"bench_sig","version":1,"tasks":[{"name":"bench_wait","taskReferenceName":"w","type":"WAIT"}]}
            """)
        try await endpoint.expect(.POST, "/api/metadata/workflow?overwrite=true", body: """
            {"name":"bench_seed","version":1,"tasks":[{"name":"bench_noop","taskReferenceName":"n","type":"NOOP"}]}
            """)
    }

    /// A workflow of `count` SIMPLE tasks of one type, referenced `t1`…`tN`, each fed the previous one's output.
    private static func workflow(_ name: String, taskType: String, count: Int, on endpoint: Endpoint) async throws {
        let tasks = (1...count).map { index in
            let input = index == 1 ? #"{"n":"${workflow.input.n}"}"# : #"{"n":"${t\#(index - 1).output.n}"}"#
            return #"{"name":"\#(taskType)","taskReferenceName":"t\#(index)","type":"SIMPLE","inputParameters":\#(input)}"#
        }
        try await endpoint.expect(.POST, "/api/metadata/workflow?overwrite=true", body: """
            {"name":"\(name)","version":1,"tasks":[\(tasks.joined(separator: ","))],"outputParameters":{"n":"${t\(count).output.n}"}}
            """)
    }
}

/// The figures of one load phase.
struct PhaseResult: Sendable {
    var seconds: Double
    var workflowsStarted = 0
    var tasksDone = 0
    var workflowsDone = 0
    var errors = 0
    var firstError: String?
    var start = Samples()
    var poll = Samples()
    var update = Samples()
    var signals: [String: Samples] = [:]

    var startsPerSecond: Double { Double(workflowsStarted) / seconds }
    var tasksPerSecond: Double { Double(tasksDone) / seconds }
    var workflowsPerSecond: Double { Double(workflowsDone) / seconds }

    /// Adds the figures of `other`, a slice of the same phase measured at another time.
    mutating func absorb(_ other: PhaseResult) {
        seconds += other.seconds
        workflowsStarted += other.workflowsStarted
        tasksDone += other.tasksDone
        workflowsDone += other.workflowsDone
        errors += other.errors
        firstError = firstError ?? other.firstError
        start.merge(other.start)
        poll.merge(other.poll)
        update.merge(other.update)
        for (name, samples) in other.signals { signals[name, default: Samples()].merge(samples) }
    }
}

/// A task handed to a worker: just what it needs to answer.
struct PolledTask {
    var taskId: String
    var workflowId: String
    var reference: String
    var input: String

    init(taskId: String, workflowId: String, reference: String, input: String) {
        self.taskId = taskId
        self.workflowId = workflowId
        self.reference = reference
        self.input = input
    }

    init?(_ value: JSONValue) {
        guard let object = value.objectValue, let taskId = object["taskId"]?.stringValue,
              let workflowId = object["workflowInstanceId"]?.stringValue,
              let reference = object["referenceTaskName"]?.stringValue else { return nil }
        self.taskId = taskId
        self.workflowId = workflowId
        self.reference = reference
        input = object["inputData"]?.objectValue?["n"]?.stringValue ?? ""
    }

    static func list(_ text: String) throws -> [PolledTask] {
        guard !text.isEmpty else { return [] }
        return try PollReply.tasks(in: text)
    }

    static func one(_ text: String) throws -> PolledTask? {
        guard !text.isEmpty else { return nil }
        return try PollReply.task(in: text)
    }

    /// The worker's result: COMPLETED with the input passed on as output.
    func result(worker: String) -> String {
        #"{"workflowInstanceId":"\#(workflowId)","taskId":"\#(taskId)","status":"COMPLETED","workerId":"\#(worker)","outputData":{"n":"\#(input)"}}"#
    }
}

/// The load phases, each bounded in time; every loop checks the stop flag and every call has a timeout.
struct Load {
    let endpoint: Endpoint

    /// Workflow starts/s: `clients` concurrent clients starting `bench_start` back to back for `duration`.
    func starts(clients: Int, duration: Duration) async -> PhaseResult {
        await requests(.POST, "/api/workflow/bench_start", clients: clients, duration: duration) { client, sequence in
            #"{"n":"\#(client)-\#(sequence)"}"#
        }
    }

    /// How the end-to-end workers report results.
    enum Reporting {
        /// One `update-v2` per task, chained to the next task it hands back (what Conductor's workers do).
        case oneByOne
        /// The whole polled batch in one `POST /api/tasks/batch` (what Baton's worker host does when many
        /// results are ready at once).
        case inBatches
        /// Baton's worker framework itself: one `WorkerHost` (BatonWorker, over BatonClient) running the
        /// task type with as many slots as the worker loops' polls hold; counted as its worker runs.
        case byWorkerHost
    }

    /// End to end: starters keep up to `backlog` workflows of `workflow` in flight (or start `rate`
    /// workflows/s when given), `workers` loops batch-poll and complete tasks, reporting as `reporting` says.
    /// Figures are counted after `warmUp`, over `duration`.
    func endToEnd(workflow: String, taskType: String, tasksPerWorkflow: Int, starters: Int, workers: Int,
                  pollCount: Int, backlog: Int, rate: Double?, warmUp: Duration, duration: Duration,
                  reporting: Reporting = .oneByOne, signalProbes: Int = 0) async -> PhaseResult {
        let counters = Counters()
        let backlog = Backlog(backlog)
        /// Counts `count` workflows done and lets as many more start.
        let completed: @Sendable (Int) -> Void = { count in
            counters.workflowsDone.add(count, ordering: .relaxed)
            backlog.leave(count)
        }
        let lastReference = "t\(tasksPerWorkflow)"
        let begin = ContinuousClock.now
        let end = begin + warmUp + duration
        let measureFrom = begin + warmUp

        enum Loop { case starter(Samples), worker(Samples, Samples), probe([String: Samples]) }
        var baseline = (tasks: 0, workflows: 0, started: 0)
        var measuredSeconds = 0.0
        var result = PhaseResult(seconds: 0)

        await withTaskGroup(of: Loop.self) { group in
            for starter in 0..<starters {
                group.addTask {
                    var samples = Samples()
                    var sequence = 0
                    let perLoop = rate.map { $0 / Double(starters) }
                    while ContinuousClock.now < end {
                        if let perLoop {
                            // Starters take turns (offset by a fraction of the interval each), so the paced load
                            // arrives evenly rather than in bursts of one start per starter.
                            let due = begin + .seconds((Double(sequence) + Double(starter) / Double(starters)) / perLoop)
                            if due > ContinuousClock.now { try? await Task.sleep(until: due, clock: .continuous) }
                        } else if !(await backlog.enter()) {
                            break
                        }
                        sequence += 1
                        let measuring = ContinuousClock.now >= measureFrom
                        do {
                            let call = {
                                try await endpoint.expect(.POST, "/api/workflow/\(workflow)",
                                                          body: #"{"n":"\#(starter)-\#(sequence)"}"#)
                            }
                            if measuring { _ = try await samples.time(call) } else { _ = try await call() }
                            counters.started.add(1, ordering: .relaxed)
                        } catch {
                            counters.fail(error)
                            if rate == nil { backlog.leave() }
                        }
                    }
                    return .starter(samples)
                }
            }
            if reporting == .byWorkerHost {
                group.addTask {
                    await runWorkerHost(taskType: taskType, slots: workers * pollCount, until: end) { task in
                        counters.tasksDone.add(1, ordering: .relaxed)
                        if task.referenceTaskName == lastReference { completed(1) }
                    }
                    return .worker(Samples(), Samples())
                }
            }
            for worker in 0..<(reporting == .byWorkerHost ? 0 : workers) {
                group.addTask {
                    var polls = Samples()
                    var updates = Samples()
                    let workerId = "bench-\(worker)"
                    let pollPath = "/api/tasks/poll/batch/\(taskType)?count=\(pollCount)&timeout=100&workerid=\(workerId)"
                    while ContinuousClock.now < end {
                        do {
                            let measuring = ContinuousClock.now >= measureFrom
                            let start = ContinuousClock.now
                            let batch = try PolledTask.list(try await endpoint.expect(.GET, pollPath, timeout: .seconds(10)))
                            if measuring { polls.values.append(Samples.microseconds(ContinuousClock.now - start)) }
                            if reporting == .inBatches {
                                guard !batch.isEmpty else { continue }
                                let start = ContinuousClock.now
                                let body = "[" + batch.map { $0.result(worker: workerId) }.joined(separator: ",") + "]"
                                let reply = try await endpoint.expect(.POST, "/api/tasks/batch", body: body)
                                if ContinuousClock.now >= measureFrom {
                                    updates.values.append(Samples.microseconds(ContinuousClock.now - start))
                                }
                                let refused = try JSONValue(parsing: reply).objectValue?["bulkErrorResults"]?.objectValue ?? [:]
                                if let (taskId, reason) = refused.first {
                                    throw BenchError("\(refused.count) results refused, e.g. \(taskId): \(reason)")
                                }
                                counters.tasksDone.add(batch.count, ordering: .relaxed)
                                completed(batch.count { $0.reference == lastReference })
                                continue
                            }
                            for polled in batch {
                                var next: PolledTask? = polled
                                while let task = next {
                                    let start = ContinuousClock.now
                                    let (status, body) = try await endpoint.call(.POST, "/api/tasks/update-v2",
                                                                                 body: task.result(worker: workerId))
                                    guard status == 200 || status == 204 else {
                                        throw BenchError("update-v2 answered \(status): \(body.prefix(300))")
                                    }
                                    if ContinuousClock.now >= measureFrom {
                                        updates.values.append(Samples.microseconds(ContinuousClock.now - start))
                                    }
                                    counters.tasksDone.add(1, ordering: .relaxed)
                                    if task.reference == lastReference { completed(1) }
                                    next = status == 200 && ContinuousClock.now < end ? try PolledTask.one(body) : nil
                                }
                            }
                        } catch {
                            counters.fail(error)
                            try? await Task.sleep(for: .milliseconds(10))
                        }
                    }
                    return .worker(polls, updates)
                }
            }
            for probe in 0..<signalProbes {
                group.addTask { .probe(await signalLoop(probe: probe, until: end, measureFrom: measureFrom, counters: counters)) }
            }
            // The measuring window is read here, while the loops run.
            try? await Task.sleep(until: measureFrom, clock: .continuous)
            baseline = (counters.tasksDone.load(ordering: .relaxed), counters.workflowsDone.load(ordering: .relaxed),
                        counters.started.load(ordering: .relaxed))
            let windowStart = ContinuousClock.now
            try? await Task.sleep(until: end, clock: .continuous)
            backlog.close()
            measuredSeconds = seconds(since: windowStart)
            result.tasksDone = counters.tasksDone.load(ordering: .relaxed) - baseline.tasks
            result.workflowsDone = counters.workflowsDone.load(ordering: .relaxed) - baseline.workflows
            result.workflowsStarted = counters.started.load(ordering: .relaxed) - baseline.started
            for await loop in group {
                switch loop {
                case .starter(let samples): result.start.merge(samples)
                case .worker(let polls, let updates):
                    result.poll.merge(polls)
                    result.update.merge(updates)
                case .probe(let signals):
                    for (name, samples) in signals { result.signals[name, default: Samples()].merge(samples) }
                }
            }
        }
        result.seconds = measuredSeconds
        result.errors = counters.errors.load(ordering: .relaxed)
        result.firstError = counters.firstError.withLock { $0 }
        return result
    }

    /// Runs a `WorkerHost` with one worker for `taskType` (`slots` tasks at once) until `end`; `executed` is
    /// told of each task its worker completes (passing the input on as output, as the other loops do).
    private func runWorkerHost(taskType: String, slots: Int, until end: ContinuousClock.Instant,
                               executed: @escaping @Sendable (BatonModel.TaskExecution) -> Void) async {
        let client = BatonClient(baseURL: endpoint.baseURL, httpClient: endpoint.http)
        let worker = ClosureWorker(taskType, concurrency: min(slots, 1000)) { task in
            executed(task)
            return .completed(["n": task.inputData["n"] ?? .null])
        }
        var configuration = WorkerHost.Configuration(workerId: "bench-host", pollTimeout: .milliseconds(100))
        configuration.logger.logLevel = .error
        let host = WorkerHost(client: client, workers: [worker], configuration: configuration)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await host.run() }
            try? await Task.sleep(until: end, clock: .continuous)
            group.cancelAll()
        }
    }

    static let signalNames = ["pause", "resume", "terminate", "retry", "update-by-ref"]

    /// One signal prober: on its own `bench_sig` workflows (one WAIT task), start, pause, resume,
    /// terminate, retry, and complete the WAIT task by reference name; every call timed.
    private func signalLoop(probe: Int, until end: ContinuousClock.Instant, measureFrom: ContinuousClock.Instant,
                            counters: Counters) async -> [String: Samples] {
        var samples: [String: Samples] = [:]
        func timed(_ name: String, _ method: HTTPMethod, _ path: String, body: String? = nil) async throws -> String {
            let start = ContinuousClock.now
            let text = try await endpoint.expect(method, path, body: body)
            if start >= measureFrom { samples[name, default: Samples()].values.append(Samples.microseconds(ContinuousClock.now - start)) }
            return text
        }
        var sequence = 0
        while ContinuousClock.now < end {
            sequence += 1
            do {
                let id = try await endpoint.expect(.POST, "/api/workflow/bench_sig", body: #"{"probe":"\#(probe)-\#(sequence)"}"#)
                _ = try await timed("pause", .PUT, "/api/workflow/\(id)/pause")
                _ = try await timed("resume", .PUT, "/api/workflow/\(id)/resume")
                _ = try await timed("terminate", .DELETE, "/api/workflow/\(id)?reason=bench")
                _ = try await timed("retry", .POST, "/api/workflow/\(id)/retry")
                _ = try await timed("update-by-ref", .POST, "/api/tasks/\(id)/w/COMPLETED", body: #"{"by":"bench"}"#)
            } catch {
                counters.fail(error)
                try? await Task.sleep(for: .milliseconds(10))
            }
            // A person's pace, not a flood: the probes measure latency, the workers make the load.
            try? await Task.sleep(for: .milliseconds(5))
        }
        return samples
    }

    /// Requests/s of one request, `clients` concurrent clients back to back for `duration` (the ceiling, and
    /// starts). `body` makes each request's body from the client's number and its request count.
    func requests(_ method: HTTPMethod, _ path: String, clients: Int, duration: Duration,
                  body: @escaping @Sendable (_ client: Int, _ sequence: Int) -> String? = { _, _ in nil })
        async -> PhaseResult {
        let counters = Counters()
        let begin = ContinuousClock.now
        let samples = await withTaskGroup(of: Samples.self) { group in
            for client in 0..<clients {
                group.addTask {
                    var samples = Samples()
                    var sequence = 0
                    while ContinuousClock.now - begin < duration {
                        sequence += 1
                        let text = body(client, sequence) ?? (method == .POST ? "{}" : nil)
                        do {
                            _ = try await samples.time { try await endpoint.expect(method, path, body: text) }
                            counters.started.add(1, ordering: .relaxed)
                        } catch {
                            counters.fail(error)
                        }
                    }
                    return samples
                }
            }
            var all = Samples()
            for await samples in group { all.merge(samples) }
            return all
        }
        var result = PhaseResult(seconds: seconds(since: begin))
        result.workflowsStarted = counters.started.load(ordering: .relaxed)
        result.errors = counters.errors.load(ordering: .relaxed)
        result.firstError = counters.firstError.withLock { $0 }
        result.start = samples
        return result
    }
}
