import BatonDecider
import BatonModel
import Testing

@Suite("Decider: automatic retries and failure")
struct DeciderRetryTests {
    struct Delay: Sendable, CustomTestStringConvertible {
        var logic: RetryLogic
        var base: Int
        var scale = 1
        var cap = 0
        var attempt: Int
        var expected: Int64
        var testDescription: String { "\(logic.rawValue) base \(base) ×\(scale) cap \(cap) after attempt \(attempt)" }
    }

    @Test(
        "RetryPolicy delays",
        arguments: [
            Delay(logic: .fixed, base: 60, attempt: 0, expected: 60),
            Delay(logic: .fixed, base: 60, attempt: 5, expected: 60),
            Delay(logic: .fixed, base: 0, attempt: 2, expected: 0),
            Delay(logic: .fixed, base: 60, cap: 30, attempt: 0, expected: 30),
            Delay(logic: .linearBackoff, base: 10, attempt: 0, expected: 10),
            Delay(logic: .linearBackoff, base: 10, attempt: 2, expected: 30),
            Delay(logic: .linearBackoff, base: 10, scale: 3, attempt: 0, expected: 30),
            Delay(logic: .linearBackoff, base: 10, scale: 3, attempt: 1, expected: 60),
            Delay(logic: .linearBackoff, base: 10, scale: 3, cap: 45, attempt: 1, expected: 45),
            Delay(logic: .linearBackoff, base: Int.max / 2, scale: 4, attempt: 3, expected: Int64(Int32.max)),
            Delay(logic: .exponentialBackoff, base: 5, attempt: 0, expected: 5),
            Delay(logic: .exponentialBackoff, base: 5, attempt: 1, expected: 10),
            Delay(logic: .exponentialBackoff, base: 5, attempt: 3, expected: 40),
            Delay(logic: .exponentialBackoff, base: 5, cap: 25, attempt: 3, expected: 25),
            Delay(logic: .exponentialBackoff, base: 5, cap: 25, attempt: 1, expected: 10),
            Delay(logic: .exponentialBackoff, base: 1, attempt: 40, expected: Int64(Int32.max)),
            Delay(logic: .exponentialBackoff, base: 1, attempt: 200, expected: Int64(Int32.max)),
            Delay(logic: .exponentialBackoff, base: 1, cap: 600, attempt: 200, expected: 600),
        ]
    )
    func delays(_ delay: Delay) {
        var taskDef = TaskDef(name: "t", retryLogic: delay.logic, retryDelaySeconds: delay.base)
        taskDef.backoffScaleFactor = delay.scale
        taskDef.maxRetryDelaySeconds = delay.cap
        let policy = RetryPolicy(definition: taskDef, overrideCount: nil)
        #expect(policy.delaySeconds(afterAttempt: delay.attempt) == delay.expected)
    }

    @Test(
        "allowed retries: the node's retryCount overrides the task definition's",
        arguments: [(3, nil, 3), (3, 0, 0), (0, 5, 5), (2, -1, 0), (-4, nil, 0)] as [(Int, Int?, Int)]
    )
    func allowedRetries(definitionCount: Int, override: Int?, allowed: Int) {
        let policy = RetryPolicy(definition: TaskDef(name: "t", retryCount: definitionCount), overrideCount: override)
        #expect(policy.allowedRetries == allowed)
    }

    static func definition(retryCount: Int = 2, logic: RetryLogic = .fixed, delay: Int = 10,
                           optional: Bool = false) -> WorkflowDef {
        let taskDef = Fixtures.taskDef(1) {
            $0.retryCount = retryCount
            $0.retryLogic = logic
            $0.retryDelaySeconds = delay
        }
        return Fixtures.definition([Fixtures.simple(1, taskDef: taskDef, input: ["x": "${workflow.input.x}"],
                                                    optional: optional),
                                    Fixtures.simple(2)])
    }

    @Test("a failed attempt with retries left is retried as a new attempt after the delay")
    func retried() throws {
        var run = Run(Self.definition(), input: ["x": 1])
        let first = try run.task("t1")
        run.at(t0 + seconds(3))
        try run.finish("t1", .failed, output: ["partial": true], reason: "boom")

        #expect(run.status == .running)
        let attempts = run.attempts("t1")
        try #require(attempts.count == 2)
        let old = attempts[0], retry = attempts[1]
        #expect(old.taskId == first.taskId)
        #expect(old.status == .failed)
        #expect(old.retried)
        #expect(old.executed)
        #expect(old.reasonForIncompletion == "boom")
        #expect(retry.taskId != old.taskId)
        #expect(retry.status == .scheduled)
        #expect(retry.retryCount == 1)
        #expect(retry.retriedTaskId == old.taskId)
        #expect(retry.callbackAfterSeconds == 10)
        #expect(retry.startDelayInSeconds == 10)
        #expect(retry.seq == 2)
        #expect(retry.scheduledTime == t0 + seconds(3))
        #expect(retry.startTime == 0)
        #expect(retry.pollCount == 0)
        #expect(retry.workerId == nil)
        #expect(retry.outputData.isEmpty)
        #expect(retry.inputData == ["x": 1])
        #expect(run.attempts("t2").isEmpty)
        #expect(run.effects.notes.contains { $0.kind.rawValue == "task.retried" && $0.taskId == old.taskId })

        run.at(t0 + seconds(20))
        try run.finish("t1")
        #expect(try run.task("t2").status == .scheduled)
    }

    @Test(
        "each retry's delay follows the retry logic",
        arguments: [
            (RetryLogic.fixed, [10, 10, 10]),
            (.linearBackoff, [10, 20, 30]),
            (.exponentialBackoff, [10, 20, 40]),
        ] as [(RetryLogic, [Int64])]
    )
    func successiveDelays(logic: RetryLogic, expected: [Int64]) throws {
        var run = Run(Self.definition(retryCount: 3, logic: logic, delay: 10))
        for _ in expected { try run.finish("t1", .failed, reason: "again") }
        let attempts = run.attempts("t1")
        #expect(attempts.map(\.retryCount) == [0, 1, 2, 3])
        #expect(attempts.dropFirst().map { Int64($0.startDelayInSeconds) } == expected)
        #expect(attempts.last?.callbackAfterSeconds == expected.last)
        #expect(run.status == .running)
    }

    @Test("retries exhausted fail the workflow with Conductor's reason")
    func exhausted() throws {
        var run = Run(Self.definition(retryCount: 1))
        try run.finish("t1", .failed, reason: "first")
        run.at(t0 + seconds(40))
        try run.finish("t1", .failed, output: ["code": 7], reason: "second")
        let last = try run.task("t1")
        #expect(run.attempts("t1").count == 2)
        #expect(last.status == .failed)
        #expect(!last.retried)
        #expect(run.status == .failed)
        #expect(run.workflow.endTime == t0 + seconds(40))
        #expect(run.workflow.reasonForIncompletion
            == "Task \(last.taskId) failed with status: FAILED and reason: 'second'")
        #expect(run.workflow.failedReferenceTaskNames == ["t1"])
        #expect(run.workflow.failedTaskNames == ["task_1"])
        #expect(run.workflow.output == ["code": 7])
        #expect(run.attempts("t2").isEmpty)
        #expect(run.decider.nextWakeUp(of: run.workflow) == nil)
    }

    @Test(
        "a non-retriable ending ends the workflow at once, reported with the workflow's status",
        arguments: [
            (TaskResultStatus.failedWithTerminalError, WorkflowStatus.failed),
            (.canceled, .terminated),
        ]
    )
    func notRetried(result: TaskResultStatus, workflowStatus: WorkflowStatus) throws {
        var run = Run(Self.definition(retryCount: 3))
        try run.finish("t1", result, reason: "fatal")
        let task = try run.task("t1")
        #expect(run.attempts("t1").count == 1)
        #expect(task.status == result.taskStatus)
        #expect(run.status == workflowStatus)
        #expect(run.workflow.reasonForIncompletion
            == "Task \(task.taskId) failed with status: \(workflowStatus.rawValue) and reason: 'fatal'")
    }

    @Test("an optional task whose retries are exhausted completes with errors and the workflow goes on")
    func optionalTask() throws {
        var run = Run(Self.definition(retryCount: 1, optional: true))
        try run.finish("t1", .failed, reason: "one")
        try run.finish("t1", .failed, reason: "two")
        let attempts = run.attempts("t1")
        #expect(attempts.map(\.status) == [.failed, .completedWithErrors])
        #expect(run.status == .running)
        #expect(try run.task("t2").status == .scheduled)
        try run.finish("t2", output: ["done": true])
        #expect(run.status == .completed)
        #expect(run.workflow.output == ["done": true])
    }

    @Test("an optional task that fails with a terminal error is not retried but does not stop the workflow")
    func optionalTerminal() throws {
        var run = Run(Self.definition(retryCount: 3, optional: true))
        try run.finish("t1", .failedWithTerminalError, reason: "fatal")
        #expect(run.attempts("t1").map(\.status) == [.completedWithErrors])
        #expect(try run.task("t2").status == .scheduled)
    }

    @Test("totalTimeoutSeconds counts from the first attempt's schedule: no retry once it has passed")
    func totalTimeout() throws {
        let taskDef = Fixtures.taskDef(1) {
            $0.retryCount = 5
            $0.retryDelaySeconds = 0
            $0.totalTimeoutSeconds = 100
        }
        var run = Run(Fixtures.definition([Fixtures.simple(1, taskDef: taskDef)]))
        run.at(t0 + seconds(60))
        try run.finish("t1", .failed, reason: "slow")
        #expect(run.attempts("t1").count == 2)
        #expect(run.status == .running)
        run.at(t0 + seconds(120))
        try run.finish("t1", .failed, reason: "slower")
        #expect(run.attempts("t1").count == 2)
        #expect(run.status == .failed)
    }

    @Test("totalTimeoutSeconds ends the running attempt when the budget runs out, by its policy", arguments: [
        (TaskTimeoutPolicy.retry, WorkflowStatus.timedOut, TaskStatus.timedOut),
        (.timeOutWorkflow, .timedOut, .timedOut),
        (.alertOnly, .running, .inProgress),
    ])
    func totalTimeoutEndsTheAttempt(policy: TaskTimeoutPolicy, workflowStatus: WorkflowStatus, taskStatus: TaskStatus) throws {
        let taskDef = Fixtures.taskDef(1) {
            $0.retryCount = 5
            $0.retryDelaySeconds = 0
            $0.totalTimeoutSeconds = 100
            $0.timeoutPolicy = policy
        }
        var run = Run(Fixtures.definition([Fixtures.simple(1, taskDef: taskDef)]))
        run.at(t0 + seconds(60))
        try run.finish("t1", .failed, reason: "slow")
        try run.poll("t1")
        let budgetEnds = Decider(now: t0, makeId: { "unused" }).nextWakeUp(of: run.workflow)
        if policy != .alertOnly { #expect(budgetEnds == t0 + seconds(100), "the budget's end is a wake-up") }
        run.at(t0 + seconds(100))
        _ = run.decide()
        #expect(run.status == workflowStatus)
        let attempt = try #require(run.attempts("t1").last)
        #expect(attempt.status == taskStatus)
        #expect(run.attempts("t1").count == 2, "no retry once the budget is spent")
        if taskStatus == .timedOut {
            #expect(attempt.reasonForIncompletion?.contains("exceeded total timeout of 100 seconds") == true)
        }
    }

    @Test("the failure workflow is asked for with the failed workflow's facts")
    func failureWorkflow() throws {
        var definition = Self.definition(retryCount: 0)
        definition.failureWorkflow = "cleanup"
        definition.failureWorkflowVersion = 3
        var run = Run(definition, input: ["x": 1])
        run.workflow.correlationId = "order-9"
        run.workflow.taskToDomain = ["*": "blue"]
        try run.finish("t1", .failed, reason: "boom")
        let task = try run.task("t1")
        let start = try #require(run.effects.failureWorkflow)
        #expect(start.name == "cleanup")
        #expect(start.version == 3)
        #expect(start.correlationId == "order-9")
        #expect(start.taskToDomain == ["*": "blue"])
        #expect(start.input["x"] == 1)
        #expect(start.input["workflowId"] == "wf-1")
        #expect(start.input["failureStatus"] == "FAILED")
        #expect(start.input["failureTaskId"] == .string(task.taskId))
        #expect(start.input["reason"] == .string(run.workflow.reasonForIncompletion ?? "-"))
        #expect(start.input["failedWorkflow"]?.objectValue?["workflowId"] == "wf-1")
        #expect(start.input["failedWorkflow"]?.objectValue?["status"] == "FAILED")
    }

    @Test(
        "the failure workflow's name may come from the workflow input",
        arguments: [
            (["handler": "from-input"], "from-input"),
            ([:], nil),
        ] as [(JSONObject, String?)]
    )
    func failureWorkflowName(input: JSONObject, name: String?) throws {
        var definition = Self.definition(retryCount: 0)
        definition.failureWorkflow = "${workflow.input.handler}"
        var run = Run(definition, input: input)
        try run.finish("t1", .failed, reason: "boom")
        #expect(run.status == .failed)
        #expect(run.effects.failureWorkflow?.name == name)
    }

    @Test("no failure workflow when the definition names none, or the workflow completes")
    func noFailureWorkflow() throws {
        var run = Run(Self.definition(retryCount: 0))
        try run.finish("t1", .failed, reason: "boom")
        #expect(run.status == .failed)
        #expect(run.effects.failureWorkflow == nil)

        var definition = Fixtures.definition(simpleTasks: 1)
        definition.failureWorkflow = "cleanup"
        var good = Run(definition)
        try good.finish("t1")
        #expect(good.status == .completed)
        #expect(good.effects.failureWorkflow == nil)
    }
}
