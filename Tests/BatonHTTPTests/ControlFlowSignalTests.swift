import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// How the signals behave inside forks, loops, branches and sub-workflows (issue 7).
@Suite("Signals inside control flow")
struct ControlFlowSignalTests {
    @Test("retry with resumeSubworkflowTasks retries the same child from its failed task; the parent follows it")
    func retryResumingSubworkflow() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"child_work","retryCount":0}]"#)
            try await ControlFlowTests.register("sub_workflow_child", on: server)
            try await ControlFlowTests.register("sub_workflow_parent", on: server)
            let parentId = try await server.start("sub_workflow_parent")
            let parentTask = try #require(try await server.workflow(parentId).tasks.first)
            let childId = try #require(parentTask.subWorkflowId)
            let work = try #require(try await server.poll("child_work"))
            try await server.report(work, "FAILED", reason: "flaky")
            #expect(try await server.workflow(parentId).status == .failed)
            let reply = try await server.client.send(.POST, "/api/workflow/\(parentId)/retry?resumeSubworkflowTasks=True", body: "{}")
            #expect(reply.status == 204, "\(reply.text)")
            var parent = try await server.workflow(parentId)
            #expect(parent.status == .running)
            #expect(parent.tasks.count == 1, "a new child task was created instead of resuming the child")
            #expect(parent.tasks[0].taskId == parentTask.taskId)
            #expect(parent.tasks[0].subWorkflowId == childId)
            #expect(parent.tasks[0].status == .inProgress)
            let child = try await server.workflow(childId)
            #expect(child.status == .running)
            #expect(child.tasks.map(\.status) == [.canceled, .scheduled])
            try await server.completeNext("child_work", output: #"{"result":"second time"}"#)
            parent = try await server.workflow(parentId)
            #expect(parent.tasks[0].status == .completed)
            try await server.completeNext("after_child")
            #expect(try await server.workflow(parentId).output == ["fromChild": "second time"])
        }
    }

    @Test("retry inside a DO_WHILE retries the current iteration only, and the loop goes on from there")
    func retryInsideLoop() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"step","retryCount":0}]"#)
            try await ControlFlowTests.register("loop_of_steps", on: server)
            let id = try await server.start("loop_of_steps", input: #"{"rounds":3}"#)
            let first = try await server.completeNext("step")
            let second = try #require(try await server.pollSoon("step"))
            #expect(second.referenceTaskName == "step__2")
            try await server.report(second, "FAILED", reason: "boom")
            #expect(try await server.workflow(id).status == .failed)
            #expect(try await server.client.send(.POST, "/api/workflow/\(id)/retry", body: "{}").status == 204)
            let again = try await server.completeNext("step")
            #expect(again.referenceTaskName == "step__2")
            #expect(again.retriedTaskId == second.taskId)
            let third = try await server.completeNext("step")
            #expect(third.referenceTaskName == "step__3")
            try await server.completeNext("finish")
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(workflow.tasks.filter { $0.referenceTaskName == "step__1" }.map(\.taskId) == [first.taskId],
                    "the first iteration ran again")
        }
    }

    @Test("rerun from a task inside a fork branch reruns that branch only; the JOIN waits for it again")
    func rerunInsideFork() async throws {
        try await withRunningServer { server in
            try await ControlFlowTests.register("fork_join", on: server)
            let id = try await server.start("fork_join")
            let credit = try await server.completeNext("credit", output: #"{"score":1}"#)
            let stock = try await server.completeNext("stock")
            try await server.completeNext("reserve", output: #"{"ok":false}"#)
            try await server.completeNext("confirm")
            #expect(try await server.workflow(id).status == .completed)
            let reply = try await server.client.send(.POST, "/api/workflow/\(id)/rerun", body: #"{"reRunFromTaskId":"\#(stock.taskId)"}"#)
            #expect(reply.status == 200, "\(reply.text)")
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(workflow.tasks.first { $0.referenceTaskName == "join_checks" }?.status == .inProgress)
            #expect(workflow.tasks.filter { $0.referenceTaskName == "credit" }.map(\.taskId) == [credit.taskId])
            #expect(try await server.poll("credit") == nil, "the other branch ran again")
            try await server.completeNext("stock")
            try await server.completeNext("reserve", output: #"{"ok":true}"#)
            try await server.completeNext("confirm")
            workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(workflow.output == ["credit": 1, "reserved": true])
        }
    }

    @Test("rerun from a task inside a loop iteration resumes the loop at that iteration")
    func rerunInsideLoop() async throws {
        try await withRunningServer { server in
            try await ControlFlowTests.register("loop_of_steps", on: server)
            let id = try await server.start("loop_of_steps", input: #"{"rounds":3}"#)
            try await server.completeNext("step")
            let second = try await server.completeNext("step")
            try await server.completeNext("step")
            try await server.completeNext("finish")
            #expect(try await server.workflow(id).status == .completed)
            let reply = try await server.client.send(.POST, "/api/workflow/\(id)/rerun",
                                                     body: #"{"reRunFromTaskId":"\#(second.taskId)","taskInput":{"again":true}}"#)
            #expect(reply.status == 200, "\(reply.text)")
            let rerun = try await server.completeNext("step")
            #expect(rerun.referenceTaskName == "step__2")
            #expect(rerun.inputData == ["again": true])
            #expect(try await server.completeNext("step").referenceTaskName == "step__3")
            try await server.completeNext("finish")
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(workflow.tasks.first { $0.referenceTaskName == "loop" }?.outputData["iteration"] == 3)
        }
    }

    @Test("rerun from a task inside a SWITCH branch runs the rest of the branch and what follows the SWITCH")
    func rerunInsideSwitch() async throws {
        try await withRunningServer { server in
            try await ControlFlowTests.register("switch_value_param", on: server)
            let id = try await server.start("switch_value_param", input: #"{"kind":"physical"}"#)
            let ship = try await server.completeNext("ship")
            try await server.completeNext("notify")
            let reply = try await server.client.send(.POST, "/api/workflow/\(id)/rerun", body: #"{"reRunFromTaskId":"\#(ship.taskId)"}"#)
            #expect(reply.status == 200, "\(reply.text)")
            try await server.completeNext("ship")
            try await server.completeNext("notify")
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(workflow.tasks.map(\.referenceTaskName) == ["route", "ship", "ship", "notify"])
        }
    }

    @Test("restart of a workflow with a fork and a sub-workflow starts every branch, JOIN and child afresh")
    func restartWithForkAndChild() async throws {
        try await withRunningServer { server in
            try await ControlFlowTests.register("sub_workflow_child", on: server)
            try await server.registerWorkflow("""
                {"name":"fork_child","tasks":[
                  {"name":"f","taskReferenceName":"f","type":"FORK_JOIN","forkTasks":[
                    [{"name":"c","taskReferenceName":"c","type":"SUB_WORKFLOW","subWorkflowParam":{"name":"sub_workflow_child"}}],
                    [{"name":"side","taskReferenceName":"side"}]]},
                  {"name":"j","taskReferenceName":"j","type":"JOIN","joinOn":["c","side"]}]}
                """)
            let id = try await server.start("fork_child")
            let firstChild = try #require(try await server.workflow(id).tasks.first { $0.referenceTaskName == "c" }?.subWorkflowId)
            try await server.completeNext("child_work", output: #"{"result":1}"#)
            try await server.completeNext("side")
            #expect(try await server.workflow(id).status == .completed)
            #expect(try await server.client.send(.POST, "/api/workflow/\(id)/restart", body: "{}").status == 204)
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(workflow.tasks.map(\.referenceTaskName).sorted() == ["c", "f", "j", "side"])
            #expect(workflow.tasks.first { $0.referenceTaskName == "j" }?.status == .inProgress)
            let secondChild = try #require(workflow.tasks.first { $0.referenceTaskName == "c" }?.subWorkflowId)
            #expect(secondChild != firstChild)
            try await server.completeNext("child_work", output: #"{"result":2}"#)
            try await server.completeNext("side")
            #expect(try await server.workflow(id).status == .completed)
        }
    }
}
