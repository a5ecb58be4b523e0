public import BatonModel
import Foundation
import NIOHTTP1

/// Polling for tasks, reporting results, signalling tasks by reference name, logs and queues (`/api/tasks`).
public struct TaskClient: Sendable {
    let transport: HTTPTransport

    // MARK: - Polling

    /// Takes one task of `taskType` (in `domain`) for `workerId`; nil when none is waiting.
    public func poll(taskType: String, workerId: String? = nil, domain: String? = nil) async throws -> TaskExecution? {
        let reply = try await transport.send(.GET, "/api/tasks/poll/\(HTTPTransport.segment(taskType))",
                                             query: [("workerid", workerId), ("domain", domain)])
        if reply.status == 204 || reply.body.isEmpty { return nil }
        return try transport.decode(TaskExecution.self, from: reply)
    }

    /// Takes up to `count` tasks of `taskType`, waiting up to `timeout` (at most 5 s) for one to be
    /// queued when none is waiting; empty when none came.
    public func batchPoll(taskType: String, count: Int = 1, timeout: Duration = .milliseconds(100),
                          workerId: String? = nil, domain: String? = nil) async throws -> [TaskExecution] {
        let reply = try await transport.send(
            .GET, "/api/tasks/poll/batch/\(HTTPTransport.segment(taskType))",
            query: [("count", String(count)), ("timeout", String(timeout.wholeMilliseconds)), ("workerid", workerId),
                    ("domain", domain)],
            extraTime: timeout)
        if reply.body.isEmpty { return [] }
        return try transport.decode([TaskExecution].self, from: reply)
    }

    // MARK: - Results

    /// Reports a worker's result for a task; returns the task id.
    @discardableResult
    public func update(_ result: TaskResult) async throws -> String {
        try await transport.send(.POST, "/api/tasks", json: result).text
    }

    /// Reports many results in one call (Baton's `POST /api/tasks/batch`; at most 1000), each recorded on
    /// its own: the answer lists the task ids recorded and, for the others, why not.
    public func update(_ results: [TaskResult]) async throws -> BulkResponse {
        try transport.decode(BulkResponse.self, from: await transport.send(.POST, "/api/tasks/batch", json: results))
    }

    /// Reports a worker's result and takes the next task of the same type in the same call; nil when none waits.
    public func updateAndPoll(_ result: TaskResult) async throws -> TaskExecution? {
        let reply = try await transport.send(.POST, "/api/tasks/update-v2", json: result)
        if reply.status == 204 || reply.body.isEmpty { return nil }
        return try transport.decode(TaskExecution.self, from: reply)
    }

    /// Extends the lease on a task this worker is still executing, so it does not time out; changes nothing else.
    public func extendLease(taskId: String, workflowId: String, workerId: String? = nil) async throws {
        var result = TaskResult(workflowInstanceId: workflowId, taskId: taskId, status: .inProgress, workerId: workerId)
        result.extendLease = true
        _ = try await transport.send(.POST, "/api/tasks", json: result)
    }

    /// Sets the live task `referenceName` of `workflowId` to `status`, merging `output` into its output
    /// (how a person completes a WAIT task); returns the task id.
    @discardableResult
    public func updateByReferenceName(workflowId: String, referenceName: String, status: TaskResultStatus,
                                      output: JSONObject = [:], workerId: String? = nil) async throws -> String {
        try await transport.send(.POST, referencePath(workflowId, referenceName, status), query: [("workerid", workerId)],
                                 json: output).text
    }

    /// Does what `updateByReferenceName` does and returns the workflow as it is afterwards (the `/sync` form).
    public func updateByReferenceNameSync(workflowId: String, referenceName: String, status: TaskResultStatus,
                                          output: JSONObject = [:], workerId: String? = nil) async throws -> Workflow {
        let reply = try await transport.send(.POST, referencePath(workflowId, referenceName, status) + "/sync",
                                             query: [("workerid", workerId)], json: output)
        return try transport.decode(Workflow.self, from: reply)
    }

    /// Sets the task `workflowId` is blocked on — its running WAIT or HUMAN task, or its sub-workflows' — to
    /// `status`, merging `output` into its output.
    public func signal(workflowId: String, status: TaskResultStatus, output: JSONObject = [:]) async throws {
        _ = try await transport.send(.POST, "/api/tasks/\(HTTPTransport.segment(workflowId))/\(status.rawValue)/signal",
                                     json: output)
    }

    /// Does what `signal` does, then waits up to `timeout` for the workflow to end or block again and returns its
    /// state as `returnStrategy` asks (nil when a blocking task is asked for and none blocks).
    public func signalSync(workflowId: String, status: TaskResultStatus, output: JSONObject = [:],
                           returnStrategy: WorkflowSignalReturnStrategy = .targetWorkflow,
                           timeout: Duration = .seconds(5)) async throws -> SignalResponse? {
        let reply = try await transport.send(
            .POST, "/api/tasks/\(HTTPTransport.segment(workflowId))/\(status.rawValue)/signal/sync",
            query: [("returnStrategy", returnStrategy.rawValue), ("timeoutMillis", String(timeout.wholeMilliseconds))],
            json: output, extraTime: timeout)
        return reply.body.isEmpty ? nil : try transport.decode(SignalResponse.self, from: reply)
    }

    /// Returns the summaries of the task attempts matching `query` — Conductor's structured query over task fields,
    /// e.g. `taskType = charge AND status = FAILED` — and how many match in all.
    public func search(_ query: WorkflowQuery = WorkflowQuery()) async throws -> SearchResult<TaskSummary> {
        try await transport.get(SearchResult<TaskSummary>.self, "/api/tasks/search", query: query.parameters)
    }

    /// As `search`, returning the full task attempts (`search-v2`).
    public func searchTasks(_ query: WorkflowQuery = WorkflowQuery()) async throws -> SearchResult<TaskExecution> {
        try await transport.get(SearchResult<TaskExecution>.self, "/api/tasks/search-v2", query: query.parameters)
    }

    private func referencePath(_ workflowId: String, _ referenceName: String, _ status: TaskResultStatus) -> String {
        "/api/tasks/\(HTTPTransport.segment(workflowId))/\(HTTPTransport.segment(referenceName))/\(status.rawValue)"
    }

    // MARK: - Reading

    /// Returns the task `taskId`.
    public func get(_ taskId: String) async throws -> TaskExecution {
        try await transport.get(TaskExecution.self, "/api/tasks/\(HTTPTransport.segment(taskId))")
    }

    /// Returns the log lines workers attached to `taskId`, oldest first.
    public func logs(of taskId: String) async throws -> [TaskExecLog] {
        let reply = try await transport.send(.GET, "/api/tasks/\(HTTPTransport.segment(taskId))/log")
        if reply.status == 204 || reply.body.isEmpty { return [] }
        return try transport.decode([TaskExecLog].self, from: reply)
    }

    /// Attaches the log line `message` to `taskId`.
    public func appendLog(_ message: String, to taskId: String) async throws {
        _ = try await transport.send(.POST, "/api/tasks/\(HTTPTransport.segment(taskId))/log",
                                     body: Data(message.utf8), contentType: "text/plain")
    }

    // MARK: - Queues

    /// Returns how many tasks of `taskType` (in `domain`) wait to be polled.
    public func queueSize(taskType: String, domain: String? = nil, isolationGroupId: String? = nil,
                          executionNamespace: String? = nil) async throws -> Int {
        try await transport.get(Int.self, "/api/tasks/queue/size",
                                query: [("taskType", taskType), ("domain", domain), ("isolationGroupId", isolationGroupId),
                                        ("executionNamespace", executionNamespace)])
    }

    /// Returns how many tasks of each of `taskTypes` wait to be polled, keyed by task type.
    public func queueSizes(taskTypes: [String]) async throws -> [String: Int] {
        try await transport.get([String: Int].self, "/api/tasks/queue/sizes", query: taskTypes.map { ("taskType", Optional($0)) })
    }

    /// Returns the size of every queue, keyed by queue name (`[domain:]taskType`).
    public func allQueueSizes() async throws -> [String: Int] {
        try await transport.get([String: Int].self, "/api/tasks/queue/all")
    }

    /// Returns when workers last polled for `taskType`, per domain and worker.
    public func pollData(taskType: String) async throws -> [PollData] {
        try await transport.get([PollData].self, "/api/tasks/queue/polldata", query: [("taskType", taskType)])
    }

    /// Returns when workers last polled, for every queue.
    public func allPollData() async throws -> [PollData] {
        try await transport.get([PollData].self, "/api/tasks/queue/polldata/all")
    }

    /// One queue's tasks: how many wait, and how many workers hold now.
    public struct QueueDetail: Sendable, Hashable {
        public var waiting: Int
        public var inProgress: Int
    }

    /// Returns every queue with a task waiting or running, keyed by queue name (`[domain:]taskType`).
    public func queueDetails() async throws -> [String: QueueDetail] {
        let shards = try await transport.get([String: [String: [String: Int]]].self, "/api/tasks/queue/all/verbose")
        return shards.mapValues { shards in
            QueueDetail(waiting: shards.values.reduce(0) { $0 + ($1["size"] ?? 0) },
                        inProgress: shards.values.reduce(0) { $0 + ($1["uacked"] ?? 0) })
        }
    }

    /// Puts back in its queue every SCHEDULED task of `taskType` that lost its queue entry; returns how many.
    public func requeuePendingTasks(taskType: String) async throws -> Int {
        Int(try await transport.send(.POST, "/api/tasks/queue/requeue/\(HTTPTransport.segment(taskType))").text) ?? 0
    }
}

extension Duration {
    /// The duration in whole milliseconds, as the API's timeouts are given.
    var wholeMilliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
