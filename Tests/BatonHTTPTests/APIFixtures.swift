import BatonDecider
import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// Short-hands for the calls most HTTP tests make, written against the raw API.
extension RunningServer {
    /// Registers task definitions and fails the test unless the server accepts them.
    func registerTaskDefs(_ json: String) async throws {
        let reply = try await client.send(.POST, "/api/metadata/taskdefs", body: json)
        #expect(reply.status == 200, "\(reply.text)")
    }

    /// Registers a workflow definition (overwriting) and fails the test unless the server accepts it.
    func registerWorkflow(_ json: String) async throws {
        let reply = try await client.send(.POST, "/api/metadata/workflow?overwrite=true", body: json)
        #expect(reply.status == 200, "\(reply.text)")
    }

    /// Registers `name` as a chain of SIMPLE tasks `refs`, each running task type `taskType`.
    func registerChain(_ name: String, taskType: String = "work", refs: [String], extra: String = "") async throws {
        let tasks = refs.map { #"{"name":"\#(taskType)","taskReferenceName":"\#($0)","inputParameters":{"n":"${workflow.input.n}"}}"# }
        try await registerWorkflow(#"{"name":"\#(name)","version":1,"tasks":[\#(tasks.joined(separator: ","))]\#(extra)}"#)
    }

    /// Starts a workflow by name and returns its id.
    func start(_ name: String, input: String = "{}") async throws -> String {
        let reply = try await client.send(.POST, "/api/workflow/\(name)", body: input)
        try #require(reply.status == 200, "\(reply.text)")
        return reply.text
    }

    /// The execution with its tasks.
    func workflow(_ id: String) async throws -> Workflow {
        let reply = try await client.get("/api/workflow/\(id)")
        try #require(reply.status == 200, "\(reply.text)")
        return try reply.decode(Workflow.self)
    }

    /// Polls one task of `taskType`, waiting up to five seconds for one to be queued (behind a script the
    /// script runner evaluates, say); nil when none came.
    func pollSoon(_ taskType: String) async throws -> BatonModel.TaskExecution? {
        for _ in 0..<200 {
            if let task = try await poll(taskType) { return task }
            try await Task.sleep(for: .milliseconds(25))
        }
        return nil
    }

    /// The execution once the script runner has evaluated the scripts it waited for (or it ended).
    func workflowAfterScripts(_ id: String) async throws -> Workflow {
        for _ in 0..<200 {
            let execution = try await workflow(id)
            let waiting = execution.tasks.contains { !$0.status.isTerminal && TaskKind($0) == .script }
            if !waiting || execution.status.isTerminal { return execution }
            try await Task.sleep(for: .milliseconds(25))
        }
        return try await workflow(id)
    }

    /// Polls one task of `taskType`; nil when none is ready.
    func poll(_ taskType: String, worker: String = "test-worker", domain: String? = nil) async throws -> BatonModel.TaskExecution? {
        let domainQuery = domain.map { "&domain=\($0)" } ?? ""
        let reply = try await client.get("/api/tasks/poll/\(taskType)?workerid=\(worker)\(domainQuery)")
        if reply.status == 204 { return nil }
        try #require(reply.status == 200, "\(reply.text)")
        return try reply.decode(BatonModel.TaskExecution.self)
    }

    /// Reports a result for a polled task and returns the HTTP reply.
    @discardableResult
    func report(_ task: BatonModel.TaskExecution, _ status: String, output: String = "{}", reason: String? = nil,
                callbackAfterSeconds: Int? = nil) async throws -> TestHTTPClient.Reply {
        var fields = [#""workflowInstanceId":"\#(task.workflowInstanceId)""#, #""taskId":"\#(task.taskId)""#,
                      #""status":"\#(status)""#, #""outputData":\#(output)"#]
        if let reason { fields.append(#""reasonForIncompletion":"\#(reason)""#) }
        if let callbackAfterSeconds { fields.append(#""callbackAfterSeconds":\#(callbackAfterSeconds)"#) }
        return try await client.send(.POST, "/api/tasks", body: "{" + fields.joined(separator: ",") + "}")
    }

    /// Polls `taskType` and completes it with `output`; fails the test when nothing was ready.
    @discardableResult
    func completeNext(_ taskType: String, output: String = "{}") async throws -> BatonModel.TaskExecution {
        let task = try #require(try await pollSoon(taskType))
        let reply = try await report(task, "COMPLETED", output: output)
        #expect(reply.status == 200, "\(reply.text)")
        return task
    }
}
