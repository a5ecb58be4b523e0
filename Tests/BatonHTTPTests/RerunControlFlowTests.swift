import BatonEngine
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
    static func pollSoon(_ taskType: String, domain: String, on server: RunningServer) async throws -> BatonModel.TaskExecution? {
        for _ in 0..<200 {
            if let task = try await server.poll(taskType, domain: domain) { return task }
            try await Task.sleep(for: .milliseconds(25))
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
            #expect(live[0].outputData["iteration"] == 1)
            #expect(live[0].iteration == 1, "the loop's own iteration, as Conductor's test reads it")
            #expect(live[1].taskType == "simple_do_while_task")
            #expect(live[1].status == .scheduled)
            #expect(live[1].iteration == 1)
            #expect(live[1].domain == "test-domain")
            #expect(live[1].taskId != firstIteration.taskId)
            // The replaced loop attempt (kept, CANCELED: decision 19) still says it reached iteration 2.
            #expect(!live.contains { $0.iteration == 2 }, "the second iteration was not removed")
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

    /// The latest attempt of each reference name, as Conductor's `getTaskByRefName` finds it.
    static func latest(_ reference: String, in workflow: Workflow) throws -> BatonModel.TaskExecution {
        try #require(workflow.tasks.filter { $0.referenceTaskName == reference }.max { $0.seq < $1.seq },
                     "no task \(reference)")
    }

    /// Waits until the scripts are evaluated, passing the server's clock over each WAIT of a duration, until the
    /// workflow ends (or 200 rounds pass).
    static func runToEnd(_ id: String, on server: RunningServer) async throws -> Workflow {
        for _ in 0..<200 {
            let workflow = try await server.workflowAfterScripts(id)
            if workflow.status.isTerminal { return workflow }
            if workflow.tasks.contains(where: { $0.status == .inProgress && $0.taskType == "WAIT" }) {
                server.clock.advance(by: 2_000)
                await server.sweep()
            } else {
                try await Task.sleep(for: .milliseconds(25))
            }
        }
        return try await server.workflow(id)
    }

    static let switchRerunIssue = #"""
        {"name":"switch_rerun_issue","tasks":[
          {"name":"inline_1","taskReferenceName":"inline_ref_1","type":"INLINE",
           "inputParameters":{"expression":"new Date().toISOString() + Math.random()","evaluatorType":"graaljs"}},
          {"name":"wait","taskReferenceName":"wait_ref","type":"WAIT","inputParameters":{"duration":"2 seconds"}},
          {"name":"switch","taskReferenceName":"switch_ref","type":"SWITCH","evaluatorType":"value-param",
           "expression":"case","inputParameters":{"case":"${workflow.input.case}"},"decisionCases":{"yes":[
             {"name":"inline_2","taskReferenceName":"inline_ref_2","type":"INLINE","inputParameters":{
               "expression":"$.timestamp","evaluatorType":"graaljs","timestamp":"${inline_ref_1.output.result}"}}]}}]}
        """#

    /// Conductor's `assertSwitchRerunIssueWorkflowState`, on the latest attempt of each task.
    static func expectSwitchRerunIssueState(_ workflow: Workflow) throws {
        #expect(workflow.status == .completed)
        let inline1 = try latest("inline_ref_1", in: workflow)
        let wait = try latest("wait_ref", in: workflow)
        let switchTask = try latest("switch_ref", in: workflow)
        let inline2 = try latest("inline_ref_2", in: workflow)
        #expect([inline1, wait, switchTask, inline2].map(\.status) == [.completed, .completed, .completed, .completed])
        #expect(inline1.outputData["result"] != nil)
        #expect(inline2.outputData["result"] == inline1.outputData["result"])
        #expect(inline1.seq < wait.seq && wait.seq < switchTask.seq && switchTask.seq < inline2.seq)
    }

    // Conductor runs this test @Disabled: its rerun leaves the workflow TERMINATED. Baton passes it.
    @Test("rerun of a completed workflow from its first task runs the SWITCH's branch again, on the new output")
    func switchRerunIssue() async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow(Self.switchRerunIssue)
            let id = try await server.start("switch_rerun_issue", input: #"{"case":"yes"}"#)
            var workflow = try await Self.runToEnd(id, on: server)
            try Self.expectSwitchRerunIssueState(workflow)
            #expect(workflow.tasks.count == 4)
            let first = try Self.latest("inline_ref_1", in: workflow)

            try await Self.rerun(id, from: first.taskId, on: server)
            workflow = try await Self.runToEnd(id, on: server)
            try Self.expectSwitchRerunIssueState(workflow)
            #expect(try Self.latest("inline_ref_1", in: workflow).outputData["result"] != first.outputData["result"])
            // The four tasks ran again; the replaced first attempt stays, CANCELED (decision 19).
            #expect(workflow.tasks.count == 5)
            #expect(workflow.tasks.filter { $0.status == .canceled }.map(\.taskId) == [first.taskId])
        }
    }

    static let switchRerunIssue2 = #"""
        {"name":"switch_rerun_issue_2","tasks":[
          {"name":"do_while","taskReferenceName":"do_while_ref","type":"DO_WHILE","evaluatorType":"graaljs",
           "inputParameters":{"number":3},"loopCondition":"$.do_while_ref['iteration'] < $.number","loopOver":[
            {"name":"inline_1","taskReferenceName":"inline_ref_1","type":"INLINE",
             "inputParameters":{"expression":"new Date().toISOString() + Math.random()","evaluatorType":"graaljs"}},
            {"name":"wait","taskReferenceName":"wait_ref","type":"WAIT","inputParameters":{"duration":"1 seconds"}},
            {"name":"switch","taskReferenceName":"switch_ref","type":"SWITCH","evaluatorType":"value-param",
             "expression":"case","inputParameters":{"case":"${workflow.input.case}"},"decisionCases":{"yes":[
              {"name":"switch_1","taskReferenceName":"switch_ref_1","type":"SWITCH","evaluatorType":"value-param",
               "expression":"case","inputParameters":{"case":"${workflow.input.case}"},"decisionCases":{"yes":[
                {"name":"inline_2","taskReferenceName":"inline_ref_2","type":"INLINE","inputParameters":{
                  "expression":"$.timestamp","evaluatorType":"graaljs","timestamp":"${inline_ref_1.output.result}"}}]}},
              {"name":"inline_3","taskReferenceName":"inline_ref_3","type":"INLINE","inputParameters":{
                "expression":"$.timestamp","evaluatorType":"graaljs","timestamp":"${inline_ref_1.output.result}"}}]}}]}]}
        """#

    /// Conductor's `assertSwitchRerunIssue2WorkflowState`: the third iteration, on the latest attempt of each task.
    static func expectSwitchRerunIssue2State(_ workflow: Workflow) throws {
        #expect(workflow.status == .completed)
        let references = ["inline_ref_1__3", "wait_ref__3", "switch_ref__3", "switch_ref_1__3", "inline_ref_2__3",
                          "inline_ref_3__3"]
        let tasks = try references.map { try latest($0, in: workflow) }
        #expect(tasks.allSatisfy { $0.status == .completed }, "\(tasks.map { "\($0.referenceTaskName):\($0.status)" })")
        #expect(tasks[0].outputData["result"] != nil)
        #expect(tasks[4].outputData["result"] == tasks[0].outputData["result"])
        #expect(tasks[5].outputData["result"] == tasks[0].outputData["result"])
    }

    // Conductor runs this test @Disabled: its rerun leaves the workflow TERMINATED. Baton passes it.
    @Test("rerun from a task of a loop's last iteration runs the nested SWITCHes of that iteration again")
    func switchRerunIssue2() async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow(Self.switchRerunIssue2)
            let id = try await server.start("switch_rerun_issue_2", input: #"{"case":"yes"}"#)
            var workflow = try await Self.runToEnd(id, on: server)
            try Self.expectSwitchRerunIssue2State(workflow)
            let first = try Self.latest("inline_ref_1__3", in: workflow)

            try await Self.rerun(id, from: first.taskId, on: server)
            workflow = try await Self.runToEnd(id, on: server)
            try Self.expectSwitchRerunIssue2State(workflow)
            #expect(try Self.latest("inline_ref_1__3", in: workflow).outputData["result"] != first.outputData["result"])
            // Iterations 1 and 2 stay as they were; the loop ran its third iteration once more, and no fourth.
            #expect(workflow.tasks.filter { $0.iteration == 1 || $0.iteration == 2 }.allSatisfy { $0.status == .completed })
            #expect(!workflow.tasks.contains { $0.iteration > 3 })
            #expect(try Self.latest("do_while_ref", in: workflow).outputData["iteration"] == 3)
        }
    }

    // Conductor runs this test @Disabled: it refuses a rerun of a RUNNING workflow (409); Baton allows it (decision 21).
    @Test("rerun from a WAIT of a duration starts it again IN_PROGRESS, unpolled, with its whole duration")
    func rerunFromWaitTask() async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow(#"""
                {"name":"testRerunWaitTask","timeoutSeconds":600,"timeoutPolicy":"TIME_OUT_WF","tasks":[
                  {"name":"wait_0","taskReferenceName":"wait_0_ref","type":"WAIT","inputParameters":{"duration":"1 seconds"}},
                  {"name":"wait_1","taskReferenceName":"wait_1_ref","type":"WAIT","inputParameters":{"duration":"60 seconds"}}]}
                """#)
            let id = try await server.start("testRerunWaitTask")
            server.clock.advance(by: 1_000)
            await server.sweep()
            var workflow = try await server.workflow(id)
            #expect(workflow.tasks.map(\.taskType) == ["WAIT", "WAIT"])
            #expect(workflow.tasks.map(\.status) == [.completed, .inProgress])
            let longWait = workflow.tasks[1]

            server.clock.advance(by: 3_000)
            try await Self.rerun(id, from: longWait.taskId, on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            let rerun = try Self.latest("wait_1_ref", in: workflow)
            #expect(rerun.taskId != longWait.taskId)
            #expect(rerun.taskType == "WAIT")
            #expect(rerun.status == .inProgress)
            #expect(rerun.pollCount == 0)
            #expect(rerun.callbackAfterSeconds == 60)
            // The whole minute again, from the rerun: not done 59 s later, done at 60 s.
            server.clock.advance(by: 59_000)
            await server.sweep()
            #expect(try await server.workflow(id).status == .running)
            server.clock.advance(by: 1_000)
            await server.sweep()
            #expect(try await server.workflow(id).status == .completed)
        }
    }

    // MARK: - Sub-workflows in FORK branches (Conductor ticket #7097)

    static let childTask = "rerun-fork-subwf-simple-task"

    /// Registers `rerun-fork-subwf-child` (one SIMPLE task) and a parent: `simple_task_before`, a FORK of the
    /// given branches of SUB_WORKFLOW references, a JOIN on `joinOn`, then `after` when given.
    static func registerForkOfChildren(_ name: String, branches: [[String]], joinOn: [String], after: String?,
                                       on server: RunningServer) async throws {
        try await server.registerTaskDefs(#"[{"name":"\#(childTask)","retryCount":0},"#
            + #"{"name":"simple_task_before","retryCount":0},{"name":"simple_task_after","retryCount":0}]"#)
        try await server.registerWorkflow(#"{"name":"rerun-fork-subwf-child","timeoutSeconds":600,"#
            + #""timeoutPolicy":"TIME_OUT_WF","tasks":[{"name":"\#(childTask)","taskReferenceName":"\#(childTask)"}]}"#)
        func child(_ reference: String) -> String {
            #"{"name":"rerun-fork-subwf-child","taskReferenceName":"\#(reference)","type":"SUB_WORKFLOW","#
                + #""subWorkflowParam":{"name":"rerun-fork-subwf-child"}}"#
        }
        let forkTasks = branches.map { "[" + $0.map(child).joined(separator: ",") + "]" }.joined(separator: ",")
        let joinList = joinOn.map { "\"\($0)\"" }.joined(separator: ",")
        let afterTask = after.map { #",{"name":"simple_task_after","taskReferenceName":"\#($0)"}"# } ?? ""
        try await server.registerWorkflow(#"{"name":"\#(name)","timeoutSeconds":600,"timeoutPolicy":"TIME_OUT_WF","tasks":["#
            + #"{"name":"simple_task_before","taskReferenceName":"simple_task_before"},"#
            + #"{"name":"FORK_JOIN","taskReferenceName":"fork_rerun_test","type":"FORK_JOIN","forkTasks":[\#(forkTasks)]},"#
            + #"{"name":"JOIN","taskReferenceName":"join_rerun_test","type":"JOIN","joinOn":[\#(joinList)]}\#(afterTask)]}"#)
    }

    /// The child workflow of the latest attempt of the SUB_WORKFLOW task `reference` in `workflowId`.
    static func child(of reference: String, in workflowId: String, on server: RunningServer) async throws -> String {
        try #require(try latest(reference, in: try await server.workflow(workflowId)).subWorkflowId)
    }

    /// Reruns `workflowId` from the task `taskId` of `fromWorkflow` (`reRunFromWorkflowId`).
    static func rerun(_ workflowId: String, fromWorkflow: String, task taskId: String,
                      on server: RunningServer) async throws {
        let reply = try await server.client.send(.POST, "/api/workflow/\(workflowId)/rerun",
                                                 body: #"{"reRunFromWorkflowId":"\#(fromWorkflow)","reRunFromTaskId":"\#(taskId)"}"#)
        #expect(reply.status == 200, "\(reply.text)")
    }

    // Conductor runs this test @Disabled: its rerun terminates the workflow. Baton passes it.
    @Test("rerun from a failed SUB_WORKFLOW task in a FORK branch: a new child for that branch only; the workflow goes on")
    func rerunSubWorkflowInsideFork() async throws {
        try await withRunningServer { server in
            try await Self.registerForkOfChildren("rerun-fork-subwf-parent", branches: [["sub_wf_fork1"], ["sub_wf_fork2"]],
                                                  joinOn: ["sub_wf_fork1", "sub_wf_fork2"], after: "simple_task_after", on: server)
            let id = try await server.start("rerun-fork-subwf-parent")
            _ = try await Self.update(id, "simple_task_before", "COMPLETED", on: server)
            let child1 = try await Self.child(of: "sub_wf_fork1", in: id, on: server)
            let child2 = try await Self.child(of: "sub_wf_fork2", in: id, on: server)
            _ = try await Self.update(child1, Self.childTask, "COMPLETED", on: server)
            _ = try await Self.update(child2, Self.childTask, "FAILED", on: server)
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .failed)
            let before = try Self.latest("simple_task_before", in: workflow)
            let failed = try Self.latest("sub_wf_fork2", in: workflow)
            #expect(failed.status == .failed)

            try await Self.rerun(id, fromWorkflow: id, task: failed.taskId, on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(try Self.latest("simple_task_before", in: workflow).taskId == before.taskId)
            #expect(try Self.latest("simple_task_before", in: workflow).status == .completed)
            #expect(workflow.tasks.contains { $0.referenceTaskName == "fork_rerun_test" })
            let branch1 = try Self.latest("sub_wf_fork1", in: workflow)
            #expect(branch1.status == .completed && branch1.subWorkflowId == child1, "the other branch is not run again")
            let rerun = try Self.latest("sub_wf_fork2", in: workflow)
            #expect(!rerun.status.isTerminal)
            let newChild = try #require(rerun.subWorkflowId)
            #expect(newChild != child2)

            _ = try await Self.update(newChild, Self.childTask, "COMPLETED", on: server)
            workflow = try await server.workflow(id)
            #expect(try Self.latest("simple_task_after", in: workflow).status == .scheduled)
            workflow = try await Self.update(id, "simple_task_after", "COMPLETED", on: server)
            #expect(workflow.status == .completed)
        }
    }

    // Conductor runs this test @Disabled: its rerun terminates the workflow. Baton passes it.
    @Test("rerun from the second SUB_WORKFLOW of a FORK branch keeps the branch's first child and the task before the fork")
    func rerunSubWorkflowInsideForkSequentialBranch() async throws {
        try await withRunningServer { server in
            try await Self.registerForkOfChildren("rerun-fork-seq-subwf", branches: [["sub_wf_branch1"], ["sub_wf_branch2a", "sub_wf_branch2b"]],
                                                  joinOn: ["sub_wf_branch1", "sub_wf_branch2b"], after: nil, on: server)
            let id = try await server.start("rerun-fork-seq-subwf")
            _ = try await Self.update(id, "simple_task_before", "COMPLETED", on: server)
            _ = try await Self.update(try await Self.child(of: "sub_wf_branch1", in: id, on: server), Self.childTask,
                                      "COMPLETED", on: server)
            _ = try await Self.update(try await Self.child(of: "sub_wf_branch2a", in: id, on: server), Self.childTask,
                                      "COMPLETED", on: server)
            let child2b = try await Self.child(of: "sub_wf_branch2b", in: id, on: server)
            _ = try await Self.update(child2b, Self.childTask, "FAILED", on: server)
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .failed)
            let before = try Self.latest("simple_task_before", in: workflow)
            let branch2a = try Self.latest("sub_wf_branch2a", in: workflow)
            let failed = try Self.latest("sub_wf_branch2b", in: workflow)

            try await Self.rerun(id, fromWorkflow: id, task: failed.taskId, on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(try Self.latest("simple_task_before", in: workflow).taskId == before.taskId)
            let branch2aAfter = try Self.latest("sub_wf_branch2a", in: workflow)
            #expect(branch2aAfter.taskId == branch2a.taskId && branch2aAfter.status == .completed)
            let newChild = try #require(try Self.latest("sub_wf_branch2b", in: workflow).subWorkflowId)
            #expect(newChild != child2b)

            workflow = try await Self.update(newChild, Self.childTask, "COMPLETED", on: server)
            #expect(try await server.workflow(id).status == .completed)
        }
    }

    @Test("rerun asked of the parent from a task inside a FORK branch's child: the child reruns, the parent follows it")
    func rerunFromTaskInsideSubWorkflowInFork() async throws {
        try await withRunningServer { server in
            try await Self.registerForkOfChildren("rerun-inner-task-fork-subwf", branches: [["sub_wf_fork1"], ["sub_wf_fork2"]],
                                                  joinOn: ["sub_wf_fork1", "sub_wf_fork2"], after: "simple_task_after", on: server)
            let id = try await server.start("rerun-inner-task-fork-subwf")
            _ = try await Self.update(id, "simple_task_before", "COMPLETED", on: server)
            _ = try await Self.update(try await Self.child(of: "sub_wf_fork1", in: id, on: server), Self.childTask,
                                      "COMPLETED", on: server)
            let child2 = try await Self.child(of: "sub_wf_fork2", in: id, on: server)
            let inner = try await Self.update(child2, Self.childTask, "FAILED", on: server)
            #expect(inner.status == .failed)
            #expect(try await server.workflow(id).status == .failed)
            let innerTask = try Self.latest(Self.childTask, in: inner)

            try await Self.rerun(id, fromWorkflow: child2, task: innerTask.taskId, on: server)
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .running, "the parent is RUNNING after the nested rerun")
            #expect(try Self.latest("simple_task_before", in: workflow).status == .completed)
            let liveChild = try await Self.child(of: "sub_wf_fork2", in: id, on: server)
            #expect(try await server.workflow(liveChild).status == .running)

            _ = try await Self.update(liveChild, Self.childTask, "COMPLETED", on: server)
            workflow = try await server.workflow(id)
            #expect(try Self.latest("simple_task_after", in: workflow).status == .scheduled)
            workflow = try await Self.update(id, "simple_task_after", "COMPLETED", on: server)
            #expect(workflow.status == .completed)
        }
    }

    // Conductor runs this test @Disabled: its rerun terminates the workflow. Baton passes it. Its WAIT_FOR_WEBHOOK
    // (an Orkes type) is a WAIT for a signal here: both wait without a worker until something completes them.
    @Test("rerun from a failed task in one FORK branch brings back the WAITs and tasks its failure canceled in the others")
    func rerunForkJoinWithWaitAndSwitchTasks() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"simple_task_case1","retryCount":0},{"name":"simple_task_fork4","retryCount":0}]"#)
            try await server.registerWorkflow(#"""
                {"name":"test-rerun-fork-join-wait-switch","timeoutSeconds":600,"timeoutPolicy":"TIME_OUT_WF","tasks":[
                  {"name":"fork_task","taskReferenceName":"fork_task","type":"FORK_JOIN","forkTasks":[
                    [{"name":"wait_task","taskReferenceName":"wait_task","type":"WAIT","inputParameters":{"duration":"10 seconds"}}],
                    [{"name":"wait_for_webhook_task","taskReferenceName":"wait_for_webhook_task","type":"WAIT"}],
                    [{"name":"switch_task","taskReferenceName":"switch_task","type":"SWITCH","evaluatorType":"value-param",
                      "expression":"switchValue","inputParameters":{"switchValue":"case1"},"defaultCase":[],"decisionCases":{
                        "case1":[{"name":"simple_task_case1","taskReferenceName":"simple_task_case1"}],
                        "case2":[{"name":"http_task_case2","taskReferenceName":"http_task_case2","type":"HTTP",
                                  "inputParameters":{"uri":"https://example.com/api","method":"GET"}}]}}],
                    [{"name":"simple_task_fork4","taskReferenceName":"simple_task_fork4"}]]},
                  {"name":"join_task","taskReferenceName":"join_task","type":"JOIN",
                   "joinOn":["wait_task","wait_for_webhook_task","switch_task","simple_task_fork4"]}]}
                """#)
            let id = try await server.start("test-rerun-fork-join-wait-switch")
            var workflow = try await server.workflow(id)
            #expect(try Self.latest("wait_task", in: workflow).status == .inProgress)
            #expect(try Self.latest("wait_for_webhook_task", in: workflow).status == .inProgress)
            let simpleTask = try Self.latest("simple_task_case1", in: workflow)
            #expect(workflow.tasks.contains { $0.referenceTaskName == "simple_task_fork4" })

            workflow = try await Self.update(id, "simple_task_case1", "FAILED_WITH_TERMINAL_ERROR", on: server)
            #expect(workflow.status == .failed)
            #expect(try Self.latest("wait_task", in: workflow).status == .canceled)
            #expect(try Self.latest("wait_for_webhook_task", in: workflow).status == .canceled)

            try await Self.rerun(id, fromWorkflow: id, task: simpleTask.taskId, on: server)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(try Self.latest("wait_task", in: workflow).status == .inProgress)
            #expect(try Self.latest("wait_for_webhook_task", in: workflow).status == .inProgress)
            #expect([.scheduled, .inProgress].contains(try Self.latest("simple_task_case1", in: workflow).status))
            #expect([.scheduled, .inProgress].contains(try Self.latest("simple_task_fork4", in: workflow).status))

            _ = try await Self.update(id, "simple_task_fork4", "COMPLETED", on: server)
            server.clock.advance(by: 10_000)
            await server.sweep()
            workflow = try await server.workflow(id)
            #expect(try Self.latest("wait_task", in: workflow).status == .completed)
            // Beyond Conductor's test: the other two branches end, and the JOIN lets the workflow complete.
            _ = try await Self.update(id, "wait_for_webhook_task", "COMPLETED", on: server)
            workflow = try await Self.update(id, "simple_task_case1", "COMPLETED", on: server)
            #expect(workflow.status == .completed)
        }
    }
}
