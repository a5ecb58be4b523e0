public import BatonClient
public import BatonModel
import Foundation

/// Runs `body` with an SDK client of a fresh in-process server.
public func withClient<Result: Sendable>(
    _ body: @Sendable (BatonClient, RunningServer) async throws -> Result
) async throws -> Result {
    try await withRunningServer { server in
        try await withBatonClient(baseURL: server.baseURL) { client in try await body(client, server) }
    }
}

/// Polls `condition` up to `attempts` times, `interval` apart, until it holds; returns whether it did.
/// Bounds every wait in these tests without asserting on how long anything took.
public func eventually(attempts: Int = 500, interval: Duration = .milliseconds(20),
                _ condition: @Sendable () async throws -> Bool) async rethrows -> Bool {
    for _ in 0..<attempts {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}

extension BatonClient {
    /// Registers `taskType` (no retries unless told) and a workflow `name` running one SIMPLE task per ref.
    public func registerChain(_ name: String, taskType: String = "work", refs: [String], retryCount: Int = 0,
                       responseTimeoutSeconds: Int64 = 60) async throws {
        try await metadata.register(taskDefs: [TaskDef(name: taskType, retryCount: retryCount, retryDelaySeconds: 0,
                                                       responseTimeoutSeconds: responseTimeoutSeconds)])
        let tasks = refs.map {
            WorkflowTask(name: taskType, taskReferenceName: $0, inputParameters: ["n": "${workflow.input.n}"])
        }
        try await metadata.register(workflowDef: WorkflowDef(name: name, tasks: tasks), overwrite: true)
    }

    /// Registers `name`: a SIMPLE task `work` then a WAIT task `approval`.
    public func registerWorkThenWait(_ name: String) async throws {
        try await metadata.register(taskDefs: [TaskDef(name: "work", retryCount: 0, retryDelaySeconds: 0)])
        let definition = WorkflowDef(name: name, tasks: [
            WorkflowTask(name: "work", taskReferenceName: "work"),
            WorkflowTask(name: "approval", taskReferenceName: "approval", type: .wait),
        ], outputParameters: ["by": "${approval.output.by}"])
        try await metadata.register(workflowDef: definition, overwrite: true)
    }

    /// Polls one task of `taskType` and completes it with `output`; throws when none was waiting.
    @discardableResult
    public func completeNext(_ taskType: String = "work", output: JSONObject = [:]) async throws -> BatonModel.TaskExecution {
        let task = try await pollOne(taskType)
        try await tasks.update(TaskResult(workflowInstanceId: task.workflowInstanceId, taskId: task.taskId,
                                          status: .completed, outputData: output))
        return task
    }

    /// Polls one task of `taskType` and fails it with `reason`.
    @discardableResult
    public func failNext(_ taskType: String = "work", reason: String = "boom") async throws -> BatonModel.TaskExecution {
        let task = try await pollOne(taskType)
        try await tasks.update(TaskResult(workflowInstanceId: task.workflowInstanceId, taskId: task.taskId,
                                          status: .failed, reasonForIncompletion: reason))
        return task
    }

    private func pollOne(_ taskType: String) async throws -> BatonModel.TaskExecution {
        guard let task = try await tasks.poll(taskType: taskType, workerId: "test") else {
            throw TestHarnessError("No task of type \(taskType) was waiting to be polled")
        }
        return task
    }
}
