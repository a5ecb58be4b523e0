import BatonEngine
import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// Scenarios of Conductor's WorkflowAndTaskConfigurationSpec (test-harness), ported to the HTTP API: task and
/// workflow timeouts, retry of a timed-out workflow, optional tasks, callbackAfterSeconds, skipping, pause and
/// resume, rerun, WAIT timeouts, input templates, permissive tasks, task definition templates. Time is the server's manual clock, never the wall clock.
/// Where Baton keeps a replaced attempt (decision 19), the task lists hold one attempt more than Conductor's.
@Suite("Workflow and task configuration (Conductor's WorkflowAndTaskConfigurationSpec)")
struct WorkflowAndTaskConfigurationTests {
    // MARK: - The spec's definitions

    /// The task definitions Conductor's WorkflowTestUtil registers for these scenarios:
    /// `integration_task_N` (retryCount 1, timeout 120 s, response timeout 120 s), `task_optional` and `waitTimeout`.
    static let taskDefs = """
        [{"name":"integration_task_1","retryCount":1,"timeoutSeconds":120,"responseTimeoutSeconds":120},
         {"name":"integration_task_2","retryCount":1,"timeoutSeconds":120,"responseTimeoutSeconds":120},
         {"name":"integration_task_3","retryCount":1,"timeoutSeconds":120,"responseTimeoutSeconds":120},
         {"name":"task_optional","retryCount":1,"timeoutSeconds":5,"responseTimeoutSeconds":5,
          "timeoutPolicy":"RETRY","retryDelaySeconds":0},
         {"name":"waitTimeout","retryCount":1,"timeoutSeconds":2,"responseTimeoutSeconds":2,
          "timeoutPolicy":"RETRY","retryDelaySeconds":10}]
        """

    /// `integration_test_wf` (simple_workflow_1_integration_test.json).
    static let linearWorkflow = #"""
        {"name":"integration_test_wf","version":1,"tasks":[
          {"name":"integration_task_1","taskReferenceName":"t1","type":"SIMPLE","inputParameters":{
            "p1":"${workflow.input.param1}","p2":"${workflow.input.param2}","p3":"${CPEWF_TASK_ID}","someNullKey":null}},
          {"name":"integration_task_2","taskReferenceName":"t2","type":"SIMPLE","inputParameters":{
            "tp1":"${workflow.input.param1}","tp2":"${t1.output.op}","tp3":"${CPEWF_TASK_ID}"}}],
         "inputParameters":["param1","param2"],
         "outputParameters":{"o1":"${workflow.input.param1}","o2":"${t2.output.uuid}","o3":"${t1.output.op}"},
         "failureWorkflow":"$workflow.input.failureWfName","schemaVersion":2,"restartable":true,
         "timeoutPolicy":"ALERT_ONLY","timeoutSeconds":0,"ownerEmail":"test@harness.com"}
        """#

    /// `integration_test_wf3` (simple_workflow_3_integration_test.json), with the workflow timeout given.
    static func threeTaskWorkflow(timeoutPolicy: String = "ALERT_ONLY", timeoutSeconds: Int = 0) -> String {
        #"""
        {"name":"integration_test_wf3","version":1,"tasks":[
          {"name":"integration_task_1","taskReferenceName":"t1","type":"SIMPLE","inputParameters":{
            "p1":"${workflow.input.param1}","p2":"${workflow.input.param2}","someNullKey":null}},
          {"name":"integration_task_2","taskReferenceName":"t2","type":"SIMPLE","inputParameters":{
            "tp1":"${workflow.input.param1}","tp2":"${t1.output.op}"}},
          {"name":"integration_task_3","taskReferenceName":"t3","type":"SIMPLE","inputParameters":{
            "tp1":"${workflow.input.param1}","tp2":"${t1.output.op}"}}],
         "inputParameters":["param1","param2"],"outputParameters":{},"schemaVersion":2,"restartable":true,
         "timeoutPolicy":"\#(timeoutPolicy)","timeoutSeconds":\#(timeoutSeconds),"ownerEmail":"test@harness.com"}
        """#
    }

    /// `optional_task_wf` (simple_workflow_with_optional_task_integration_test.json).
    static let optionalTaskWorkflow = #"""
        {"name":"optional_task_wf","version":1,"tasks":[
          {"name":"task_optional","taskReferenceName":"t1","type":"SIMPLE","optional":true,"inputParameters":{
            "p1":"${workflow.input.param1}","p2":"${workflow.input.param2}"}},
          {"name":"integration_task_2","taskReferenceName":"t2","type":"SIMPLE","inputParameters":{
            "tp1":"${workflow.input.param1}","tp2":"${t1.output.op}"}}],
         "inputParameters":["param1","param2"],
         "outputParameters":{"o1":"${workflow.input.param1}","o2":"${t2.output.uuid}","o3":"${t1.output.op}"},
         "schemaVersion":2,"restartable":true,"timeoutPolicy":"ALERT_ONLY","timeoutSeconds":0,
         "ownerEmail":"test@harness.com"}
        """#

    /// `integration_test_template_wf` (simple_workflow_1_input_template_integration_test.json).
    static let templatedWorkflow = #"""
        {"name":"integration_test_template_wf","version":1,"tasks":[
          {"name":"integration_task_1","taskReferenceName":"t1","type":"SIMPLE","inputParameters":{
            "p1":"${workflow.input.param1}","p2":"${workflow.input.param2}","p3":"${CPEWF_TASK_ID}","someNullKey":null}}],
         "inputParameters":["param1","param2","param3","param4"],
         "inputTemplate":{"param1":{"nested_object":{"nested_key":"nested_value"}},
                          "param2":["list","of","strings"],"param3":"string"},
         "outputParameters":{"output":"${t1.output.op}","param1":"${workflow.input.param1}",
                             "param2":"${workflow.input.param2}","param3":"${workflow.input.param3}"},
         "failureWorkflow":"$workflow.input.failureWfName","schemaVersion":2,"restartable":true,
         "timeoutPolicy":"ALERT_ONLY","timeoutSeconds":0,"ownerEmail":"test@harness.com"}
        """#

    /// `test_wait_timeout` (simple_wait_task_workflow_integration_test.json).
    static let waitTimeoutWorkflow = #"""
        {"name":"test_wait_timeout","version":1,"tasks":[
          {"name":"waitTimeout","taskReferenceName":"wait0","type":"WAIT","inputParameters":{}},
          {"name":"integration_task_1","taskReferenceName":"t1","type":"SIMPLE","inputParameters":{}}],
         "inputParameters":[],"outputParameters":{},"schemaVersion":2,"restartable":true,
         "timeoutPolicy":"ALERT_ONLY","timeoutSeconds":0,"ownerEmail":"test@harness.com"}
        """#

    /// `permissive_task_wf` (simple_workflow_with_permissive_task_integration_test.json): both tasks permissive,
    /// each with its task definition inline.
    static let permissiveTaskWorkflow = #"""
        {"name":"permissive_task_wf","version":1,"tasks":[
          {"name":"task_permissive","taskReferenceName":"t1","type":"SIMPLE","optional":false,"permissive":true,
           "retryCount":1,"inputParameters":{"p1":"${workflow.input.param1}","p2":"${workflow.input.param2}"},
           "taskDefinition":{"name":"task_permissive","retryCount":1,"timeoutSeconds":120,"timeoutPolicy":"TIME_OUT_WF",
             "retryLogic":"FIXED","retryDelaySeconds":0,"responseTimeoutSeconds":3600}},
          {"name":"integration_task_2","taskReferenceName":"t2","type":"SIMPLE","optional":false,"permissive":true,
           "retryCount":1,"inputParameters":{"tp1":"${workflow.input.param1}","tp2":"${t1.output.op}"},
           "taskDefinition":{"name":"integration_task_2","retryCount":1,"timeoutSeconds":120,"timeoutPolicy":"TIME_OUT_WF",
             "retryLogic":"FIXED","retryDelaySeconds":0,"responseTimeoutSeconds":3600}}],
         "inputParameters":["param1","param2"],
         "outputParameters":{"o1":"${workflow.input.param1}","o2":"${t2.output.uuid}","o3":"${t1.output.op}"},
         "schemaVersion":2,"restartable":true,"timeoutPolicy":"ALERT_ONLY","timeoutSeconds":0,
         "ownerEmail":"test@harness.com"}
        """#

    /// `permissive_optional_task_wf` (simple_workflow_with_permissive_optional_task_integration_test.json).
    static let permissiveOptionalTaskWorkflow = #"""
        {"name":"permissive_optional_task_wf","version":1,"tasks":[
          {"name":"task_optional","taskReferenceName":"t1","type":"SIMPLE","optional":true,"permissive":true,
           "inputParameters":{"p1":"${workflow.input.param1}","p2":"${workflow.input.param2}"}},
          {"name":"integration_task_2","taskReferenceName":"t2","type":"SIMPLE","optional":false,"permissive":true,
           "inputParameters":{"tp1":"${workflow.input.param1}","tp2":"${t1.output.op}"}}],
         "inputParameters":["param1","param2"],
         "outputParameters":{"o1":"${workflow.input.param1}","o2":"${t2.output.uuid}","o3":"${t1.output.op}"},
         "schemaVersion":2,"restartable":true,"timeoutPolicy":"ALERT_ONLY","timeoutSeconds":0,
         "ownerEmail":"test@harness.com"}
        """#

    static let input = #"{"param1":"p1 value","param2":"p2 value"}"#

    /// Registers the spec's task definitions and the workflow definitions given.
    static func register(_ workflows: [String], on server: RunningServer) async throws {
        try await server.registerTaskDefs(taskDefs)
        for workflow in workflows { try await server.registerWorkflow(workflow) }
    }

    /// `(taskType, status)` of each task of the execution, in order.
    static func tasks(_ workflow: Workflow) -> [String] {
        workflow.tasks.map { "\($0.taskType):\($0.status.rawValue)" }
    }

    /// Polls and completes a task as WorkflowTestUtil.pollAndCompleteTask does, checking what
    /// verifyPolledAndAcknowledgedTask checks: a task was handed out, with `expectedInput` among its input.
    @discardableResult
    static func pollAndComplete(_ taskType: String, output: String = "{}", expectedInput: JSONObject = [:],
                                on server: RunningServer,
                                sourceLocation: SourceLocation = #_sourceLocation) async throws -> BatonModel.TaskExecution {
        let task = try #require(try await server.poll(taskType), "no \(taskType) was polled", sourceLocation: sourceLocation)
        for (key, value) in expectedInput {
            #expect(task.inputData[key] == value, "input \(key)", sourceLocation: sourceLocation)
        }
        let reply = try await server.report(task, "COMPLETED", output: output)
        #expect(reply.status == 200, "\(reply.text)", sourceLocation: sourceLocation)
        return task
    }

    static func decide(_ id: String, on server: RunningServer) async throws {
        let reply = try await server.client.send(.PUT, "/api/workflow/decide/\(id)", body: nil)
        #expect(reply.status == 200 || reply.status == 204, "\(reply.text)")
    }

    // MARK: - Scenarios

    @Test("Test task skipping in simple workflows")
    func taskSkipping() async throws {
        try await withRunningServer { server in
            try await Self.register([Self.threeTaskWorkflow()], on: server)
            let id = try await server.start("integration_test_wf3", input: Self.input)
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["integration_task_1:SCHEDULED"])

            let reply = try await server.client.send(.PUT, "/api/workflow/\(id)/skiptask/t2", body: nil)
            #expect(reply.status == 200, "\(reply.text)")
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            // Conductor lists the skipped task first (it is given seq 0); Baton lists tasks in the order they were
            // created, so the skipped one comes after integration_task_1.
            #expect(Self.tasks(workflow) == ["integration_task_1:SCHEDULED", "integration_task_2:SKIPPED"])

            try await Self.pollAndComplete("integration_task_1", output: #"{"op":"task1.done"}"#, on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["integration_task_1:COMPLETED", "integration_task_2:SKIPPED",
                                             "integration_task_3:SCHEDULED"])

            try await Self.pollAndComplete("integration_task_3", on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(Self.tasks(workflow) == ["integration_task_1:COMPLETED", "integration_task_2:SKIPPED",
                                             "integration_task_3:COMPLETED"])
        }
    }

    @Test("Test pause and resume simple workflow")
    func pauseAndResume() async throws {
        try await withRunningServer { server in
            try await Self.register([Self.linearWorkflow], on: server)
            let id = try await server.start("integration_test_wf", input: Self.input)
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["integration_task_1:SCHEDULED"])

            // Conductor still hands out the SCHEDULED tasks of a PAUSED workflow; Baton holds them until resume
            // (decision 5), so the worker polls integration_task_1 before the pause and completes it during it.
            let task1 = try #require(try await server.poll("integration_task_1"))
            #expect(try await server.client.send(.PUT, "/api/workflow/\(id)/pause", body: nil).status == 200)
            #expect(try await server.report(task1, "COMPLETED", output: #"{"op":"task1.done"}"#).status == 200)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .paused)
            #expect(Self.tasks(workflow) == ["integration_task_1:COMPLETED"], "the next task was scheduled while paused")
            #expect(try await server.poll("integration_task_2") == nil)

            try await Self.decide(id, on: server)
            #expect(try await server.poll("integration_task_2") == nil, "an explicit decide scheduled work while paused")

            #expect(try await server.client.send(.PUT, "/api/workflow/\(id)/resume", body: nil).status == 200)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["integration_task_1:COMPLETED", "integration_task_2:SCHEDULED"])

            try await Self.pollAndComplete("integration_task_2", expectedInput: ["tp1": "p1 value", "tp2": "task1.done"],
                                           on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(Self.tasks(workflow) == ["integration_task_1:COMPLETED", "integration_task_2:COMPLETED"])
            #expect(workflow.output["o3"] == "task1.done")
        }
    }

    @Test("Test re-running the simple workflow multiple times after completion")
    func rerunMultipleTimes() async throws {
        try await withRunningServer { server in
            try await Self.register([Self.linearWorkflow], on: server)
            let id = try await server.start("integration_test_wf", input: Self.input)
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["integration_task_1:SCHEDULED"])

            try await Self.pollAndComplete("integration_task_1", output: #"{"op":"task1.done"}"#, on: server)
            workflow = try await server.workflow(id)
            #expect(Self.tasks(workflow) == ["integration_task_1:COMPLETED", "integration_task_2:SCHEDULED"])
            try await Self.pollAndComplete("integration_task_2", expectedInput: ["tp1": "p1 value", "tp2": "task1.done"],
                                           on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(workflow.output["o3"] == "task1.done")

            // Rerun from integration_task_2: the workflow runs again from there (the same id, as in Conductor).
            let task2 = workflow.tasks[1]
            var reply = try await server.client.send(.POST, "/api/workflow/\(id)/rerun",
                                                     body: #"{"reRunFromWorkflowId":"\#(id)","reRunFromTaskId":"\#(task2.taskId)"}"#)
            #expect(reply.status == 200, "\(reply.text)")
            let rerun1 = reply.text
            #expect(rerun1 == id)
            workflow = try await server.workflow(rerun1)
            #expect(workflow.status == .running)
            // Conductor: [integration_task_1 COMPLETED, integration_task_2 SCHEDULED]; Baton keeps the replaced
            // attempt CANCELED between them (decision 19).
            #expect(Self.tasks(workflow) == ["integration_task_1:COMPLETED", "integration_task_2:CANCELED",
                                             "integration_task_2:SCHEDULED"])
            try await Self.pollAndComplete("integration_task_2", expectedInput: ["tp1": "p1 value", "tp2": "task1.done"],
                                           on: server)
            workflow = try await server.workflow(rerun1)
            #expect(workflow.status == .completed)
            #expect(workflow.tasks.last?.taskType == "integration_task_2")
            #expect(workflow.tasks.last?.status == .completed)
            #expect(workflow.output["o3"] == "task1.done")

            // Rerun of the whole workflow: it starts again from its first task.
            reply = try await server.client.send(.POST, "/api/workflow/\(id)/rerun", body: #"{"reRunFromWorkflowId":"\#(id)"}"#)
            #expect(reply.status == 200, "\(reply.text)")
            let rerun2 = reply.text
            workflow = try await server.workflow(rerun2)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["integration_task_1:SCHEDULED"])

            try await Self.pollAndComplete("integration_task_1", output: #"{"op":"task1.done"}"#, on: server)
            workflow = try await server.workflow(rerun2)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["integration_task_1:COMPLETED", "integration_task_2:SCHEDULED"])
            try await Self.pollAndComplete("integration_task_2", expectedInput: ["tp1": "p1 value", "tp2": "task1.done"],
                                           on: server)
            workflow = try await server.workflow(rerun2)
            #expect(workflow.status == .completed)
            #expect(Self.tasks(workflow) == ["integration_task_1:COMPLETED", "integration_task_2:COMPLETED"])
            #expect(workflow.output["o3"] == "task1.done")
        }
    }

    @Test("Test retrying a timed out workflow due to workflow timeout")
    func retryTimedOutWorkflow() async throws {
        try await withRunningServer { server in
            try await Self.register([Self.threeTaskWorkflow(timeoutPolicy: "TIME_OUT_WF", timeoutSeconds: 5)], on: server)
            let id = try await server.start("integration_test_wf3", input: Self.input)
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["integration_task_1:SCHEDULED"])
            let task1 = try #require(try await server.poll("integration_task_1"))
            #expect(task1.workflowInstanceId == id)

            server.clock.advance(by: 6_000)
            await server.sweep()
            workflow = try await server.workflow(id)
            #expect(workflow.status == .timedOut)
            #expect(workflow.lastRetriedTime == 0)
            #expect(Self.tasks(workflow) == ["integration_task_1:CANCELED"])

            let reply = try await server.client.send(.POST, "/api/workflow/\(id)/retry", body: nil)
            #expect(reply.status == 204, "\(reply.text)")
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(workflow.lastRetriedTime != 0)
            #expect(Self.tasks(workflow) == ["integration_task_1:CANCELED", "integration_task_1:SCHEDULED"])

            // The workflow timeout counts again from the retry.
            server.clock.advance(by: 4_000)
            await server.sweep()
            #expect(try await server.workflow(id).status == .running)
        }
    }

    @Test("Test retrying a timed out workflow due to workflow timeout without unsuccessful tasks")
    func retryTimedOutWorkflowWithoutUnsuccessfulTasks() async throws {
        try await withRunningServer { server in
            try await Self.register([Self.threeTaskWorkflow(timeoutPolicy: "TIME_OUT_WF", timeoutSeconds: 5)], on: server)
            let id = try await server.start("integration_test_wf3", input: Self.input)
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["integration_task_1:SCHEDULED"])
            let task1 = try #require(try await server.poll("integration_task_1"))
            #expect(task1.workflowInstanceId == id)

            #expect(try await server.report(task1, "COMPLETED").status == 200)
            server.clock.advance(by: 6_000)
            await server.sweep()
            workflow = try await server.workflow(id)
            #expect(workflow.status == .timedOut)
            #expect(workflow.tasks.first?.taskType == "integration_task_1")
            #expect(workflow.tasks.first?.status == .completed)

            let reply = try await server.client.send(.POST, "/api/workflow/\(id)/retry", body: nil)
            #expect(reply.status == 204, "\(reply.text)")
            await server.sweep()
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(workflow.lastRetriedTime != 0)
            #expect(workflow.tasks.first?.taskType == "integration_task_1")
            #expect(workflow.tasks.first?.status == .completed)
            #expect(workflow.tasks.contains { $0.taskType == "integration_task_2" && $0.status == .scheduled })
        }
    }

    @Test("Test simple workflow which has an optional task")
    func optionalTask() async throws {
        try await withRunningServer { server in
            try await Self.register([Self.optionalTaskWorkflow], on: server)
            let id = try await server.start("optional_task_wf", input: Self.input)
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["task_optional:SCHEDULED"])

            let try1 = try #require(try await server.poll("task_optional"))
            #expect(try await server.report(try1, "FAILED", reason: "NETWORK ERROR").status == 200)
            try await Self.decide(id, on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["task_optional:FAILED", "task_optional:SCHEDULED"])

            // The retry is polled and never answered: it times out, has no retry left, and being optional it
            // lets the workflow go on.
            _ = try #require(try await server.poll("task_optional"))
            server.clock.advance(by: 5_000)
            try await Self.decide(id, on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["task_optional:FAILED", "task_optional:COMPLETED_WITH_ERRORS",
                                             "integration_task_2:SCHEDULED"])

            await server.sweep()
            try await Self.pollAndComplete("integration_task_2", on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(Self.tasks(workflow) == ["task_optional:FAILED", "task_optional:COMPLETED_WITH_ERRORS",
                                             "integration_task_2:COMPLETED"])
        }
    }

    @Test("Test simple workflow which has a permissive task")
    func permissiveTask() async throws {
        try await withRunningServer { server in
            try await Self.register([Self.permissiveTaskWorkflow], on: server)
            let id = try await server.start("permissive_task_wf", input: Self.input)
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["task_permissive:SCHEDULED"])

            let try1 = try #require(try await server.poll("task_permissive"))
            #expect(try await server.report(try1, "FAILED", reason: "NETWORK ERROR").status == 200)
            try await Self.decide(id, on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["task_permissive:FAILED", "task_permissive:SCHEDULED"])

            // Its retry fails too: no retry is left, and being permissive it lets the workflow go on.
            let try2 = try #require(try await server.poll("task_permissive"))
            #expect(try await server.report(try2, "FAILED", reason: "NETWORK ERROR").status == 200)
            try await Self.decide(id, on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["task_permissive:FAILED", "task_permissive:FAILED",
                                             "integration_task_2:SCHEDULED"])

            // At its end the workflow fails after all, with the permissive task's failure as its reason.
            await server.sweep()
            try await Self.pollAndComplete("integration_task_2", on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .failed)
            #expect(workflow.reasonForIncompletion
                == "Task \(workflow.tasks[1].taskId) failed with status: FAILED and reason: 'NETWORK ERROR'")
            #expect(Self.tasks(workflow) == ["task_permissive:FAILED", "task_permissive:FAILED",
                                             "integration_task_2:COMPLETED"])
        }
    }

    @Test("Test simple workflow which has a permissive optional task")
    func permissiveOptionalTask() async throws {
        try await withRunningServer { server in
            try await Self.register([Self.permissiveOptionalTaskWorkflow], on: server)
            let id = try await server.start("permissive_optional_task_wf", input: Self.input)
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["task_optional:SCHEDULED"])

            let try1 = try #require(try await server.poll("task_optional"))
            #expect(try await server.report(try1, "FAILED", reason: "NETWORK ERROR").status == 200)
            try await Self.decide(id, on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["task_optional:FAILED", "task_optional:SCHEDULED"])

            // The retry is polled and never answered: it times out and, optional, ends COMPLETED_WITH_ERRORS.
            _ = try #require(try await server.poll("task_optional"))
            server.clock.advance(by: 5_000)
            try await Self.decide(id, on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["task_optional:FAILED", "task_optional:COMPLETED_WITH_ERRORS",
                                             "integration_task_2:SCHEDULED"])

            // Permissive and optional: the optional side wins, and the workflow completes.
            await server.sweep()
            try await Self.pollAndComplete("integration_task_2", on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(Self.tasks(workflow) == ["task_optional:FAILED", "task_optional:COMPLETED_WITH_ERRORS",
                                             "integration_task_2:COMPLETED"])
        }
    }

    @Test("Test wait time out task based simple workflow")
    func waitTimeout() async throws {
        try await withRunningServer { server in
            try await Self.register([Self.waitTimeoutWorkflow], on: server)
            let id = try await server.start("test_wait_timeout", input: "{}")
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["WAIT:IN_PROGRESS"])

            // The registered `waitTimeout` definition (timeout 2 s, RETRY, one retry) applies to the WAIT node.
            server.clock.advance(by: 3_000)
            try await Self.decide(id, on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            // Conductor shows the replacement SCHEDULED until its system-task worker starts it; Baton starts a
            // WAIT when it schedules it.
            #expect(Self.tasks(workflow) == ["WAIT:TIMED_OUT", "WAIT:IN_PROGRESS"])
            #expect(workflow.tasks[0].reasonForIncompletion?.hasPrefix("Task timed out after 3 seconds") == true)
            #expect(workflow.tasks[1].retryCount == 1)

            let wait = workflow.tasks[1]
            #expect(try await server.report(wait, "COMPLETED").status == 200)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["WAIT:TIMED_OUT", "WAIT:COMPLETED", "integration_task_1:SCHEDULED"])

            try await Self.pollAndComplete("integration_task_1", output: #"{"op":"task1.done"}"#, on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(Self.tasks(workflow) == ["WAIT:TIMED_OUT", "WAIT:COMPLETED", "integration_task_1:COMPLETED"])
        }
    }

    @Test("Test task def template")
    func taskDefTemplate() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"""
                [{"name":"templated_task","ownerEmail":"test@harness.com","inputTemplate":{"http_request":{
                  "method":"GET","vipStack":"${STACK2}","uri":"/get/something","body":{
                    "inputPaths":["${workflow.input.path1}","${workflow.input.path2}"],
                    "requestDetails":"${workflow.input.requestDetails}","outputPath":"${workflow.input.outputPath}"}}}}]
                """#)
            try await server.registerWorkflow(#"""
                {"name":"template_workflow","schemaVersion":2,"ownerEmail":"test@harness.com",
                 "tasks":[{"name":"templated_task","taskReferenceName":"t0","type":"SIMPLE"}]}
                """#)
            let id = try await server.start("template_workflow", input: #"""
                {"path1":"file://path1","path2":"file://path2","outputPath":"s3://bucket/outputPath",
                 "requestDetails":{"key1":"value1","key2":42}}
                """#)
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(workflow.tasks.count == 1)
            let request = try #require(workflow.tasks.first?.inputData["http_request"]?.objectValue)
            #expect(request["method"] == "GET")
            #expect(request["uri"] == "/get/something")
            let body = try #require(request["body"]?.objectValue)
            #expect(body["requestDetails"] == ["key1": "value1", "key2": 42])
            #expect(body["outputPath"] == "s3://bucket/outputPath")
            #expect(body["inputPaths"] == ["file://path1", "file://path2"])
            // Conductor fills `${STACK2}` from a JVM system property or an environment variable; Baton never
            // reads the server's environment into a workflow (docs/compatibility.md), so it resolves to null.
            #expect(request["vipStack"] == .null)
        }
    }

    @Test("Test simple workflow with callbackAfterSeconds for tasks")
    func callbackAfterSeconds() async throws {
        try await withRunningServer { server in
            try await Self.register([Self.linearWorkflow], on: server)
            let id = try await server.start("integration_test_wf", input: Self.input)
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["integration_task_1:SCHEDULED"])

            let task1 = try #require(try await server.poll("integration_task_1"))
            #expect(try await server.report(task1, "IN_PROGRESS", callbackAfterSeconds: 2).status == 200)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["integration_task_1:SCHEDULED"])
            #expect(try await server.poll("integration_task_1") == nil, "handed out before its callbackAfterSeconds")
            #expect(Self.tasks(try await server.workflow(id)) == ["integration_task_1:SCHEDULED"])

            server.clock.advance(by: 2_050)
            try await Self.pollAndComplete("integration_task_1", output: #"{"op":"task1.done"}"#, on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["integration_task_1:COMPLETED", "integration_task_2:SCHEDULED"])

            let task2 = try #require(try await server.poll("integration_task_2"))
            #expect(try await server.report(task2, "IN_PROGRESS", callbackAfterSeconds: 5).status == 200)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["integration_task_1:COMPLETED", "integration_task_2:SCHEDULED"])
            #expect(try await server.poll("integration_task_2") == nil, "handed out before its callbackAfterSeconds")

            server.clock.advance(by: 5_100)
            try await Self.pollAndComplete("integration_task_2", on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(Self.tasks(workflow) == ["integration_task_1:COMPLETED", "integration_task_2:COMPLETED"])
        }
    }

    @Test("Test workflow timeout configurations")
    func workflowTimeout() async throws {
        try await withRunningServer { server in
            try await Self.register([Self.threeTaskWorkflow(timeoutPolicy: "TIME_OUT_WF", timeoutSeconds: 5)], on: server)
            let id = try await server.start("integration_test_wf3",
                                            input: #"{"param1":"p1 value","param2":"p2 value","failureWfName":"FanInOutTest"}"#)
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["integration_task_1:SCHEDULED"])
            let task1 = try #require(try await server.poll("integration_task_1"))
            #expect(task1.workflowInstanceId == id)

            server.clock.advance(by: 6_000)
            await server.sweep()
            workflow = try await server.workflow(id)
            #expect(workflow.status == .timedOut)
            #expect(Self.tasks(workflow) == ["integration_task_1:CANCELED"])
        }
    }

    @Test("Test simple workflow with task time out configuration")
    func taskTimeout() async throws {
        try await withRunningServer { server in
            try await Self.register([Self.linearWorkflow], on: server)
            let reply = try await server.client.send(.PUT, "/api/metadata/taskdefs", body: """
                {"name":"integration_task_1","description":"integration_task_1","ownerEmail":"test@harness.com",
                 "retryCount":1,"timeoutSeconds":1,"responseTimeoutSeconds":1,"retryDelaySeconds":0,"timeoutPolicy":"RETRY"}
                """)
            #expect(reply.status == 200, "\(reply.text)")
            let id = try await server.start("integration_test_wf",
                                            input: #"{"param1":"p1 value","param2":"p2 value","failureWfName":"FanInOutTest"}"#)
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["integration_task_1:SCHEDULED"])

            let try1 = try #require(try await server.poll("integration_task_1"))
            #expect(try1.workflowInstanceId == id)
            server.clock.advance(by: 3_000)
            await server.sweep()
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Self.tasks(workflow) == ["integration_task_1:TIMED_OUT", "integration_task_1:SCHEDULED"])

            let try2 = try #require(try await server.poll("integration_task_1"))
            #expect(try2.workflowInstanceId == id)
            server.clock.advance(by: 3_000)
            await server.sweep()
            workflow = try await server.workflow(id)
            #expect(workflow.status == .timedOut)
            #expect(Self.tasks(workflow) == ["integration_task_1:TIMED_OUT", "integration_task_1:TIMED_OUT"])
        }
    }

    @Test("Test workflow with no tasks")
    func workflowWithNoTasks() async throws {
        try await withRunningServer { server in
            let reply = try await server.client.send(.POST, "/api/workflow", body: """
                {"name":"empty_workflow","correlationId":"empty_workflow","input":{},
                 "workflowDef":{"name":"empty_workflow","schemaVersion":2,"tasks":[]}}
                """)
            // The spec starts it through WorkflowExecutor, past the REST layer, and it COMPLETES with no tasks.
            // Over HTTP, Conductor validates the inline definition (`tasks` is @NotEmpty) and so does Baton: 400.
            #expect(reply.status == 400, "\(reply.text)")
            #expect(reply.text.contains("WorkflowTask list cannot be empty"), "\(reply.text)")
        }
    }

    @Test("test workflow with input template parsing")
    func inputTemplateParsing() async throws {
        try await withRunningServer { server in
            try await Self.register([Self.templatedWorkflow], on: server)
            let id = try await server.start("integration_test_template_wf", input: #"{"param3":"external string"}"#)
            try await Self.decide(id, on: server)
            try await Self.pollAndComplete("integration_task_1", output: #"{"op":"task1.done"}"#, on: server)
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(workflow.output == [
                "output": "task1.done",
                "param3": "external string",
                "param2": ["list", "of", "strings"],
                "param1": ["nested_object": ["nested_key": "nested_value"]],
            ])
        }
    }

    @Test("Test task def created if not exist")
    func taskDefNotRegistered() async throws {
        try await withRunningServer { server in
            let reply = try await server.client.send(.POST, "/api/workflow", body: """
                {"name":"test_workflow","correlationId":"workflow_taskdef_not_registered","input":{},
                 "workflowDef":{"name":"test_workflow","schemaVersion":2,"ownerEmail":"test@harness.com",
                   "tasks":[{"name":"task_not_registered","taskReferenceName":"t0","type":"SIMPLE"}]}}
                """)
            try #require(reply.status == 200, "\(reply.text)")
            let workflow = try await server.workflow(reply.text)
            #expect(workflow.status == .running)
            #expect(workflow.tasks.count == 1)
            #expect(workflow.tasks.first?.taskDefName == "task_not_registered")
        }
    }

    // MARK: - Beyond the spec: registered definitions on other system nodes

    @Test("a registered task definition times out a SUB_WORKFLOW task and a HUMAN task; the child is terminated",
          arguments: ["SUB_WORKFLOW", "HUMAN"])
    func systemNodeTimeouts(type: String) async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"slow_node","retryCount":0,"timeoutSeconds":5,"#
                + #""responseTimeoutSeconds":5,"timeoutPolicy":"RETRY"}]"#)
            try await server.registerWorkflow(#"{"name":"child_waits","tasks":[{"name":"hold","taskReferenceName":"hold","type":"WAIT"}]}"#)
            let parameters = type == "SUB_WORKFLOW" ? #","subWorkflowParam":{"name":"child_waits"}"# : ""
            try await server.registerWorkflow(#"{"name":"times_out_\#(type)","tasks":[{"name":"slow_node","#
                + #""taskReferenceName":"slow","type":"\#(type)"\#(parameters)}]}"#)
            let id = try await server.start("times_out_\(type)")
            let child = try await server.workflow(id).tasks.first?.subWorkflowId
            server.clock.advance(by: 4_000)
            await server.sweep()
            #expect(try await server.workflow(id).status == .running, "timed out before its 5 s")
            server.clock.advance(by: 2_000)
            await server.sweep()
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .timedOut)
            #expect(workflow.tasks.map(\.status) == [.timedOut])
            #expect(workflow.tasks[0].reasonForIncompletion?.hasPrefix("Task timed out after 6 seconds") == true)
            if let child {
                let childRun = try await server.workflow(child)
                #expect(childRun.status == .terminated)
                #expect(childRun.reasonForIncompletion?.contains("timed out") == true)
            } else {
                #expect(type == "HUMAN")
            }
        }
    }

    @Test("a workflow timeout under ALERT_ONLY lets the workflow run on, noted once in its event log and counted")
    func alertOnlyWorkflowTimeout() async throws {
        try await withRunningServer { server in
            try await Self.register([Self.threeTaskWorkflow(timeoutPolicy: "ALERT_ONLY", timeoutSeconds: 5)], on: server)
            let id = try await server.start("integration_test_wf3", input: Self.input)
            server.clock.advance(by: 4_000)
            await server.sweep()
            func alerts() async throws -> Int {
                try await server.client.get("/api/workflow/\(id)/events").text.components(separatedBy: "workflow.timeout_alert").count - 1
            }
            #expect(try await alerts() == 0)
            server.clock.advance(by: 2_000)
            await server.sweep()
            #expect(try await server.workflow(id).status == .running)
            #expect(try await alerts() == 1)
            server.clock.advance(by: 10_000)
            await server.sweep()
            try await Self.pollAndComplete("integration_task_1", on: server)
            #expect(try await alerts() == 1, "noted once")
            let scrape = try await server.client.get("/metrics").text
            #expect(scrape.contains(#"baton_workflow_timeout_alerts_total{name="integration_test_wf3"} 1"#), "\(scrape.prefix(2000))")
            try await Self.pollAndComplete("integration_task_2", on: server)
            try await Self.pollAndComplete("integration_task_3", on: server)
            #expect(try await server.workflow(id).status == .completed)
        }
    }

    // Conductor's RetryPolicySpec: a retry waits its delay plus a jitter in [0, backoffJitterMs].
    @Test("backoffJitterMs spreads automatic retries over up to that many milliseconds after their delay")
    func backoffJitter() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"jittery","retryCount":1,"retryDelaySeconds":0,"backoffJitterMs":5000}]"#)
            try await server.registerWorkflow(#"{"name":"jitter","tasks":[{"name":"jittery","taskReferenceName":"j"}]}"#)
            var ids: [String] = []
            for _ in 0..<3 { ids.append(try await server.start("jitter")) }
            for _ in ids {
                let attempt = try #require(try await server.poll("jittery"))
                #expect(try await server.report(attempt, "FAILED", reason: "flaky").status == 200)
            }
            // Each retry waits a different share of the 5 s; all three at once would be a one-in-a-million draw.
            var early = 0
            while try await server.poll("jittery") != nil { early += 1 }
            #expect(early < 3)
            server.clock.advance(by: 5_001)
            var late = 0
            while let retry = try await server.poll("jittery") {
                late += 1
                #expect(retry.retryCount == 1)
            }
            #expect(early + late == 3, "every retry is handed out within its delay plus the jitter")
        }
    }
}
