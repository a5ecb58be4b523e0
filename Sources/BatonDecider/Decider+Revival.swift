import BatonModel

extension Decider {
    /// Reopens a parent's SUB_WORKFLOW task whose child runs again (retried, restarted or rerun), and the
    /// parent with it when it had ended, as Conductor does: RUNNING again with its reason, end time and failure
    /// lists cleared, its timeout counted afresh, and the tasks its end canceled run again (JOIN and DO_WHILE
    /// reopened, the others as new attempts). Returns nil when the parent no longer waits for this child: the
    /// task is gone (the parent was restarted), was replaced by another attempt, is optional, or is still live.
    ///
    /// - Parameters:
    ///   - child: the child as it is now; a child that ended at once moves the task on at once.
    ///   - taskId: the parent's SUB_WORKFLOW task (the child's `parentWorkflowTaskId`).
    ///   - cause: why, for the event log ("revived by the retry of child …").
    public func revive(_ parent: inout Workflow, for child: Workflow, taskId: String, cause: String) -> DecisionEffects? {
        guard let index = parent.tasks.firstIndex(where: { $0.taskId == taskId }) else { return nil }
        let task = parent.tasks[index]
        guard task.subWorkflowId == child.workflowId, task.status.isTerminal, !task.retried,
              task.workflowTask?.optional != true else { return nil }
        var effects = DecisionEffects()
        effects.notes.append(DecisionNote(kind: "task.reopened", detail: "\(cause); was \(task.status.rawValue)",
                                          taskId: task.taskId))
        reopen(taskAt: index, in: &parent, countingAttempt: false)
        if parent.status.isTerminal {
            effects.notes.append(DecisionNote(kind: "workflow.revived", detail: "\(cause); was \(parent.status.rawValue)"))
            parent.status = .running
            parent.endTime = 0
            parent.lastRetriedTime = now
            parent.pausedMillis = 0
            parent.reasonForIncompletion = nil
            parent.failedReferenceTaskNames = []
            parent.failedTaskNames = []
            parent.output = [:]
            for sibling in canceledLatestAttempts(of: parent) where sibling != index {
                runAgain(taskAt: sibling, in: &parent, reopening: [], replacedBy: "revival", effects: &effects)
            }
        }
        parent.updateTime = now
        if child.status.isTerminal { follow(child, taskAt: index, in: &parent) }
        let decided = decide(&parent)
        effects.notes += decided.notes
        effects.failureWorkflow = decided.failureWorkflow
        return effects
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
