import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// Rerun from a task inside or of a control-flow operator (issue 21), ported from Conductor's
/// WorkflowRerunTests. Conductor resets the rerun task in place; Baton runs it as a new attempt and keeps
/// the one it replaces CANCELED (decision 19), so the task lists below hold one attempt more.
@Suite("Rerun from control flow")
struct RerunControlFlowTests {
    /// Reruns `workflowId` from `taskId` and fails the test unless it is accepted.
    static func rerun(_ workflowId: String, from taskId: String, taskInput: String? = nil,
                      on server: RunningServer) async throws {
        let input = taskInput.map { #","taskInput":\#($0)"# } ?? ""
        let reply = try await server.client.send(.POST, "/api/workflow/\(workflowId)/rerun",
                                                 body: #"{"reRunFromTaskId":"\#(taskId)"\#(input)}"#)
        #expect(reply.status == 200, "\(reply.text)")
    }

    /// Reports a result by reference name (`POST /tasks/{workflowId}/{ref}/{status}/sync`) and returns the workflow.
    static func update(_ workflowId: String, _ reference: String, _ status: String,
                       on server: RunningServer) async throws -> Workflow {
        let reply = try await server.client.send(.POST, "/api/tasks/\(workflowId)/\(reference)/\(status)/sync", body: "{}")
        try #require(reply.status == 200, "\(reply.text)")
        return try reply.decode(Workflow.self)
    }

    /// Polls a task of `taskType` in `domain`, waiting up to five seconds for one (behind the loop's condition).
    static func pollSoon(_ taskType: String, domain: String, on server: RunningServer) async throws -> BatonModel.Task? {
        for _ in 0..<200 {
            if let task = try await server.poll(taskType, domain: domain) { return task }
            try await _Concurrency.Task.sleep(for: .milliseconds(25))
        }
        return nil
    }

    @Test("fail a task, then rerun from it: the new attempt is SCHEDULED and the workflow completes")
    func failTaskAndRerun() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"re-run-fail-task2","retryCount":0}]"#)
            try await server.registerWorkflow(#"{"name":"re-run-fail-task-workflow","tasks":[{"name":"re-run-fail-task1","taskReferenceName":"t1","type":"NOOP"},{"name":"re-run-fail-task2","taskReferenceName":"t2"}]}"#)
            let id = try await server.start("re-run-fail-task-workflow")
            var workflow = try await Self.update(id, "t2", "FAILED", on: server)
            #expect(workflow.status == .failed)
            let failed = workflow.tasks[1]
            try await Self.rerun(id, from: failed.taskId, on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(workflow.tasks.map(\.status) == [.completed, .canceled, .scheduled])
            workflow = try await Self.update(id, "t2", "COMPLETED", on: server)
            #expect(workflow.status == .completed)
        }
    }

    @Test("rerun from a SWITCH with new taskInput evaluates the case again: the other branch runs")
    func rerunFromSwitch() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"case1_task","retryCount":0}]"#)
            try await server.registerWorkflow("""
                {"name":"rerun-switch-workflow","tasks":[{"name":"switch_task","taskReferenceName":"switch_task",
                  "type":"SWITCH","evaluatorType":"value-param","expression":"switchValue",
                  "inputParameters":{"switchValue":"${workflow.input.switchValue}"},
                  "decisionCases":{"case1":[{"name":"case1_task","taskReferenceName":"case1_task"}],
                                   "case2":[{"name":"case2_task","taskReferenceName":"case2_task"}]},
                  "defaultCase":[{"name":"default_task","taskReferenceName":"default_task"}]}]}
                """)
            let id = try await server.start("rerun-switch-workflow", input: #"{"switchValue":"case1"}"#)
            var workflow = try await Self.update(id, "case1_task", "FAILED_WITH_TERMINAL_ERROR", on: server)
            #expect(workflow.status == .failed)
            let switchTask = workflow.tasks[0]
            try await Self.rerun(id, from: switchTask.taskId, taskInput: #"{"switchValue":"case2"}"#, on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(workflow.tasks.map(\.referenceTaskName) == ["switch_task", "switch_task", "case2_task"])
            #expect(workflow.tasks.map(\.status) == [.canceled, .completed, .scheduled])
            #expect(workflow.tasks[1].inputData["switchValue"] == "case2")
            workflow = try await Self.update(id, "case2_task", "COMPLETED", on: server)
            #expect(workflow.status == .completed)
        }
    }

    @Test("rerun from a DO_WHILE restarts the loop at iteration 1; the earlier iterations are removed")
    func rerunFromLoop() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"simple_do_while_task","retryCount":0}]"#)
            try await server.registerWorkflow("""
                {"name":"rerun-do-while-workflow","tasks":[{"name":"do_while_task","taskReferenceName":"do_while_task",
                  "type":"DO_WHILE","inputParameters":{"maxIterations":"${workflow.input.maxIterations}"},
                  "loopCondition":"$.do_while_task['iteration'] < $.maxIterations",
                  "loopOver":[{"name":"simple_do_while_task","taskReferenceName":"simple_do_while_task"}]}]}
                """)
            let request = #"{"name":"rerun-do-while-workflow","input":{"maxIterations":3},"taskToDomain":{"simple_do_while_task":"test-domain"}}"#
            let started = try await server.client.send(.POST, "/api/workflow", body: request)
            let id = started.text
            let firstIteration = try #require(try await Self.pollSoon("simple_do_while_task", domain: "test-domain", on: server))
            #expect(firstIteration.domain == "test-domain")
            #expect(firstIteration.iteration == 1)
            try await server.report(firstIteration, "COMPLETED")
            let secondIteration = try #require(try await Self.pollSoon("simple_do_while_task", domain: "test-domain", on: server))
            #expect(secondIteration.iteration == 2)
            try await server.report(secondIteration, "FAILED_WITH_TERMINAL_ERROR")
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .failed)
            let loop = try #require(workflow.tasks.first { $0.taskType == "DO_WHILE" })
            try await Self.rerun(id, from: loop.taskId, on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            let live = workflow.tasks.filter { !$0.retried }
            #expect(live.count == 2)
            #expect(live[0].taskType == "DO_WHILE")
            #expect(live[0].status == .inProgress)
            #expect(live[0].outputData["iteration"] == 1, "Baton keeps a loop's count in its output")
            #expect(live[1].taskType == "simple_do_while_task")
            #expect(live[1].status == .scheduled)
            #expect(live[1].iteration == 1)
            #expect(live[1].domain == "test-domain")
            #expect(live[1].taskId != firstIteration.taskId)
            #expect(!workflow.tasks.contains { $0.iteration == 2 }, "the second iteration was not removed")
        }
    }

    /// Registers FORK(fork_task_1 | fork_task_2) → JOIN, then `after` (Conductor's fork-join rerun definitions).
    static func registerForkJoin(_ name: String, after: String = "", on server: RunningServer) async throws {
        try await server.registerTaskDefs(#"[{"name":"fork_task_1","retryCount":0},{"name":"fork_task_2","retryCount":0},{"name":"simple_task","retryCount":0}]"#)
        try await server.registerWorkflow("""
            {"name":"\(name)","tasks":[
              {"name":"fork_task","taskReferenceName":"fork_task","type":"FORK_JOIN","forkTasks":[
                [{"name":"fork_task_1","taskReferenceName":"fork_task_1"}],[{"name":"fork_task_2","taskReferenceName":"fork_task_2"}]]},
              {"name":"join_task","taskReferenceName":"join_task","type":"JOIN","joinOn":["fork_task_1","fork_task_2"]}\(after)]}
            """)
    }

    /// The loop Conductor's fork-join rerun tests run after the JOIN.
    static let loopAfterJoin = #","# + """
        {"name":"loop_task","taskReferenceName":"loop_task","type":"DO_WHILE",
         "loopCondition":"if ($.loop_task['iteration'] < 10) { true; } else { false; }",
         "loopOver":[{"name":"simple_task","taskReferenceName":"simple_task"}]}
        """

    @Test("rerun from a failed task of a fork branch: the branch runs again, the JOIN waits for it, the workflow completes")
    func rerunForkBranch() async throws {
        try await withRunningServer { server in
            try await Self.registerForkJoin("re-run-fork-workflow", on: server)
            let id = try await server.start("re-run-fork-workflow")
            #expect(try await server.workflow(id).tasks.count == 4)
            _ = try await Self.update(id, "fork_task_2", "COMPLETED", on: server)
            var workflow = try await Self.update(id, "fork_task_1", "FAILED_WITH_TERMINAL_ERROR", on: server)
            #expect(workflow.status == .failed)
            let failed = try #require(workflow.tasks.first { $0.referenceTaskName == "fork_task_1" })
            try await Self.rerun(id, from: failed.taskId, on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(workflow.tasks.last { $0.referenceTaskName == "fork_task_1" }?.status == .scheduled)
            #expect(workflow.tasks.first { $0.referenceTaskName == "fork_task_2" }?.status == .completed)
            #expect(workflow.tasks.first { $0.referenceTaskName == "join_task" }?.status == .inProgress)
            workflow = try await Self.update(id, "fork_task_1", "COMPLETED", on: server)
            #expect(workflow.status == .completed)
        }
    }

    @Test("rerun from the DO_WHILE after a JOIN of a terminated workflow: the JOIN stays, the loop starts again")
    func rerunLoopAfterJoin() async throws {
        try await withRunningServer { server in
            try await Self.registerForkJoin("re-run-fork-workflow-loop-task", after: Self.loopAfterJoin, on: server)
            let id = try await server.start("re-run-fork-workflow-loop-task")
            try await server.completeNext("fork_task_1")
            try await server.completeNext("fork_task_2")
            var workflow = try await server.workflowAfterScripts(id)
            #expect(workflow.tasks.count == 6)
            let loop = try #require(workflow.tasks.first { $0.taskType == "DO_WHILE" })
            #expect(try await server.client.send(.DELETE, "/api/workflow/\(id)?reason=Terminated+by+e2e").status == 200)
            try await Self.rerun(id, from: loop.taskId, on: server)
            workflow = try await server.workflowAfterScripts(id)
            #expect(workflow.status == .running)
            let live = workflow.tasks.filter { !$0.retried }
            #expect(live.map(\.taskType) == ["FORK", "fork_task_1", "fork_task_2", "JOIN", "DO_WHILE", "simple_task"])
            #expect(live[3].status == .completed)
            #expect(live[5].status == .scheduled)
            #expect(live[5].iteration == 1)
            #expect(try await server.client.send(.DELETE, "/api/workflow/\(id)?reason=Terminated").status == 200)
        }
    }

    @Test("rerun from a loop task of the second iteration: the first iteration stays, the second runs again")
    func rerunLoopIteration() async throws {
        try await withRunningServer { server in
            try await Self.registerForkJoin("re-run-fork-workflow-loop-task", after: Self.loopAfterJoin, on: server)
            let id = try await server.start("re-run-fork-workflow-loop-task")
            try await server.completeNext("fork_task_1")
            try await server.completeNext("fork_task_2")
            try await server.completeNext("simple_task")
            let second = try await server.completeNext("simple_task")
            #expect(second.iteration == 2)
            #expect(try await server.client.send(.DELETE, "/api/workflow/\(id)?reason=Terminated+by+e2e").status == 200)
            try await Self.rerun(id, from: second.taskId, on: server)
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            let live = workflow.tasks.filter { !$0.retried }
            #expect(live.map(\.taskType) == ["FORK", "fork_task_1", "fork_task_2", "JOIN", "DO_WHILE", "simple_task",
                                              "simple_task"])
            #expect(live[3].status == .completed)
            #expect(live[5].status == .completed)
            #expect(live[6].status == .scheduled)
            #expect(live[6].iteration == 2)
            #expect(live[4].outputData["iteration"] == 2, "the loop is at the rerun task's iteration")
            #expect(try await server.client.send(.DELETE, "/api/workflow/\(id)?reason=Terminated").status == 200)
        }
    }

    @Test("rerun from a JOIN: it joins the branches again and what follows it runs again")
    func rerunFromJoin() async throws {
        try await withRunningServer { server in
            try await Self.registerForkJoin("re-run-join", after: #",{"name":"simple_task","taskReferenceName":"simple_task"}"#,
                                            on: server)
            let id = try await server.start("re-run-join")
            try await server.completeNext("fork_task_1", output: #"{"a":1}"#)
            try await server.completeNext("fork_task_2", output: #"{"b":2}"#)
            let after = try await server.completeNext("simple_task")
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            let join = try #require(workflow.tasks.first { $0.taskType == "JOIN" })
            try await Self.rerun(id, from: join.taskId, on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            let joins = workflow.tasks.filter { $0.taskType == "JOIN" }
            #expect(joins.map(\.status) == [.canceled, .completed])
            #expect(joins[1].outputData == ["fork_task_1": ["a": 1], "fork_task_2": ["b": 2]])
            #expect(workflow.tasks.filter { $0.referenceTaskName == "simple_task" }.map(\.taskId) != [after.taskId])
            try await server.completeNext("simple_task")
            #expect(try await server.workflow(id).status == .completed)
        }
    }

    @Test("direct rerun on a SUB_WORKFLOW task spawns a fresh child (new id, fresh tasks)")
    func rerunFromSubWorkflowTask() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"task1_direct_rerun","retryCount":0},{"name":"task2_direct_rerun","retryCount":0}]"#)
            try await server.registerWorkflow(#"{"name":"rerun-direct-subwf-child","tasks":[{"name":"task1_direct_rerun","taskReferenceName":"task1_direct_rerun"},{"name":"task2_direct_rerun","taskReferenceName":"task2_direct_rerun"}]}"#)
            try await server.registerWorkflow(#"{"name":"rerun-direct-subwf-parent","tasks":[{"name":"sub","taskReferenceName":"sub_ref_direct_rerun","type":"SUB_WORKFLOW","subWorkflowParam":{"name":"rerun-direct-subwf-child"}}]}"#)
            let id = try await server.start("rerun-direct-subwf-parent")
            let subTask = try #require(try await server.workflow(id).tasks.first)
            let originalChild = try #require(subTask.subWorkflowId)
            try await server.completeNext("task1_direct_rerun")
            try await server.report(try #require(try await server.poll("task2_direct_rerun")), "FAILED")
            #expect(try await server.workflow(id).status == .failed)
            try await Self.rerun(id, from: subTask.taskId, on: server)
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            let live = try #require(workflow.tasks.last)
            #expect(live.status == .inProgress)
            let freshChild = try #require(live.subWorkflowId)
            #expect(freshChild != originalChild, "direct rerun on SUB_WORKFLOW must spawn a fresh child")
            let child = try await server.workflow(freshChild)
            #expect(!child.status.isTerminal)
            #expect(child.tasks.map(\.referenceTaskName) == ["task1_direct_rerun"])
            try await server.completeNext("task1_direct_rerun")
            try await server.completeNext("task2_direct_rerun")
            #expect(try await server.workflow(id).status == .completed)
        }
    }
}
