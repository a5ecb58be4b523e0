@_spi(Engine) import BatonModel
import BatonPersistence

/// Builders for the definitions, executions and tasks the cases store.
enum Fixtures {
    /// A payload that exercises every JSON shape a store must keep exactly.
    static let richPayload: JSONObject = [
        "customer": ["name": "Zoë Ångström", "tags": ["vip", "日本語", "🎉"], "address": nil],
        "amount": 1250,
        "ratio": 0.125,
        "negative": -3.5,
        "big": .int(9_007_199_254_740_993),
        "max": .int(Int64.max),
        "min": .int(Int64.min),
        "flag": true,
        "off": false,
        "one": 1,
        "zero": 0,
        "nothing": nil,
        "empty": ["object": [:], "array": [], "string": ""],
        "escapes": "quote \" backslash \\ newline \n tab \t bell \u{07}",
        "ключ": "значение",
        "": "empty key",
        "matrix": [[1, 2.5], [["deep": [true, nil, "x"]]]],
    ]

    /// A definition with nested nodes: a SWITCH, a DO_WHILE, a FORK_JOIN and its JOIN.
    static func definition(name: String = "checkout", version: Int = 1, description: String? = nil) -> WorkflowDef {
        var charge = WorkflowTask(name: "charge", taskReferenceName: "charge_ref",
                                  inputParameters: ["amount": "${workflow.input.amount}"])
        charge.taskDefinition = TaskDef(name: "charge", retryCount: 2, retryDelaySeconds: 5)
        var route = WorkflowTask(name: "route", taskReferenceName: "route_ref", type: .switchTask)
        route.evaluatorType = "value-param"
        route.expression = "kind"
        route.decisionCases = ["express": [WorkflowTask(name: "ship_fast", taskReferenceName: "ship_fast_ref")]]
        route.defaultCase = [WorkflowTask(name: "ship_slow", taskReferenceName: "ship_slow_ref")]
        var loop = WorkflowTask(name: "poll_loop", taskReferenceName: "poll_loop_ref", type: .doWhile)
        loop.loopCondition = "$.poll_ref['done'] == false"
        loop.loopOver = [WorkflowTask(name: "poll", taskReferenceName: "poll_ref", inputParameters: ["n": 1])]
        var fork = WorkflowTask(name: "fanout", taskReferenceName: "fanout_ref", type: .forkJoin)
        fork.forkTasks = [[WorkflowTask(name: "left", taskReferenceName: "left_ref")],
                          [WorkflowTask(name: "right", taskReferenceName: "right_ref")]]
        var join = WorkflowTask(name: "join", taskReferenceName: "join_ref", type: .join)
        join.joinOn = ["left_ref", "right_ref"]
        var definition = WorkflowDef(name: name, version: version, tasks: [charge, route, loop, fork, join],
                                     outputParameters: ["receipt": "${charge_ref.output.receipt}"])
        definition.description = description ?? "Charges and ships an order"
        definition.inputParameters = ["amount", "kind"]
        definition.variables = ["attempts": 0]
        definition.timeoutSeconds = 3600
        definition.timeoutPolicy = .timeOutWorkflow
        definition.ownerEmail = "team@example.com"
        definition.metadata = ["team": "payments"]
        return definition
    }

    /// A RUNNING execution with only the required fields set.
    static func workflow(
        id: String, name: String = "checkout", version: Int = 1, status: WorkflowStatus = .running,
        createTime: Int64 = 1_700_000_000_000, definition: WorkflowDef? = nil
    ) -> Workflow {
        var workflow = Workflow(workflowId: id, definition: definition ?? Fixtures.definition(name: name, version: version),
                                input: ["orderId": .string(id)], createTime: createTime)
        workflow.status = status
        return workflow
    }

    /// An execution with every stored field set to a value other than its default.
    static func fullWorkflow(id: String, createTime: Int64 = 1_700_000_000_000) -> Workflow {
        var workflow = Workflow(workflowId: id, definition: definition(), input: richPayload, createTime: createTime)
        workflow.status = .paused
        workflow.output = ["receipt": "r-1", "lines": [1, 2.75, "three", ["four": 4]]]
        workflow.updateTime = createTime + 500
        workflow.endTime = createTime + 900
        workflow.correlationId = "corr-\(id)"
        workflow.reasonForIncompletion = "Paused by an operator: “check stock”"
        workflow.parentWorkflowId = "parent-of-\(id)"
        workflow.parentWorkflowTaskId = "parent-task-of-\(id)"
        workflow.reRunFromWorkflowId = "rerun-of-\(id)"
        workflow.event = "order.created"
        workflow.taskToDomain = ["charge": "payments", "*": "default", "ship_fast": "ünïcode"]
        workflow.failedReferenceTaskNames = ["charge_ref", "left_ref"]
        workflow.failedTaskNames = ["charge", "left"]
        workflow.priority = 7
        workflow.variables = ["attempts": 3, "last": ["ok": false, "ratio": 0.5, "when": nil]]
        workflow.lastRetriedTime = createTime + 300
        workflow.idempotencyKey = "idem-\(id)"
        workflow.createdBy = "zoë@example.com"
        workflow.pausedAt = createTime + 400
        workflow.pausedMillis = 12_345
        return workflow
    }

    /// A SCHEDULED task of `workflow` with only the required fields set.
    static func task(id: String, of workflow: Workflow, reference: String = "charge_ref", seq: Int = 1) -> TaskExecution {
        var task = TaskExecution(taskId: id, taskType: "SIMPLE", taskDefName: TaskExecution.baseReferenceName(of: reference),
                        referenceTaskName: reference, workflowInstanceId: workflow.workflowId, seq: seq,
                        scheduledTime: workflow.createTime + Int64(seq))
        task.workflowType = workflow.workflowName
        task.correlationId = workflow.correlationId
        return task
    }

    /// A task of `workflow` with every stored field set to a value other than its default.
    static func fullTask(id: String, of workflow: Workflow, reference: String = "charge_ref", seq: Int = 1) -> TaskExecution {
        var task = TaskExecution(taskId: id, taskType: "SIMPLE", taskDefName: "charge", referenceTaskName: reference,
                        workflowInstanceId: workflow.workflowId, seq: seq, scheduledTime: workflow.createTime + 10)
        task.status = .inProgress
        task.inputData = richPayload
        task.outputData = ["receipt": "r-42", "fees": [0.3, 1], "note": "naïve café"]
        task.workflowType = workflow.workflowName
        task.correlationId = workflow.correlationId
        task.retryCount = 2
        task.retried = true
        task.retriedTaskId = "retry-of-\(id)"
        task.executed = true
        task.pollCount = 3
        task.startTime = workflow.createTime + 20
        task.endTime = workflow.createTime + 90
        task.updateTime = workflow.createTime + 30
        task.firstStartTime = workflow.createTime + 15
        task.startDelayInSeconds = 4
        task.callbackAfterSeconds = 60
        task.responseTimeoutSeconds = 120
        task.workerId = "worker-ü-1"
        task.reasonForIncompletion = "Card declined"
        task.domain = "payments"
        task.workflowPriority = 7
        task.iteration = 2
        task.subWorkflowId = "sub-of-\(id)"
        task.parentTaskId = "parent-task-\(id)"
        task.rateLimitPerFrequency = 10
        task.rateLimitFrequencyInSeconds = 30
        task.executionNameSpace = "namespace-a"
        task.isolationGroupId = "group-b"
        task.waitUntil = workflow.createTime + 86_400_000
        task.pausedMillis = 6_789
        task.workflowTask = workflow.workflowDefinition?.node(referenceName: TaskExecution.baseReferenceName(of: reference))
        return task
    }

    /// A queue entry for `taskId`.
    static func entry(
        _ taskId: String, queue: String = "charge", workflowId: String = "wf-queue", priority: Int = 0,
        visibleAt: Int64 = 0
    ) -> QueueEntry {
        QueueEntry(taskId: taskId, workflowId: workflowId, queueName: queue, priority: priority, visibleAt: visibleAt)
    }
}

/// What a store keeps of an execution: its own fields, without tasks and transient flags.
func stored(_ workflow: Workflow) -> Workflow {
    var workflow = workflow
    workflow.tasks = []
    // Not part of the stored execution: the engine never sets it on executions.
    workflow.updatedBy = nil
    return workflow
}

/// What a store gives back for a task saved as `task`: the wire-only flags at their defaults.
func stored(_ task: TaskExecution) -> TaskExecution {
    var task = task
    // Not part of the stored task: Baton never sets these Conductor wire flags.
    task.callbackFromWorker = true
    task.subworkflowChanged = false
    return task
}

extension Store {
    /// Inserts executions, each with no previous version.
    func insert(_ workflows: Workflow...) async throws {
        try await insert(workflows)
    }

    /// Inserts executions, each with no previous version.
    func insert(_ workflows: [Workflow]) async throws {
        try await write { tx in
            for workflow in workflows { try tx.save(workflow, previous: nil) }
        }
    }

    /// Inserts task attempts, each with no previous version.
    func insert(_ tasks: [TaskExecution]) async throws {
        try await write { tx in
            for task in tasks { try tx.save(task, previous: nil) }
        }
    }

    /// Does what a decision that changes only the update time does, `rounds` times: reads execution `id` with its
    /// tasks in a write, then saves it with its update time moved on.
    public func touch(_ id: String, rounds: Int) async throws {
        for round in 1...rounds {
            try await write { tx in
                guard var current = try tx.workflow(id: id, includeTasks: true) else {
                    throw ConformanceFailure("No workflow \(id) to touch")
                }
                let previous = current
                current.updateTime += Int64(round)
                try tx.save(current, previous: previous)
            }
        }
    }

    /// Reads an execution.
    func workflow(_ id: String, includeTasks: Bool = false) async throws -> Workflow? {
        try await read { try $0.workflow(id: id, includeTasks: includeTasks) }
    }

    /// Reads a task attempt.
    func task(_ id: String) async throws -> TaskExecution? {
        try await read { try $0.task(id: id) }
    }

    /// Runs a search and returns the total and the ids of the page, in order.
    func searchIds(_ search: WorkflowSearch) async throws -> (total: Int64, ids: [String]) {
        let result = try await read { try $0.search(search) }
        return (result.totalHits, result.workflows.map(\.workflowId))
    }
}
