import Foundation

/// The status of a workflow execution.
public enum WorkflowStatus: String, Codable, Sendable, CaseIterable {
    case running = "RUNNING"
    case completed = "COMPLETED"
    case failed = "FAILED"
    case timedOut = "TIMED_OUT"
    case terminated = "TERMINATED"
    case paused = "PAUSED"

    /// Whether the execution has ended: nothing runs in it any more.
    public var isTerminal: Bool {
        switch self {
        case .running, .paused: return false
        case .completed, .failed, .timedOut, .terminated: return true
        }
    }
}

/// The status of one task attempt.
public enum TaskStatus: String, Codable, Sendable, CaseIterable {
    case inProgress = "IN_PROGRESS"
    case canceled = "CANCELED"
    case failed = "FAILED"
    case failedWithTerminalError = "FAILED_WITH_TERMINAL_ERROR"
    case completed = "COMPLETED"
    case completedWithErrors = "COMPLETED_WITH_ERRORS"
    case scheduled = "SCHEDULED"
    case timedOut = "TIMED_OUT"
    case skipped = "SKIPPED"

    /// Whether the attempt has ended.
    public var isTerminal: Bool {
        switch self {
        case .inProgress, .scheduled: return false
        default: return true
        }
    }

    /// Whether the attempt ended well enough for the workflow to go on.
    public var isSuccessful: Bool {
        switch self {
        case .completed, .completedWithErrors, .skipped, .inProgress, .scheduled: return true
        case .canceled, .failed, .failedWithTerminalError, .timedOut: return false
        }
    }

    /// Whether a task definition's retries apply to an attempt that ended so.
    public var isRetriable: Bool {
        switch self {
        case .canceled, .failedWithTerminalError, .skipped: return false
        default: return true
        }
    }
}

/// The status a worker (or a signal) reports for a task.
public enum TaskResultStatus: String, Codable, Sendable, CaseIterable {
    case inProgress = "IN_PROGRESS"
    case failed = "FAILED"
    case failedWithTerminalError = "FAILED_WITH_TERMINAL_ERROR"
    case completed = "COMPLETED"
    case canceled = "CANCELED"

    /// The task status this result sets.
    public var taskStatus: TaskStatus {
        switch self {
        case .inProgress: return .inProgress
        case .failed: return .failed
        case .failedWithTerminalError: return .failedWithTerminalError
        case .completed: return .completed
        case .canceled: return .canceled
        }
    }
}

/// What happens when a task exceeds its `timeoutSeconds`.
public enum TaskTimeoutPolicy: String, Codable, Sendable, CaseIterable {
    case retry = "RETRY"
    case timeOutWorkflow = "TIME_OUT_WF"
    case alertOnly = "ALERT_ONLY"
}

/// What happens when a workflow exceeds its `timeoutSeconds`.
public enum WorkflowTimeoutPolicy: String, Codable, Sendable, CaseIterable {
    case timeOutWorkflow = "TIME_OUT_WF"
    case alertOnly = "ALERT_ONLY"
}

/// How the delay before an automatic retry grows.
public enum RetryLogic: String, Codable, Sendable, CaseIterable {
    case fixed = "FIXED"
    case exponentialBackoff = "EXPONENTIAL_BACKOFF"
    case linearBackoff = "LINEAR_BACKOFF"
}

/// What a start with an `idempotencyKey` does when a workflow with that key exists.
public enum IdempotencyStrategy: String, Codable, Sendable, CaseIterable {
    case fail = "FAIL"
    case returnExisting = "RETURN_EXISTING"
    case failOnRunning = "FAIL_ON_RUNNING"
}

/// A task type: one of the built-in system types, or the name of a worker's task.
public struct TaskType: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let simple = TaskType("SIMPLE")
    public static let wait = TaskType("WAIT")
    public static let human = TaskType("HUMAN")
    public static let switchTask = TaskType("SWITCH")
    public static let decision = TaskType("DECISION")
    public static let forkJoin = TaskType("FORK_JOIN")
    public static let forkJoinDynamic = TaskType("FORK_JOIN_DYNAMIC")
    public static let fork = TaskType("FORK")
    public static let join = TaskType("JOIN")
    public static let exclusiveJoin = TaskType("EXCLUSIVE_JOIN")
    public static let doWhile = TaskType("DO_WHILE")
    public static let subWorkflow = TaskType("SUB_WORKFLOW")
    public static let startWorkflow = TaskType("START_WORKFLOW")
    public static let terminate = TaskType("TERMINATE")
    public static let setVariable = TaskType("SET_VARIABLE")
    public static let inline = TaskType("INLINE")
    public static let lambda = TaskType("LAMBDA")
    public static let jsonJQTransform = TaskType("JSON_JQ_TRANSFORM")
    public static let noop = TaskType("NOOP")
    public static let http = TaskType("HTTP")
    public static let event = TaskType("EVENT")
    public static let dynamic = TaskType("DYNAMIC")
    public static let kafkaPublish = TaskType("KAFKA_PUBLISH")

    /// Every type name Conductor defines for a workflow task's `type` field.
    public static let conductorTypes: Set<TaskType> = [
        .simple, .wait, .human, .switchTask, .decision, .forkJoin, .forkJoinDynamic, .join, .exclusiveJoin,
        .doWhile, .subWorkflow, .startWorkflow, .terminate, .setVariable, .inline, .lambda, .jsonJQTransform,
        .noop, .http, .event, .dynamic, .kafkaPublish,
    ]

    /// The operators that only steer the graph: Conductor never retries them, whatever a task definition of
    /// the same name says.
    public static let operators: Set<TaskType> = [
        .decision, .switchTask, .fork, .forkJoin, .forkJoinDynamic, .join, .exclusiveJoin, .doWhile,
    ]

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
