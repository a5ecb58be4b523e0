public import BatonModel
import Foundation
import NIOHTTP1

/// Starting, reading and signalling workflow executions (`/api/workflow`). The bulk forms of the
/// signals take an array of ids; the search calls are in `WorkflowClient+Search.swift`.
public struct WorkflowClient: Sendable {
    let transport: HTTPTransport

    // MARK: - Starting

    /// Starts the workflow `name` (its latest version unless `version` is given) and returns the new id.
    @discardableResult
    public func start(name: String, version: Int? = nil, input: JSONObject = [:], correlationId: String? = nil,
                      priority: Int? = nil) async throws -> String {
        let reply = try await transport.send(
            .POST, "/api/workflow/\(HTTPTransport.segment(name))",
            query: [("version", version.map(String.init)), ("correlationId", correlationId),
                    ("priority", priority.map(String.init))],
            json: input)
        return reply.text
    }

    /// Starts a workflow as `request` describes (definition, input, domains, idempotency) and returns its id.
    @discardableResult
    public func start(_ request: StartWorkflowRequest) async throws -> String {
        try await transport.send(.POST, "/api/workflow", json: request).text
    }

    // MARK: - Reading

    /// Returns the execution `workflowId`, with its tasks unless `includeTasks` is false.
    public func get(_ workflowId: String, includeTasks: Bool = true) async throws -> Workflow {
        try await transport.get(Workflow.self, "/api/workflow/\(HTTPTransport.segment(workflowId))",
                                query: [("includeTasks", String(includeTasks))])
    }

    /// Returns the status of the execution `workflowId`, with its output and variables when asked.
    public func status(of workflowId: String, includeOutput: Bool = false,
                       includeVariables: Bool = false) async throws -> WorkflowStatusReport {
        try await transport.get(WorkflowStatusReport.self, "/api/workflow/\(HTTPTransport.segment(workflowId))/status",
                                query: [("includeOutput", String(includeOutput)),
                                        ("includeVariables", String(includeVariables))])
    }

    /// Returns a page of the tasks of `workflowId`, only those in `statuses` when it is not empty.
    public func tasks(of workflowId: String, statuses: [TaskStatus] = [], start: Int = 0,
                      count: Int = 15) async throws -> SearchResult<TaskExecution> {
        var query: [(String, String?)] = [("start", String(start)), ("count", String(count))]
        query += statuses.map { ("status", Optional($0.rawValue)) }
        return try await transport.get(SearchResult<TaskExecution>.self,
                                       "/api/workflow/\(HTTPTransport.segment(workflowId))/tasks", query: query)
    }

    /// Returns the audit trail of `workflowId`: every signal and state change, oldest first.
    public func events(of workflowId: String) async throws -> [WorkflowEvent] {
        try await transport.get([WorkflowEvent].self, "/api/workflow/\(HTTPTransport.segment(workflowId))/events")
    }

    /// Returns the executions of workflow `name` with `correlationId` (only running ones unless `includeClosed`).
    public func correlated(name: String, correlationId: String, includeClosed: Bool = false,
                           includeTasks: Bool = false) async throws -> [Workflow] {
        try await transport.get(
            [Workflow].self,
            "/api/workflow/\(HTTPTransport.segment(name))/correlated/\(HTTPTransport.segment(correlationId))",
            query: [("includeClosed", String(includeClosed)), ("includeTasks", String(includeTasks))])
    }

    /// Returns the executions of workflow `name` for each of `correlationIds`, keyed by correlation id.
    public func correlated(name: String, correlationIds: [String], includeClosed: Bool = false,
                           includeTasks: Bool = false) async throws -> [String: [Workflow]] {
        let reply = try await transport.send(
            .POST, "/api/workflow/\(HTTPTransport.segment(name))/correlated",
            query: [("includeClosed", String(includeClosed)), ("includeTasks", String(includeTasks))],
            json: correlationIds)
        return try transport.decode([String: [Workflow]].self, from: reply)
    }

    /// Returns the ids of the running executions of workflow `name` (of `version`, or created between
    /// `startTime` and `endTime`, epoch ms, when both are given).
    public func runningIds(name: String, version: Int? = nil, startTime: Int64? = nil,
                           endTime: Int64? = nil) async throws -> [String] {
        try await transport.get([String].self, "/api/workflow/running/\(HTTPTransport.segment(name))",
                                query: [("version", version.map(String.init)), ("startTime", startTime.map(String.init)),
                                        ("endTime", endTime.map(String.init))])
    }

    // MARK: - Signals

    /// Pauses `workflowId`: no new tasks are scheduled or handed out until it is resumed.
    public func pause(_ workflowId: String) async throws {
        _ = try await transport.send(.PUT, "/api/workflow/\(HTTPTransport.segment(workflowId))/pause")
    }

    /// Resumes the paused execution `workflowId`.
    public func resume(_ workflowId: String) async throws {
        _ = try await transport.send(.PUT, "/api/workflow/\(HTTPTransport.segment(workflowId))/resume")
    }

    /// Restarts the ended execution `workflowId` from the beginning, on the latest definitions if asked.
    public func restart(_ workflowId: String, useLatestDefinitions: Bool = false) async throws {
        _ = try await transport.send(.POST, "/api/workflow/\(HTTPTransport.segment(workflowId))/restart",
                                     query: [("useLatestDefinitions", String(useLatestDefinitions))])
    }

    /// Reruns the ended execution `workflowId` as `request` says (from a task, with new input); returns its id.
    @discardableResult
    public func rerun(_ workflowId: String, _ request: RerunWorkflowRequest = RerunWorkflowRequest()) async throws -> String {
        var request = request
        request.reRunFromWorkflowId = workflowId
        return try await transport.send(.POST, "/api/workflow/\(HTTPTransport.segment(workflowId))/rerun",
                                        json: request).text
    }

    /// Retries the failed execution `workflowId` from its last failed task.
    public func retry(_ workflowId: String, resumeSubworkflowTasks: Bool = false) async throws {
        _ = try await transport.send(.POST, "/api/workflow/\(HTTPTransport.segment(workflowId))/retry",
                                     query: [("resumeSubworkflowTasks", String(resumeSubworkflowTasks))])
    }

    /// Terminates `workflowId` with `reason`, starting its failure workflow when `triggerFailureWorkflow`.
    public func terminate(_ workflowId: String, reason: String? = nil, triggerFailureWorkflow: Bool = false) async throws {
        _ = try await transport.send(.DELETE, "/api/workflow/\(HTTPTransport.segment(workflowId))",
                                     query: [("reason", reason), ("triggerFailureWorkflow", String(triggerFailureWorkflow))])
    }

    /// Deletes the execution `workflowId` and its tasks, whatever its status.
    public func delete(_ workflowId: String) async throws {
        _ = try await transport.send(.DELETE, "/api/workflow/\(HTTPTransport.segment(workflowId))/remove")
    }

    /// Terminates `workflowId` with `reason`, then deletes it.
    public func terminateAndDelete(_ workflowId: String, reason: String? = nil) async throws {
        _ = try await transport.send(.DELETE, "/api/workflow/\(HTTPTransport.segment(workflowId))/terminate-remove",
                                     query: [("reason", reason)])
    }

    /// Marks the task `referenceName` of `workflowId`, not reached yet, as SKIPPED with `request`'s input and output:
    /// the workflow passes over it when it gets there.
    public func skipTask(_ workflowId: String, referenceName: String,
                         _ request: SkipTaskRequest = SkipTaskRequest()) async throws {
        _ = try await transport.send(.PUT, "/api/workflow/\(HTTPTransport.segment(workflowId))/skiptask/"
                                         + HTTPTransport.segment(referenceName), json: request)
    }

    /// Makes the SCHEDULED tasks of `workflowId` that wait out a callback ready to be polled now.
    public func resetCallbacks(_ workflowId: String) async throws {
        _ = try await transport.send(.POST, "/api/workflow/\(HTTPTransport.segment(workflowId))/resetcallbacks")
    }

    /// Starts a workflow and waits until it ends, blocks (a WAIT or HUMAN task), one of `waitUntilTaskRefs` has
    /// ended, or `waitForSeconds` have passed; returns its state then, as `returnStrategy` asks (nil when a blocking
    /// task is asked for and none blocks). `version` 0 is the latest.
    public func execute(_ request: StartWorkflowRequest, name: String, version: Int = 0, waitUntilTaskRefs: [String] = [],
                        waitForSeconds: Int = 10, returnStrategy: WorkflowSignalReturnStrategy = .targetWorkflow,
                        requestId: String? = nil) async throws -> SignalResponse? {
        let reply = try await transport.send(
            .POST, "/api/workflow/execute/\(HTTPTransport.segment(name))/\(version)",
            query: [("requestId", requestId),
                    ("waitUntilTaskRef", waitUntilTaskRefs.isEmpty ? nil : waitUntilTaskRefs.joined(separator: ",")),
                    ("waitForSeconds", String(waitForSeconds)), ("returnStrategy", returnStrategy.rawValue)],
            json: request, extraTime: .seconds(waitForSeconds))
        return reply.body.isEmpty ? nil : try transport.decode(SignalResponse.self, from: reply)
    }

    /// Runs a workflow as a dry run on the server, stored nowhere, its tasks given `request`'s mocked results; returns
    /// the execution as the mocks left it.
    public func test(_ request: WorkflowTestRequest) async throws -> Workflow {
        let reply = try await transport.send(.POST, "/api/workflow/test", json: request)
        return try transport.decode(Workflow.self, from: reply)
    }

    /// Asks the server to decide `workflowId` now (schedule what is due, apply timeouts).
    public func decide(_ workflowId: String) async throws {
        _ = try await transport.send(.PUT, "/api/workflow/decide/\(HTTPTransport.segment(workflowId))")
    }
}

/// The answer of `GET /api/workflow/{id}/status`: an execution's status without its tasks.
public struct WorkflowStatusReport: Codable, Sendable, Hashable {
    /// The execution's id.
    public var workflowId: String
    /// Its correlation id, if it has one.
    public var correlationId: String?
    /// Its status.
    public var status: WorkflowStatus
    /// Its output, when asked for.
    public var output: JSONObject?
    /// Its variables, when asked for.
    public var variables: JSONObject?
}
