public import BatonModel
import BatonDecider
import BatonPersistence

extension Engine {
    /// The longest one wait for a workflow's change lasts before the workflow is read again: a change made by
    /// another server sharing a PostgreSQL database signals no one here, so a waiting request re-reads at least
    /// this often.
    static let changeRereadInterval: Duration = .seconds(1)

    /// Completes (or fails) the task a workflow is blocked on — its first running WAIT or HUMAN task, else the
    /// one its running sub-workflows are blocked on, however deep — merging `output` into the task's output.
    /// Returns the task's id.
    @discardableResult
    public func signal(workflowId: String, status: TaskResultStatus, output: JSONObject,
                       actor: String = "anonymous") async throws(EngineError) -> String {
        return try await transaction { tx, changes in
            let now = self.clock.now()  // the time the transaction runs, not when it was asked for
            guard let workflow = try tx.workflow(id: workflowId, includeTasks: true) else {
                throw EngineError.notFound("No such workflow found by id: \(workflowId)")
            }
            guard let (holder, task) = try Self.blockedTask(in: workflow, reading: tx) else {
                throw EngineError.conflict("Found no blocked task in workflow \(workflowId) to signal "
                    + "(status \(workflow.status.rawValue)): no WAIT or HUMAN task is running in it or its sub-workflows")
            }
            let result = try self.decider(at: now).result(forReferenceName: task.referenceTaskName, in: holder,
                                                          status: status, output: output, workerId: nil)
            try tx.append(WorkflowEvent(workflowId: holder.workflowId, time: now, kind: "signal.task", actor: actor,
                                        taskId: task.taskId, detail: "\(status.rawValue) by a signal to workflow \(workflowId)"))
            try self.record(result, actor: actor, now: now, in: tx, changes: &changes)
            return task.taskId
        }
    }

    /// The first running WAIT or HUMAN task of `workflow`, else of its running sub-workflows (depth first), with
    /// the workflow holding it.
    static func blockedTask(in workflow: Workflow, reading tx: any StoreTransaction) throws -> (Workflow, TaskExecution)? {
        let tasks = workflow.tasks.sorted { $0.seq < $1.seq }
        if let task = tasks.first(where: \.isAwaitingSignal) { return (workflow, task) }
        for task in tasks where task.taskType == TaskType.subWorkflow.rawValue && !task.status.isTerminal {
            guard let childId = task.subWorkflowId, let child = try tx.workflow(id: childId, includeTasks: true) else {
                continue
            }
            if let found = try blockedTask(in: child, reading: tx) { return found }
        }
        return nil
    }

    /// Waits until a workflow ends, blocks (see `BlockedState`), or one of `references` has ended, but no longer than
    /// `timeout`; then answers where it stands (`timedOut` when the time ran out first).
    ///
    /// Waiting costs no reads: the workflow and its running sub-workflows are read again when a transaction of
    /// this server saved one of them (`WorkflowWatch`), or after `changeRereadInterval` (for changes made by other
    /// servers).
    public func awaitBlocked(workflowId: String, waitingFor references: Set<String> = [],
                             timeout: Duration) async throws(EngineError) -> BlockedState {
        let deadline = ContinuousClock.now + timeout
        var watched: Set<String> = []
        defer { workflowWatch.stopWatching(watched) }
        var ids = [workflowId]
        while true {
            let unwatched = ids.filter { !watched.contains($0) }
            workflowWatch.startWatching(unwatched)
            watched.formUnion(unwatched)
            let generations = workflowWatch.generations(of: ids)
            var state = try await blockedState(workflowId: workflowId, waitingFor: references)
            if state.isSettled { return state }
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero {
                state.timedOut = true
                state.blockingWorkflow = state.target
                state.blockingTasks = []
                return state
            }
            if Set(state.workflowIds).isSubset(of: generations.keys) {
                await workflowWatch.wait(for: generations, timeout: min(remaining, Self.changeRereadInterval))
            }
            ids = state.workflowIds
        }
    }

    /// Where a workflow stands now (see `BlockedState`).
    func blockedState(workflowId: String, waitingFor references: Set<String>) async throws(EngineError) -> BlockedState {
        try await reading { reader in
            guard let target = try reader.workflow(id: workflowId, includeTasks: true) else {
                throw EngineError.notFound("No such workflow found by id: \(workflowId)")
            }
            return try BlockedState(target: target, waitingFor: references) { try reader.workflow(id: $0, includeTasks: true) }
        }
    }
}
