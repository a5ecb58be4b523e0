import ArgumentParser
import BatonEngine
import BatonModel
import BatonSQLite
import Foundation
import Synchronization

/// `baton-bench engine`: the engine and its SQLite store driven in-process, with no HTTP, to show what the
/// server's core costs apart from the network (task executions/s and CPU per task; nothing written to
/// BENCHMARKS.md).
struct EngineLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine", abstract: "Run workflows through the engine in-process (no HTTP) and print task executions/s.")

    @Option(help: "SIMPLE tasks per workflow.") var tasks = 5
    /// How the worker loops report results.
    enum Results: String, ExpressibleByArgument {
        /// One result at a time, handed the next task back (`updateAndPoll`).
        case updateV2 = "update-v2"
        /// A polled batch's results at once (`update(_: [TaskResult])`).
        case batch
    }

    @Option(help: "How workers report: update-v2 (one result, then the next task) or batch (a polled batch at once).")
    var results = Results.updateV2
    @Option(help: "FULL or NORMAL.") var durability = "FULL"
    @Option(help: "Seconds.") var seconds = 8.0
    @Option(help: "Concurrent worker loops (each polls up to 16 tasks).") var workers = 32
    @Option(help: "The task type's concurrentExecLimit (0: none). One above the load never holds a task back and measures what checking it costs.")
    var concurrentExecLimit = 0

    private final class Counters: Sendable {
        let started = Atomic(0)
        let done = Atomic(0)
    }

    func run() async throws {
        guard let durability = SQLiteStore.Durability(rawValue: durability.uppercased()) else {
            throw ValidationError("--durability is FULL or NORMAL")
        }
        guard tasks >= 1 else { throw ValidationError("--tasks must be at least 1") }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-engine-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStore(path: directory + "/baton.sqlite", durability: durability)
        let engine = Engine(store: store)
        var taskDef = TaskDef(name: "engine_t", retryCount: 0, responseTimeoutSeconds: 300)
        taskDef.concurrentExecLimit = concurrentExecLimit > 0 ? concurrentExecLimit : nil
        try await engine.register(taskDefs: [taskDef])
        let nodes = (1...tasks).map { index in
            WorkflowTask(name: "engine_t", taskReferenceName: "t\(index)",
                         inputParameters: ["n": .string(index == 1 ? "${workflow.input.n}" : "${t\(index - 1).output.n}")])
        }
        try await engine.register(workflowDef: WorkflowDef(name: "engine_wf", tasks: nodes), overwrite: true)

        let counters = Counters()
        let (tasks, batches) = (self.tasks, results == .batch)
        let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        let began = ContinuousClock.now
        let cpuBefore = Self.processCPUSeconds()
        await withTaskGroup(of: Void.self) { group in
            for starter in 0..<16 {
                group.addTask {
                    var sequence = 0
                    while ContinuousClock.now < end {
                        // Keep about 1,000 tasks waiting or running, as the HTTP benchmark's backlog does.
                        if counters.started.load(ordering: .relaxed) * tasks - counters.done.load(ordering: .relaxed) > 1000 {
                            try? await Task.sleep(for: .microseconds(500))
                            continue
                        }
                        sequence += 1
                        let request = StartWorkflowRequest(name: "engine_wf", input: ["n": .string("\(starter)-\(sequence)")])
                        if (try? await engine.start(request)) != nil { counters.started.add(1, ordering: .relaxed) }
                    }
                }
            }
            for worker in 0..<workers {
                group.addTask {
                    let workerId = "engine-\(worker)"
                    func result(for task: BatonModel.TaskExecution) -> TaskResult {
                        TaskResult(workflowInstanceId: task.workflowInstanceId, taskId: task.taskId, status: .completed,
                                   outputData: ["n": task.inputData["n"] ?? .null], workerId: workerId)
                    }
                    while ContinuousClock.now < end {
                        guard let polled = try? await engine.poll(taskType: "engine_t", workerId: workerId, domain: nil,
                                                                   count: 16, timeout: 100), !polled.isEmpty else { continue }
                        if batches {
                            let recorded = (try? await engine.update(polled.map(result(for:))))?.bulkSuccessfulResults.count ?? 0
                            counters.done.add(recorded, ordering: .relaxed)
                            continue
                        }
                        for first in polled {
                            var next: BatonModel.TaskExecution? = first
                            while let task = next, ContinuousClock.now < end {
                                next = try? await engine.updateAndPoll(result(for: task))
                                counters.done.add(1, ordering: .relaxed)
                            }
                        }
                    }
                }
            }
        }
        let elapsed = baton_bench.seconds(since: began)
        let cpu = Self.processCPUSeconds() - cpuBefore
        let done = counters.done.load(ordering: .relaxed)
        try await store.close()
        let limit = concurrentExecLimit > 0 ? ", concurrentExecLimit \(concurrentExecLimit)" : ""
        print(String(format: "engine in-process, %d-task workflows, results %@, %@%@: %.0f task executions/s, "
                     + "%.2f cores, %.0f µs of CPU per task execution (starts included)",
                     tasks, results.rawValue, durability.rawValue, limit, Double(done) / elapsed, cpu / elapsed,
                     cpu / Double(max(done, 1)) * 1e6))
    }

    /// User and system CPU time of this process so far.
    private static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
