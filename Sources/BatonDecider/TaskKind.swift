import BatonModel

/// How a task is carried out: by a worker that polls for it, or by Baton itself.
public enum TaskKind: Sendable, Hashable {
    /// A worker polls for it over HTTP (SIMPLE, DYNAMIC once resolved, and HTTP — polled from its
    /// `HTTP` queue by Baton's own HTTP task runner, as Conductor's system task workers do).
    case worker
    /// It waits for a duration, a time, or a signal (WAIT, HUMAN).
    case waiting
    /// Baton runs it itself, inside the decision.
    case system
    /// Baton's script runner evaluates it outside any write transaction: it waits in the script queue
    /// (`ScriptTask.queueName`) like a worker task (INLINE, LAMBDA, JSON_JQ_TRANSFORM, a SWITCH or DECISION
    /// with a JavaScript expression, and a DO_WHILE whose iteration ended, for its condition).
    case script

    /// The kind of a task attempt, read from the node it was scheduled from (a DO_WHILE is a script task
    /// while its condition waits to be evaluated).
    public init(_ task: TaskExecution) {
        if let node = task.workflowTask {
            self.init(node)
            if node.type == .doWhile, task.awaitsLoopCondition { self = .script }
        } else {
            let type = TaskType(task.taskType)
            self = TaskType.conductorTypes.contains(type) ? TaskKind(type) : .worker
        }
    }

    /// The kind of the tasks `node` schedules: a SWITCH or DECISION is a script task when it evaluates
    /// JavaScript, a system task when it reads a parameter.
    public init(_ node: WorkflowTask) {
        switch node.type {
        case .switchTask: self = ["javascript", "graaljs"].contains(node.evaluatorType ?? "value-param") ? .script : .system
        case .decision: self = (node.caseValueParam ?? "").isEmpty ? .script : .system
        default: self.init(node.type)
        }
    }

    /// The kind of the tasks a node of the given type schedules.
    public init(_ type: TaskType) {
        switch type {
        case .simple, .dynamic, .http: self = .worker
        case .wait, .human: self = .waiting
        case .inline, .lambda, .jsonJQTransform: self = .script
        default: self = .system
        }
    }

    /// Whether a worker polls for tasks of this kind.
    public var isWorkerTask: Bool { self == .worker }

    /// Whether tasks of this kind wait in a queue until they are polled, by a worker or by the script runner.
    public var isPolled: Bool { self == .worker || self == .script }
}

/// The node types this version of the Decider can run.
public enum SupportedTaskTypes {
    /// Every node type a definition may use.
    public static let all: Set<TaskType> = [
        .simple, .dynamic, .wait, .human, .noop, .setVariable, .terminate, .switchTask, .decision, .forkJoin, .join,
        .exclusiveJoin, .doWhile, .inline, .lambda, .jsonJQTransform, .subWorkflow, .startWorkflow, .http,
        .forkJoinDynamic,
    ]
}
