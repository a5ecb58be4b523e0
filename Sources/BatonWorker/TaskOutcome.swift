public import BatonModel
import Foundation

/// What became of a task a worker executed: completed with output, failed, or still in progress
/// (call back later). The host turns it into a `TaskResult`.
public struct TaskOutcome: Sendable, Hashable {
    /// The status reported to the server.
    public var status: TaskResultStatus
    /// The task's output (it replaces the task's previous output).
    public var output: JSONObject
    /// Why the task did not complete, for failures.
    public var reason: String?
    /// For IN_PROGRESS: seconds before the server hands the task out again.
    public var callbackAfterSeconds: Int64
    /// Log lines to attach to the task.
    public var logs: [String]

    /// Creates an outcome from its parts.
    public init(status: TaskResultStatus, output: JSONObject = [:], reason: String? = nil,
                callbackAfterSeconds: Int64 = 0, logs: [String] = []) {
        self.status = status
        self.output = output
        self.reason = reason
        self.callbackAfterSeconds = callbackAfterSeconds
        self.logs = logs
    }

    /// The task completed with `output`.
    public static func completed(_ output: JSONObject = [:], logs: [String] = []) -> TaskOutcome {
        TaskOutcome(status: .completed, output: output, logs: logs)
    }

    /// The task failed because of `reason`; the task definition's retries apply.
    public static func failed(_ reason: String, output: JSONObject = [:], logs: [String] = []) -> TaskOutcome {
        TaskOutcome(status: .failed, output: output, reason: reason, logs: logs)
    }

    /// The task failed because of `reason` and must not be retried.
    public static func failedWithTerminalError(_ reason: String, output: JSONObject = [:],
                                               logs: [String] = []) -> TaskOutcome {
        TaskOutcome(status: .failedWithTerminalError, output: output, reason: reason, logs: logs)
    }

    /// The task is not done: hand it to a worker again in `callbackAfterSeconds` seconds, with `output` kept.
    public static func inProgress(callbackAfterSeconds: Int64, output: JSONObject = [:],
                                  logs: [String] = []) -> TaskOutcome {
        TaskOutcome(status: .inProgress, output: output, callbackAfterSeconds: max(0, callbackAfterSeconds), logs: logs)
    }

    /// The outcome for an error thrown by a worker: FAILED with the error's text (terminal for a terminal `TaskFailure`).
    public static func failure(from error: any Error) -> TaskOutcome {
        if let failure = error as? TaskFailure {
            return TaskOutcome(status: failure.isTerminal ? .failedWithTerminalError : .failed, output: failure.output,
                               reason: failure.message)
        }
        if let error = error as? any LocalizedError, let text = error.errorDescription {
            return .failed(text)
        }
        return .failed(String(describing: error))
    }

    /// The result that reports this outcome for `task`, as `workerId`.
    public func result(for task: TaskExecution, workerId: String?) -> TaskResult {
        var result = TaskResult(workflowInstanceId: task.workflowInstanceId, taskId: task.taskId, status: status,
                                outputData: output, reasonForIncompletion: reason,
                                callbackAfterSeconds: callbackAfterSeconds, workerId: workerId)
        let now = Int64((Date().timeIntervalSince1970 * 1000).rounded())
        result.logs = logs.map { TaskExecLog(log: $0, taskId: task.taskId, createdTime: now) }
        return result
    }

    /// The metric dimension value for this outcome's status, e.g. `completed`.
    var metricName: String { status.rawValue.lowercased() }
}
