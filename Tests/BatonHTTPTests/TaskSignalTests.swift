import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// `POST /api/tasks/{workflowId}/{status}/signal` and `…/signal/sync`: Conductor's SignalTaskSpec, and the replies'
/// return strategies.
@Suite("Task signals")
struct TaskSignalTests {
    /// A WAIT then a SIMPLE task; and a parent whose SUB_WORKFLOW child waits twice, then runs a SIMPLE task.
    static func register(on server: RunningServer) async throws {
        try await server.registerWorkflow(#"""
            {"name":"wait_flow","version":1,"tasks":[{"name":"wait","taskReferenceName":"wait","type":"WAIT"},
             {"name":"work","taskReferenceName":"after","type":"SIMPLE"}]}
            """#)
        try await server.registerWorkflow(#"""
            {"name":"signal_child","version":1,"tasks":[{"name":"first","taskReferenceName":"first","type":"WAIT"},
             {"name":"second","taskReferenceName":"second","type":"HUMAN"},{"name":"work","taskReferenceName":"child_work"}]}
            """#)
        try await server.registerWorkflow(#"""
            {"name":"signal_parent","version":1,"tasks":[{"name":"child","taskReferenceName":"child","type":"SUB_WORKFLOW",
             "subWorkflowParam":{"name":"signal_child"}}]}
            """#)
    }

    @Test("a signal completes the blocked WAIT task with its output and the workflow moves on (SignalTaskSpec 1)")
    func signalCompletesBlockedWait() async throws {
        try await withRunningServer { server in
            try await Self.register(on: server)
            let id = try await server.start("wait_flow")
            let reply = try await server.client.send(.POST, "/api/tasks/\(id)/COMPLETED/signal", body: #"{"result":"done"}"#)
            #expect(reply.status == 200, "\(reply.text)")
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(workflow.tasks.count == 2)
            #expect(workflow.tasks[0].taskType == "WAIT")
            #expect(workflow.tasks[0].status == .completed)
            #expect(workflow.tasks[0].outputData["result"] == "done")
            #expect(workflow.tasks[1].taskType == "work")
            #expect(workflow.tasks[1].status == .scheduled)
            let events = try await server.client.get("/api/workflow/\(id)/events").decode([WorkflowEvent].self)
            #expect(events.contains { $0.kind == "signal.task" && $0.taskId == workflow.tasks[0].taskId })
        }
    }

    @Test("a workflow with no blocked task: 409 with a message, nothing changes (SignalTaskSpec 2; Conductor answers nothing)")
    func nothingBlocked() async throws {
        try await withRunningServer { server in
            try await Self.register(on: server)
            let id = try await server.start("wait_flow")
            #expect(try await server.client.send(.POST, "/api/tasks/\(id)/wait/COMPLETED", body: "{}").status == 200)
            try await server.expectRefusal(.POST, "/api/tasks/\(id)/COMPLETED/signal", status: 409, workflowId: id)
            try await server.expectRefusal(.POST, "/api/tasks/\(id)/COMPLETED/signal/sync", status: 409, workflowId: id)
            try await server.expectRefusal(.POST, "/api/tasks/\(id)/SKIPPED/signal", status: 400, workflowId: id)
        }
    }

    @Test("an unknown workflow is a 404 (SignalTaskSpec 3)")
    func unknownWorkflow() async throws {
        try await withRunningServer { server in
            let reply = try await server.client.send(.POST, "/api/tasks/non-existent-wf-id/COMPLETED/signal", body: "{}")
            #expect(reply.status == 404, "\(reply.text)")
            #expect(try await server.client.send(.POST, "/api/tasks/non-existent-wf-id/COMPLETED/signal/sync",
                                                 body: "{}").status == 404)
        }
    }

    @Test("a signal to the parent descends into the sub-workflow's blocked task; child and parent then complete (SignalTaskSpec 4)")
    func signalDescendsIntoSubWorkflow() async throws {
        try await withRunningServer { server in
            try await Self.register(on: server)
            let parentId = try await server.start("signal_parent")
            let childId = try #require(try await server.workflow(parentId).tasks.first?.subWorkflowId)
            for output in [#"{"result":"sub-done"}"#, #"{"approved":true}"#] {
                let reply = try await server.client.send(.POST, "/api/tasks/\(parentId)/COMPLETED/signal", body: output)
                #expect(reply.status == 200, "\(reply.text)")
            }
            var child = try await server.workflow(childId)
            #expect(child.tasks.map(\.status) == [.completed, .completed, .scheduled])
            #expect(child.tasks[0].outputData["result"] == "sub-done")
            #expect(child.tasks[1].outputData["approved"] == true)
            try await server.completeNext("work")
            child = try await server.workflow(childId)
            #expect(child.status == .completed)
            #expect(try await server.workflow(parentId).status == .completed)
        }
    }

    @Test("signal/sync answers per returnStrategy once the workflow blocks again, in Conductor's JSON shapes")
    func syncReturnStrategies() async throws {
        try await withRunningServer { server in
            try await Self.register(on: server)
            let parentId = try await server.start("signal_parent")
            let childId = try #require(try await server.workflow(parentId).tasks.first?.subWorkflowId)

            // The child's WAIT completes; its HUMAN task blocks next.
            var reply = try await server.client.send(.POST, "/api/tasks/\(parentId)/COMPLETED/signal/sync?returnStrategy=BLOCKING_TASK",
                                                     body: #"{"step":1}"#)
            #expect(reply.status == 200, "\(reply.text)")
            let task = try reply.object()
            #expect(Set(task.keys) == ["responseType", "targetWorkflowId", "targetWorkflowStatus", "requestId", "workflowId",
                                       "input", "output", "signalTimeout", "taskType", "taskId", "referenceTaskName",
                                       "retryCount", "taskDefName", "workflowType", "priority", "createTime", "updateTime",
                                       "status"])
            #expect(task["responseType"] as? String == "BLOCKING_TASK")
            #expect(task["targetWorkflowId"] as? String == parentId)
            #expect(task["targetWorkflowStatus"] as? String == "RUNNING")
            #expect(task["workflowId"] as? String == childId)
            #expect(task["referenceTaskName"] as? String == "second")
            #expect(task["taskType"] as? String == "HUMAN")
            #expect(task["status"] as? String == "IN_PROGRESS")
            #expect(task["signalTimeout"] as? Bool == false)

            // Signalling HUMAN leaves a SIMPLE task: nothing blocks, so the reply comes when the time is up.
            reply = try await server.client.send(.POST, "/api/tasks/\(parentId)/COMPLETED/signal/sync?timeoutMillis=100",
                                                 body: "{}")
            #expect(reply.status == 200, "\(reply.text)")
            let run = try reply.object()
            #expect(Set(run.keys) == ["responseType", "targetWorkflowId", "targetWorkflowStatus", "requestId", "workflowId",
                                      "input", "output", "signalTimeout", "priority", "variables", "tasks", "createTime",
                                      "status", "updateTime"])
            #expect(run["responseType"] as? String == "TARGET_WORKFLOW")
            #expect(run["workflowId"] as? String == parentId)
            #expect(run["signalTimeout"] as? Bool == true)
            #expect(run["status"] as? String == "RUNNING")
            #expect((run["tasks"] as? [Any])?.count == 1)
        }
    }

    @Test("signal/sync with BLOCKING_WORKFLOW answers the sub-workflow that blocks; BLOCKING_TASK_INPUT the blocking task")
    func syncBlockingWorkflow() async throws {
        try await withRunningServer { server in
            try await Self.register(on: server)
            try await server.registerWorkflow(#"""
                {"name":"two_waits","version":1,"tasks":[{"name":"w1","taskReferenceName":"w1","type":"WAIT"},
                 {"name":"w2","taskReferenceName":"w2","type":"WAIT","inputParameters":{"asked":"${w1.output.question}"}},
                 {"name":"w3","taskReferenceName":"w3","type":"WAIT"}]}
                """#)
            let parentId = try await server.start("signal_parent")
            let childId = try #require(try await server.workflow(parentId).tasks.first?.subWorkflowId)
            let reply = try await server.client.send(.POST, "/api/tasks/\(parentId)/COMPLETED/signal/sync?returnStrategy=BLOCKING_WORKFLOW",
                                                     body: "{}")
            let run = try reply.decode(WorkflowRun.self)
            #expect(run.responseType == .blockingWorkflow)
            #expect(run.workflowId == childId)
            #expect(run.targetWorkflowId == parentId)
            #expect(run.tasks.map(\.referenceTaskName) == ["first", "second"])

            let id = try await server.start("two_waits")
            let input = try await server.client.send(.POST, "/api/tasks/\(id)/COMPLETED/signal/sync?returnStrategy=BLOCKING_TASK_INPUT",
                                                     body: #"{"question":"why?"}"#).decode(TaskRun.self)
            #expect(input.responseType == .blockingTaskInput)
            #expect(input.referenceTaskName == "w2")
            #expect(input.input["asked"] == "why?")
            let refused = try await server.client.send(.POST, "/api/tasks/\(id)/COMPLETED/signal/sync?returnStrategy=NEAREST",
                                                       body: "{}")
            #expect(refused.status == 400)
            #expect(try await server.workflow(id).tasks.map(\.status) == [.completed, .inProgress], "a refused signal changed it")
        }
    }
}
