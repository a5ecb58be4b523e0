public import BatonModel
import BatonDecider
import BatonPersistence

extension Engine {
    /// The most task results a dry run applies (Conductor's bound on its test loop).
    static let maximumDryRunSteps = 20_000

    /// Runs a workflow as a dry run, stored nowhere: each task that waits for a worker, a person or a child
    /// workflow gets the next mocked result for its reference name, in order, until none is left for a waiting task
    /// or the workflow ends. Returns the execution as it then stands. Scripts and operators run as they would.
    public func test(_ request: WorkflowTestRequest) async throws(EngineError) -> Workflow {
        let name = try Self.validatedName(of: request.start)
        let decider = self.decider(at: clock.now())
        var workflow = try await reading { reader in
            try self.newExecution(request.start, name: name, decider: decider, reading: reader)
        }
        _ = decider.decide(&workflow)
        var mocks = request.taskRefToMockOutput
        for _ in 0..<Self.maximumDryRunSteps where !workflow.status.isTerminal {
            let waiting = workflow.tasks.sorted { $0.seq < $1.seq }.first { task in
                !task.status.isTerminal && task.awaitsOutsideResult && mocks[task.referenceTaskName]?.isEmpty == false
            }
            guard let task = waiting, let mock = mocks[task.referenceTaskName]?.removeFirst() else { break }
            let result = TaskResult(workflowInstanceId: workflow.workflowId, taskId: task.taskId, status: mock.status,
                                    outputData: mock.output)
            do {
                _ = try decider.apply(result, to: &workflow)
            } catch {
                throw EngineError.from(error)
            }
            _ = decider.decide(&workflow)
        }
        return workflow
    }
}

extension Task {
    /// Whether the task waits for a result from outside the decision: a worker's, a person's (WAIT, HUMAN) or a child
    /// workflow's.
    var awaitsOutsideResult: Bool {
        let kind = TaskKind(self)
        return kind.isWorkerTask || kind == .waiting || taskType == TaskType.subWorkflow.rawValue
    }
}
