import BatonEngine
import BatonModel
import BatonPersistence
import Foundation
import Hummingbird

/// `/api/tasks`: polling, results, signals by reference name, logs and queue sizes.
struct TaskRoutes {
    let engine: Engine

    /// The statuses a task may be given by reference name (the seed's three, and IN_PROGRESS).
    static let statusesByReferenceName: Set<TaskResultStatus> = [.completed, .failed, .failedWithTerminalError, .inProgress]

    func register(on router: Router<BatonRequestContext>) {
        registerSignals(on: router)
        router.on(.pollTask) { request, context in
            let tasks = try await engine.poll(taskType: context.parameters.path("taskType"), workerId: request.query("workerid"),
                                              domain: request.query("domain"), count: 1, timeout: 0,
                                              access: context.taskAccess)
            guard let task = tasks.first else { return JSONResponse.empty(.noContent) }
            return JSONResponse.make(task)
        }
        router.on(.pollTaskBatch) { request, context in
            let timeout = try request.integer("timeout") ?? 100
            return try JSONResponse.make(await engine.poll(
                taskType: context.parameters.path("taskType"), workerId: request.query("workerid"),
                domain: request.query("domain"), count: request.integer("count") ?? 1, timeout: Int64(timeout),
                access: context.taskAccess))
        }
        router.on(.updateTask) { request, context in
            let result = try await request.decodeTaskResult()
            return JSONResponse.text(try await engine.update(result, actor: context.actor, access: context.taskAccess))
        }
        router.on(.updateTasks) { request, context in
            try JSONResponse.make(await engine.update(request.decodeTaskResults(), actor: context.actor,
                                                      access: context.taskAccess))
        }
        router.on(.updateTaskAndPoll) { request, context in
            let result = try await request.decodeTaskResult()
            guard let next = try await engine.updateAndPoll(result, actor: context.actor, access: context.taskAccess) else {
                return JSONResponse.empty(.noContent)
            }
            return JSONResponse.make(next)
        }
        router.on(.updateTaskByReference) { request, context in
            JSONResponse.text(try await updateByReferenceName(request, context).taskId)
        }
        router.on(.updateTaskByReferenceSync) { request, context in
            let (workflowId, _) = try await updateByReferenceName(request, context)
            return try JSONResponse.make(await engine.workflow(id: workflowId, includeTasks: true))
        }
        router.on(.queueSizes) { request, _ in
            var sizes: [String: Int] = [:]
            for taskType in request.queryValues("taskType").flatMap({ $0.split(separator: ",").map(String.init) }) {
                sizes[taskType] = try await engine.queueSize(taskType: taskType, domain: nil)
            }
            return try JSONResponse.make(sizes)
        }
        router.on(.queueSize) { request, _ in
            guard let taskType = request.query("taskType"), !taskType.isEmpty else {
                throw Refusal.badRequest("Query parameter 'taskType' is required")
            }
            return try JSONResponse.make(await engine.queueSize(
                taskType: taskType, domain: request.query("domain"), namespace: request.query("executionNamespace"),
                isolationGroup: request.query("isolationGroupId")))
        }
        router.on(.allQueueSizes) { _, _ in
            try JSONResponse.make(await engine.queueSizes())
        }
        router.on(.allQueuesVerbose) { _, _ in
            // Conductor's shape: by queue, then by shard ("a": Baton's queues have one), its size and its unacked.
            let details = try await engine.queueDetails()
            return try JSONResponse.make(details.mapValues { ["a": ["size": $0.size, "uacked": $0.inProgress]] })
        }
        router.on(.allPollData) { _, _ in
            try JSONResponse.make(await engine.allPollData())
        }
        router.on(.requeueTasks) { _, context in
            JSONResponse.text(String(try await engine.requeuePendingTasks(taskType: context.parameters.path("taskType"))))
        }
        router.on(.pollData) { request, _ in
            guard let taskType = request.query("taskType"), !taskType.isEmpty else {
                throw Refusal.badRequest("Query parameter 'taskType' is required")
            }
            return try JSONResponse.make(await engine.pollData(taskType: taskType))
        }
        router.on(.searchTasks) { request, _ in
            let result = try await engine.search(Self.search(from: request))
            return try JSONResponse.make(SearchResult(totalHits: result.totalHits, results: result.results.map(TaskSummary.init)))
        }
        router.on(.searchTasksFull) { request, _ in
            try JSONResponse.make(await engine.search(Self.search(from: request)))
        }
        router.on(.task) { _, context in
            try JSONResponse.make(await engine.task(id: context.parameters.path("id")))
        }
        router.on(.taskLogs) { _, context in
            let logs = try await engine.logs(taskId: context.parameters.path("id"))
            return logs.isEmpty ? JSONResponse.empty(.noContent) : try JSONResponse.make(logs)
        }
        router.on(.addTaskLog) { request, context in
            let data = try await request.bodyData()
            let text = (try? JSONDecoder().decode(String.self, from: data)) ?? String(decoding: data, as: UTF8.self)
            try await engine.addLog(text, taskId: context.parameters.path("id"), access: context.taskAccess)
            return JSONResponse.empty()
        }
    }

    /// A task search from the request's `query`, `freeText`, `sort`, `start` and `size`.
    static func search(from request: Request) throws -> TaskSearch {
        do {
            return try TaskSearch(query: request.query("query"), freeText: request.query("freeText"),
                                  sort: request.queryValues("sort"), start: request.integer("start"), size: request.integer("size"))
        } catch let error as SearchError {
            throw Refusal.badRequest(error.message)
        }
    }

    /// Conductor's `{workflowId}/{status}/signal` and `…/signal/sync`: the task a workflow is blocked on, completed (or
    /// failed) by a signal. The router refuses two captures side by side, so the status segment shares the name of the
    /// update by reference name's `{taskRefName}`.
    private func registerSignals(on router: Router<BatonRequestContext>) {
        router.on(.signalWorkflow) { request, context in
            try await engine.signal(workflowId: context.parameters.path("id"), status: Self.status(context, "taskRefName"),
                                    output: request.decodeObject(orIfEmpty: [:]), actor: context.actor)
            return JSONResponse.empty()
        }
        router.on(.signalWorkflowSync) { request, context in
            let workflowId = try context.parameters.path("id")
            let strategy = try request.returnStrategy()
            let timeoutMillis = try request.integer("timeoutMillis") ?? 5_000
            guard timeoutMillis >= 0 else {
                throw Refusal.badRequest("timeoutMillis must not be negative")
            }
            try await engine.signal(workflowId: workflowId, status: Self.status(context, "taskRefName"),
                                    output: request.decodeObject(orIfEmpty: [:]), actor: context.actor)
            let state = try await engine.awaitBlocked(workflowId: workflowId, timeout: .milliseconds(timeoutMillis))
            return try JSONResponse.signalReply(state.response(strategy, requestId: UUID().uuidString))
        }
    }

    /// The status a request's path gives a task in its `parameter` segment, one of `statusesByReferenceName`.
    private static func status(_ context: BatonRequestContext, _ parameter: String = "status") throws -> TaskResultStatus {
        let statusText = try context.parameters.path(parameter)
        guard let status = TaskResultStatus(rawValue: statusText.uppercased()),
              Self.statusesByReferenceName.contains(status) else {
            throw Refusal.badRequest("Invalid task status '\(statusText)'; use one of "
                + Self.statusesByReferenceName.map(\.rawValue).sorted().joined(separator: ", "))
        }
        return status
    }

    private func updateByReferenceName(_ request: Request,
                                       _ context: BatonRequestContext) async throws -> (workflowId: String, taskId: String) {
        let workflowId = try context.parameters.path("id")
        let status = try Self.status(context)
        let output = try await request.decodeObject(orIfEmpty: [:])
        let taskId = try await engine.update(workflowId: workflowId, referenceName: context.parameters.path("taskRefName"),
                                             status: status, output: output, workerId: request.query("workerid"),
                                             actor: context.actor, access: context.taskAccess)
        return (workflowId, taskId)
    }
}
