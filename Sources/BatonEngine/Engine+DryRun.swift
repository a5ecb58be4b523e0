public import BatonModel
import BatonDecider
import BatonPersistence

extension Engine {
    /// The most task results a dry run applies (Conductor's bound on its test loop).
    static let maximumDryRunSteps = 20_000

    /// Runs a workflow as a dry run, stored nowhere: each task that waits for a worker, a person or a child
    /// workflow gets the next mocked result for its reference name, in order, until none is left for a waiting task
    /// or the workflow ends. A SUB_WORKFLOW task with a `subWorkflowTestRequest` runs its child as a dry run of its
    /// own, on that request's mocks. Returns the execution as it then stands. Operators run as they would, and
    /// scripts too, evaluated in turn (a mock for a script task's reference name stands in for its evaluation).
    public func test(_ request: WorkflowTestRequest) async throws(EngineError) -> Workflow {
        let name = try Self.validatedName(of: request.start)
        let decider = self.decider(at: clock.now())
        return try await reading { reader in
            try self.dryRun(request, name: name, decider: decider, reading: reader)
        }
    }

    private func dryRun(_ request: WorkflowTestRequest, name: String, decider: Decider,
                        reading reader: any StoreReader) throws -> Workflow {
        var workflow = try newExecution(request.start, name: name, decider: decider, reading: reader)
        _ = decider.decide(&workflow)
        var mocks = request.taskRefToMockOutput
        for _ in 0..<Self.maximumDryRunSteps where !workflow.status.isTerminal {
            let order = workflow.tasks.indices.sorted { workflow.tasks[$0].seq < workflow.tasks[$1].seq }
            let waiting = order.first { index in
                let task = workflow.tasks[index]
                guard !task.status.isTerminal else { return false }
                if TaskKind(task) == .script { return true }
                guard task.awaitsOutsideResult else { return false }
                return mocks[task.referenceTaskName]?.isEmpty == false || childTest(of: task, in: request) != nil
            }
            guard let index = waiting else { break }
            let task = workflow.tasks[index]
            if TaskKind(task) == .script, mocks[task.referenceTaskName]?.isEmpty != false {
                let result = scripts.map { ScriptTask(task).evaluate(with: $0) } ?? TaskResult(
                    workflowInstanceId: workflow.workflowId, taskId: task.taskId, status: .failedWithTerminalError,
                    reasonForIncompletion: "This server cannot evaluate scripts in a dry run")
                do {
                    _ = try decider.apply(result, to: &workflow)
                } catch {
                    throw EngineError.from(error)
                }
            } else if let childRequest = childTest(of: task, in: request) {
                guard let start = Self.childRequest(ofTaskAt: index, in: workflow), let childName = start.name else {
                    decider.fail(workflow: &workflow, taskAt: index, reason: "subWorkflowParam has no workflow name")
                    _ = decider.decide(&workflow)
                    continue
                }
                var child = childRequest
                child.start = start
                var childRun = try dryRun(child, name: childName, decider: decider, reading: reader)
                childRun.parentWorkflowId = workflow.workflowId
                childRun.parentWorkflowTaskId = task.taskId
                Self.link(childRun, toTaskAt: index, in: &workflow, decider: decider)
            } else if let mock = mocks[task.referenceTaskName]?.removeFirst() {
                let result = TaskResult(workflowInstanceId: workflow.workflowId, taskId: task.taskId, status: mock.status,
                                        outputData: mock.output)
                do {
                    _ = try decider.apply(result, to: &workflow)
                } catch {
                    throw EngineError.from(error)
                }
            }
            _ = decider.decide(&workflow)
        }
        return workflow
    }

    /// The test a SUB_WORKFLOW task's child runs as, when the request gives one and the child has not started.
    private func childTest(of task: TaskExecution, in request: WorkflowTestRequest) -> WorkflowTestRequest? {
        guard task.taskType == TaskType.subWorkflow.rawValue, task.status == .scheduled else { return nil }
        return request.subWorkflowTestRequest[task.referenceTaskName]
    }
}

extension TaskExecution {
    /// Whether the task waits for a result from outside the decision: a worker's, a person's (WAIT, HUMAN) or a child
    /// workflow's.
    var awaitsOutsideResult: Bool {
        let kind = TaskKind(self)
        return kind.isWorkerTask || kind == .waiting || taskType == TaskType.subWorkflow.rawValue
    }
}
