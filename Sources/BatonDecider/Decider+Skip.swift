import BatonModel

extension Decider {
    /// Marks a task the workflow has not reached yet as SKIPPED: when the workflow reaches it, it passes over
    /// it to the next one. The skipped task records the request's input and output.
    ///
    /// Only a RUNNING workflow, and only a reference of its definition that has no task yet (Conductor's rules); not
    /// a fork or a join, nor a task in a DO_WHILE, whose iterations have no task to stand for them yet.
    public func skip(_ referenceName: String, in workflow: inout Workflow,
                     _ request: SkipTaskRequest) throws(DeciderError) -> DecisionEffects {
        guard workflow.status == .running else {
            throw DeciderError(.conflict, "The workflow \(workflow.workflowId) is not running (\(workflow.status.rawValue)) "
                + "so the task referenced by \(referenceName) cannot be skipped")
        }
        guard let node = workflow.workflowDefinition?.node(referenceName: referenceName) else {
            throw DeciderError(.notFound, "The task referenced by \(referenceName) does not exist in the "
                + "WorkflowDefinition \(workflow.workflowName)")
        }
        if [.forkJoin, .forkJoinDynamic, .join, .exclusiveJoin].contains(node.type) {
            throw DeciderError(.conflict, "The task referenced by \(referenceName) is a \(node.type.rawValue), which cannot be "
                + "skipped: skip the tasks of its branches")
        }
        if let definition = workflow.workflowDefinition, DefinitionGraph(definition).isInsideLoop(referenceName) {
            throw DeciderError(.conflict, "The task referenced by \(referenceName) is inside a DO_WHILE loop, whose "
                + "iterations cannot be skipped ahead")
        }
        guard !workflow.tasks.contains(where: { $0.baseReferenceName == referenceName }) else {
            throw DeciderError(.conflict, "The task referenced \(referenceName) has already been processed, cannot be skipped")
        }
        var task = TaskExecution(taskId: makeId(), taskType: node.name, taskDefName: node.name, referenceTaskName: referenceName,
                        workflowInstanceId: workflow.workflowId,
                        seq: (workflow.tasks.map(\.seq).max() ?? 0) + 1, scheduledTime: now)
        task.status = .skipped
        task.endTime = now
        task.updateTime = now
        // Acted on already: reaching the node passes over it (`scheduleSuccessor`), nothing follows it before that.
        task.executed = true
        task.workflowTask = node
        task.workflowType = workflow.workflowName
        task.correlationId = workflow.correlationId
        task.workflowPriority = workflow.priority
        task.inputData = request.taskInput ?? [:]
        task.outputData = request.taskOutput ?? [:]
        workflow.tasks.append(task)
        workflow.updateTime = now
        var effects = DecisionEffects()
        effects.notes.append(DecisionNote(kind: .taskSkipped, detail: "skipped before it was reached", taskId: task.taskId))
        return effects
    }
}
