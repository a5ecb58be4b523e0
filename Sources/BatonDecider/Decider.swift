@_spi(Engine) import BatonModel

/// The pure workflow state machine: given an execution and the current instant, what happens next.
///
/// Every change to an execution goes through one of the Decider's methods: `decide(_:)` after anything
/// happened, and one method per signal or worker result. The Decider reads no clock and does no I/O:
/// the instant and the source of new ids are injected, so the same inputs always give the same outcome.
public struct Decider: Sendable {
    /// The instant the decision is made, in epoch milliseconds.
    public var now: Int64
    /// Makes a fresh unique id for a new task attempt.
    public var makeId: @Sendable () -> String
    /// How many tasks an execution, and a dynamic fork, may make.
    public var limits: ExecutionLimits
    /// The domains with a worker polling lately, for `taskToDomain` lists of several domains.
    public var activeDomains = ActiveDomains()

    /// The most rounds one decision runs (each round may schedule tasks that complete at once). A workflow
    /// that still has work when they are spent is due at once (`nextWakeUp(of:)`): the next decision goes on.
    static let maximumRounds = 1_000

    /// Creates a Decider deciding at `now` that names new task attempts with `makeId` and keeps executions
    /// within `limits`.
    public init(now: Int64, makeId: @escaping @Sendable () -> String, limits: ExecutionLimits = ExecutionLimits()) {
        self.now = now
        self.makeId = makeId
        self.limits = limits
    }

    /// Moves a RUNNING workflow on: fires due timeouts and waits, retries failed tasks, schedules what
    /// follows each finished task, and ends the workflow when nothing is left. PAUSED and terminal
    /// workflows are left as they are.
    public func decide(_ workflow: inout Workflow) -> DecisionEffects {
        var effects = DecisionEffects()
        guard workflow.status == .running else { return effects }
        guard let definition = workflow.workflowDefinition else {
            end(&workflow, status: .failed, reason: "The workflow has no definition", effects: &effects)
            return effects
        }
        attachDynamicNodes(in: &workflow)
        if timeOutWorkflowIfDue(&workflow, definition: definition, effects: &effects) { return effects }
        if workflow.tasks.isEmpty {
            guard let first = definition.tasks.first else {
                complete(&workflow, definition: definition, effects: &effects)
                return effects
            }
            schedule(first, in: &workflow, effects: &effects)
        }
        var rounds = 0
        var changed = true
        while changed, rounds < Decider.maximumRounds, workflow.status == .running {
            changed = false
            rounds += 1
            guard workflow.tasks.count <= limits.maximumTasks else {
                end(&workflow, status: .failed, reason: "The workflow has \(workflow.tasks.count) tasks, more than the "
                    + "\(limits.maximumTasks) one execution may have (the server's --max-tasks-per-workflow)", effects: &effects)
                return effects
            }
            for index in workflow.tasks.indices where !workflow.tasks[index].status.isTerminal {
                if fireTimeouts(ofTaskAt: index, in: &workflow, effects: &effects) { changed = true }
            }
            for index in workflow.tasks.indices where workflow.tasks[index].status == .inProgress {
                if evaluateOperator(at: index, in: &workflow, definition: definition, effects: &effects) {
                    changed = true
                }
            }
            for index in pendingTerminalTasks(of: workflow) {
                guard workflow.status == .running else { return effects }
                changed = true
                refuseOversizedOutput(ofTaskAt: index, in: &workflow)
                if workflow.tasks[index].status == .completed, let node = workflow.tasks[index].workflowTask,
                   node.type == .switchTask || node.type == .decision {
                    enterBranch(ofTaskAt: index, node: node, in: &workflow, effects: &effects)
                } else if workflow.tasks[index].status.isSuccessful {
                    workflow.tasks[index].executed = true
                    scheduleSuccessor(ofTaskAt: index, in: &workflow, definition: definition, effects: &effects)
                } else {
                    handleFailure(ofTaskAt: index, in: &workflow, definition: definition, effects: &effects)
                }
            }
        }
        if Decider.keepsLastN(definition.tasks) { _ = removeDroppedIterations(in: &workflow, effects: &effects) }
        if changed, workflow.status == .running {
            // The rounds are spent with work left. What is left must show in the state, where `nextWakeUp(of:)`
            // finds it and makes the workflow due at once: a finished task not yet acted on does; an operator
            // ready to move (a JOIN whose branches ended, a loop whose iteration did) does once it has moved.
            for index in workflow.tasks.indices where workflow.tasks[index].status == .inProgress {
                _ = evaluateOperator(at: index, in: &workflow, definition: definition, effects: &effects)
            }
        } else if workflow.status == .running, workflow.tasks.allSatisfy({ $0.status.isTerminal && $0.executed }) {
            complete(&workflow, definition: definition, effects: &effects)
        }
        return effects
    }

    /// Indexes of tasks that ended but whose ending the Decider has not acted on yet, in `seq` order.
    func pendingTerminalTasks(of workflow: Workflow) -> [Int] {
        let tasks = workflow.tasks
        return tasks.indices
            .filter { tasks[$0].status.isTerminal && !tasks[$0].executed }
            .sorted { tasks[$0].seq < tasks[$1].seq }
    }

    /// The next instant at which `decide(_:)` must run again even if nothing else happens, or `nil`.
    ///
    /// Covers the workflow timeout, WAIT tasks with a duration, response, poll and task timeouts, and work a
    /// decision left for the next (its rounds spent): that is due now. Delayed retries need no wake-up: they
    /// are queued with a visibility time instead.
    public func nextWakeUp(of workflow: Workflow) -> Int64? {
        guard workflow.status == .running, let definition = workflow.workflowDefinition else { return nil }
        var earliest: Int64?
        func consider(_ instant: Int64) { earliest = min(earliest ?? instant, instant) }
        if !pendingTerminalTasks(of: workflow).isEmpty { consider(now) }
        if definition.timeoutSeconds > 0 {
            let deadline = workflowTimeoutBase(workflow) + definition.timeoutSeconds * 1000
            // An ALERT_ONLY timeout wakes the workflow once, to be noted (`timeOutWorkflowIfDue`).
            if definition.timeoutPolicy == .timeOutWorkflow || workflow.updateTime < deadline { consider(deadline) }
        }
        for task in workflow.tasks where !task.status.isTerminal {
            if task.waitUntil > 0 { consider(task.waitUntil) }
            guard task.hasTaskTimeouts else { continue }
            let polled = TaskKind(task).isPolled
            if polled, task.isLeased, task.responseTimeoutSeconds > 0 {
                consider(task.updateTime + (task.responseTimeoutSeconds + task.callbackAfterSeconds) * 1000)
            }
            guard let taskDef = task.workflowTask?.taskDefinition else { continue }
            if taskDef.totalTimeoutSeconds > 0, taskDef.timeoutPolicy != .alertOnly {
                consider(firstScheduledTime(of: task, in: workflow) + taskDef.totalTimeoutSeconds * 1000)
            }
            if taskDef.timeoutSeconds > 0, task.startTime > 0, taskDef.timeoutPolicy != .alertOnly {
                consider(task.startTime + task.pausedMillis + taskDef.timeoutSeconds * 1000)
            }
            if polled, task.awaitsFirstPoll, let pollTimeout = taskDef.pollTimeoutSeconds, pollTimeout > 0,
               taskDef.timeoutPolicy != .alertOnly {
                consider(task.scheduledTime + task.pausedMillis + (Int64(pollTimeout) + task.callbackAfterSeconds) * 1000)
            }
        }
        return earliest
    }

    // MARK: - Ending the workflow

    func workflowTimeoutBase(_ workflow: Workflow) -> Int64 {
        (workflow.lastRetriedTime > 0 ? workflow.lastRetriedTime : workflow.createTime) + workflow.pausedMillis
    }

    /// Ends the workflow when its timeout has passed under TIME_OUT_WF. Under ALERT_ONLY it runs on, as in Conductor,
    /// and the first decision past the deadline notes the alert (event log, `workflowTimeoutAlert`): Conductor logs
    /// and counts it.
    func timeOutWorkflowIfDue(_ workflow: inout Workflow, definition: WorkflowDef,
                              effects: inout DecisionEffects) -> Bool {
        guard definition.timeoutSeconds > 0 else { return false }
        let deadline = workflowTimeoutBase(workflow) + definition.timeoutSeconds * 1000
        guard now >= deadline else { return false }
        let reason = "Workflow timed out after \((now - workflowTimeoutBase(workflow)) / 1000) seconds. Timeout configured as "
            + "\(definition.timeoutSeconds) seconds. Timeout policy configured to \(definition.timeoutPolicy.rawValue)"
        guard definition.timeoutPolicy == .timeOutWorkflow else {
            if workflow.updateTime < deadline {
                effects.notes.append(DecisionNote(kind: .workflowTimeoutAlert, detail: reason))
                effects.workflowTimeoutAlert = true
                workflow.updateTime = now
            }
            return false
        }
        end(&workflow, status: .timedOut, reason: reason, effects: &effects)
        return true
    }

    /// Completes the workflow and computes its output, or fails it when a permissive task failed on the way.
    func complete(_ workflow: inout Workflow, definition: WorkflowDef, effects: inout DecisionEffects) {
        if let reason = permissiveFailures(of: workflow) {
            return end(&workflow, status: .failed, reason: reason, effects: &effects)
        }
        let output = output(of: workflow, definition: definition)
        let limit = limits.payloads.workflowOutput.maximum
        if let size = output.jsonSize(exceeding: limit) {
            return end(&workflow, status: .failed, reason: "The payload size: \(size) of workflow: \(workflow.workflowId) "
                + "is greater than the permissible limit: \(limit) bytes", effects: &effects)
        }
        workflow.status = .completed
        workflow.endTime = now
        workflow.updateTime = now
        recordFailedTasks(of: &workflow)
        workflow.output = output
    }

    /// Why a workflow that ran to its end fails after all: its permissive tasks (not optional) whose last attempt
    /// failed, in Conductor's words; `nil` when there are none.
    func permissiveFailures(of workflow: Workflow) -> String? {
        var latest: [String: TaskExecution] = [:]
        for task in workflow.tasks where task.workflowTask?.permissive == true && task.workflowTask?.optional != true {
            if let seen = latest[task.referenceTaskName], seen.retryCount >= task.retryCount { continue }
            latest[task.referenceTaskName] = task
        }
        let failed = latest.values.filter { $0.status.isTerminal && !$0.status.isSuccessful }.sorted { $0.seq < $1.seq }
        guard !failed.isEmpty else { return nil }
        return failed.map {
            "Task \($0.taskId) failed with status: \($0.status.rawValue) and reason: '\($0.reasonForIncompletion ?? "")'"
        }.joined(separator: ". ")
    }

    /// Adds every task that failed to the workflow's failure lists, as Conductor does when a workflow ends
    /// (completed too): an attempt that failed and was retried still counts.
    func recordFailedTasks(of workflow: inout Workflow) {
        let failed = workflow.tasks.filter { $0.status == .failed || $0.status == .failedWithTerminalError }
        workflow.failedReferenceTaskNames = uniqued(workflow.failedReferenceTaskNames + failed.map(\.referenceTaskName))
        workflow.failedTaskNames = uniqued(workflow.failedTaskNames + failed.map(\.taskDefName))
    }

    /// Ends the workflow unsuccessfully: cancels every live task, records the failed tasks and the
    /// reason, and asks for the failure workflow when the definition names one.
    func end(_ workflow: inout Workflow, status: WorkflowStatus, reason: String?,
             failedTaskId: String? = nil, startFailureWorkflow: Bool = true, effects: inout DecisionEffects) {
        cancelLiveTasks(of: &workflow)
        workflow.status = status
        workflow.reasonForIncompletion = reason
        workflow.endTime = now
        workflow.updateTime = now
        recordFailedTasks(of: &workflow)
        if let definition = workflow.workflowDefinition {
            // An output over the maximum is dropped, as Conductor drops it when it fails the workflow for it.
            let output = output(of: workflow, definition: definition)
            workflow.output = output.jsonSize(exceeding: limits.payloads.workflowOutput.maximum) == nil ? output : [:]
        }
        effects.notes.append(DecisionNote(kind: .workflowEnded(status), detail: reason))
        if startFailureWorkflow, status != .completed, let request = failureWorkflow(for: workflow, failedTaskId: failedTaskId) {
            effects.failureWorkflow = request
        }
    }

    /// Cancels every task that has not ended.
    func cancelLiveTasks(of workflow: inout Workflow) {
        for index in workflow.tasks.indices where !workflow.tasks[index].status.isTerminal {
            workflow.tasks[index].status = .canceled
            workflow.tasks[index].endTime = now
            workflow.tasks[index].updateTime = now
            workflow.tasks[index].executed = true
        }
    }

    /// The workflow's output: its definition's `outputParameters`, else the last task's output.
    func output(of workflow: Workflow, definition: WorkflowDef) -> JSONObject {
        if !definition.outputParameters.isEmpty {
            return resolver(for: workflow).resolve(definition.outputParameters)
        }
        let last = workflow.tasks.filter { $0.status != .canceled }.max { $0.seq < $1.seq }
        return last?.outputData ?? [:]
    }

    func failureWorkflow(for workflow: Workflow, failedTaskId: String?) -> FailureWorkflowStart? {
        guard let definition = workflow.workflowDefinition, var name = definition.failureWorkflow,
              !name.isEmpty else { return nil }
        if name.hasPrefix("${") {
            name = resolver(for: workflow).resolve(.string(name)).stringValue ?? ""
            guard !name.isEmpty else { return nil }
        }
        var input = workflow.input
        input["workflowId"] = .string(workflow.workflowId)
        input["reason"] = workflow.reasonForIncompletion.map(JSONValue.string) ?? .null
        input["failureStatus"] = .string(workflow.status.rawValue)
        if let failedTaskId { input["failureTaskId"] = .string(failedTaskId) }
        input["failedWorkflow"] = workflow.jsonValue
        return FailureWorkflowStart(name: name, version: definition.failureWorkflowVersion, input: input,
                                    correlationId: workflow.correlationId, taskToDomain: workflow.taskToDomain)
    }

    func resolver(for workflow: Workflow) -> ParameterResolver {
        ParameterResolver(workflow: workflow)
    }

    func uniqued(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }
}

/// What a decision asks of the engine beyond saving the execution.
public struct DecisionEffects: Sendable, Hashable {
    /// The failure workflow to start, when the workflow ended unsuccessfully and names one.
    public var failureWorkflow: FailureWorkflowStart?
    /// State changes worth recording in the workflow's event log.
    public var notes: [DecisionNote] = []
    /// The workflow's timeout passed under ALERT_ONLY (it runs on): worth counting, once.
    public var workflowTimeoutAlert = false

    public init() {}

    /// Adds what a decision made after these effects did: its notes after these, its failure workflow, its alert.
    mutating func follow(with later: DecisionEffects) {
        notes += later.notes
        failureWorkflow = later.failureWorkflow
        workflowTimeoutAlert = workflowTimeoutAlert || later.workflowTimeoutAlert
    }
}

/// A state change the Decider made that belongs in the workflow's event log.
public struct DecisionNote: Sendable, Hashable {
    /// What changed: the event's `kind` in the workflow's event log (`task.removed`).
    public struct Kind: RawRepresentable, Sendable, Hashable {
        public let rawValue: String

        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        public static let workflowStarted = Kind(rawValue: "workflow.started")
        public static let workflowRevived = Kind(rawValue: "workflow.revived")
        public static let workflowTimeoutAlert = Kind(rawValue: "workflow.timeout_alert")
        public static let taskSkipped = Kind(rawValue: "task.skipped")
        public static let taskReopened = Kind(rawValue: "task.reopened")
        public static let taskRetried = Kind(rawValue: "task.retried")
        public static let taskRequeued = Kind(rawValue: "task.requeued")
        public static let taskTimedOut = Kind(rawValue: "task.timed_out")
        public static let taskRemoved = Kind(rawValue: "task.removed")
        public static let taskCanceled = Kind(rawValue: "task.canceled")
        public static let loopIterationsRemoved = Kind(rawValue: "loop.iterations_removed")

        /// The workflow ended with `status` (`workflow.completed`).
        public static func workflowEnded(_ status: WorkflowStatus) -> Kind {
            Kind(rawValue: "workflow.\(status.rawValue.lowercased())")
        }

        /// A signal was received (`signal.pause`).
        public static func signal(_ name: String) -> Kind {
            Kind(rawValue: "signal.\(name)")
        }
    }

    public var kind: Kind
    public var detail: String?
    public var taskId: String?

    public init(kind: Kind, detail: String? = nil, taskId: String? = nil) {
        self.kind = kind
        self.detail = detail
        self.taskId = taskId
    }
}

/// A request to start a workflow's failure workflow.
public struct FailureWorkflowStart: Sendable, Hashable {
    public var name: String
    public var version: Int?
    public var input: JSONObject
    public var correlationId: String?
    public var taskToDomain: [String: String]
}

extension Workflow {
    /// The whole execution as a JSON value (as a failure workflow receives it).
    var jsonValue: JSONValue {
        (try? JSONValue(encoding: self)) ?? .null
    }
}
