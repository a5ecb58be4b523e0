public import BatonModel
import BatonDecider
import BatonPersistence

extension Engine {
    /// Pauses a RUNNING workflow: no new task starts until it is resumed. Pausing a PAUSED workflow does nothing.
    public func pause(workflowId: String, actor: String = "anonymous") async throws(EngineError) {
        try await signal("pause", workflowId: workflowId, actor: actor) { workflow, decider in
            let changed = try decider.pause(&workflow)
            return (DecisionEffects(), changed ? nil : "already PAUSED: nothing to do")
        }
    }

    /// Resumes a PAUSED workflow and schedules at once what was held.
    public func resume(workflowId: String, actor: String = "anonymous") async throws(EngineError) {
        try await signal("resume", workflowId: workflowId, actor: actor) { workflow, decider in
            (try decider.resume(&workflow), nil)
        }
    }

    /// Terminates a workflow that has not completed; its live tasks are canceled.
    public func terminate(workflowId: String, reason: String?, triggerFailureWorkflow: Bool = false,
                          actor: String = "anonymous") async throws(EngineError) {
        try await signal("terminate", workflowId: workflowId, actor: actor, reason: reason) { workflow, decider in
            let effects = try decider.terminate(&workflow, reason: reason, triggerFailureWorkflow: triggerFailureWorkflow)
            return (effects ?? DecisionEffects(), effects == nil ? "already TERMINATED: nothing to do" : nil)
        }
    }

    /// Restarts an ended workflow from the beginning under the same id, on its own definition or
    /// on the latest registered one; its ancestors are revived.
    public func restart(workflowId: String, useLatestDefinitions: Bool,
                        actor: String = "anonymous") async throws(EngineError) {
        let detail = useLatestDefinitions ? "with latest definitions" : "with current definitions"
        try await revivingSignal("restart", workflowId: workflowId, actor: actor, reason: detail) { workflow, decider, tx, _ in
            var latest: WorkflowDef?
            if useLatestDefinitions {
                guard let registered = try tx.workflowDef(named: workflow.workflowName, version: nil) else {
                    throw EngineError.notFound("No such workflow found by name: \(workflow.workflowName), version: latest")
                }
                latest = try self.withTaskDefinitions(registered, from: tx)
            }
            return try decider.restart(&workflow, latestDefinition: latest)
        }
    }

    /// Reruns a workflow from the start or from one task; returns the workflow's id. A task of one of its
    /// sub-workflows (at any depth) reruns that sub-workflow from the task, as Conductor does. The ancestors of
    /// the workflow rerun are revived.
    public func rerun(workflowId: String, _ request: RerunWorkflowRequest,
                      actor: String = "anonymous") async throws(EngineError) -> String {
        if let input = request.workflowInput { try refuseOversized(input) }
        var target = workflowId
        var detail = request.reRunFromTaskId.map { "from task \($0)" } ?? "from the start"
        if let taskId = request.reRunFromTaskId, !taskId.isEmpty {
            let owner = try await reading { reader -> String? in
                guard let owner = try reader.task(id: taskId)?.workflowInstanceId, owner != workflowId,
                      try Self.ancestorIds(of: owner, in: reader).contains(workflowId) else { return nil }
                return owner
            }
            if let owner {
                target = owner
                detail += " (asked of its ancestor \(workflowId))"
            }
        }
        try await revivingSignal("rerun", workflowId: target, actor: actor, reason: detail) { [target] workflow, decider, _, _ in
            var rerun = request
            if target != workflowId {
                rerun = RerunWorkflowRequest(reRunFromTaskId: request.reRunFromTaskId, taskInput: request.taskInput)
            }
            return try decider.rerun(&workflow, rerun)
        }
        return workflowId
    }

    /// Retries an ended workflow from its last failed tasks; its ancestors are revived.
    public func retry(workflowId: String, resumeSubworkflowTasks: Bool = false,
                      actor: String = "anonymous") async throws(EngineError) {
        let detail = resumeSubworkflowTasks ? "resuming failed sub-workflows" : nil
        try await revivingSignal("retry", workflowId: workflowId, actor: actor, reason: detail) { workflow, decider, tx, changes in
            try self.retry(&workflow, resumingSubworkflows: resumeSubworkflowTasks, actor: actor, decider: decider,
                           in: tx, changes: &changes)
        }
    }

    /// Marks a task the workflow has not reached yet as SKIPPED (with the request's input and output): reaching
    /// it, the workflow goes on past it.
    public func skip(workflowId: String, referenceName: String, _ request: SkipTaskRequest = SkipTaskRequest(),
                     actor: String = "anonymous") async throws(EngineError) {
        try await signal("skip", workflowId: workflowId, actor: actor, reason: "task \(referenceName)") { workflow, decider in
            (try decider.skip(referenceName, in: &workflow, request), nil)
        }
    }

    /// Makes the workflow's SCHEDULED tasks that wait out a callback or retry delay ready to be polled now.
    public func resetCallbacks(workflowId: String, actor: String = "anonymous") async throws(EngineError) {
        try await signal("reset_callbacks", workflowId: workflowId, actor: actor) { workflow, decider in
            let reset = try decider.resetCallbacks(&workflow)
            return (DecisionEffects(), reset == 0 ? "no task waited out a callback" : "\(reset) task(s) made ready")
        }
    }

    /// Deletes a workflow with its tasks and history, whatever its status.
    public func remove(workflowId: String) async throws(EngineError) {
        try await transaction { tx, _ in
            guard try tx.deleteWorkflow(id: workflowId) else {
                throw EngineError.notFound("No such workflow found by id: \(workflowId)")
            }
        }
    }

    /// Applies a signal to each id independently (at most 1000), reporting per-id success or failure.
    public func bulk(_ workflowIds: [String], of kind: String = "workflows",
                     _ apply: @Sendable (String) async throws -> Void) async throws(EngineError) -> BulkResponse {
        guard workflowIds.count <= 1000 else {
            throw EngineError.invalid("Cannot process more than 1000 \(kind). Please use multiple requests.")
        }
        var response = BulkResponse()
        for id in workflowIds {
            do {
                try await apply(id)
                response.bulkSuccessfulResults.append(id)
            } catch {
                response.bulkErrorResults[id] = EngineError.from(error).message
            }
        }
        return response
    }

    /// Applies a signal and records it in the event log: `change` returns the effects and, when the
    /// signal changed nothing, why.
    func signal(
        _ name: String, workflowId: String, actor: String, reason: String? = nil,
        _ change: @escaping @Sendable (inout Workflow, Decider) throws -> (DecisionEffects, String?)
    ) async throws(EngineError) {
        try await signal(name, workflowId: workflowId, actor: actor, reason: reason) { workflow, decider, _, _ in
            try change(&workflow, decider)
        }
    }

    func signal(
        _ name: String, workflowId: String, actor: String, reason: String? = nil,
        _ change: @escaping @Sendable (inout Workflow, Decider, any StoreTransaction, inout Changes) throws
            -> (DecisionEffects, String?)
    ) async throws(EngineError) {
        try await mutate(workflowId: workflowId, actor: actor) { workflow, decider, tx, changes in
            var (effects, noOp) = try change(&workflow, decider, tx, &changes)
            let detail = [reason, noOp].compactMap { $0 }.joined(separator: "; ")
            effects.notes.insert(DecisionNote(kind: .signal(name), detail: detail.isEmpty ? nil : detail), at: 0)
            return ((), effects)
        }
    }
}
