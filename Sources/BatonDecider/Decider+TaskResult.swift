import BatonModel

/// What became of a worker's result.
public enum TaskResultOutcome: Sendable, Hashable {
    /// The result was recorded.
    case applied
    /// Only the task's lease was extended (`extendLease`).
    case leaseExtended
    /// Nothing changed: the task or its workflow had already ended. The reason says which.
    case ignored(reason: String)
}

extension Decider {
    /// Records a worker's result on one of the workflow's tasks. Results for tasks or workflows that
    /// have already ended change nothing and are reported as `.ignored`; the caller decides next.
    public func apply(_ result: TaskResult, to workflow: inout Workflow) throws(DeciderError) -> TaskResultOutcome {
        guard let index = workflow.tasks.firstIndex(where: { $0.taskId == result.taskId }) else {
            throw DeciderError(.notFound, "No such task found by id: \(result.taskId)")
        }
        let task = workflow.tasks[index]
        if result.extendLease {
            guard !task.status.isTerminal, !workflow.status.isTerminal else {
                return .ignored(reason: "Task \(task.taskId) is \(task.status.rawValue); its lease was not extended")
            }
            workflow.tasks[index].updateTime = now
            return .leaseExtended
        }
        guard let status = result.status else {
            throw DeciderError(.invalid, "The task result has no status")
        }
        if task.status.isTerminal {
            let detail = task.retried ? " and was replaced by a newer attempt" : ""
            return .ignored(reason: "Task \(task.taskId) is already \(task.status.rawValue)\(detail)")
        }
        if workflow.status.isTerminal {
            return .ignored(reason: "Workflow \(workflow.workflowId) is already \(workflow.status.rawValue)")
        }
        if task.workflowTask?.type == .doWhile, result.workerId == ScriptTask.workerId, !task.awaitsLoopCondition {
            // A second evaluation of a condition already acted on (its lease expired meanwhile).
            return .ignored(reason: "Loop \(task.taskId) is not waiting for its condition")
        }
        if task.awaitsLoopCondition, status == .inProgress {
            // The script runner found the loop's condition true: the next iteration starts.
            advanceLoop(taskAt: index, in: &workflow)
            workflow.updateTime = now
            return .applied
        }
        var updated = task
        if let output = result.outputData { updated.outputData = output }
        if let worker = result.workerId, !worker.isEmpty { updated.workerId = worker }
        if let reason = result.reasonForIncompletion { updated.reasonForIncompletion = String(reason.prefix(500)) }
        if let child = result.subWorkflowId { updated.subWorkflowId = child }
        updated.updateTime = now
        switch status {
        case .inProgress:
            updated.callbackAfterSeconds = max(0, result.callbackAfterSeconds)
            if task.completesAsynchronously {
                // An HTTP task with asyncComplete, called: it waits IN_PROGRESS for someone to complete it, with no
                // lease to run out (Conductor exempts such tasks from the response timeout).
                updated.responseTimeoutSeconds = 0
            } else if TaskKind(task).isPolled {
                // "Call me back in N seconds": handed out again once the delay has passed.
                updated.status = .scheduled
            }
        default:
            updated.status = status.taskStatus
            updated.endTime = now
            if updated.startTime == 0 { updated.startTime = now }
        }
        if !updated.outputData.isEmpty,
           let reason = oversized(updated.outputData, of: updated, limit: limits.payloads.taskOutput.maximum) {
            // As Conductor: the task fails for good, without the output.
            updated.outputData = [:]
            updated.status = .failedWithTerminalError
            updated.reasonForIncompletion = reason
            updated.endTime = now
            if updated.startTime == 0 { updated.startTime = now }
        }
        workflow.tasks[index] = updated
        workflow.updateTime = now
        return .applied
    }

    /// Finds the live attempt that a signal by reference name applies to, and builds its result:
    /// the task's output merged with `output`.
    ///
    /// Throws `.notFound` when the workflow has no task with that reference name, and `.conflict`
    /// when every attempt of it has already ended.
    public func result(forReferenceName reference: String, in workflow: Workflow, status: TaskResultStatus,
                       output: JSONObject, workerId: String?) throws(DeciderError) -> TaskResult {
        let ordered = workflow.tasks.sorted { $0.seq < $1.seq }
        let named = ordered.filter { $0.referenceTaskName == reference }
        let candidates = named.isEmpty ? ordered.filter { $0.baseReferenceName == reference } : named
        guard !candidates.isEmpty else {
            throw DeciderError(.notFound, "Workflow \(workflow.workflowId) has no task with reference name '\(reference)'")
        }
        guard let live = candidates.first(where: { !$0.status.isTerminal }) else {
            let latest = candidates[candidates.count - 1]
            throw DeciderError(.conflict, "Task '\(reference)' of workflow \(workflow.workflowId) is already "
                + "\(latest.status.rawValue); there is no live attempt to update")
        }
        var merged = live.outputData
        for (key, value) in output { merged[key] = value }
        var result = TaskResult(workflowInstanceId: workflow.workflowId, taskId: live.taskId, status: status,
                                outputData: merged, reasonForIncompletion: live.reasonForIncompletion,
                                callbackAfterSeconds: live.callbackAfterSeconds, workerId: live.workerId)
        if let workerId, !workerId.isEmpty { result.workerId = workerId }
        return result
    }

    /// Marks a polled task as taken by a worker: IN_PROGRESS with a fresh lease.
    public func start(_ task: inout TaskExecution, workerId: String?) {
        task.status = .inProgress
        if task.startTime == 0 { task.startTime = now }
        if task.firstStartTime == 0 { task.firstStartTime = now }
        task.callbackAfterSeconds = 0
        task.pollCount += 1
        task.updateTime = now
        if let workerId, !workerId.isEmpty { task.workerId = workerId }
    }
}

extension TaskExecution {
    /// Whether the task is an HTTP task that, once its call succeeded, waits IN_PROGRESS for an external completion
    /// (`asyncComplete` in its input, else on its node, as Conductor reads it).
    public var completesAsynchronously: Bool {
        guard taskType == TaskType.http.rawValue else { return false }
        if case .bool(let flag)? = inputData["asyncComplete"] { return flag }
        return workflowTask?.asyncComplete ?? false
    }
}
