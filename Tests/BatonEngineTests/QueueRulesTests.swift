@testable import BatonEngine
import BatonDecider
import BatonModel
import BatonPersistence
import BatonSQLite
import Foundation
import Testing

/// The engine's rules about queues, unit by unit: which queue a task waits in, which domains count as active, how a
/// retry's jitter is drawn, and how long a task type's hand-out limits are kept.
@Suite("Engine: queue rules")
struct QueueRulesTests {
    static func task(_ type: String, id: String = "t-1") -> BatonModel.TaskExecution {
        TaskExecution(taskId: id, taskType: type, taskDefName: type, referenceTaskName: "r", workflowInstanceId: "w", seq: 1,
             scheduledTime: 0)
    }

    @Test("a task waits in [domain:]type[@namespace][-group]; a script task in the script queue")
    func queueNames() {
        var simple = Self.task("charge")
        simple.domain = "eu"
        #expect(Engine.queueName(for: simple) == "eu:charge")
        var http = Self.task("HTTP")
        (http.executionNameSpace, http.isolationGroupId) = ("ns", "slow")
        #expect(Engine.queueName(for: http) == "HTTP@ns-slow")
        var script = Self.task("INLINE")
        script.workflowTask = WorkflowTask(name: "inline", taskReferenceName: "r", type: .inline)
        #expect(Engine.queueName(for: script) == ScriptTask.queueName)
    }

    @Test("an isolation is what a task definition names, empty strings being none")
    func isolation() {
        var taskDef = TaskDef(name: "call")
        #expect(TaskIsolation(taskDef) == nil)
        taskDef.isolationGroupId = ""
        #expect(TaskIsolation(taskDef) == nil)
        taskDef.isolationGroupId = "slow"
        #expect(TaskIsolation(taskDef)?.group == "slow" && TaskIsolation(taskDef)?.namespace == nil)
        taskDef.executionNameSpace = "ns"
        #expect(TaskIsolation(taskDef)?.group == "slow" && TaskIsolation(taskDef)?.namespace == "ns")
    }

    @Test("a domain queue polled in the last ten seconds is active; long-idle queues are forgotten")
    func domainActivity() {
        let activity = DomainActivity()
        activity.note(queue: "eu:charge", at: 1_000)
        activity.note(queue: "eu:charge", at: 500)  // an older poll changes nothing
        #expect(activity.activeDomains(at: 11_000).isActive("eu", for: "charge"))
        #expect(!activity.activeDomains(at: 11_001).isActive("eu", for: "charge"))
        #expect(!activity.activeDomains(at: 11_000).isActive("us", for: "charge"))
        _ = activity.activeDomains(at: 100_000)  // more than six windows later: forgotten
        activity.note(queue: "us:charge", at: 100_000)
        #expect(!activity.activeDomains(at: 100_000).isActive("eu", for: "charge"))
        #expect(activity.activeDomains(at: 100_000).isActive("us", for: "charge"))
    }

    @Test("an automatic retry waits a jitter within backoffJitterMs, the same on every server; a manual one does not")
    func retryJitter() {
        var node = WorkflowTask(name: "charge", taskReferenceName: "r")
        var taskDef = TaskDef(name: "charge")
        taskDef.backoffJitterMs = 5_000
        node.taskDefinition = taskDef
        var failed = Self.task("charge", id: "first")
        failed.status = .failed
        var retries: [BatonModel.TaskExecution] = []
        for index in 0..<50 {
            var retry = Self.task("charge", id: "retry-\(index)")
            retry.retriedTaskId = "first"
            retry.workflowTask = node
            retries.append(retry)
        }
        var workflow = Workflow(workflowId: "w", definition: WorkflowDef(name: "flow", tasks: [node]), input: [:], createTime: 0)
        workflow.tasks = [failed] + retries
        let jitters = retries.map { Engine.retryJitter(of: $0, in: workflow) }
        #expect(jitters.allSatisfy { (0...5_000).contains($0) })
        #expect(Set(jitters).count > 40, "drawn from the id: different ids, different jitters")
        #expect(retries.map { Engine.retryJitter(of: $0, in: workflow) } == jitters, "the same every time")
        // A manual retry replaces a CANCELED attempt; a polled retry has started.
        workflow.tasks[0].status = .canceled
        #expect(Engine.retryJitter(of: retries[0], in: workflow) == 0)
        workflow.tasks[0].status = .failed
        var polled = retries[0]
        polled.startTime = 1
        #expect(Engine.retryJitter(of: polled, in: workflow) == 0)
    }

    @Test("a task type's limits are read at most every two seconds, at once after forget()")
    func handOutLimitsAreReRead() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-limits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("baton.sqlite").path)
        let limits = HandOutLimits()
        func read(at now: Int64) async throws -> HandOutLimits.Limits? {
            try await store.read { try limits.limits(of: "charge", at: now, reading: $0) }
        }
        func register(_ limit: Int?) async throws {
            var taskDef = TaskDef(name: "charge")
            taskDef.concurrentExecLimit = limit
            try await store.write { [taskDef] in try $0.save(taskDef) }
        }
        #expect(try await read(at: 0) == nil, "no definition, no limits")
        try await register(3)
        #expect(try await read(at: 1_999) == nil, "kept for two seconds")
        #expect(try await read(at: 2_000)?.concurrency == 3)
        try await register(5)
        limits.forget()
        #expect(try await read(at: 2_001)?.concurrency == 5, "read again at once after a local change")
        try await register(nil)
        #expect(try await read(at: 4_001) == nil, "no limit is no limits")
        try await store.close()
    }
}
