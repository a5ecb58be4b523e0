import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// `POST /api/workflow/execute/{name}/{version}`: start, then answer when the workflow ends, blocks, reaches a task,
/// or the wait is over.
@Suite("Execute a workflow synchronously")
struct ExecuteWorkflowTests {
    @Test("a workflow that completes at once is answered COMPLETED with its output and the request id")
    func completesAtOnce() async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow(#"""
                {"name":"instant","version":1,"outputParameters":{"greeting":"${workflow.input.name}"},
                 "tasks":[{"name":"noop","taskReferenceName":"noop","type":"NOOP"}]}
                """#)
            let reply = try await server.client.send(.POST, "/api/workflow/execute/instant/0?requestId=r-1",
                                                     body: #"{"input":{"name":"Ada"},"correlationId":"c-1"}"#)
            #expect(reply.status == 200, "\(reply.text)")
            #expect(reply.headers.first(name: "Content-Type") == "application/json")
            let run = try reply.decode(WorkflowRun.self)
            #expect(run.responseType == .targetWorkflow)
            #expect(run.requestId == "r-1")
            #expect(run.status == .completed)
            #expect(run.targetWorkflowStatus == "COMPLETED")
            #expect(run.output == ["greeting": "Ada"])
            #expect(run.correlationId == "c-1")
            #expect(run.signalTimeout == false)
            #expect(try await server.workflow(run.workflowId).status == .completed)
        }
    }

    @Test("a workflow that reaches a WAIT is answered while it blocks; BLOCKING_TASK answers the WAIT task")
    func answersWhenBlocked() async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow(#"""
                {"name":"approval","version":3,"tasks":[{"name":"approve","taskReferenceName":"approve","type":"WAIT"}]}
                """#)
            let reply = try await server.client.send(.POST, "/api/workflow/execute/approval/3?returnStrategy=BLOCKING_TASK",
                                                     body: "{}")
            let task = try reply.decode(TaskRun.self)
            #expect(task.responseType == .blockingTask)
            #expect(task.referenceTaskName == "approve")
            #expect(task.status == .inProgress)
            #expect(task.targetWorkflowStatus == "RUNNING")
            #expect(task.requestId.count == 36, "a request id is made when none is given")
        }
    }

    @Test("waitUntilTaskRef: answered when one of the named tasks has ended, woken by the change (no reads in a loop)")
    func waitsUntilTaskReference() async throws {
        try await withRunningServer { server in
            try await server.registerChain("chain", refs: ["a", "b", "c"])
            async let executed = server.client.send(.POST, "/api/workflow/execute/chain/1?waitUntilTaskRef=x,%20b&waitForSeconds=30",
                                                    body: "{}")
            for _ in 0..<2 {
                let batch = try await server.client.get("/api/tasks/poll/batch/work?count=1&timeout=5000")
                    .decode([BatonModel.TaskExecution].self)
                let task = try #require(batch.first)
                #expect(try await server.report(task, "COMPLETED").status == 200)
            }
            let run = try await executed.decode(WorkflowRun.self)
            #expect(run.signalTimeout == false)
            #expect(run.status == .running)
            #expect(run.tasks.map(\.referenceTaskName) == ["a", "b", "c"])
            #expect(run.tasks.map(\.status) == [.completed, .completed, .scheduled])
        }
    }

    @Test("not done in time: 200 with the state so far and signalTimeout; an unknown workflow name is a 404")
    func timesOut() async throws {
        try await withRunningServer { server in
            try await server.registerChain("slow", refs: ["a"])
            let reply = try await server.client.send(.POST, "/api/workflow/execute/slow/1?waitForSeconds=1", body: "{}")
            #expect(reply.status == 200, "\(reply.text)")
            let run = try reply.decode(WorkflowRun.self)
            #expect(run.signalTimeout)
            #expect(run.status == .running)
            #expect(run.tasks.map(\.status) == [.scheduled])
            #expect(try await server.client.send(.POST, "/api/workflow/execute/missing/1", body: "{}").status == 404)
            #expect(try await server.client.send(.POST, "/api/workflow/execute/slow/one", body: "{}").status == 400)
        }
    }
}

/// `POST /api/workflow/{id}/resetcallbacks`, and the Content-Type of text replies.
@Suite("Reset callbacks and text replies")
struct ResetCallbacksTests {
    @Test("a task waiting out its callbackAfterSeconds is polled at once after a reset; an ended workflow is a 409")
    func resetMakesTasksReady() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            let id = try await server.start("flow")
            let task = try #require(try await server.poll("work"))
            #expect(try await server.report(task, "IN_PROGRESS", callbackAfterSeconds: 600).status == 200)
            #expect(try await server.poll("work") == nil)
            let reply = try await server.client.send(.POST, "/api/workflow/\(id)/resetcallbacks", body: "{}")
            #expect(reply.status == 204, "\(reply.text)")
            let again = try #require(try await server.poll("work"), "the task still waited out its callback")
            #expect(again.taskId == task.taskId)
            #expect(try await server.report(again, "COMPLETED").status == 200)
            try await server.expectRefusal(.POST, "/api/workflow/\(id)/resetcallbacks", status: 409, workflowId: id)
            #expect(try await server.client.send(.POST, "/api/workflow/nope/resetcallbacks", body: "{}").status == 404)
        }
    }

    @Test("ids answered as text carry Conductor's exact Content-Type, text/plain;charset=UTF-8")
    func textContentType() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            let started = try await server.client.send(.POST, "/api/workflow/flow", body: "{}")
            let task = try #require(try await server.poll("work"))
            let reported = try await server.report(task, "COMPLETED")
            let rerun = try await server.client.send(.POST, "/api/workflow/\(started.text)/rerun", body: "{}")
            let version = try await server.client.get("/api/version")
            let startedWithRequest = try await server.client.send(.POST, "/api/workflow", body: #"{"name":"flow"}"#)
            let byReference = try await server.client.send(.POST, "/api/tasks/\(started.text)/a/COMPLETED", body: "{}")
            for reply in [started, reported, rerun, version, startedWithRequest, byReference] {
                #expect(reply.status == 200, "\(reply.text)")
                #expect(reply.headers.first(name: "Content-Type") == "text/plain;charset=UTF-8")
            }
        }
    }
}

/// `POST /api/workflow/test`: a dry run with mocked task results, stored nowhere.
@Suite("Workflow test (dry run)")
struct WorkflowDryRunTests {
    @Test("mocked results are applied per reference name in order (a failure retried); the run is stored nowhere")
    func dryRun() async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow(#"""
                {"name":"checkout","version":1,"outputParameters":{"charged":"${charge.output.id}","by":"${approve.output.by}"},
                 "tasks":[{"name":"charge","taskReferenceName":"charge"},
                          {"name":"approve","taskReferenceName":"approve","type":"WAIT"},
                          {"name":"ship","taskReferenceName":"ship"}]}
                """#)
            let partial = try await server.client.send(.POST, "/api/workflow/test", body: #"""
                {"name":"checkout","version":1,"input":{"cart":1},
                 "taskRefToMockOutput":{"charge":[{"status":"FAILED","output":{"error":"declined"}},{"output":{"id":"ch-1"}}],
                                        "approve":[{"status":"COMPLETED","output":{"by":"ops"}}]}}
                """#)
            #expect(partial.status == 200, "\(partial.text)")
            let run = try partial.decode(Workflow.self)
            #expect(run.status == .running)
            #expect(run.tasks.map(\.referenceTaskName) == ["charge", "charge", "approve", "ship"])
            #expect(run.tasks.map(\.status) == [.failed, .completed, .completed, .scheduled])
            #expect(run.tasks[1].outputData == ["id": "ch-1"])
            #expect(try await server.client.get("/api/workflow/\(run.workflowId)").status == 404, "the dry run was stored")
            #expect(try await server.poll("ship") == nil, "the dry run queued a task")

            let whole = try await server.client.send(.POST, "/api/workflow/test", body: #"""
                {"workflowDef":{"name":"inline","version":1,"tasks":[{"name":"step","taskReferenceName":"step"}],
                                "outputParameters":{"x":"${step.output.x}"}},
                 "taskRefToMockOutput":{"step":[{"output":{"x":42}}]}}
                """#).decode(Workflow.self)
            #expect(whole.status == .completed)
            #expect(whole.output == ["x": 42])
            // conductor-python 2.0.0's TaskMock: underscored fields, and a property object's text for a status not given.
            let python = try await server.client.send(.POST, "/api/workflow/test", body: #"""
                {"name":"checkout","version":1,"taskRefToMockOutput":{
                 "charge":[{"_status":"<property object at 0x7f3a>","_output":{"id":"py"},"_execution_time":"<property object at 0x7f3b>"}],
                 "approve":[{"_status":"FAILED","_output":{"by":"nobody"}}]}}
                """#).decode(Workflow.self)
            #expect(python.tasks.map(\.status) == [.completed, .failed])
            #expect(python.tasks[0].outputData == ["id": "py"])
            #expect(python.status == .failed)
            #expect(try await server.client.send(.POST, "/api/workflow/test", body: #"{"name":"missing"}"#).status == 404)
        }
    }

    @Test("a sub-workflow runs as a dry run of its own on its subWorkflowTestRequest's mocks; without one it is mocked by reference")
    func dryRunOfSubWorkflows() async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow(#"""
                {"name":"packing","version":1,"outputParameters":{"box":"${pack.output.box}"},
                 "tasks":[{"name":"approve","taskReferenceName":"approve","type":"WAIT"},{"name":"pack","taskReferenceName":"pack"}]}
                """#)
            try await server.registerWorkflow(#"""
                {"name":"order","version":1,"outputParameters":{"box":"${child.output.box}","id":"${ship.output.id}"},
                 "tasks":[{"name":"child","taskReferenceName":"child","type":"SUB_WORKFLOW","subWorkflowParam":{"name":"packing"}},
                          {"name":"ship","taskReferenceName":"ship"}]}
                """#)
            let run = try await server.client.send(.POST, "/api/workflow/test", body: #"""
                {"name":"order","taskRefToMockOutput":{"ship":[{"output":{"id":"s-1"}}]},
                 "subWorkflowTestRequest":{"child":{"taskRefToMockOutput":{"approve":[{}],"pack":[{"output":{"box":7}}]}}}}
                """#).decode(Workflow.self)
            #expect(run.status == .completed)
            #expect(run.output == ["box": 7, "id": "s-1"])
            let child = try #require(run.tasks.first)
            #expect(child.status == .completed)
            #expect(try await server.client.get("/api/workflow/\(try #require(child.subWorkflowId))").status == 404,
                    "the child's dry run was stored")

            let mocked = try await server.client.send(.POST, "/api/workflow/test", body: #"""
                {"name":"order","taskRefToMockOutput":{"child":[{"output":{"box":1}}],"ship":[{"output":{"id":"s-2"}}]}}
                """#).decode(Workflow.self)
            #expect(mocked.output == ["box": 1, "id": "s-2"])
        }
    }
}

extension WorkflowDryRunTests {
    @Test("scripts run in a dry run: an INLINE, a JavaScript SWITCH and a DO_WHILE's condition are evaluated; a mock stands in for a script")
    func dryRunEvaluatesScripts() async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow(#"""
                {"name":"scripted","version":1,"outputParameters":{"sum":"${sum.output.result}","loops":"${loop.output.iteration}",
                                                                    "mocked":"${fixed.output.result}"},
                 "tasks":[{"name":"sum","taskReferenceName":"sum","type":"INLINE",
                           "inputParameters":{"evaluatorType":"javascript","a":"${workflow.input.a}","expression":"$.a + 1"}},
                          {"name":"route","taskReferenceName":"route","type":"SWITCH","evaluatorType":"javascript",
                           "expression":"$.n > 1 ? 'big' : 'small'","inputParameters":{"n":"${sum.output.result}"},
                           "decisionCases":{"big":[{"name":"bigwork","taskReferenceName":"bigwork"}]},
                           "defaultCase":[{"name":"smallwork","taskReferenceName":"smallwork"}]},
                          {"name":"loop","taskReferenceName":"loop","type":"DO_WHILE","loopCondition":"$.loop['iteration'] < 2",
                           "loopOver":[{"name":"tick","taskReferenceName":"tick","type":"NOOP"}]},
                          {"name":"fixed","taskReferenceName":"fixed","type":"INLINE",
                           "inputParameters":{"evaluatorType":"javascript","expression":"while(true){}"}}]}
                """#)
            let reply = try await server.client.send(.POST, "/api/workflow/test", body: #"""
                {"name":"scripted","version":1,"input":{"a":4},
                 "taskRefToMockOutput":{"bigwork":[{"output":{"done":true}}],"fixed":[{"output":{"result":"mock"}}]}}
                """#)
            #expect(reply.status == 200, "\(reply.text)")
            let run = try reply.decode(Workflow.self)
            #expect(run.status == .completed, "\(run.reasonForIncompletion ?? "") \(run.tasks.map { "\($0.referenceTaskName):\($0.status)" })")
            #expect(run.output["sum"] == 5)
            #expect(run.output["loops"] == 2)
            #expect(run.output["mocked"] == "mock")
            #expect(run.tasks.contains { $0.referenceTaskName == "bigwork" && $0.status == .completed })
            #expect(!run.tasks.contains { $0.referenceTaskName == "smallwork" })
        }
    }
}
