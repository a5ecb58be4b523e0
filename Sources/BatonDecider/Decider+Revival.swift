import BatonModel

extension Decider {
    /// Reopens a parent's SUB_WORKFLOW task whose child runs again (retried, restarted or rerun), and the
    /// parent with it when it had ended, as Conductor does: RUNNING again with its reason, end time and failure
    /// lists cleared, its timeout counted afresh, and the tasks its end canceled run again (JOIN and DO_WHILE
    /// reopened, the others as new attempts), as do the SUB_WORKFLOW tasks in `reopening` — other children the
    /// engine has retried in place. Returns nil when the parent no longer waits for this child
    /// (`revivableTask(in:for:taskId:)`).
    ///
    /// - Parameters:
    ///   - child: the child as it is now; a child that ended at once moves the task on at once.
    ///   - taskId: the parent's SUB_WORKFLOW task (the child's `parentWorkflowTaskId`).
    ///   - cause: why, for the event log ("revived by the retry of child …").
    public func revive(_ parent: inout Workflow, for child: Workflow, taskId: String, reopening: Set<String> = [],
                       cause: String) -> DecisionEffects? {
        guard let index = revivableTask(in: parent, for: child, taskId: taskId) else { return nil }
        let task = parent.tasks[index]
        var effects = DecisionEffects()
        effects.notes.append(DecisionNote(kind: .taskReopened, detail: "\(cause); was \(task.status.rawValue)",
                                          taskId: task.taskId))
        reopen(taskAt: index, in: &parent, countingAttempt: false)
        if parent.status.isTerminal {
            effects.notes.append(DecisionNote(kind: .workflowRevived, detail: "\(cause); was \(parent.status.rawValue)"))
            reopenEnded(&parent)
            let reopened = parent.tasks.indices.filter { reopening.contains(parent.tasks[$0].taskId) }
            for sibling in Set(canceledLatestAttempts(of: parent) + reopened).sorted() where sibling != index {
                runAgain(taskAt: sibling, in: &parent, reopening: reopening, replacedBy: "revival", effects: &effects)
            }
        }
        parent.updateTime = now
        if child.status.isTerminal { follow(child, taskAt: index, in: &parent) }
        let decided = decide(&parent)
        effects.follow(with: decided)
        return effects
    }

    /// The index of the parent's SUB_WORKFLOW task a child that runs again revives, or nil when the parent no
    /// longer waits for it: the task is gone (the parent was restarted), points at another child, was replaced
    /// by another attempt, is optional, or is still live.
    public func revivableTask(in parent: Workflow, for child: Workflow, taskId: String) -> Int? {
        guard let index = parent.tasks.firstIndex(where: { $0.taskId == taskId }) else { return nil }
        let task = parent.tasks[index]
        guard task.subWorkflowId == child.workflowId, task.status.isTerminal, !task.retried,
              task.workflowTask?.optional != true else { return nil }
        return index
    }

    /// The other SUB_WORKFLOW tasks of an ended parent whose latest attempt ended unsuccessfully: their children
    /// are retried in place when the parent is revived, as Conductor does.
    public func unsuccessfulSiblings(in parent: Workflow, besides taskId: String) -> [TaskExecution] {
        guard parent.status.isTerminal else { return [] }
        var latest: [String: TaskExecution] = [:]
        for task in parent.tasks where latest[task.referenceTaskName].map({ $0.seq < task.seq }) ?? true {
            latest[task.referenceTaskName] = task
        }
        return latest.values
            .filter { $0.taskId != taskId && $0.workflowTask?.type == .subWorkflow && $0.subWorkflowId != nil
                && $0.status.isTerminal && !$0.status.isSuccessful && !$0.retried }
            .sorted { $0.seq < $1.seq }
    }

    /// The indexes of the tasks whose latest attempt was canceled, in `seq` order.
    func canceledLatestAttempts(of workflow: Workflow) -> [Int] {
        var latest: [String: Int] = [:]
        for index in workflow.tasks.indices {
            let reference = workflow.tasks[index].referenceTaskName
            if let known = latest[reference], workflow.tasks[known].seq > workflow.tasks[index].seq { continue }
            latest[reference] = index
        }
        return latest.values
            .filter { workflow.tasks[$0].status == .canceled && !workflow.tasks[$0].retried }
            .sorted { workflow.tasks[$0].seq < workflow.tasks[$1].seq }
    }
}
