@_spi(Engine) public import BatonModel

/// Where a workflow stands for a request that waits on it (a synchronous execute or signal): the workflow,
/// and the tasks it is blocked on — in it or in its running sub-workflows, however deep.
public struct BlockedState: Sendable, Hashable {
    /// The workflow the request named.
    public var target: Workflow
    /// The workflow holding the first blocking task; the target when none blocks.
    public var blockingWorkflow: Workflow
    /// The tasks it waits on: WAIT tasks without a duration and HUMAN tasks, still running, and the ended tasks
    /// of the references the request waits for.
    public var blockingTasks: [TaskExecution]
    /// Whether the request stopped waiting before the workflow ended or blocked.
    public var timedOut = false
    /// The ids of the target and its running sub-workflows, whose changes wake the waiting request.
    var workflowIds: [String]

    /// Whether the wait is over: the workflow ended, or something blocks it.
    public var isSettled: Bool { target.status.isTerminal || !blockingTasks.isEmpty }

    /// Finds what `target` is blocked on, reading its sub-workflows with `load`.
    init(target: Workflow, waitingFor references: Set<String>, load: (String) throws -> Workflow?) throws {
        self.target = target
        var blocking: [TaskExecution] = []
        var holder: Workflow?
        var ids: [String] = []
        func visit(_ workflow: Workflow) throws {
            ids.append(workflow.workflowId)
            for task in workflow.tasks.sorted(by: { $0.seq < $1.seq }) {
                let waiting = task.isAwaitingSignal && task.waitUntil == 0
                if waiting || (task.status.isTerminal && references.contains(task.referenceTaskName)) {
                    blocking.append(task)
                    if holder == nil { holder = workflow }
                }
                if task.taskType == TaskType.subWorkflow.rawValue, !task.status.isTerminal,
                   let childId = task.subWorkflowId, !childId.isEmpty, let child = try load(childId) {
                    try visit(child)
                }
            }
        }
        try visit(target)
        blockingTasks = blocking
        blockingWorkflow = holder ?? target
        workflowIds = ids
    }

    /// The reply a request with `strategy` receives (Conductor's `NotificationResult.toResponse`): the target or
    /// the blocking workflow, or the first blocking task; nil when a task is asked for and none blocks.
    public func response(_ strategy: WorkflowSignalReturnStrategy, requestId: String) -> SignalResponse? {
        switch strategy {
        case .targetWorkflow:
            return .workflow(WorkflowRun(target, target: target, responseType: strategy, requestId: requestId,
                                         signalTimeout: timedOut))
        case .blockingWorkflow:
            return .workflow(WorkflowRun(blockingWorkflow, target: target, responseType: strategy, requestId: requestId,
                                         signalTimeout: timedOut))
        case .blockingTask, .blockingTaskInput:
            guard let task = blockingTasks.first else { return nil }
            return .task(TaskRun(task, target: target, responseType: strategy, requestId: requestId, signalTimeout: timedOut))
        }
    }
}

extension TaskExecution {
    /// Whether the task waits for someone to signal it: a WAIT or HUMAN task that has not ended.
    var isAwaitingSignal: Bool {
        (taskType == TaskType.wait.rawValue || taskType == TaskType.human.rawValue) && !status.isTerminal
    }
}
