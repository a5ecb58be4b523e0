import BatonEngine
import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// The scenarios of Conductor's SimpleWorkflowSpec (test-harness), ported to the HTTP API (its three failure-list
/// scenarios live in TerminateAndFailureTests). Time is the server's manual clock. Where Baton keeps a replaced
/// attempt (decision 19: a manual retry marks the failed attempt CANCELED), the lists say so.
@Suite("Simple workflows (Conductor's SimpleWorkflowSpec)")
struct SimpleWorkflowSpecTests {
    typealias Spec = WorkflowAndTaskConfigurationTests

    /// `RTOWF` (simple_workflow_with_resp_time_out_integration_test.json) and its `task_rt` definition.
    static let responseTimeoutWorkflow = #"""
        {"name":"RTOWF","version":1,"tasks":[
          {"name":"task_rt","taskReferenceName":"t1","type":"SIMPLE","inputParameters":{
            "p1":"${workflow.input.param1}","p2":"${workflow.input.param2}"}},
          {"name":"integration_task_2","taskReferenceName":"t2","type":"SIMPLE","inputParameters":{
            "tp1":"${workflow.input.param1}","tp2":"${t1.output.op}"}}],
         "inputParameters":["param1","param2"],
         "outputParameters":{"o1":"${workflow.input.param1}","o2":"${t2.output.uuid}","o3":"${t1.output.op}"},
         "failureWorkflow":"$workflow.input.failureWfName","schemaVersion":2,"restartable":true,
         "timeoutPolicy":"ALERT_ONLY","timeoutSeconds":0,"ownerEmail":"test@harness.com"}
        """#

    /// Registers `integration_task_1` again with `retryCount` (and `retryDelaySeconds`), as the spec's setups do.
    static func setRetries(of name: String, to count: Int, delay: Int = 0, on server: RunningServer) async throws {
        try await server.registerTaskDefs(#"[{"name":"\#(name)","retryCount":\#(count),"retryDelaySeconds":\#(delay),"#
            + #""timeoutSeconds":120,"responseTimeoutSeconds":120}]"#)
    }

    static func start(_ server: RunningServer, name: String = "integration_test_wf", input: String = Spec.input) async throws -> String {
        try await server.start(name, input: input)
    }

    static func queueSize(_ taskType: String, on server: RunningServer) async throws -> Int {
        let reply = try await server.client.get("/api/tasks/queue/sizes?taskType=\(taskType)")
        try #require(reply.status == 200, "\(reply.text)")
        let sizes = try JSONDecoder().decode([String: Int].self, from: Data(reply.text.utf8))
        return sizes[taskType] ?? 0
    }

    static func restart(_ id: String, latest: Bool = false, on server: RunningServer) async throws -> TestHTTPClient.Reply {
        try await server.client.send(.POST, "/api/workflow/\(id)/restart?useLatestDefinitions=\(latest)", body: nil)
    }

    @Test("Test simple workflow completion")
    func completion() async throws {
        try await withRunningServer { server in
            try await Spec.register([Spec.linearWorkflow], on: server)
            let id = try await Self.start(server)
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Spec.tasks(workflow) == ["integration_task_1:SCHEDULED"])

            try await Spec.pollAndComplete("integration_task_1", output: #"{"op":"task1.done"}"#, on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Spec.tasks(workflow) == ["integration_task_1:COMPLETED", "integration_task_2:SCHEDULED"])

            try await Spec.pollAndComplete("integration_task_2", on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(Spec.tasks(workflow) == ["integration_task_1:COMPLETED", "integration_task_2:COMPLETED"])
            #expect(workflow.output.keys.contains("o3"))
        }
    }

    @Test("Test simple workflow with null inputs")
    func nullInputs() async throws {
        try await withRunningServer { server in
            try await Spec.register([Spec.linearWorkflow], on: server)
            let definition = try await server.client.get("/api/metadata/workflow/integration_test_wf?version=1")
            #expect(definition.text.contains(#""someNullKey":null"#), "the null input parameter is kept")

            let id = try await Self.start(server, input: #"{"param1":"p1 value","param2":null}"#)
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(workflow.input["param2"] == .null)
            #expect(Spec.tasks(workflow) == ["integration_task_1:SCHEDULED"])
            #expect(workflow.tasks[0].inputData["someNullKey"] ?? .null == .null)

            try await Spec.pollAndComplete("integration_task_1", output: #"{"someOtherKey":{"a":1,"A":null},"someKey":null}"#,
                                           on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Spec.tasks(workflow) == ["integration_task_1:COMPLETED", "integration_task_2:SCHEDULED"])
            #expect(workflow.tasks[0].outputData.keys.contains("someKey"))
            #expect(workflow.tasks[0].outputData["someKey"] == .null)
            let other = try #require(workflow.tasks[0].outputData["someOtherKey"]?.objectValue)
            #expect(other.keys.contains("A") && other["A"] == .null)
        }
    }

    @Test("Test Simple Workflow with response timeout")
    func responseTimeout() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"task_rt","retryCount":1,"retryDelaySeconds":0,"timeoutSeconds":120,"#
                + #""responseTimeoutSeconds":10},{"name":"integration_task_2","retryCount":1,"timeoutSeconds":120,"#
                + #""responseTimeoutSeconds":120}]"#)
            try await server.registerWorkflow(Self.responseTimeoutWorkflow)
            let id = try await Self.start(server, name: "RTOWF")
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Spec.tasks(workflow) == ["task_rt:SCHEDULED"])
            #expect(try await Self.queueSize("task_rt", on: server) == 1)

            let try1 = try #require(try await server.poll("task_rt"))
            #expect(try1.workflowInstanceId == id && try1.status == .inProgress)
            #expect(try await server.poll("task_rt") == nil, "a second task_rt was handed out")

            server.clock.advance(by: 11_000)
            try await Spec.decide(id, on: server)
            #expect(try await Self.queueSize("task_rt", on: server) == 1)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Spec.tasks(workflow) == ["task_rt:TIMED_OUT", "task_rt:SCHEDULED"])

            let try2 = try #require(try await server.poll("task_rt"))
            #expect(try await server.report(try2, "IN_PROGRESS", callbackAfterSeconds: 2).status == 200)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Spec.tasks(workflow) == ["task_rt:TIMED_OUT", "task_rt:SCHEDULED"])

            server.clock.advance(by: 2_010)
            try await Spec.decide(id, on: server)
            try await Spec.pollAndComplete("task_rt", output: #"{"op":"task1.done"}"#, on: server)
            try await Spec.pollAndComplete("integration_task_2", on: server)
            #expect(try await server.workflow(id).status == .completed)
        }
    }

    @Test("Test if the workflow definitions with and without schema version can be registered")
    func schemaVersions() async throws {
        try await withRunningServer { server in
            try await Spec.register([], on: server)
            let task = #"[{"name":"integration_task_1","taskReferenceName":"t1"}]"#
            try await server.registerWorkflow(#"{"name":"Test_schema_version1","version":1,"ownerEmail":"test@harness.com","tasks":\#(task)}"#)
            try await server.registerWorkflow(#"{"name":"Test_schema_version2","version":1,"schemaVersion":2,"ownerEmail":"test@harness.com","tasks":\#(task)}"#)
            for name in ["Test_schema_version1", "Test_schema_version2"] {
                let reply = try await server.client.get("/api/metadata/workflow/\(name)?version=1")
                try #require(reply.status == 200, "\(reply.text)")
                #expect(try reply.decode(WorkflowDef.self).schemaVersion == 2, "\(name)")
            }
        }
    }

    @Test("Test Simple workflow restart without using the latest definition")
    func restartWithoutLatest() async throws {
        try await withRunningServer { server in
            try await Spec.register([Spec.linearWorkflow], on: server)
            try await Self.setRetries(of: "integration_task_1", to: 0, on: server)
            let id = try await Self.start(server)
            #expect(try await server.workflow(id).status == .running)
            let try1 = try #require(try await server.poll("integration_task_1"))
            #expect(try await server.report(try1, "FAILED", reason: "failed..").status == 200)
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .failed)
            #expect(Spec.tasks(workflow) == ["integration_task_1:FAILED"])

            #expect(try await Self.restart(id, on: server).status == 204)
            #expect(try await server.workflow(id).status == .running)
            try await Spec.pollAndComplete("integration_task_1", on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Spec.tasks(workflow).first == "integration_task_1:COMPLETED")
            try await Spec.pollAndComplete("integration_task_2", on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(Spec.tasks(workflow) == ["integration_task_1:COMPLETED", "integration_task_2:COMPLETED"])
        }
    }

    @Test("Test Simple workflow restart with the latest definition")
    func restartWithLatest() async throws {
        try await withRunningServer { server in
            try await Spec.register([Spec.linearWorkflow], on: server)
            try await Self.setRetries(of: "integration_task_1", to: 0, on: server)
            try await server.registerTaskDefs(#"[{"name":"integration_task_20","retryCount":1}]"#)
            let id = try await Self.start(server)
            let try1 = try #require(try await server.poll("integration_task_1"))
            #expect(try await server.report(try1, "FAILED", reason: "failed..").status == 200)
            #expect(try await server.workflow(id).status == .failed)

            // Version 2 adds a third task.
            var definition = try JSONSerialization.jsonObject(with: Data(Spec.linearWorkflow.utf8)) as! [String: Any]
            definition["version"] = 2
            definition["tasks"] = (definition["tasks"] as! [Any])
                + [["name": "integration_task_20", "taskReferenceName": "task_added", "type": "SIMPLE"]]
            try await server.registerWorkflow(String(decoding: try JSONSerialization.data(withJSONObject: definition), as: UTF8.self))

            #expect(try await Self.restart(id, latest: true, on: server).status == 204)
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(workflow.workflowVersion == 2)
            try await Spec.pollAndComplete("integration_task_1", on: server)
            #expect(try await server.workflow(id).status == .running)
            try await Spec.pollAndComplete("integration_task_2", on: server)
            #expect(try await server.workflow(id).status == .running)
            let added = try await Spec.pollAndComplete("integration_task_20", on: server)
            #expect(added.workflowInstanceId == id && added.referenceTaskName == "task_added")
            workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(workflow.tasks.count == 3)
        }
    }

    @Test("Test simple workflow with task retries")
    func taskRetries() async throws {
        try await withRunningServer { server in
            try await Spec.register([Spec.linearWorkflow], on: server)
            try await Self.setRetries(of: "integration_task_2", to: 3, delay: 2, on: server)
            let id = try await Self.start(server)
            #expect(try await server.workflow(id).status == .running)
            let task1 = try #require(try await server.poll("integration_task_1"))
            #expect(task1.inputData["p1"] == "p1 value" && task1.inputData["p2"] == "p2 value")
            #expect(try await server.report(task1, "COMPLETED", output: #"{"op":"task1.output -> p1 value.p2 value"}"#).status == 200)

            for _ in 0..<2 {
                let attempt = try #require(try await server.poll("integration_task_2"))
                #expect(attempt.inputData["tp2"] == "task1.output -> p1 value.p2 value")
                #expect(try await server.report(attempt, "FAILED", reason: "failure...0").status == 200)
                #expect(try await server.poll("integration_task_2") == nil, "a retry handed out before its 2 s delay")
                server.clock.advance(by: 2_000)
            }
            try await Spec.pollAndComplete("integration_task_2", on: server)
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(Spec.tasks(workflow) == ["integration_task_1:COMPLETED", "integration_task_2:FAILED",
                                             "integration_task_2:FAILED", "integration_task_2:COMPLETED"])
            #expect(workflow.tasks[2].retriedTaskId == workflow.tasks[1].taskId)
            #expect(workflow.tasks[3].retriedTaskId == workflow.tasks[2].taskId)
            #expect(Set(workflow.failedReferenceTaskNames) == ["t2"])
            #expect(Set(workflow.failedTaskNames) == ["integration_task_2"])
        }
    }

    @Test("Test simple workflow with retry at workflow level")
    func retryAtWorkflowLevel() async throws {
        try await withRunningServer { server in
            try await Spec.register([Spec.linearWorkflow], on: server)
            try await Self.setRetries(of: "integration_task_1", to: 1, on: server)
            let id = try await Self.start(server)
            var workflow = try await server.workflow(id)
            #expect(Spec.tasks(workflow) == ["integration_task_1:SCHEDULED"])
            #expect(workflow.tasks[0].inputData["p3"] == .string(workflow.tasks[0].taskId), "${CPEWF_TASK_ID} is the task's id")

            let try1 = try #require(try await server.poll("integration_task_1"))
            #expect(try await server.report(try1, "FAILED", reason: "failure...0").status == 200)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Spec.tasks(workflow) == ["integration_task_1:FAILED", "integration_task_1:SCHEDULED"])
            #expect(workflow.tasks[1].inputData["p3"] == .string(workflow.tasks[1].taskId))

            let try2 = try #require(try await server.poll("integration_task_1"))
            #expect(try await server.report(try2, "FAILED", reason: "failure...0").status == 200)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .failed)
            #expect(Spec.tasks(workflow) == ["integration_task_1:FAILED", "integration_task_1:FAILED"])

            let retry = try await server.client.send(.POST, "/api/workflow/\(id)/retry?resumeSubworkflowTasks=false", body: nil)
            #expect(retry.status == 204, "\(retry.text)")
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            // Conductor leaves the second attempt FAILED; a manual retry marks it CANCELED here (decision 19).
            #expect(Spec.tasks(workflow) == ["integration_task_1:FAILED", "integration_task_1:CANCELED",
                                             "integration_task_1:SCHEDULED"])
            #expect(workflow.tasks[2].inputData["p3"] == .string(workflow.tasks[2].taskId))

            try await Spec.pollAndComplete("integration_task_1", on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Spec.tasks(workflow).suffix(2) == ["integration_task_1:COMPLETED", "integration_task_2:SCHEDULED"])
            try await Spec.pollAndComplete("integration_task_2", on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(workflow.tasks.count == 4)
            #expect(Set(workflow.failedReferenceTaskNames) == ["t1"])
            #expect(Set(workflow.failedTaskNames) == ["integration_task_1"])
        }
    }

    @Test("Test Long running simple workflow")
    func longRunning() async throws {
        try await withRunningServer { server in
            try await Spec.register([Spec.linearWorkflow], on: server)
            let id = try await Self.start(server)
            #expect(try await server.workflow(id).status == .running)
            #expect(try await Self.queueSize("integration_task_1", on: server) == 1)

            let try1 = try #require(try await server.poll("integration_task_1"))
            #expect(try1.inputData["p1"] == "p1 value" && try1.inputData["p2"] == "p2 value")
            #expect(try await server.report(try1, "IN_PROGRESS", output: #"{"op":"task1.in.progress"}"#,
                                            callbackAfterSeconds: 5).status == 200)
            #expect(try await Self.queueSize("integration_task_1", on: server) == 1)
            #expect(try await server.poll("integration_task_1") == nil)

            server.clock.advance(by: 5_000)
            try await Spec.pollAndComplete("integration_task_1", output: #"{"op":"task1.done"}"#, on: server)
            var workflow = try await server.workflow(id)
            #expect(Spec.tasks(workflow).first == "integration_task_1:COMPLETED")
            #expect(workflow.tasks[0].outputData["op"] == "task1.done")

            try await Spec.pollAndComplete("integration_task_2", on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(Spec.tasks(workflow) == ["integration_task_1:COMPLETED", "integration_task_2:COMPLETED"])
        }
    }

    @Test("Test simple workflow when the task's call back after seconds are reset")
    func callbacksReset() async throws {
        try await withRunningServer { server in
            try await Spec.register([Spec.linearWorkflow], on: server)
            let id = try await Self.start(server)
            #expect(Spec.tasks(try await server.workflow(id)) == ["integration_task_1:SCHEDULED"])
            #expect(try await Self.queueSize("integration_task_1", on: server) == 1)

            let try1 = try #require(try await server.poll("integration_task_1"))
            #expect(try await server.report(try1, "IN_PROGRESS", output: #"{"op":"task1.in.progress"}"#,
                                            callbackAfterSeconds: 3600).status == 200)
            #expect(try await Self.queueSize("integration_task_1", on: server) == 1)
            #expect(try await server.poll("integration_task_1") == nil)
            #expect(try await server.poll("integration_task_1") == nil)

            let reset = try await server.client.send(.POST, "/api/workflow/\(id)/resetcallbacks", body: nil)
            #expect(reset.status == 204, "\(reset.text)")
            try await Spec.pollAndComplete("integration_task_1", output: #"{"op":"task1.done"}"#, on: server)
            var workflow = try await server.workflow(id)
            #expect(Spec.tasks(workflow).first == "integration_task_1:COMPLETED")
            #expect(workflow.tasks[0].outputData["op"] == "task1.done")

            try await Spec.pollAndComplete("integration_task_2", on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(Spec.tasks(workflow) == ["integration_task_1:COMPLETED", "integration_task_2:COMPLETED"])
        }
    }

    @Test("Test non restartable simple workflow")
    func nonRestartable() async throws {
        try await withRunningServer { server in
            try await Spec.register([], on: server)
            try await Self.setRetries(of: "integration_task_1", to: 0, on: server)
            var definition = try JSONSerialization.jsonObject(with: Data(Spec.linearWorkflow.utf8)) as! [String: Any]
            definition["name"] = "integration_test_wf_non_restartable"
            definition["restartable"] = false
            try await server.registerWorkflow(String(decoding: try JSONSerialization.data(withJSONObject: definition), as: UTF8.self))
            let id = try await Self.start(server, name: "integration_test_wf_non_restartable")
            let try1 = try #require(try await server.poll("integration_task_1"))
            #expect(try await server.report(try1, "FAILED", reason: "failure...0").status == 200)
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .failed)
            #expect(Spec.tasks(workflow) == ["integration_task_1:FAILED"])

            // Not restartable means a COMPLETED run is not run again; a FAILED one may be.
            #expect(try await Self.restart(id, on: server).status == 204)
            try await Spec.pollAndComplete("integration_task_1", output: #"{"op":"task1.done"}"#, on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Spec.tasks(workflow).first == "integration_task_1:COMPLETED")
            try await Spec.pollAndComplete("integration_task_2", on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(Spec.tasks(workflow) == ["integration_task_1:COMPLETED", "integration_task_2:COMPLETED"])
            #expect(workflow.output["o3"] == "task1.done")

            // Conductor: NotFoundException (404); Baton: 409 (decision 3), and nothing changes.
            let refused = try await Self.restart(id, on: server)
            #expect(refused.status == 409, "\(refused.text)")
            #expect(try await server.workflow(id).status == .completed)
        }
    }

    @Test("Test simple workflow when update task's result with call back after seconds")
    func updateWithCallbackAfterSeconds() async throws {
        try await withRunningServer { server in
            try await Spec.register([Spec.linearWorkflow], on: server)
            let id = try await Self.start(server)
            #expect(Spec.tasks(try await server.workflow(id)) == ["integration_task_1:SCHEDULED"])
            #expect(try await Self.queueSize("integration_task_1", on: server) == 1)

            // IN_PROGRESS without a callback: back in the queue at once, SCHEDULED.
            let try1 = try #require(try await server.poll("integration_task_1"))
            #expect(try await server.report(try1, "IN_PROGRESS", output: #"{"op":"task1.in.progress"}"#).status == 200)
            #expect(try await Self.queueSize("integration_task_1", on: server) == 1)
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(Spec.tasks(workflow) == ["integration_task_1:SCHEDULED"])
            #expect(workflow.tasks[0].callbackAfterSeconds == 0)

            // IN_PROGRESS with a callback of an hour: back in the queue, not to be handed out before then.
            let try2 = try #require(try await server.poll("integration_task_1"))
            #expect(try await server.report(try2, "IN_PROGRESS", output: #"{"op":"task1.in.progress"}"#,
                                            callbackAfterSeconds: 3600).status == 200)
            #expect(try await Self.queueSize("integration_task_1", on: server) == 1)
            workflow = try await server.workflow(id)
            #expect(Spec.tasks(workflow) == ["integration_task_1:SCHEDULED"])
            #expect(workflow.tasks[0].callbackAfterSeconds == 3600)
            #expect(try await server.poll("integration_task_1") == nil)
        }
    }
}
