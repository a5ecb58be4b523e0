import BatonDecider
import BatonModel
import Testing

@Suite("Decider: task and workflow timeouts")
struct DeciderTimeoutTests {
    static func definition(_ configure: (inout TaskDef) -> Void) -> WorkflowDef {
        let taskDef = Fixtures.taskDef(1) {
            $0.retryCount = 1
            $0.retryDelaySeconds = 5
            configure(&$0)
        }
        return Fixtures.definition([Fixtures.simple(1, taskDef: taskDef), Fixtures.simple(2)])
    }

    // MARK: responseTimeoutSeconds

    @Test(
        "a response timeout times the task out whatever the timeout policy, then it is retried",
        arguments: TaskTimeoutPolicy.allCases
    )
    func responseTimeout(policy: TaskTimeoutPolicy) throws {
        var run = Run(Self.definition {
            $0.responseTimeoutSeconds = 30
            $0.timeoutPolicy = policy
        })
        run.at(t0 + seconds(2))
        try run.poll("t1")
        let polled = try run.task("t1")
        let deadline = t0 + seconds(32)
        #expect(run.decider.nextWakeUp(of: run.workflow) == deadline)

        run.at(deadline - 1)
        run.decide()
        #expect(try run.task("t1").status == .inProgress)

        run.at(deadline)
        run.decide()
        let attempts = run.attempts("t1")
        try #require(attempts.count == 2)
        #expect(attempts[0].status == .timedOut)
        #expect(attempts[0].retried)
        #expect(attempts[0].endTime == deadline)
        #expect(attempts[0].reasonForIncompletion
            == "responseTimeout: 30 exceeded for the taskId: \(polled.taskId) with Task Definition: task_1")
        #expect(attempts[1].status == .scheduled)
        #expect(attempts[1].retryCount == 1)
        #expect(attempts[1].callbackAfterSeconds == 5)
        #expect(run.status == .running)
    }

    @Test("extendLease and IN_PROGRESS updates push the response timeout back")
    func leaseExtension() throws {
        var run = Run(Self.definition { $0.responseTimeoutSeconds = 30 })
        try run.poll("t1")
        run.at(t0 + seconds(20))
        var lease = TaskResult(workflowInstanceId: "wf-1", taskId: try run.task("t1").taskId, status: .inProgress)
        lease.extendLease = true
        #expect(try run.decider.apply(lease, to: &run.workflow) == .leaseExtended)
        #expect(run.decider.nextWakeUp(of: run.workflow) == t0 + seconds(50))
        run.at(t0 + seconds(49))
        run.decide()
        #expect(try run.task("t1").status == .inProgress)
        run.at(t0 + seconds(50))
        run.decide()
        #expect(run.attempts("t1").first?.status == .timedOut)
    }

    @Test("retries exhausted after a response timeout time the workflow out")
    func responseTimeoutExhausted() throws {
        var run = Run(Self.definition {
            $0.responseTimeoutSeconds = 30
            $0.retryCount = 0
        })
        try run.poll("t1")
        run.at(t0 + seconds(30))
        run.decide()
        let task = try run.task("t1")
        #expect(task.status == .timedOut)
        #expect(run.status == .timedOut)
        #expect(run.workflow.reasonForIncompletion?.hasPrefix("Task \(task.taskId) failed with status: TIMED_OUT") == true)
        #expect(run.workflow.failedReferenceTaskNames.isEmpty)
    }

    @Test("a task without a task definition still wakes the workflow for its response timeout")
    func responseTimeoutWithoutTaskDef() throws {
        var node = Fixtures.simple(1)
        node.taskDefinition = nil
        var run = Run(Fixtures.definition([node]))
        try run.poll("t1")
        #expect(try run.task("t1").responseTimeoutSeconds == 3600)
        #expect(run.decider.nextWakeUp(of: run.workflow) == t0 + seconds(3600))
        run.at(t0 + seconds(3600))
        run.decide()
        #expect(try run.task("t1").status == .timedOut)
    }

    // MARK: timeoutSeconds

    @Test("a task timeout under RETRY times the attempt out and retries it")
    func taskTimeoutRetry() throws {
        var run = Run(Self.definition {
            $0.timeoutSeconds = 60
            $0.responseTimeoutSeconds = 1_000
            $0.timeoutPolicy = .retry
        })
        try run.poll("t1")
        #expect(run.decider.nextWakeUp(of: run.workflow) == t0 + seconds(60))
        run.at(t0 + seconds(60) - 1)
        run.decide()
        #expect(try run.task("t1").status == .inProgress)
        run.at(t0 + seconds(60))
        run.decide()
        let attempts = run.attempts("t1")
        #expect(attempts.map(\.status) == [.timedOut, .scheduled])
        #expect(attempts.first?.reasonForIncompletion
            == "Task timed out after 60 seconds. Timeout configured as 60 seconds. Timeout policy configured to RETRY")
        #expect(run.status == .running)
    }

    @Test("a task timeout under TIME_OUT_WF times the task and the workflow out at once")
    func taskTimeoutWorkflow() throws {
        var definition = Self.definition {
            $0.timeoutSeconds = 60
            $0.responseTimeoutSeconds = 1_000
            $0.timeoutPolicy = .timeOutWorkflow
        }
        definition.failureWorkflow = "cleanup"
        var run = Run(definition)
        try run.poll("t1")
        run.at(t0 + seconds(61))
        run.decide()
        let reason = "Task timed out after 61 seconds. Timeout configured as 60 seconds. "
            + "Timeout policy configured to TIME_OUT_WF"
        #expect(run.attempts("t1").map(\.status) == [.timedOut])
        #expect(try run.task("t1").reasonForIncompletion == reason)
        #expect(run.status == .timedOut)
        #expect(run.workflow.reasonForIncompletion == reason)
        #expect(run.workflow.endTime == t0 + seconds(61))
        #expect(run.effects.failureWorkflow?.input["failureStatus"] == "TIMED_OUT")
    }

    @Test("a task timeout under ALERT_ONLY changes nothing and sets no wake-up")
    func taskTimeoutAlertOnly() throws {
        var run = Run(Self.definition {
            $0.timeoutSeconds = 60
            $0.responseTimeoutSeconds = 1_000
            $0.timeoutPolicy = .alertOnly
        })
        try run.poll("t1")
        #expect(run.decider.nextWakeUp(of: run.workflow) == t0 + seconds(1_000))
        run.at(t0 + seconds(500))
        run.decide()
        #expect(try run.task("t1").status == .inProgress)
        #expect(run.status == .running)
    }

    @Test("a task timeout is counted from the first start, not from the last hand-out")
    func taskTimeoutAcrossCallbacks() throws {
        var run = Run(Self.definition {
            $0.timeoutSeconds = 60
            $0.responseTimeoutSeconds = 1_000
            $0.timeoutPolicy = .retry
        })
        try run.poll("t1")
        run.at(t0 + seconds(30))
        try run.report("t1", .inProgress, callbackAfterSeconds: 10)
        run.at(t0 + seconds(40))
        try run.poll("t1")
        run.at(t0 + seconds(60))
        run.decide()
        #expect(run.attempts("t1").first?.status == .timedOut)
    }

    // MARK: pollTimeoutSeconds

    @Test(
        "a poll timeout applies the timeout policy to a task no worker took",
        arguments: [
            (TaskTimeoutPolicy.retry, [TaskStatus.timedOut, .scheduled], WorkflowStatus.running),
            (.timeOutWorkflow, [.timedOut], .timedOut),
            (.alertOnly, [.scheduled], .running),
        ]
    )
    func pollTimeout(policy: TaskTimeoutPolicy, statuses: [TaskStatus], workflowStatus: WorkflowStatus) throws {
        var run = Run(Self.definition {
            $0.pollTimeoutSeconds = 30
            $0.timeoutPolicy = policy
        })
        if policy != .alertOnly {
            #expect(run.decider.nextWakeUp(of: run.workflow) == t0 + seconds(30))
        } else {
            #expect(run.decider.nextWakeUp(of: run.workflow) == nil)
        }
        run.at(t0 + seconds(30) - 1)
        run.decide()
        #expect(try run.task("t1").status == .scheduled)
        #expect(run.attempts("t1").count == 1)
        run.at(t0 + seconds(30))
        run.decide()
        #expect(run.attempts("t1").map(\.status) == statuses)
        #expect(run.status == workflowStatus)
        if policy != .alertOnly {
            #expect(run.attempts("t1").first?.reasonForIncompletion
                == "Task poll timed out after 30 seconds. Poll timeout configured as 30 seconds. "
                + "Timeout policy configured to \(policy.rawValue)")
        }
    }

    @Test("a polled task has no poll timeout")
    func pollTimeoutAfterPoll() throws {
        var run = Run(Self.definition {
            $0.pollTimeoutSeconds = 30
            $0.responseTimeoutSeconds = 100
        })
        try run.poll("t1")
        run.at(t0 + seconds(60))
        run.decide()
        #expect(try run.task("t1").status == .inProgress)
    }

    @Test("a task waiting out a worker's callback is not poll-timed-out: it was polled long ago")
    func noPollTimeoutDuringCallback() throws {
        var run = Run(Self.definition {
            $0.pollTimeoutSeconds = 30
            $0.responseTimeoutSeconds = 1_000
            $0.timeoutPolicy = .timeOutWorkflow
        })
        run.at(t0 + seconds(5))
        try run.poll("t1")
        run.at(t0 + seconds(600))
        try run.report("t1", .inProgress, callbackAfterSeconds: 10)
        run.decide()
        #expect(try run.task("t1").status == .scheduled)
        #expect(run.status == .running)
        run.at(t0 + seconds(700))
        run.decide()
        #expect(run.status == .running)
    }

    @Test("a task waiting out a worker's callback still has a response timeout, as in Conductor")
    func responseTimeoutDuringCallback() throws {
        var run = Run(Self.definition { $0.responseTimeoutSeconds = 30 })
        try run.poll("t1")
        run.at(t0 + seconds(10))
        try run.report("t1", .inProgress, callbackAfterSeconds: 20)
        // Nobody polls it again: the lease runs out 30 s after the callback was due.
        #expect(run.decider.nextWakeUp(of: run.workflow) == t0 + seconds(60))
        run.at(t0 + seconds(60) - 1)
        run.decide()
        #expect(try run.task("t1").status == .scheduled)
        run.at(t0 + seconds(60))
        run.decide()
        #expect(run.attempts("t1").map(\.status) == [.timedOut, .scheduled])
    }

    @Test("a poll timeout waits out a retry's delay first")
    func pollTimeoutAfterRetryDelay() throws {
        var run = Run(Self.definition {
            $0.pollTimeoutSeconds = 30
            $0.retryDelaySeconds = 100
            $0.timeoutPolicy = .timeOutWorkflow
        })
        try run.finish("t1", .failed, reason: "boom")
        let retry = try run.task("t1")
        #expect(retry.callbackAfterSeconds == 100)
        #expect(run.decider.nextWakeUp(of: run.workflow) == t0 + seconds(130))
        run.at(t0 + seconds(129))
        run.decide()
        #expect(run.status == .running)
        run.at(t0 + seconds(130))
        run.decide()
        #expect(run.status == .timedOut)
    }

    // MARK: workflow timeoutSeconds

    @Test("a workflow timeout under TIME_OUT_WF times the workflow out and cancels its live tasks")
    func workflowTimeout() throws {
        var definition = Fixtures.definition(simpleTasks: 2)
        definition.timeoutSeconds = 100
        definition.timeoutPolicy = .timeOutWorkflow
        definition.failureWorkflow = "cleanup"
        var run = Run(definition)
        #expect(run.decider.nextWakeUp(of: run.workflow) == t0 + seconds(100))
        run.at(t0 + seconds(100) - 1)
        run.decide()
        #expect(run.status == .running)
        run.at(t0 + seconds(100))
        run.decide()
        #expect(run.status == .timedOut)
        #expect(run.workflow.reasonForIncompletion == "Workflow timed out after 100 seconds. Timeout configured as "
            + "100 seconds. Timeout policy configured to TIME_OUT_WF")
        #expect(try run.task("t1").status == .canceled)
        #expect(run.effects.failureWorkflow?.input["failureStatus"] == "TIMED_OUT")
        #expect(run.decider.nextWakeUp(of: run.workflow) == nil)
    }

    @Test("a workflow timeout under ALERT_ONLY lets it run on: one wake-up at the deadline notes the alert, once")
    func workflowTimeoutAlertOnly() throws {
        var definition = Fixtures.definition(simpleTasks: 1)
        definition.timeoutSeconds = 100
        definition.timeoutPolicy = .alertOnly
        var run = Run(definition)
        #expect(run.decider.nextWakeUp(of: run.workflow) == t0 + seconds(100))
        run.at(t0 + seconds(10_000))
        run.decide()
        #expect(run.status == .running)
        #expect(run.effects.workflowTimeoutAlert)
        #expect(run.effects.notes.map(\.kind.rawValue) == ["workflow.timeout_alert"])
        #expect(run.effects.notes.first?.detail?.hasSuffix("Timeout policy configured to ALERT_ONLY") == true)
        #expect(run.decider.nextWakeUp(of: run.workflow) == nil)
        run.decide()
        #expect(!run.effects.workflowTimeoutAlert, "noted once")
        try run.finish("t1")
        #expect(run.status == .completed)
    }

    @Test("the earliest of several deadlines is the next wake-up")
    func earliestWakeUp() throws {
        var definition = Self.definition {
            $0.responseTimeoutSeconds = 300
            $0.timeoutSeconds = 400
        }
        definition.timeoutSeconds = 200
        definition.timeoutPolicy = .timeOutWorkflow
        var run = Run(definition)
        try run.poll("t1")
        #expect(run.decider.nextWakeUp(of: run.workflow) == t0 + seconds(200))
        run.workflow.workflowDefinition?.timeoutSeconds = 1_000
        #expect(run.decider.nextWakeUp(of: run.workflow) == t0 + seconds(300))
    }
}
