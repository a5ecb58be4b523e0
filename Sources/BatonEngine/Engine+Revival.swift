import BatonDecider
import BatonModel
import BatonPersistence

extension Engine {
    /// Applies a signal that can make an ended workflow run again — retry, restart, rerun — and, in the same
    /// transaction, revives every ancestor waiting for it (see `reviveAncestors`).
    ///
    /// The workflows are locked root first, then down to the one signalled, whatever the signal: two servers
    /// reviving or cascading through one tree take their locks in the same order, so neither waits for the other
    /// in a cycle. Parent links never change, so the chain is read before the transaction.
    func revivingSignal(
        _ name: String, workflowId: String, actor: String, reason: String? = nil,
        _ change: @escaping @Sendable (inout Workflow, Decider, any StoreTransaction, inout Changes) throws
            -> DecisionEffects
    ) async throws(EngineError) {
        let ancestors = try await reading { reader in try Self.ancestorIds(of: workflowId, in: reader) }
        try await transaction { tx, changes in
            let now = self.clock.now()  // the time the transaction runs, not when it was asked for
            for ancestor in ancestors { _ = try tx.workflow(id: ancestor, includeTasks: false) }
            guard let original = try tx.workflow(id: workflowId, includeTasks: true) else {
                throw EngineError.notFound("No such workflow found by id: \(workflowId)")
            }
            var workflow = original
            let decider = self.decider(at: now)
            var effects = try change(&workflow, decider, tx, &changes)
            effects.notes.insert(DecisionNote(kind: .signal(name), detail: reason), at: 0)
            let saved = try self.save(workflow, replacing: original, effects: effects, actor: actor, decider: decider,
                                      in: tx, changes: &changes)
            try self.reviveAncestors(of: saved, by: name, actor: actor, decider: decider, in: tx, changes: &changes)
        }
    }

    /// The ids of a workflow's ancestors, root first.
    static func ancestorIds(of workflowId: String, in reader: any StoreReader) throws -> [String] {
        var ancestors: [String] = []
        var next = try reader.workflow(id: workflowId, includeTasks: false)?.parentWorkflowId
        while let id = next, !ancestors.contains(id) {
            ancestors.insert(id, at: 0)
            next = try reader.workflow(id: id, includeTasks: false)?.parentWorkflowId
        }
        return ancestors
    }

    /// Reopens, up to the root, every ancestor whose SUB_WORKFLOW task points at a workflow that runs again:
    /// the task goes back IN_PROGRESS on the same child and an ended ancestor is RUNNING again (`Decider.revive`),
    /// so that when the child ends, each parent moves on as usual. The walk stops at the first parent that no
    /// longer waits for the child. Each revival is written to the event log of the workflows it touches.
    func reviveAncestors(of child: Workflow, by signal: String, actor: String, decider: Decider,
                         in tx: any StoreTransaction, changes: inout Changes) throws {
        var current = child
        var revived: [String] = []
        while let parentId = current.parentWorkflowId, let taskId = current.parentWorkflowTaskId,
              let original = try tx.workflow(id: parentId, includeTasks: true) {
            let cause = current.workflowId == child.workflowId ? "revived by the \(signal) of child \(child.workflowId)"
                : "revived by the \(signal) of descendant \(child.workflowId) (through child \(current.workflowId))"
            guard decider.revivableTask(in: original, for: current, taskId: taskId) != nil else { break }
            let reopening = try retryChildren(of: decider.unsuccessfulSiblings(in: original, besides: taskId), cause: cause,
                                              actor: actor, decider: decider, in: tx, changes: &changes)
            var parent = original
            guard let effects = decider.revive(&parent, for: current, taskId: taskId, reopening: reopening,
                                               cause: cause) else { break }
            current = try save(parent, replacing: original, effects: effects, actor: actor, decider: decider, in: tx,
                               changes: &changes)
            revived.append(parentId)
        }
        guard !revived.isEmpty else { return }
        try tx.append(WorkflowEvent(workflowId: child.workflowId, time: decider.now, kind: "ancestors.revived",
                                    actor: actor, detail: "the \(signal) revived \(revived.joined(separator: ", "))"))
    }

    /// Retries in place the ended children of a parent's other SUB_WORKFLOW tasks (a child still running is
    /// only waited for again); returns the tasks to reopen on their children.
    func retryChildren(of tasks: [TaskExecution], cause: String, actor: String, decider: Decider, in tx: any StoreTransaction,
                       changes: inout Changes) throws -> Set<String> {
        var reopening: Set<String> = []
        for task in tasks {
            guard let childId = task.subWorkflowId, let child = try tx.workflow(id: childId, includeTasks: false) else {
                continue
            }
            if !child.status.isTerminal {
                reopening.insert(task.taskId)
            } else if [.failed, .timedOut, .terminated].contains(child.status) {
                do {
                    try change(childId, actor: actor, decider: decider, in: tx, changes: &changes) { child, decider, changes in
                        var effects = try self.retry(&child, resumingSubworkflows: true, actor: actor, decider: decider,
                                                     in: tx, changes: &changes)
                        effects.notes.insert(DecisionNote(kind: .signal("retry"), detail: "beside a sibling \(cause)"), at: 0)
                        return effects
                    }
                    reopening.insert(task.taskId)
                } catch let error as DeciderError where error.code == .conflict {
                    continue  // nothing in it to retry: a canceled task starts a new child instead
                }
            }
        }
        return reopening
    }
}

