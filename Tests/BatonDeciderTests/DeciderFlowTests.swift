import BatonDecider
import BatonModel
import Testing

@Suite("Decider: scheduling and completion")
struct DeciderFlowTests {
    static func inputDefinition() -> WorkflowDef {
        var template = Fixtures.taskDef(1)
        template.inputTemplate = ["x": "from template", "extra": "default", "fixed": 99]
        let first = Fixtures.simple(1, taskDef: template, input: ["x": "${workflow.input.x}", "fixed": 1])
        return Fixtures.definition([first, Fixtures.simple(2)])
    }

    @Test("the first decide schedules the first task with its input resolved")
    func firstDecide() throws {
        let run = Run(Self.inputDefinition(), input: ["x": 42])
        #expect(run.status == .running)
        #expect(run.workflow.tasks.count == 1)
        let task = try run.task("t1")
        #expect(task.status == .scheduled)
        #expect(task.seq == 1)
        #expect(task.taskId == "task-1")
        #expect(task.taskType == "task_1")
        #expect(task.taskDefName == "task_1")
        #expect(task.scheduledTime == t0)
        #expect(task.startTime == 0)
        #expect(task.retryCount == 0)
        #expect(task.responseTimeoutSeconds == 3600)
        #expect(task.workflowInstanceId == "wf-1")
        #expect(task.workflowType == "flow")
        #expect(task.inputData == ["x": 42, "fixed": 1, "extra": "default"])
    }

    @Test(
        "a task definition's inputTemplate fills only missing or null inputs",
        arguments: [
            (["x": 42], 42),
            ([:], "from template"),
            (["x": nil], "from template"),
            (["x": "given"], "given"),
        ] as [(JSONObject, JSONValue)]
    )
    func inputTemplate(input: JSONObject, x: JSONValue) throws {
        let run = Run(Self.inputDefinition(), input: input)
        let task = try run.task("t1")
        #expect(task.inputData["x"] == x)
        #expect(task.inputData["extra"] == "default")
        #expect(task.inputData["fixed"] == 1)
    }

    @Test("completing a task schedules the next one, with the previous output in reach")
    func completingSchedulesNext() throws {
        let second = Fixtures.simple(2, input: ["fromFirst": "${t1.output.y}"])
        var run = Run(Fixtures.definition([Fixtures.simple(1), second, Fixtures.simple(3)]))
        run.at(t0 + seconds(5))
        try run.finish("t1", output: ["y": "why"])
        #expect(run.status == .running)
        let first = try run.task("t1")
        #expect(first.status == .completed)
        #expect(first.executed)
        #expect(first.endTime == t0 + seconds(5))
        let next = try run.task("t2")
        #expect(next.status == .scheduled)
        #expect(next.seq == 2)
        #expect(next.scheduledTime == t0 + seconds(5))
        #expect(next.inputData == ["fromFirst": "why"])
        #expect(run.attempts("t3").isEmpty)
    }

    @Test("a decide with nothing new changes nothing")
    func idempotentDecide() {
        var run = Run(Fixtures.definition(simpleTasks: 2))
        let before = run.workflow
        run.at(t0 + seconds(10))
        run.decide()
        #expect(run.workflow == before)
    }

    @Test(
        "the last task completes the workflow with its outputParameters, else the last task's output",
        arguments: [
            (["result": "${t2.output.y}", "in": "${workflow.input.x}"], ["result": "second", "in": 7]),
            ([:], ["y": "second"]),
        ] as [(JSONObject, JSONObject)]
    )
    func completion(outputParameters: JSONObject, expected: JSONObject) throws {
        var definition = Fixtures.definition(simpleTasks: 2)
        definition.outputParameters = outputParameters
        var run = Run(definition, input: ["x": 7])
        try run.finish("t1", output: ["y": "first"])
        #expect(run.status == .running)
        run.at(t0 + seconds(20))
        try run.finish("t2", output: ["y": "second"])
        #expect(run.status == .completed)
        #expect(run.workflow.endTime == t0 + seconds(20))
        #expect(run.workflow.output == expected)
        #expect(run.workflow.tasks.allSatisfy { $0.executed })
        #expect(run.effects.failureWorkflow == nil)
    }

    @Test("a definition without tasks completes at once")
    func emptyDefinition() {
        let run = Run(WorkflowDef(name: "empty", tasks: []))
        #expect(run.status == .completed)
        #expect(run.workflow.endTime == t0)
    }

    @Test("a workflow without a definition fails")
    func missingDefinition() {
        var execution = Workflow(workflowId: "wf-1", definition: Fixtures.definition(simpleTasks: 1), input: [:],
                                 createTime: t0)
        execution.workflowDefinition = nil
        _ = decider(at: t0).decide(&execution)
        #expect(execution.status == .failed)
        #expect(execution.reasonForIncompletion == "The workflow has no definition")
    }

    @Test("a node type Baton cannot run fails the workflow with a terminal error")
    func unsupportedType() throws {
        let kafka = WorkflowTask(name: "call", taskReferenceName: "call", type: .kafkaPublish)
        let run = Run(Fixtures.definition([kafka, Fixtures.simple(2)]))
        let task = try run.task("call")
        #expect(task.status == .failedWithTerminalError)
        #expect(run.status == .failed)
        #expect(run.attempts("t2").isEmpty)
    }

    @Test("startDelay holds the first hand-out back")
    func startDelay() throws {
        var node = Fixtures.simple(1)
        node.startDelay = 15
        let run = Run(Fixtures.definition([node]))
        let task = try run.task("t1")
        #expect(task.callbackAfterSeconds == 15)
        #expect(task.startDelayInSeconds == 15)
    }

    @Test(
        "taskToDomain picks the last listed domain, specific keys before *",
        arguments: [
            ([:], nil),
            (["*": "alpha"], "alpha"),
            (["*": "alpha, beta"], "beta"),
            (["task_1": "mine", "*": "other"], "mine"),
            (["task_1": "mine,NO_DOMAIN"], nil),
            (["task_2": "elsewhere"], nil),
        ] as [([String: String], String?)]
    )
    func domains(mapping: [String: String], domain: String?) throws {
        var execution = Workflow(workflowId: "wf-1", definition: Fixtures.definition(simpleTasks: 1), input: [:],
                                 createTime: t0)
        execution.taskToDomain = mapping
        _ = decider(at: t0).decide(&execution)
        let task = try #require(execution.tasks.first)
        #expect(task.domain == domain)
    }

    @Test(
        "of a list of domains, the first with a worker polling lately wins; NO_DOMAIN is never active",
        arguments: [
            ("d1,d2,d3", ["d2", "d3"], "d2"),
            ("d1,d2,d3", [], "d3"),
            ("d1,d2,NO_DOMAIN", [], nil),
            ("NO_DOMAIN,d2", ["d2"], "d2"),
            ("d1, d2", ["d1"], "d1"),
            ("d1", ["d2"], "d1"),
        ] as [(String, [String], String?)]
    )
    func activeDomains(mapping: String, polled: [String], domain: String?) throws {
        var execution = Workflow(workflowId: "wf-1", definition: Fixtures.definition(simpleTasks: 1), input: [:],
                                 createTime: t0)
        execution.taskToDomain = ["*": mapping]
        var decider = decider(at: t0)
        decider.activeDomains = ActiveDomains(polledQueues: Set(polled.map { "\($0):task_1" } + ["d1:other_type"]))
        _ = decider.decide(&execution)
        #expect(try #require(execution.tasks.first).domain == domain)
    }

    @Test("an HTTP task gets no domain, as a system task in Conductor; a SIMPLE task is not isolated")
    func systemTasksHaveNoDomain() throws {
        var isolated = TaskDef(name: "call")
        (isolated.isolationGroupId, isolated.executionNameSpace) = ("group", "ns")
        var http = WorkflowTask(name: "call", taskReferenceName: "call", type: .http)
        http.taskDefinition = isolated
        isolated.name = "task_1"
        var run = Run(Fixtures.definition([http, Fixtures.simple(1, taskDef: isolated)]))
        run.workflow.taskToDomain = ["*": "blue"]
        _ = run.decide()
        run.workflow.tasks.removeAll()  // scheduled before the mapping was set: schedule it again
        _ = run.decide()
        let call = try run.task("call")
        #expect(call.domain == nil)
        #expect(call.isolationGroupId == "group" && call.executionNameSpace == "ns")
        try run.finish("call")
        let task = try run.task("t1")
        #expect(task.domain == "blue")
        #expect(task.isolationGroupId == nil && task.executionNameSpace == nil)
    }

    @Test("a PAUSED or ended workflow is left as it is")
    func decideLeavesNonRunning() throws {
        for status in [WorkflowStatus.paused, .completed, .failed, .timedOut, .terminated] {
            var execution = Workflow(workflowId: "wf-1", definition: Fixtures.definition(simpleTasks: 1), input: [:],
                                     createTime: t0)
            execution.status = status
            let before = execution
            _ = decider(at: t0 + seconds(1)).decide(&execution)
            #expect(execution == before, "status \(status)")
        }
    }
}
