import BatonModel

/// How a task is carried out: by a worker that polls for it, or by Baton itself.
public enum TaskKind: Sendable, Hashable {
    /// A worker polls for it over HTTP (SIMPLE, DYNAMIC once resolved, and HTTP — polled from its
    /// `HTTP` queue by Baton's own HTTP task runner, as Conductor's system task workers do).
    case worker
    /// It waits for a duration, a time, or a signal (WAIT, HUMAN).
    case waiting
    /// Baton runs it itself.
    case system

    /// The kind of a task attempt, read from the node it was scheduled from.
    public init(_ task: Task) {
        if let type = task.workflowTask?.type {
            self.init(type)
        } else {
            self = TaskType.conductorTypes.contains(TaskType(task.taskType)) ? .system : .worker
            if task.taskType == TaskType.wait.rawValue || task.taskType == TaskType.human.rawValue { self = .waiting }
        }
    }

    /// The kind of the tasks a node of the given type schedules.
    public init(_ type: TaskType) {
        switch type {
        case .simple, .dynamic, .http: self = .worker
        case .wait, .human: self = .waiting
        default: self = .system
        }
    }

    /// Whether a worker polls for tasks of this kind.
    public var isWorkerTask: Bool { self == .worker }
}

/// The node types this version of the Decider can run.
public enum SupportedTaskTypes {
    /// Every node type a definition may use.
    public static let all: Set<TaskType> = [
        .simple, .dynamic, .wait, .human, .noop, .setVariable, .terminate, .switchTask, .decision, .forkJoin, .join,
        .doWhile, .inline, .lambda, .jsonJQTransform, .subWorkflow, .startWorkflow, .http, .forkJoinDynamic,
    ]
}
