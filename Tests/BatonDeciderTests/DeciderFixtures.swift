import BatonDecider
import BatonModel
import Synchronization
import Testing

/// The instant every Decider test starts at: 2023-11-14T22:13:20Z, in epoch milliseconds.
let t0: Int64 = 1_700_000_000_000

/// Milliseconds in `count` seconds, to write instants as `t0 + seconds(30)`.
func seconds(_ count: Int64) -> Int64 { count * 1000 }

/// Names new task attempts `task-1`, `task-2`… in the order the Decider asks for them.
final class IdCounter: Sendable {
    private let issued = Mutex(0)

    func next() -> String {
        issued.withLock { count in
            count += 1
            return "task-\(count)"
        }
    }
}

/// Builders for the definitions and executions the Decider tests run.
enum Fixtures {
    /// A SIMPLE node `t<index>` of task `task_<index>`, with its task definition attached as the engine
    /// does at start (Conductor's defaults unless given).
    static func simple(_ index: Int, taskDef: TaskDef? = nil, input: JSONObject = [:],
                       optional: Bool = false) -> WorkflowTask {
        var node = WorkflowTask(name: "task_\(index)", taskReferenceName: "t\(index)", inputParameters: input,
                                optional: optional)
        node.taskDefinition = taskDef ?? TaskDef(name: node.name)
        return node
    }

    /// A WAIT node with the task definition the engine attaches to system tasks.
    static func wait(_ reference: String = "wait", input: JSONObject = [:]) -> WorkflowTask {
        var node = WorkflowTask(name: reference, taskReferenceName: reference, type: .wait, inputParameters: input)
        node.taskDefinition = TaskDef(name: reference, retryCount: 0, responseTimeoutSeconds: 0)
        return node
    }

    /// A task definition named for node `index`, changed by `configure`.
    static func taskDef(_ index: Int = 1, _ configure: (inout TaskDef) -> Void = { _ in }) -> TaskDef {
        var taskDef = TaskDef(name: "task_\(index)")
        configure(&taskDef)
        return taskDef
    }

    /// A definition of `count` SIMPLE tasks `t1`…`tN`; `taskDef` gives each node's task definition.
    static func definition(simpleTasks count: Int, name: String = "flow",
                           taskDef: (Int) -> TaskDef = { TaskDef(name: "task_\($0)") }) -> WorkflowDef {
        WorkflowDef(name: name, tasks: (1...max(1, count)).map { simple($0, taskDef: taskDef($0)) })
    }

    /// A definition of the given nodes.
    static func definition(_ nodes: [WorkflowTask], name: String = "flow") -> WorkflowDef {
        WorkflowDef(name: name, tasks: nodes)
    }
}

/// A Decider deciding at `now`, naming attempts with `ids`.
func decider(at now: Int64, ids: IdCounter = IdCounter()) -> Decider {
    Decider(now: now, makeId: { ids.next() })
}

/// A new execution `wf-1` of `definition` created at `instant`, after its first decide.
func workflow(_ definition: WorkflowDef, input: JSONObject = [:], started instant: Int64 = t0,
              ids: IdCounter = IdCounter()) -> Workflow {
    var workflow = Workflow(workflowId: "wf-1", definition: definition, input: input, createTime: instant)
    _ = decider(at: instant, ids: ids).decide(&workflow)
    return workflow
}

/// One execution driven through time: the instant moves only when a test moves it.
struct Run {
    var workflow: Workflow
    var now: Int64
    let ids: IdCounter
    /// The effects of the last decision made through this run.
    var effects = DecisionEffects()

    init(_ definition: WorkflowDef, input: JSONObject = [:], at instant: Int64 = t0) {
        let ids = IdCounter()
        self.ids = ids
        self.now = instant
        self.workflow = BatonDeciderTests.workflow(definition, input: input, started: instant, ids: ids)
    }

    var decider: Decider { BatonDeciderTests.decider(at: now, ids: ids) }

    /// The status of the workflow.
    var status: WorkflowStatus { workflow.status }

    /// Moves the clock to `instant`.
    mutating func at(_ instant: Int64) { now = instant }

    /// Decides at the current instant.
    @discardableResult
    mutating func decide() -> DecisionEffects {
        effects = decider.decide(&workflow)
        return effects
    }

    /// Every attempt of the task with `reference`, in `seq` order.
    func attempts(_ reference: String) -> [BatonModel.TaskExecution] {
        workflow.tasks.filter { $0.referenceTaskName == reference }.sorted { $0.seq < $1.seq }
    }

    /// The latest attempt of the task with `reference`.
    func task(_ reference: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> BatonModel.TaskExecution {
        try #require(attempts(reference).last, "no task \(reference)", sourceLocation: sourceLocation)
    }

    func index(of reference: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        let id = try task(reference, sourceLocation: sourceLocation).taskId
        return try #require(workflow.tasks.firstIndex { $0.taskId == id }, sourceLocation: sourceLocation)
    }

    /// A worker polls the latest attempt of `reference`: it becomes IN_PROGRESS.
    mutating func poll(_ reference: String, worker: String = "worker-1") throws {
        let index = try index(of: reference)
        decider.start(&workflow.tasks[index], workerId: worker)
    }

    /// A worker reports on the latest attempt of `reference`.
    @discardableResult
    mutating func report(_ reference: String, _ status: TaskResultStatus, output: JSONObject? = nil,
                         reason: String? = nil, callbackAfterSeconds: Int64 = 0) throws -> TaskResultOutcome {
        let task = try task(reference)
        let result = TaskResult(workflowInstanceId: workflow.workflowId, taskId: task.taskId, status: status,
                                outputData: output, reasonForIncompletion: reason,
                                callbackAfterSeconds: callbackAfterSeconds, workerId: "worker-1")
        return try decider.apply(result, to: &workflow)
    }

    /// A worker polls `reference`, reports `status`, and the Decider decides: one whole worker round.
    @discardableResult
    mutating func finish(_ reference: String, _ status: TaskResultStatus = .completed, output: JSONObject? = nil,
                         reason: String? = nil) throws -> DecisionEffects {
        if try task(reference).status == .scheduled { try poll(reference) }
        try report(reference, status, output: output, reason: reason)
        return decide()
    }
}
