@_spi(Engine) import BatonModel
import Foundation

extension Decider {
    /// Schedules a task for `node`: a new attempt with the given retry count, in DO_WHILE iteration
    /// `iteration` (0 outside loops; a retry keeps the iteration of the attempt it replaces), with its input
    /// resolved from the node's parameters unless `given` (a rerun's).
    @discardableResult
    func schedule(_ node: WorkflowTask, in workflow: inout Workflow, retryCount: Int = 0,
                  retrying previous: TaskExecution? = nil, iteration: Int = 0, input given: JSONObject? = nil,
                  effects: inout DecisionEffects) -> Int {
        let iteration = previous?.iteration ?? iteration
        var task = TaskExecution(
            taskId: makeId(), taskType: taskType(of: node, in: workflow), taskDefName: node.name,
            referenceTaskName: iteration > 0 ? "\(node.taskReferenceName)__\(iteration)" : node.taskReferenceName,
            workflowInstanceId: workflow.workflowId,
            seq: workflow.tasks.reduce(0) { max($0, $1.seq) } + 1, scheduledTime: now)
        task.iteration = iteration
        task.workflowTask = node
        task.workflowType = workflow.workflowName
        task.correlationId = workflow.correlationId
        task.workflowPriority = workflow.priority
        task.retryCount = retryCount
        task.retriedTaskId = previous?.taskId
        if let previous { task.reasonForIncompletion = previous.reasonForIncompletion }
        let taskDef = node.taskDefinition
        if let given {
            task.inputData = given
        } else {
            // As Conductor: the task definition's template fills what the node leaves out and is resolved with
            // it; an input that resolves to null then takes the template's value as written.
            let template = taskDef?.inputTemplate ?? [:]
            var parameters = node.inputParameters
            for (key, value) in template where parameters[key] == nil || parameters[key] == .null {
                parameters[key] = value
            }
            var input = resolver(for: workflow).resolve(parameters, currentTaskId: task.taskId)
            for (key, value) in template where input[key] == .null {
                input[key] = value
            }
            task.inputData = input
        }
        if let reason = oversized(task.inputData, of: task, limit: limits.payloads.taskInput.maximum) {
            // As Conductor: created failed for good, without the input; the decision's next round acts on it.
            task.inputData = [:]
            task.status = .failedWithTerminalError
            task.reasonForIncompletion = reason
            task.endTime = now
            workflow.tasks.append(task)
            return workflow.tasks.count - 1
        }
        let kind = TaskKind(node)
        switch kind {
        case .worker:
            task.responseTimeoutSeconds = taskDef?.responseTimeoutSeconds ?? 3600
            task.rateLimitPerFrequency = taskDef?.rateLimitPerFrequency ?? 0
            task.rateLimitFrequencyInSeconds = taskDef?.rateLimitFrequencyInSeconds ?? 1
            if node.type == .http {
                // A system task, as in Conductor: no domain; its isolation group and namespace are recorded (Baton's
                // HTTP runner serves them all from the one `HTTP` queue).
                task.isolationGroupId = taskDef?.isolationGroupId
                task.executionNameSpace = taskDef?.executionNameSpace
                // Conductor's HTTP mapper puts the node's flag in the input, where the task reads it.
                if task.inputData["asyncComplete"] == nil { task.inputData["asyncComplete"] = .bool(node.asyncComplete) }
            } else {
                // Conductor isolates system tasks only: SIMPLE and DYNAMIC tasks stay in their type's queue.
                task.domain = domain(for: task.taskType, in: workflow.taskToDomain)
            }
            task.startDelayInSeconds = node.startDelay
            task.callbackAfterSeconds = Int64(node.startDelay)
        case .waiting:
            startWaiting(&task, node: node)
        case .script:
            task.responseTimeoutSeconds = Decider.scriptLeaseSeconds
        case .system:
            break
        }
        workflow.tasks.append(task)
        let index = workflow.tasks.count - 1
        if kind == .system {
            begin(systemTaskAt: index, node: node, in: &workflow, effects: &effects)
        }
        return index
    }

    /// The `taskType` of a task scheduled from `node`: the worker's task name for SIMPLE and DYNAMIC
    /// nodes, the system type otherwise (FORK for both fork kinds, as Conductor reports them).
    func taskType(of node: WorkflowTask, in workflow: Workflow) -> String {
        switch node.type {
        case .simple: return node.name
        case .dynamic:
            let parameter = node.dynamicTaskNameParam ?? ""
            let resolved = resolver(for: workflow).resolve(node.inputParameters)[parameter]?.stringValue
            return resolved.flatMap { $0.isEmpty ? nil : $0 } ?? node.name
        case .forkJoin, .forkJoinDynamic: return TaskType.fork.rawValue
        default: return node.type.rawValue
        }
    }

    /// Puts a WAIT or HUMAN task in progress, with the instant it completes by itself, if any.
    func startWaiting(_ task: inout TaskExecution, node: WorkflowTask) {
        task.status = .inProgress
        task.startTime = now
        task.firstStartTime = now
        guard node.type == .wait else { return }
        let duration = task.inputData["duration"].flatMap { $0.isNull ? nil : $0 }
        let until = task.inputData["until"].flatMap { $0.isNull ? nil : $0 }
        func fail(_ reason: String) {
            task.status = .failedWithTerminalError
            task.reasonForIncompletion = reason
            task.endTime = now
        }
        switch (duration, until) {
        case (.some, .some):
            fail("Both 'duration' and 'until' specified. Please provide only one input")
        case (.some(let value), nil):
            guard let seconds = WaitSchedule.durationSeconds(value.interpolated) else {
                return fail("Invalid duration '\(value.interpolated)' for the WAIT task")
            }
            task.waitUntil = now + seconds * 1000
            task.callbackAfterSeconds = seconds
        case (nil, .some(let value)):
            guard let instant = WaitSchedule.untilMillis(value.interpolated) else {
                return fail("Invalid 'until' value '\(value.interpolated)': expected yyyy-MM-dd HH:mm, yyyy-MM-dd HH:mm z or yyyy-MM-dd")
            }
            task.waitUntil = max(instant, now)
            task.callbackAfterSeconds = max(0, (instant - now) / 1000)
        case (nil, nil):
            break
        }
    }

    /// The domain a worker task of `taskType` is queued in, by Conductor's rules: the mapping for its type, else
    /// `*`; of a comma-separated list, the first domain a worker polled lately (`activeDomains`), else the last;
    /// `NO_DOMAIN` is no domain.
    func domain(for taskType: String, in taskToDomain: [String: String]) -> String? {
        guard let mapping = taskToDomain[taskType] ?? taskToDomain["*"] else { return nil }
        let domains = mapping.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        func isNoDomain(_ domain: String) -> Bool { domain.isEmpty || domain.uppercased() == "NO_DOMAIN" }
        if domains.count > 1,
           let active = domains.first(where: { !isNoDomain($0) && activeDomains.isActive($0, for: taskType) }) {
            return active
        }
        guard let last = domains.last, !isNoDomain(last) else { return nil }
        return last
    }

    /// Schedules what follows a task that ended well: the next node in its list, or what follows
    /// the list's parent.
    func scheduleSuccessor(ofTaskAt index: Int, in workflow: inout Workflow, definition: WorkflowDef,
                           effects: inout DecisionEffects) {
        let reference = workflow.tasks[index].referenceTaskName
        let graph = DefinitionGraph(definition)
        guard var next = graph.node(after: reference) else { return }
        let iteration = workflow.tasks[index].iteration
        func taskReference(of node: WorkflowTask) -> String {
            let inLoop = iteration > 0 && graph.isInsideLoop(node.taskReferenceName)
            return inLoop ? "\(node.taskReferenceName)__\(iteration)" : node.taskReferenceName
        }
        // Nodes already run (skipped ahead, or run before a retry) are not scheduled twice.
        while let existing = workflow.tasks.last(where: { $0.referenceTaskName == taskReference(of: next) && !$0.retried }) {
            guard existing.status.isTerminal, existing.executed else { return }
            guard let after = graph.node(after: next.taskReferenceName) else { return }
            next = after
        }
        schedule(next, in: &workflow, iteration: graph.isInsideLoop(next.taskReferenceName) ? iteration : 0,
                 effects: &effects)
    }

    /// Schedules the first `node` of a SWITCH case or a FORK branch, unless a task skipped ahead (`Decider.skip`) stands
    /// for it: then the workflow passes over it to what follows.
    func scheduleUnlessSkipped(_ node: WorkflowTask, in workflow: inout Workflow, iteration: Int,
                               effects: inout DecisionEffects) {
        if let skipped = workflow.tasks.lastIndex(where: {
            $0.referenceTaskName == node.taskReferenceName && $0.status == .skipped && !$0.retried
        }), let definition = workflow.workflowDefinition {
            return scheduleSuccessor(ofTaskAt: skipped, in: &workflow, definition: definition, effects: &effects)
        }
        schedule(node, in: &workflow, iteration: iteration, effects: &effects)
    }

    /// Retries a failed task, lets the workflow go on past an optional or permissive one, or ends the workflow.
    func handleFailure(ofTaskAt index: Int, in workflow: inout Workflow, definition: WorkflowDef,
                       effects: inout DecisionEffects) {
        let failed = workflow.tasks[index]
        workflow.tasks[index].executed = true
        let node = failed.workflowTask ?? definition.node(referenceName: failed.baseReferenceName)
        let policy = RetryPolicy(definition: node?.taskDefinition ?? TaskDef(name: failed.taskDefName, retryCount: 0),
                                 overrideCount: node?.retryCount)
        if let node, !TaskType.operators.contains(node.type), failed.status.isRetriable,
           failed.retryCount < policy.allowedRetries,
           !totalTimeoutExceeded(failed, in: workflow, policy: policy) {
            workflow.tasks[index].retried = true
            let delay = policy.delaySeconds(afterAttempt: failed.retryCount)
            let retryIndex = schedule(node, in: &workflow, retryCount: failed.retryCount + 1, retrying: failed,
                                      effects: &effects)
            if TaskKind(node).isPolled {
                workflow.tasks[retryIndex].startDelayInSeconds = Int(delay)
                workflow.tasks[retryIndex].callbackAfterSeconds = delay
            }
            effects.notes.append(DecisionNote(kind: .taskRetried, detail: "retry \(failed.retryCount + 1) in \(delay)s",
                                              taskId: failed.taskId))
            return
        }
        if node?.optional == true {
            workflow.tasks[index].status = .completedWithErrors
            scheduleSuccessor(ofTaskAt: index, in: &workflow, definition: definition, effects: &effects)
            return
        }
        if node?.permissive == true {
            // The workflow goes on; it fails when it reaches its end (`permissiveFailures(of:)`).
            scheduleSuccessor(ofTaskAt: index, in: &workflow, definition: definition, effects: &effects)
            return
        }
        let status: WorkflowStatus
        switch failed.status {
        case .canceled: status = .terminated
        case .timedOut: status = .timedOut
        default: status = .failed
        }
        // Conductor names the status the workflow ends with, not the task's.
        let reason = "Task \(failed.taskId) failed with status: \(status.rawValue) and reason: '"
            + "\(failed.reasonForIncompletion ?? "")'"
        end(&workflow, status: status, reason: reason, failedTaskId: failed.taskId, effects: &effects)
    }

    /// Whether `totalTimeoutSeconds` has passed since the first attempt of `task` was scheduled.
    func totalTimeoutExceeded(_ task: TaskExecution, in workflow: Workflow, policy: RetryPolicy) -> Bool {
        let total = policy.definition.totalTimeoutSeconds
        guard total > 0 else { return false }
        return now - firstScheduledTime(of: task, in: workflow) >= total * 1000
    }

    /// When the first attempt of `task` was scheduled (its `retriedTaskId` chain followed back).
    func firstScheduledTime(of task: TaskExecution, in workflow: Workflow) -> Int64 {
        var first = task
        for _ in workflow.tasks.indices {
            guard let previousId = first.retriedTaskId,
                  let previous = workflow.tasks.first(where: { $0.taskId == previousId }) else { break }
            first = previous
        }
        return first.scheduledTime
    }

    /// Fires whatever is due on a live task: a WAIT's end, or a response, poll or task timeout.
    /// Returns whether the task changed.
    func fireTimeouts(ofTaskAt index: Int, in workflow: inout Workflow, effects: inout DecisionEffects) -> Bool {
        let task = workflow.tasks[index]
        if task.waitUntil > 0, task.status == .inProgress, now >= task.waitUntil {
            workflow.tasks[index].status = .completed
            workflow.tasks[index].endTime = now
            workflow.tasks[index].updateTime = now
            return true
        }
        let kind = TaskKind(task)
        guard task.hasTaskTimeouts else { return false }
        let taskDef = task.workflowTask?.taskDefinition
        if kind.isPolled, task.isLeased, task.responseTimeoutSeconds > 0,
           now - task.updateTime >= (task.responseTimeoutSeconds + task.callbackAfterSeconds) * 1000 {
            if kind == .script {
                // Evaluating a script again is harmless: a runner that stopped mid-evaluation loses nothing.
                workflow.tasks[index].status = .scheduled
                workflow.tasks[index].updateTime = now
                effects.notes.append(DecisionNote(kind: .taskRequeued, detail: "script lease expired", taskId: task.taskId))
                return true
            }
            timeOut(taskAt: index, in: &workflow,
                    reason: "responseTimeout: \(task.responseTimeoutSeconds) exceeded for the taskId: \(task.taskId) "
                        + "with Task Definition: \(task.taskDefName)")
            effects.notes.append(DecisionNote(kind: .taskTimedOut, detail: "response timeout", taskId: task.taskId))
            return true
        }
        guard let taskDef, taskDef.timeoutPolicy != .alertOnly else { return false }
        var breach: String?
        if taskDef.totalTimeoutSeconds > 0,
           case let elapsed = now - firstScheduledTime(of: task, in: workflow), elapsed >= taskDef.totalTimeoutSeconds * 1000 {
            // Conductor's total budget across all attempts, retry delays included: checked before the others.
            breach = "Task \(task.taskDefName)/\(task.taskId) exceeded total timeout of \(taskDef.totalTimeoutSeconds) seconds "
                + "(elapsed \(elapsed / 1000) seconds across all attempts including retry delays). Timeout policy: "
                + taskDef.timeoutPolicy.rawValue
        } else if taskDef.timeoutSeconds > 0, task.startTime > 0,
           now - task.startTime - task.pausedMillis >= taskDef.timeoutSeconds * 1000 {
            breach = "Task timed out after \((now - task.startTime - task.pausedMillis) / 1000) seconds. "
                + "Timeout configured as \(taskDef.timeoutSeconds) seconds. Timeout policy configured to "
                + taskDef.timeoutPolicy.rawValue
        } else if kind.isPolled, task.awaitsFirstPoll, let pollTimeout = taskDef.pollTimeoutSeconds, pollTimeout > 0,
                  now - task.scheduledTime - task.pausedMillis >= (Int64(pollTimeout) + task.callbackAfterSeconds) * 1000 {
            let elapsed = now - task.scheduledTime - task.pausedMillis - Int64(task.startDelayInSeconds) * 1000
            breach = "Task poll timed out after \(elapsed / 1000) seconds. Poll timeout configured as \(pollTimeout) "
                + "seconds. Timeout policy configured to \(taskDef.timeoutPolicy.rawValue)"
        }
        guard let breach else { return false }
        timeOut(taskAt: index, in: &workflow, reason: breach)
        effects.notes.append(DecisionNote(kind: .taskTimedOut, detail: breach, taskId: task.taskId))
        if taskDef.timeoutPolicy == .timeOutWorkflow {
            workflow.tasks[index].executed = true
            // Conductor ends the workflow with the timeout's own reason.
            end(&workflow, status: .timedOut, reason: breach, failedTaskId: task.taskId, effects: &effects)
        }
        return true
    }

    func timeOut(taskAt index: Int, in workflow: inout Workflow, reason: String) {
        workflow.tasks[index].status = .timedOut
        workflow.tasks[index].reasonForIncompletion = reason
        workflow.tasks[index].endTime = now
        workflow.tasks[index].updateTime = now
    }
}

extension TaskExecution {
    /// Whether a worker holds the task, so its response timeout runs: IN_PROGRESS, or back in the queue
    /// after an IN_PROGRESS result with a callback (Conductor keeps such a task IN_PROGRESS).
    var isLeased: Bool { status == .inProgress || (status == .scheduled && startTime > 0) }

    /// Whether its definition's `timeoutSeconds` and `pollTimeoutSeconds` apply: to tasks that wait in a queue, to
    /// WAIT and HUMAN tasks and to SUB_WORKFLOW tasks (Conductor times out every task with a definition; Baton's
    /// other system tasks end within their decision).
    var hasTaskTimeouts: Bool {
        let kind = TaskKind(self)
        return kind.isPolled || kind == .waiting || workflowTask?.type == .subWorkflow
    }

    /// Whether the task waits for its first poll, so its poll timeout runs.
    var awaitsFirstPoll: Bool { status == .scheduled && startTime == 0 }
}
