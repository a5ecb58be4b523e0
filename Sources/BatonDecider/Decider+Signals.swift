@_spi(Engine) import BatonModel

extension Decider {
    /// Pauses a RUNNING workflow: no new work starts until it is resumed. Returns false when it was
    /// already paused (a no-op).
    public func pause(_ workflow: inout Workflow) throws(DeciderError) -> Bool {
        if workflow.status.isTerminal {
            throw DeciderError(.conflict, "Workflow \(workflow.workflowId) has ended (\(workflow.status.rawValue)), "
                + "status cannot be updated.")
        }
        guard workflow.status == .running else { return false }
        workflow.status = .paused
        workflow.pausedAt = now
        workflow.updateTime = now
        return true
    }

    /// Resumes a PAUSED workflow and decides at once. Paused time does not count toward timeouts.
    public func resume(_ workflow: inout Workflow) throws(DeciderError) -> DecisionEffects {
        guard workflow.status == .paused else {
            throw DeciderError(.conflict, "The workflow \(workflow.workflowId) is not PAUSED so cannot resume. "
                + "Current status is \(workflow.status.rawValue)")
        }
        let pausedAt = workflow.pausedAt > 0 ? workflow.pausedAt : now
        workflow.status = .running
        workflow.pausedAt = 0
        workflow.pausedMillis += max(0, now - pausedAt)
        workflow.updateTime = now
        for index in workflow.tasks.indices where !workflow.tasks[index].status.isTerminal {
            // A task scheduled during the pause (a rerun's new attempt) was held only since then.
            let heldSince = max(pausedAt, workflow.tasks[index].scheduledTime)
            workflow.tasks[index].pausedMillis += max(0, now - heldSince)
            if workflow.tasks[index].isLeased, TaskKind(workflow.tasks[index]).isPolled {
                workflow.tasks[index].updateTime = now
            }
        }
        return decide(&workflow)
    }

    /// Terminates a workflow that has not completed: every live task is canceled. Returns nil when the
    /// workflow was already TERMINATED (a no-op).
    public func terminate(_ workflow: inout Workflow, reason: String?,
                          triggerFailureWorkflow: Bool) throws(DeciderError) -> DecisionEffects? {
        switch workflow.status {
        case .completed:
            throw DeciderError(.conflict, "Cannot terminate a COMPLETED workflow.")
        case .terminated:
            return nil
        default:
            var effects = DecisionEffects()
            end(&workflow, status: .terminated, reason: reason, startFailureWorkflow: triggerFailureWorkflow,
                effects: &effects)
            return effects
        }
    }

    /// Restarts an ended workflow from its first task under the same id, with its original input.
    ///
    /// - Parameter latestDefinition: the definition to run on instead of the snapshot, for
    ///   "restart with latest definitions".
    public func restart(_ workflow: inout Workflow,
                        latestDefinition: WorkflowDef? = nil) throws(DeciderError) -> DecisionEffects {
        guard workflow.status.isTerminal else {
            throw DeciderError(.conflict, "Workflow \(workflow.workflowId) is not in terminal state "
                + "(\(workflow.status.rawValue)), unable to restart.")
        }
        if workflow.status == .completed, workflow.workflowDefinition?.restartable == false {
            throw DeciderError(.conflict, "Workflow \(workflow.workflowId) is COMPLETED and its definition is "
                + "not restartable")
        }
        if let latestDefinition {
            workflow.workflowDefinition = latestDefinition
            workflow.workflowName = latestDefinition.name
            workflow.workflowVersion = latestDefinition.version
        }
        resetForNewRun(&workflow)
        workflow.createTime = now
        return decide(&workflow)
    }

    /// Reruns a workflow, from the start or from one task (see `RerunWorkflowRequest`).
    ///
    /// From the start: ended workflows only; the input, correlation id and task-to-domain mapping
    /// are replaced when given. From a task: also a RUNNING or PAUSED workflow; the task runs again as a
    /// new attempt, the attempts it replaces are kept (CANCELED, `retried`), later tasks are removed except in
    /// the other branches of an enclosing fork, where what the workflow's end canceled runs again.
    public func rerun(_ workflow: inout Workflow, _ request: RerunWorkflowRequest) throws(DeciderError) -> DecisionEffects {
        guard let taskId = request.reRunFromTaskId, !taskId.isEmpty else {
            guard workflow.status.isTerminal else {
                throw DeciderError(.conflict, "Workflow \(workflow.workflowId) is not in terminal state "
                    + "(\(workflow.status.rawValue)), unable to rerun from the start. Rerun from a task instead.")
            }
            replaceRunValues(of: &workflow, with: request)
            resetForNewRun(&workflow)
            // The run keeps its createTime: its timeout counts from the rerun, as after a retry.
            workflow.lastRetriedTime = now
            return decide(&workflow)
        }
        guard let target = workflow.tasks.first(where: { $0.taskId == taskId }) else {
            throw DeciderError(.invalid, "Task \(taskId) not found in workflow \(workflow.workflowId)")
        }
        guard let definition = workflow.workflowDefinition,
              let node = target.workflowTask ?? definition.node(referenceName: target.baseReferenceName) else {
            throw DeciderError(.invalid, "Task \(taskId) has no node in the workflow's definition")
        }
        replaceRunValues(of: &workflow, with: request)
        var effects = DecisionEffects()
        let reference = target.referenceTaskName
        let attempts = workflow.tasks.filter { $0.referenceTaskName == reference }
        let latest = attempts.max { $0.seq < $1.seq } ?? target
        // Later tasks downstream of the target are removed (their live leases die with them); the other
        // branches of an enclosing fork run on, and the enclosing JOIN and DO_WHILE are reopened.
        let scope = RerunScope(target: target, definition: definition)
        let removed = workflow.tasks.filter {
            $0.seq > target.seq && $0.referenceTaskName != reference && !scope.keeps($0)
        }
        workflow.tasks.removeAll { task in removed.contains { $0.taskId == task.taskId } }
        for index in workflow.tasks.indices where scope.reopens(workflow.tasks[index]) && workflow.tasks[index].status.isTerminal {
            reopen(taskAt: index, in: &workflow)
            if workflow.tasks[index].workflowTask?.type == .doWhile {
                workflow.tasks[index].outputData["iteration"] = .int(Int64(target.iteration))
            }
        }
        for task in removed {
            effects.notes.append(DecisionNote(kind: .taskRemoved, detail: "removed by rerun from task \(taskId)",
                                              taskId: task.taskId))
        }
        for index in workflow.tasks.indices where workflow.tasks[index].referenceTaskName == reference {
            let before = workflow.tasks[index].status
            if before != .canceled {
                effects.notes.append(DecisionNote(kind: .taskCanceled, detail: "was \(before.rawValue); replaced by rerun",
                                                  taskId: workflow.tasks[index].taskId))
            }
            workflow.tasks[index].status = .canceled
            workflow.tasks[index].retried = true
            workflow.tasks[index].executed = true
            if workflow.tasks[index].endTime == 0 { workflow.tasks[index].endTime = now }
            workflow.tasks[index].updateTime = now
        }
        if workflow.status.isTerminal {
            reopenEnded(&workflow)
            // What the end canceled in the branches the rerun keeps runs again, as after a revival.
            for index in canceledLatestAttempts(of: workflow) where workflow.tasks[index].referenceTaskName != reference {
                runAgain(taskAt: index, in: &workflow, reopening: [], replacedBy: "rerun", effects: &effects)
            }
        }
        workflow.updateTime = now
        // The new attempt starts from the given input (a SWITCH picks its case from it, a WAIT its end).
        let index = schedule(node, in: &workflow, retryCount: latest.retryCount + 1, retrying: latest,
                             input: request.taskInput ?? target.inputData, effects: &effects)
        workflow.tasks[index].reasonForIncompletion = nil
        let decided = decide(&workflow)
        effects.follow(with: decided)
        return effects
    }

    /// Retries an ended workflow from its failed tasks: each last failed, timed-out or canceled attempt
    /// runs again as a new attempt, and the attempt it replaces is marked CANCELED and `retried`.
    ///
    /// JOIN and DO_WHILE tasks are reopened in place rather than replaced (so a loop resumes its
    /// current iteration), as are the SUB_WORKFLOW tasks in `reopening` — the ones whose child the
    /// engine has retried itself (`resumeSubworkflowTasks`). The failure lists are kept, as Conductor keeps
    /// them: a task that failed stays named there even when its retry succeeds.
    public func retry(_ workflow: inout Workflow, reopening: Set<String> = []) throws(DeciderError) -> DecisionEffects {
        guard workflow.status.isTerminal else {
            throw DeciderError(.conflict, "Workflow \(workflow.workflowId) is still running. "
                + "status=\(workflow.status.rawValue); only FAILED, TIMED_OUT or TERMINATED workflows can be retried")
        }
        guard workflow.status != .completed else {
            throw DeciderError(.conflict, "Workflow \(workflow.workflowId) is COMPLETED; there is nothing to retry. "
                + "Use restart or rerun to run it again")
        }
        guard !workflow.tasks.isEmpty else {
            throw DeciderError(.conflict, "Workflow \(workflow.workflowId) has not started yet")
        }
        var latestByReference: [String: Int] = [:]
        for index in workflow.tasks.indices {
            let reference = workflow.tasks[index].referenceTaskName
            if let known = latestByReference[reference], workflow.tasks[known].seq > workflow.tasks[index].seq { continue }
            latestByReference[reference] = index
        }
        let retriable: Set<TaskStatus> = [.failed, .failedWithTerminalError, .timedOut, .canceled]
        let toRetry = latestByReference.values
            .filter { retriable.contains(workflow.tasks[$0].status) }
            .sorted { workflow.tasks[$0].seq < workflow.tasks[$1].seq }
        guard !toRetry.isEmpty || workflow.status == .timedOut else {
            throw DeciderError(.conflict, "There are no retryable tasks! Use restart if you want to attempt entire "
                + "workflow execution again.")
        }
        var effects = DecisionEffects()
        workflow.status = .running
        workflow.lastRetriedTime = now
        workflow.pausedMillis = 0
        workflow.reasonForIncompletion = nil
        workflow.endTime = 0
        workflow.output = [:]
        workflow.updateTime = now
        for index in toRetry {
            runAgain(taskAt: index, in: &workflow, reopening: reopening, replacedBy: "retry", effects: &effects)
        }
        let decided = decide(&workflow)
        effects.follow(with: decided)
        return effects
    }

    /// Makes the SCHEDULED worker tasks that wait out a callback or a retry delay (`callbackAfterSeconds`) ready to
    /// be polled now. Returns how many changed; an ended workflow is refused.
    public func resetCallbacks(_ workflow: inout Workflow) throws(DeciderError) -> Int {
        guard !workflow.status.isTerminal else {
            throw DeciderError(.conflict, "Workflow is in terminal state. Status = \(workflow.status.rawValue)")
        }
        var reset = 0
        for index in workflow.tasks.indices where workflow.tasks[index].status == .scheduled
            && workflow.tasks[index].callbackAfterSeconds > 0 && TaskKind(workflow.tasks[index]).isWorkerTask {
            workflow.tasks[index].callbackAfterSeconds = 0
            workflow.tasks[index].updateTime = now
            reset += 1
        }
        return reset
    }

    /// Runs an ended task again: JOIN and DO_WHILE tasks, and the SUB_WORKFLOW tasks in `reopening`, are
    /// reopened in place; any other task is replaced by a new attempt, and the attempt it replaces is marked
    /// CANCELED and `retried`.
    func runAgain(taskAt index: Int, in workflow: inout Workflow, reopening: Set<String>, replacedBy signal: String,
                  effects: inout DecisionEffects) {
        let previous = workflow.tasks[index]
        let type = previous.workflowTask?.type
        if type == .join || type == .doWhile || reopening.contains(previous.taskId) {
            effects.notes.append(DecisionNote(kind: .taskReopened, detail: "was \(previous.status.rawValue)",
                                              taskId: previous.taskId))
            return reopen(taskAt: index, in: &workflow)
        }
        guard let node = previous.workflowTask
            ?? workflow.workflowDefinition?.node(referenceName: previous.baseReferenceName) else { return }
        effects.notes.append(DecisionNote(kind: .taskCanceled, detail: "was \(previous.status.rawValue); replaced by \(signal)",
                                          taskId: previous.taskId))
        workflow.tasks[index].status = .canceled
        workflow.tasks[index].retried = true
        workflow.tasks[index].executed = true
        workflow.tasks[index].updateTime = now
        let retry = schedule(node, in: &workflow, retryCount: previous.retryCount + 1, retrying: previous, effects: &effects)
        workflow.tasks[retry].reasonForIncompletion = nil
    }

    /// Makes an ended workflow RUNNING again for a run from one of its tasks (a rerun, a revival): no end, reason,
    /// failures or output, and its timeout counted afresh.
    func reopenEnded(_ workflow: inout Workflow) {
        workflow.status = .running
        workflow.endTime = 0
        workflow.lastRetriedTime = now
        workflow.pausedMillis = 0
        workflow.reasonForIncompletion = nil
        workflow.failedReferenceTaskNames = []
        workflow.failedTaskNames = []
        workflow.output = [:]
    }

    /// Puts an ended task back IN_PROGRESS under the same id (a loop, a join, or a sub-workflow whose
    /// child runs again), counting a new attempt unless told otherwise.
    func reopen(taskAt index: Int, in workflow: inout Workflow, countingAttempt: Bool = true) {
        workflow.tasks[index].status = .inProgress
        workflow.tasks[index].executed = false
        workflow.tasks[index].endTime = 0
        workflow.tasks[index].reasonForIncompletion = nil
        if countingAttempt { workflow.tasks[index].retryCount += 1 }
        workflow.tasks[index].updateTime = now
        // A loop the script runner ended runs its body again, not its condition.
        if workflow.tasks[index].workflowTask?.type == .doWhile { workflow.tasks[index].workerId = nil }
    }

    /// Applies a rerun's new input, correlation id and task-to-domain mapping, where given.
    func replaceRunValues(of workflow: inout Workflow, with request: RerunWorkflowRequest) {
        if let input = request.workflowInput { workflow.input = input }
        if let correlationId = request.correlationId { workflow.correlationId = correlationId }
        if let taskToDomain = request.taskToDomain { workflow.taskToDomain = taskToDomain }
    }

    /// Clears an execution for a fresh run under the same id: no tasks, no output, no failure, and
    /// variables back to the definition's.
    func resetForNewRun(_ workflow: inout Workflow) {
        workflow.tasks = []
        workflow.status = .running
        workflow.reasonForIncompletion = nil
        workflow.endTime = 0
        workflow.lastRetriedTime = 0
        workflow.pausedAt = 0
        workflow.pausedMillis = 0
        workflow.output = [:]
        workflow.failedReferenceTaskNames = []
        workflow.failedTaskNames = []
        workflow.variables = workflow.workflowDefinition?.variables ?? [:]
        workflow.updateTime = now
    }
}

/// Which tasks a rerun from `target` leaves in place: the other branches of every fork around it,
/// and the JOIN and DO_WHILE tasks that enclose it (reopened so they wait for the rerun branch again).
struct RerunScope {
    private let siblingReferences: Set<String>
    private let enclosingOperators: Set<String>
    private let iteration: Int

    init(target: TaskExecution, definition: WorkflowDef) {
        let base = target.baseReferenceName
        var siblings: Set<String> = []
        var operators: Set<String> = []
        func contains(_ nodes: [WorkflowTask]) -> Bool { nodes.flatMap(\.allNodes).contains { $0.taskReferenceName == base } }
        let graph = DefinitionGraph(definition)
        for node in definition.allNodes {
            if node.type == .forkJoin, node.forkTasks.contains(where: contains) {
                for branch in node.forkTasks where !contains(branch) {
                    siblings.formUnion(branch.flatMap(\.allNodes).map(\.taskReferenceName))
                }
                if let join = graph.nodeFollowing(node.taskReferenceName), join.type == .join {
                    operators.insert(join.taskReferenceName)
                }
            }
            if node.type == .doWhile, contains(node.loopOver) { operators.insert(node.taskReferenceName) }
        }
        siblingReferences = siblings
        enclosingOperators = operators
        iteration = target.iteration
    }

    /// Whether a later task survives the rerun.
    func keeps(_ task: TaskExecution) -> Bool {
        if enclosingOperators.contains(task.baseReferenceName) { return true }
        return siblingReferences.contains(task.baseReferenceName) && task.iteration == iteration
    }

    /// Whether a task is an enclosing operator to reopen.
    func reopens(_ task: TaskExecution) -> Bool {
        enclosingOperators.contains(task.baseReferenceName) && !task.retried
    }
}
