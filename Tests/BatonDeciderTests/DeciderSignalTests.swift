import BatonDecider
@_spi(Engine) import BatonModel
import Testing

/// The status a test drives a workflow into before sending it a signal.
enum Reached: String, CaseIterable, Sendable {
    case running = "RUNNING", paused = "PAUSED", completed = "COMPLETED", failed = "FAILED"
    case timedOut = "TIMED_OUT", terminated = "TERMINATED"

    var status: WorkflowStatus { WorkflowStatus(rawValue: rawValue) ?? .running }

    /// A two-task workflow (no retries, a 100 s workflow timeout that only alerts) brought to this status:
    /// RUNNING and PAUSED with `t1` done and `t2` in progress; COMPLETED with both done; FAILED and
    /// TIMED_OUT on `t2`; TERMINATED by a signal while `t2` ran.
    func run() throws -> Run {
        let definition = Fixtures.definition(simpleTasks: 2) { Fixtures.taskDef($0) { $0.retryCount = 0 } }
        var run = Run(definition, input: ["x": 1])
        run.at(t0 + seconds(10))
        try run.finish("t1", output: ["y": 1])
        run.at(t0 + seconds(20))
        try run.poll("t2")
        switch self {
        case .running: break
        case .paused: _ = try run.decider.pause(&run.workflow)
        case .completed: try run.finish("t2", output: ["y": 2])
        case .failed: try run.finish("t2", .failed, reason: "boom")
        case .timedOut:
            let index = try run.index(of: "t2")
            run.workflow.tasks[index].status = .timedOut
            run.workflow.tasks[index].reasonForIncompletion = "too slow"
            run.decide()
        case .terminated: _ = try run.decider.terminate(&run.workflow, reason: "stop", triggerFailureWorkflow: false)
        }
        #expect(run.status == status)
        run.at(t0 + seconds(30))
        return run
    }
}

@Suite("Decider: signals")
struct DeciderSignalTests {
    static let terminal: [Reached] = [.completed, .failed, .timedOut, .terminated]

    // MARK: pause and resume

    @Test("pause: RUNNING becomes PAUSED; PAUSED again is a no-op")
    func pause() throws {
        var run = try Reached.running.run()
        #expect(try run.decider.pause(&run.workflow))
        #expect(run.status == .paused)
        #expect(run.workflow.pausedAt == t0 + seconds(30))
        let paused = run.workflow
        run.at(t0 + seconds(40))
        #expect(try run.decider.pause(&run.workflow) == false)
        #expect(run.workflow == paused)
    }

    @Test("pause of an ended workflow is a conflict", arguments: terminal)
    func pauseTerminal(reached: Reached) throws {
        var run = try reached.run()
        let before = run.workflow
        let error = #expect(throws: DeciderError.self) { try run.decider.pause(&run.workflow) }
        #expect(error?.code == .conflict)
        #expect(run.workflow == before)
    }

    @Test("while PAUSED nothing is scheduled; resume schedules what was held back")
    func pausedHoldsWork() throws {
        var run = try Reached.paused.run()
        #expect(run.decider.nextWakeUp(of: run.workflow) == nil)
        #expect(try run.report("t2", .completed, output: ["y": 2]) == .applied)
        let before = run.workflow
        run.decide()
        #expect(run.workflow == before)
        #expect(run.status == .paused)

        var definition = try #require(run.workflow.workflowDefinition)
        definition.tasks.append(Fixtures.simple(3))
        run.workflow.workflowDefinition = definition
        run.decide()
        #expect(run.attempts("t3").isEmpty)

        run.at(t0 + seconds(50))
        _ = try run.decider.resume(&run.workflow)
        #expect(run.status == .running)
        #expect(try run.task("t2").executed)
        #expect(try run.task("t3").status == .scheduled)
        #expect(try run.task("t3").scheduledTime == t0 + seconds(50))
    }

    @Test("a failed task is not retried while PAUSED, only on resume")
    func pausedHoldsRetries() throws {
        let definition = Fixtures.definition(simpleTasks: 1) { Fixtures.taskDef($0) { $0.retryCount = 1 } }
        var run = Run(definition)
        try run.poll("t1")
        _ = try run.decider.pause(&run.workflow)
        try run.report("t1", .failed, reason: "boom")
        run.decide()
        #expect(run.attempts("t1").count == 1)
        _ = try run.decider.resume(&run.workflow)
        #expect(run.attempts("t1").map(\.status) == [.failed, .scheduled])
    }

    @Test("resume of a workflow that is not PAUSED is a conflict", arguments: [Reached.running] + terminal)
    func resumeNotPaused(reached: Reached) throws {
        var run = try reached.run()
        let before = run.workflow
        let error = #expect(throws: DeciderError.self) { try run.decider.resume(&run.workflow) }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains(reached.rawValue) == true)
        #expect(run.workflow == before)
    }

    @Test("paused time does not count toward the workflow timeout")
    func pauseExtendsWorkflowTimeout() throws {
        var definition = Fixtures.definition(simpleTasks: 1)
        definition.timeoutSeconds = 100
        definition.timeoutPolicy = .timeOutWorkflow
        var run = Run(definition)
        run.at(t0 + seconds(40))
        _ = try run.decider.pause(&run.workflow)
        run.at(t0 + seconds(540))
        run.decide()
        #expect(run.status == .paused)
        _ = try run.decider.resume(&run.workflow)
        #expect(run.status == .running)
        // 40 s ran before the pause, 500 s were paused: 60 s remain.
        #expect(run.decider.nextWakeUp(of: run.workflow) == t0 + seconds(600))
        run.at(t0 + seconds(600) - 1)
        run.decide()
        #expect(run.status == .running)
        run.at(t0 + seconds(600))
        run.decide()
        #expect(run.status == .timedOut)
        #expect(run.workflow.reasonForIncompletion?.hasPrefix("Workflow timed out after 100 seconds.") == true)
    }

    @Test("paused time does not count toward a task's timeoutSeconds, and resume renews the response lease")
    func pauseExtendsTaskTimeout() throws {
        let taskDef = Fixtures.taskDef(1) {
            $0.timeoutSeconds = 60
            $0.responseTimeoutSeconds = 50
            $0.timeoutPolicy = .timeOutWorkflow
        }
        var run = Run(Fixtures.definition([Fixtures.simple(1, taskDef: taskDef)]))
        try run.poll("t1")
        run.at(t0 + seconds(30))
        var lease = TaskResult(workflowInstanceId: "wf-1", taskId: try run.task("t1").taskId, status: .inProgress)
        lease.extendLease = true
        _ = try run.decider.apply(lease, to: &run.workflow)
        _ = try run.decider.pause(&run.workflow)
        run.at(t0 + seconds(130))
        _ = try run.decider.resume(&run.workflow)
        // 30 s ran before the pause: 30 s of the task timeout remain; the response lease restarts at resume.
        #expect(run.decider.nextWakeUp(of: run.workflow) == t0 + seconds(160))
        run.at(t0 + seconds(160) - 1)
        run.decide()
        #expect(try run.task("t1").status == .inProgress)
        run.at(t0 + seconds(160))
        run.decide()
        #expect(try run.task("t1").status == .timedOut)
        #expect(run.status == .timedOut)
    }

    @Test("paused time does not count toward a held task's poll timeout")
    func pauseExtendsPollTimeout() throws {
        let taskDef = Fixtures.taskDef(1) {
            $0.pollTimeoutSeconds = 30
            $0.timeoutPolicy = .timeOutWorkflow
        }
        var run = Run(Fixtures.definition([Fixtures.simple(1, taskDef: taskDef)]))
        run.at(t0 + seconds(10))
        _ = try run.decider.pause(&run.workflow)
        run.at(t0 + seconds(110))
        _ = try run.decider.resume(&run.workflow)
        #expect(run.decider.nextWakeUp(of: run.workflow) == t0 + seconds(130))
    }

    // MARK: terminate

    @Test("terminate of a COMPLETED workflow is a conflict; of a TERMINATED one a no-op")
    func terminateEnded() throws {
        var completed = try Reached.completed.run()
        let before = completed.workflow
        let error = #expect(throws: DeciderError.self) {
            try completed.decider.terminate(&completed.workflow, reason: "x", triggerFailureWorkflow: true)
        }
        #expect(error?.code == .conflict)
        #expect(completed.workflow == before)

        var terminated = try Reached.terminated.run()
        let ended = terminated.workflow
        #expect(try terminated.decider.terminate(&terminated.workflow, reason: "again", triggerFailureWorkflow: true) == nil)
        #expect(terminated.workflow == ended)
    }

    @Test(
        "terminate ends the workflow TERMINATED with the reason and cancels every live task",
        arguments: [Reached.running, .paused, .failed, .timedOut]
    )
    func terminate(reached: Reached) throws {
        var run = try reached.run()
        let live = run.workflow.tasks.filter { !$0.status.isTerminal }.map(\.taskId)
        let effects = try #require(try run.decider.terminate(&run.workflow, reason: "operator said so",
                                                              triggerFailureWorkflow: false))
        #expect(run.status == .terminated)
        #expect(run.workflow.reasonForIncompletion == "operator said so")
        #expect(run.workflow.endTime == t0 + seconds(30))
        #expect(run.workflow.tasks.allSatisfy { $0.status.isTerminal })
        for id in live {
            #expect(run.workflow.tasks.first { $0.taskId == id }?.status == .canceled)
            #expect(run.workflow.tasks.first { $0.taskId == id }?.endTime == t0 + seconds(30))
        }
        #expect(effects.failureWorkflow == nil)
        #expect(run.decider.nextWakeUp(of: run.workflow) == nil)
    }

    @Test("terminate starts the failure workflow only when asked to", arguments: [true, false])
    func terminateFailureWorkflow(trigger: Bool) throws {
        var run = try Reached.running.run()
        run.workflow.workflowDefinition?.failureWorkflow = "cleanup"
        let effects = try #require(try run.decider.terminate(&run.workflow, reason: "stop",
                                                              triggerFailureWorkflow: trigger))
        #expect((effects.failureWorkflow != nil) == trigger)
        if trigger {
            #expect(effects.failureWorkflow?.input["failureStatus"] == "TERMINATED")
            #expect(effects.failureWorkflow?.input["reason"] == "stop")
        }
    }

    // MARK: restart

    @Test("restart of a workflow that has not ended is a conflict", arguments: [Reached.running, .paused])
    func restartLive(reached: Reached) throws {
        var run = try reached.run()
        let before = run.workflow
        let error = #expect(throws: DeciderError.self) { try run.decider.restart(&run.workflow) }
        #expect(error?.code == .conflict)
        #expect(run.workflow == before)
    }

    @Test(
        "restartable false refuses only a COMPLETED workflow",
        arguments: [(Reached.completed, false), (.failed, true), (.timedOut, true), (.terminated, true)]
    )
    func restartable(reached: Reached, allowed: Bool) throws {
        var run = try reached.run()
        run.workflow.workflowDefinition?.restartable = false
        let before = run.workflow
        if allowed {
            _ = try run.decider.restart(&run.workflow)
            #expect(run.status == .running)
        } else {
            let error = #expect(throws: DeciderError.self) { try run.decider.restart(&run.workflow) }
            #expect(error?.code == .conflict)
            #expect(run.workflow == before)
        }
    }

    @Test("restart runs the workflow again from its first task, fresh", arguments: terminal)
    func restart(reached: Reached) throws {
        var run = try reached.run()
        run.workflow.workflowDefinition?.variables = ["count": 0]
        run.workflow.variables = ["count": 5, "stale": true]
        run.workflow.lastRetriedTime = t0 + seconds(1)
        _ = try run.decider.restart(&run.workflow)
        #expect(run.status == .running)
        #expect(run.workflow.workflowId == "wf-1")
        #expect(run.workflow.input == ["x": 1])
        #expect(run.workflow.createTime == t0 + seconds(30))
        #expect(run.workflow.endTime == 0)
        #expect(run.workflow.lastRetriedTime == 0)
        #expect(run.workflow.reasonForIncompletion == nil)
        #expect(run.workflow.failedReferenceTaskNames.isEmpty)
        #expect(run.workflow.output.isEmpty)
        #expect(run.workflow.variables == ["count": 0])
        #expect(run.workflow.tasks.count == 1)
        let first = try run.task("t1")
        #expect(first.status == .scheduled)
        #expect(first.seq == 1)
        #expect(first.scheduledTime == t0 + seconds(30))
    }

    @Test("restart with the latest definition runs on that definition")
    func restartLatest() throws {
        var run = try Reached.completed.run()
        var latest = WorkflowDef(name: "flow", version: 2, tasks: [Fixtures.simple(7)])
        latest.variables = ["v": 2]
        _ = try run.decider.restart(&run.workflow, latestDefinition: latest)
        #expect(run.workflow.workflowDefinition == latest)
        #expect(run.workflow.workflowVersion == 2)
        #expect(run.workflow.variables == ["v": 2])
        #expect(run.workflow.tasks.map(\.referenceTaskName) == ["t7"])
    }

    // MARK: rerun from the start

    @Test("rerun from the start of a workflow that has not ended is a conflict and changes nothing",
          arguments: [Reached.running, .paused])
    func rerunLive(reached: Reached) throws {
        var run = try reached.run()
        let before = run.workflow
        let request = RerunWorkflowRequest(workflowInput: ["x": 2], correlationId: "new", taskToDomain: ["*": "d"])
        let error = #expect(throws: DeciderError.self) { try run.decider.rerun(&run.workflow, request) }
        #expect(error?.code == .conflict)
        #expect(run.workflow == before)
    }

    @Test("rerun from the start replaces input, correlation id and task-to-domain", arguments: terminal)
    func rerunFromStart(reached: Reached) throws {
        var run = try reached.run()
        let createTime = run.workflow.createTime
        let request = RerunWorkflowRequest(workflowInput: ["other": true], correlationId: "corr-2",
                                           taskToDomain: ["*": "blue"])
        _ = try run.decider.rerun(&run.workflow, request)
        #expect(run.status == .running)
        #expect(run.workflow.input == ["other": true])
        #expect(run.workflow.correlationId == "corr-2")
        #expect(run.workflow.taskToDomain == ["*": "blue"])
        #expect(run.workflow.createTime == createTime)
        #expect(run.workflow.reasonForIncompletion == nil)
        #expect(run.workflow.tasks.count == 1)
        let first = try run.task("t1")
        #expect(first.status == .scheduled)
        #expect(first.domain == "blue")
        #expect(first.correlationId == "corr-2")
    }

    @Test("rerun from the start without new values keeps the old ones")
    func rerunKeeps() throws {
        var run = try Reached.failed.run()
        run.workflow.correlationId = "corr-1"
        _ = try run.decider.rerun(&run.workflow, RerunWorkflowRequest())
        #expect(run.workflow.input == ["x": 1])
        #expect(run.workflow.correlationId == "corr-1")
    }

    // MARK: rerun from a task

    @Test(
        "rerun from a task replaces its attempts, removes later tasks and runs on from a new attempt",
        arguments: [Reached.completed, .running, .paused, .failed]
    )
    func rerunFromTask(reached: Reached) throws {
        var run = try reached.run()
        let first = try run.task("t1")
        let later = run.attempts("t2").map(\.taskId)
        let request = RerunWorkflowRequest(reRunFromTaskId: first.taskId, taskInput: ["fresh": 1])
        _ = try run.decider.rerun(&run.workflow, request)

        #expect(run.status == (reached == .paused ? .paused : .running))
        #expect(run.workflow.reasonForIncompletion == nil)
        #expect(run.workflow.tasks.allSatisfy { !later.contains($0.taskId) })
        let attempts = run.attempts("t1")
        try #require(attempts.count == 2)
        let replaced = attempts[0], attempt = attempts[1]
        #expect(replaced.taskId == first.taskId)
        #expect(replaced.status == .canceled)
        #expect(replaced.retried)
        #expect(replaced.outputData == first.outputData)
        #expect(replaced.workerId == first.workerId)
        #expect(replaced.endTime == first.endTime)
        #expect(attempt.status == .scheduled)
        #expect(attempt.retryCount == first.retryCount + 1)
        #expect(attempt.retriedTaskId == first.taskId)
        #expect(attempt.scheduledTime == t0 + seconds(30))
        #expect(attempt.startTime == 0)
        #expect(attempt.endTime == 0)
        #expect(attempt.workerId == nil)
        #expect(attempt.outputData.isEmpty)
        #expect(attempt.inputData == ["fresh": 1])

        if reached == .paused { _ = try run.decider.resume(&run.workflow) }
        try run.finish("t1")
        #expect(try run.task("t2").status == .scheduled)
        #expect(!later.contains(try run.task("t2").taskId))
    }

    @Test("rerun from a later task keeps the earlier ones")
    func rerunKeepsEarlier() throws {
        var run = try Reached.failed.run()
        let earlier = try run.task("t1")
        let failed = try run.task("t2")
        _ = try run.decider.rerun(&run.workflow, RerunWorkflowRequest(reRunFromTaskId: failed.taskId))
        #expect(run.status == .running)
        #expect(try run.task("t1") == earlier)
        #expect(run.attempts("t2").map(\.status) == [.canceled, .scheduled])
        #expect(try run.task("t2").inputData == failed.inputData)
        #expect(run.workflow.failedReferenceTaskNames.isEmpty)
    }

    @Test("rerun from an unknown task is invalid and changes nothing", arguments: [Reached.completed, .running])
    func rerunUnknownTask(reached: Reached) throws {
        var run = try reached.run()
        let before = run.workflow
        let request = RerunWorkflowRequest(reRunFromTaskId: "nope", workflowInput: ["x": 9], correlationId: "c")
        let error = #expect(throws: DeciderError.self) { try run.decider.rerun(&run.workflow, request) }
        #expect(error?.code == .invalid)
        #expect(run.workflow == before)
    }

    @Test("a held rerun attempt's poll timeout counts only from resume, not from the pause")
    func rerunWhilePausedPollTimeout() throws {
        let taskDef = Fixtures.taskDef(1) {
            $0.pollTimeoutSeconds = 30
            $0.timeoutPolicy = .timeOutWorkflow
        }
        var run = Run(Fixtures.definition([Fixtures.simple(1, taskDef: taskDef), Fixtures.simple(2)]))
        try run.finish("t1")
        try run.poll("t2")
        run.at(t0 + seconds(10))
        _ = try run.decider.pause(&run.workflow)
        run.at(t0 + seconds(100))
        _ = try run.decider.rerun(&run.workflow, RerunWorkflowRequest(reRunFromTaskId: run.attempts("t1")[0].taskId))
        run.at(t0 + seconds(200))
        _ = try run.decider.resume(&run.workflow)
        #expect(run.decider.nextWakeUp(of: run.workflow) == t0 + seconds(230))
    }

    @Test("a rerun of an ended workflow restarts its timeout clock", arguments: [false, true])
    func rerunResetsWorkflowTimeout(fromTask: Bool) throws {
        var definition = Fixtures.definition(simpleTasks: 1)
        definition.timeoutSeconds = 100
        definition.timeoutPolicy = .timeOutWorkflow
        var run = Run(definition)
        run.at(t0 + seconds(50))
        try run.finish("t1")
        #expect(run.status == .completed)
        run.at(t0 + seconds(1_000))
        let request = RerunWorkflowRequest(reRunFromTaskId: fromTask ? try run.task("t1").taskId : nil)
        _ = try run.decider.rerun(&run.workflow, request)
        #expect(run.status == .running)
        #expect(try run.task("t1").status == .scheduled)
        #expect(run.decider.nextWakeUp(of: run.workflow) == t0 + seconds(1_100))
    }

    // MARK: retry

    @Test("retry of a workflow that has not ended is a conflict", arguments: [Reached.running, .paused])
    func retryLive(reached: Reached) throws {
        var run = try reached.run()
        let before = run.workflow
        let error = #expect(throws: DeciderError.self) { try run.decider.retry(&run.workflow) }
        #expect(error?.code == .conflict)
        #expect(run.workflow == before)
    }

    @Test("retry with nothing to retry is a conflict")
    func retryNothing() throws {
        var completed = try Reached.completed.run()
        #expect(throws: DeciderError.self) { try completed.decider.retry(&completed.workflow) }

        var failed = try Reached.failed.run()
        let index = try failed.index(of: "t2")
        failed.workflow.tasks[index].status = .completed
        let before = failed.workflow
        let error = #expect(throws: DeciderError.self) { try failed.decider.retry(&failed.workflow) }
        #expect(error?.code == .conflict)
        #expect(error?.message.contains("no retryable tasks") == true)
        #expect(failed.workflow == before)
    }

    @Test("retry gives each last failed, timed-out or canceled attempt a new attempt", arguments: [
        Reached.failed, .timedOut, .terminated,
    ])
    func retry(reached: Reached) throws {
        var run = try reached.run()
        run.workflow.workflowDefinition?.failureWorkflow = "cleanup"
        let first = try run.task("t1")
        let failed = try run.task("t2")
        let failedNames = run.workflow.failedReferenceTaskNames
        let effects = try run.decider.retry(&run.workflow)
        #expect(effects.failureWorkflow == nil)
        #expect(run.status == .running)
        #expect(run.workflow.reasonForIncompletion == nil)
        #expect(run.workflow.lastRetriedTime == t0 + seconds(30))
        #expect(run.workflow.endTime == 0)
        #expect(run.workflow.failedReferenceTaskNames == failedNames, "kept, as Conductor keeps them")
        #expect(try run.task("t1") == first)
        let attempts = run.attempts("t2")
        try #require(attempts.count == 2)
        #expect(attempts[0].taskId == failed.taskId)
        #expect(attempts[0].status == .canceled)
        #expect(attempts[0].retried)
        #expect(attempts[0].reasonForIncompletion == failed.reasonForIncompletion)
        #expect(attempts[1].status == .scheduled)
        #expect(attempts[1].retryCount == failed.retryCount + 1)
        #expect(attempts[1].retriedTaskId == failed.taskId)
        #expect(attempts[1].reasonForIncompletion == nil)
        #expect(attempts[1].inputData == failed.inputData)
        #expect(effects.notes.contains { $0.kind.rawValue == "task.canceled" && $0.taskId == failed.taskId })

        try run.finish("t2", output: ["done": true])
        #expect(run.status == .completed)
    }

    @Test("retry after automatic retries keeps them FAILED and replaces only the last")
    func retryAfterAutomatic() throws {
        let definition = Fixtures.definition(simpleTasks: 1) { Fixtures.taskDef($0) { $0.retryCount = 1 } }
        var run = Run(definition)
        try run.finish("t1", .failed, reason: "one")
        try run.finish("t1", .failed, reason: "two")
        #expect(run.status == .failed)
        _ = try run.decider.retry(&run.workflow)
        #expect(run.attempts("t1").map(\.status) == [.failed, .canceled, .scheduled])
        #expect(run.attempts("t1").map(\.retryCount) == [0, 1, 2])
        #expect(run.attempts("t1").map(\.retried) == [true, true, false])
    }

    @Test("retry restarts the workflow timeout clock")
    func retryResetsWorkflowTimeout() throws {
        var definition = Fixtures.definition(simpleTasks: 1)
        definition.timeoutSeconds = 100
        definition.timeoutPolicy = .timeOutWorkflow
        var run = Run(definition)
        run.at(t0 + seconds(100))
        run.decide()
        #expect(run.status == .timedOut)
        run.at(t0 + seconds(500))
        _ = try run.decider.retry(&run.workflow)
        #expect(run.status == .running)
        #expect(run.decider.nextWakeUp(of: run.workflow) == t0 + seconds(600))
    }
}
