import BatonDecider
import BatonModel
import Testing

@Suite("Decider: worker results and updates by reference name")
struct DeciderTaskResultTests {
    @Test("IN_PROGRESS with callbackAfterSeconds puts the task back to SCHEDULED for that long")
    func callback() throws {
        var run = Run(Fixtures.definition(simpleTasks: 2))
        run.at(t0 + seconds(1))
        try run.poll("t1")
        run.at(t0 + seconds(4))
        let outcome = try run.report("t1", .inProgress, output: ["progress": 50], callbackAfterSeconds: 30)
        #expect(outcome == .applied)
        var task = try run.task("t1")
        #expect(task.status == .scheduled)
        #expect(task.callbackAfterSeconds == 30)
        #expect(task.outputData == ["progress": 50])
        #expect(task.startTime == t0 + seconds(1))
        #expect(task.updateTime == t0 + seconds(4))
        #expect(task.endTime == 0)

        run.decide()
        #expect(try run.task("t1").status == .scheduled)
        #expect(run.attempts("t2").isEmpty)

        run.at(t0 + seconds(34))
        try run.poll("t1")
        task = try run.task("t1")
        #expect(task.status == .inProgress)
        #expect(task.pollCount == 2)
        #expect(task.callbackAfterSeconds == 0)
        #expect(task.startTime == t0 + seconds(1))

        try run.report("t1", .inProgress, output: ["progress": 80])
        #expect(try run.task("t1").outputData == ["progress": 80])
    }

    @Test("extendLease only bumps updateTime")
    func extendLease() throws {
        var run = Run(Fixtures.definition(simpleTasks: 1))
        try run.poll("t1")
        let before = try run.task("t1")
        run.at(t0 + seconds(9))
        var result = TaskResult(workflowInstanceId: "wf-1", taskId: before.taskId, status: .completed,
                                outputData: ["ignored": true], callbackAfterSeconds: 60)
        result.extendLease = true
        #expect(try run.decider.apply(result, to: &run.workflow) == .leaseExtended)
        var expected = before
        expected.updateTime = t0 + seconds(9)
        #expect(try run.task("t1") == expected)
    }

    @Test("a completed task's result is recorded with its end and start")
    func completedWithoutPoll() throws {
        var run = Run(Fixtures.definition(simpleTasks: 1))
        run.at(t0 + seconds(3))
        try run.report("t1", .completed, output: ["ok": true])
        let task = try run.task("t1")
        #expect(task.status == .completed)
        #expect(task.startTime == t0 + seconds(3))
        #expect(task.endTime == t0 + seconds(3))
        #expect(task.workerId == "worker-1")
        #expect(run.workflow.updateTime == t0 + seconds(3))
    }

    @Test(
        "a result for a task that has ended is ignored and changes nothing",
        arguments: [TaskResultStatus.completed, .failed, .inProgress, .canceled]
    )
    func terminalTask(late: TaskResultStatus) throws {
        var run = Run(Fixtures.definition(simpleTasks: 2))
        let replaced = try run.task("t1")
        try run.finish("t1", .failed, reason: "boom")
        let completed = try run.task("t1")
        try run.finish("t1")
        let before = run.workflow
        for (task, detail) in [(replaced, "FAILED and was replaced by a newer attempt"), (completed, "COMPLETED")] {
            let result = TaskResult(workflowInstanceId: "wf-1", taskId: task.taskId, status: late, outputData: ["x": 1])
            let outcome = try run.decider.apply(result, to: &run.workflow)
            #expect(outcome == .ignored(reason: "Task \(task.taskId) is already \(detail)"))
        }
        #expect(run.workflow == before)
    }

    @Test("a result for a task of an ended workflow is ignored")
    func terminalWorkflow() throws {
        var run = Run(Fixtures.definition(simpleTasks: 2))
        let live = try run.task("t1")
        _ = try run.decider.terminate(&run.workflow, reason: "stop", triggerFailureWorkflow: false)
        let before = run.workflow
        let result = TaskResult(workflowInstanceId: "wf-1", taskId: live.taskId, status: .completed)
        #expect(try run.decider.apply(result, to: &run.workflow) != .applied)
        #expect(run.workflow == before)

        // Even a task left live in an ended workflow does not take results.
        run.workflow.tasks[0].status = .inProgress
        let stale = run.workflow
        let outcome = try run.decider.apply(result, to: &run.workflow)
        #expect(outcome == .ignored(reason: "Workflow wf-1 is already TERMINATED"))
        #expect(run.workflow == stale)

        var lease = result
        lease.extendLease = true
        guard case .ignored = try run.decider.apply(lease, to: &run.workflow) else {
            Issue.record("a lease on an ended workflow was extended")
            return
        }
    }

    @Test("a result for an unknown task is not found; one without a status is invalid")
    func unknownTask() throws {
        var run = Run(Fixtures.definition(simpleTasks: 1))
        let before = run.workflow
        let unknown = TaskResult(workflowInstanceId: "wf-1", taskId: "nope", status: .completed)
        #expect(throws: DeciderError(.notFound, "No such task found by id: nope")) {
            try run.decider.apply(unknown, to: &run.workflow)
        }
        var statusless = TaskResult(workflowInstanceId: "wf-1", taskId: try run.task("t1").taskId, status: .completed)
        statusless.status = nil
        let error = #expect(throws: DeciderError.self) { try run.decider.apply(statusless, to: &run.workflow) }
        #expect(error?.code == .invalid)
        #expect(run.workflow == before)
    }

    @Test("results are recorded while the workflow is PAUSED")
    func resultWhilePaused() throws {
        var run = Run(Fixtures.definition(simpleTasks: 2))
        try run.poll("t1")
        #expect(try run.decider.pause(&run.workflow))
        #expect(try run.report("t1", .completed, output: ["y": 1]) == .applied)
        #expect(try run.task("t1").status == .completed)
    }

    // MARK: update by reference name

    @Test("an update by reference name picks the live attempt and merges the output")
    func byReference() throws {
        var run = Run(Fixtures.definition(simpleTasks: 2))
        try run.finish("t1", .failed, reason: "boom")
        try run.poll("t1")
        try run.report("t1", .inProgress, output: ["kept": 1, "changed": "old"])
        let live = try run.task("t1")
        let result = try run.decider.result(forReferenceName: "t1", in: run.workflow, status: .completed,
                                            output: ["changed": "new", "added": true], workerId: "operator")
        #expect(result.taskId == live.taskId)
        #expect(result.workflowInstanceId == "wf-1")
        #expect(result.status == .completed)
        #expect(result.outputData == ["kept": 1, "changed": "new", "added": true])
        #expect(result.workerId == "operator")
        #expect(try run.decider.apply(result, to: &run.workflow) == .applied)
        run.decide()
        #expect(try run.task("t2").status == .scheduled)
    }

    @Test("an update by an unknown reference name is not found")
    func byUnknownReference() {
        let run = Run(Fixtures.definition(simpleTasks: 2))
        let error = #expect(throws: DeciderError.self) {
            try run.decider.result(forReferenceName: "t2", in: run.workflow, status: .completed, output: [:],
                                   workerId: nil)
        }
        #expect(error?.code == .notFound)
    }

    @Test("an update by reference name when every attempt has ended is a conflict")
    func byReferenceAllEnded() throws {
        var run = Run(Fixtures.definition(simpleTasks: 2))
        try run.finish("t1")
        let error = #expect(throws: DeciderError.self) {
            try run.decider.result(forReferenceName: "t1", in: run.workflow, status: .completed, output: [:],
                                   workerId: nil)
        }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains("COMPLETED") == true)
    }

    @Test("in a DO_WHILE, the base reference name finds the current iteration's attempt")
    func byLoopReference() throws {
        var execution = Workflow(workflowId: "wf-1", definition: Fixtures.definition(simpleTasks: 1), input: [:],
                                 createTime: t0)
        func iteration(_ n: Int, _ status: TaskStatus) -> BatonModel.TaskExecution {
            var task = BatonModel.TaskExecution(taskId: "loop-\(n)", taskType: "task_1", taskDefName: "task_1",
                                       referenceTaskName: "step__\(n)", workflowInstanceId: "wf-1", seq: n,
                                       scheduledTime: t0)
            task.status = status
            task.iteration = n
            return task
        }
        execution.tasks = [iteration(1, .completed), iteration(2, .inProgress)]
        let decider = decider(at: t0)
        let result = try decider.result(forReferenceName: "step", in: execution, status: .completed, output: [:],
                                        workerId: nil)
        #expect(result.taskId == "loop-2")
        let exact = try decider.result(forReferenceName: "step__2", in: execution, status: .completed, output: [:],
                                       workerId: nil)
        #expect(exact.taskId == "loop-2")
        #expect(throws: DeciderError.self) {
            try decider.result(forReferenceName: "step__1", in: execution, status: .completed, output: [:], workerId: nil)
        }
    }
}
