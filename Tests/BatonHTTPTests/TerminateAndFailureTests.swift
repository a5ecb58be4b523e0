import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// How a workflow ends by a TERMINATE task, and the failure lists of an ended workflow (issue 21), ported from
/// Conductor's LambdaAndTerminateTaskSpec and the `failedReferenceTaskNames` parts of SimpleWorkflowSpec.
@Suite("TERMINATE's reason and the failure lists")
struct TerminateAndFailureTests {
    /// The LAMBDA of Conductor's definitions.
    static let lambda = #"{"name":"lambda","taskReferenceName":"lambda0","type":"LAMBDA","inputParameters":{"input":"${workflow.input}","scriptExpression":"if ($.input.a==1){return {testvalue: true}} else{return {testvalue: false}}"}}"#

    /// Registers `name`: the LAMBDA, a TERMINATE with `terminate` inputs, then a worker task never reached.
    static func registerTerminating(_ name: String, terminate: String, on server: RunningServer) async throws {
        try await server.registerWorkflow("""
            {"name":"failure_workflow","tasks":[\(lambda)]}
            """)
        try await server.registerWorkflow("""
            {"name":"\(name)","failureWorkflow":"failure_workflow",
             "outputParameters":{"o1":"${lambda0.output}","o2":"${t2.output}"},
             "tasks":[\(lambda),{"name":"terminate","taskReferenceName":"terminate0","type":"TERMINATE","inputParameters":\(terminate)},
                      {"name":"integration_task_2","taskReferenceName":"t2"}]}
            """)
    }

    @Test("a TERMINATE with status COMPLETED: the workflow completes with its output; the reason names the task")
    func terminateCompleted() async throws {
        try await withRunningServer { server in
            try await Self.registerTerminating("test_terminate_task_wf",
                                               terminate: #"{"terminationStatus":"COMPLETED","workflowOutput":"${lambda0.output}"}"#,
                                               on: server)
            let id = try await server.start("test_terminate_task_wf", input: #"{"a":1}"#)
            let workflow = try await server.workflowAfterScripts(id)
            #expect(workflow.status == .completed)
            #expect(workflow.tasks.map(\.taskType) == ["LAMBDA", "TERMINATE"])
            #expect(workflow.tasks.map(\.status) == [.completed, .completed])
            #expect(workflow.tasks.map(\.seq) == [1, 2])
            #expect(workflow.reasonForIncompletion == "Workflow is COMPLETED by TERMINATE task: \(workflow.tasks[1].taskId)")
            #expect(workflow.output == ["result": ["testvalue": true]])
        }
    }

    @Test("a TERMINATE with status FAILED and a terminationReason: the workflow fails with that reason; the failure workflow runs")
    func terminateFailed() async throws {
        try await withRunningServer { server in
            try await Self.registerTerminating("test_terminate_task_failed_wf", terminate: """
                {"terminationStatus":"FAILED","terminationReason":"Early exit in terminate","workflowOutput":"${lambda0.output}"}
                """, on: server)
            let id = try await server.start("test_terminate_task_failed_wf", input: #"{"a":1}"#)
            let workflow = try await server.workflowAfterScripts(id)
            #expect(workflow.status == .failed)
            #expect(workflow.tasks.map(\.status) == [.completed, .completed])
            #expect(workflow.reasonForIncompletion == "Early exit in terminate")
            let failureId = try #require(workflow.output["conductor.failure_workflow"]?.stringValue)
            let failure = try await server.workflowAfterScripts(failureId)
            #expect(failure.status == .completed)
            #expect(failure.input["workflowId"] == .string(id))
            #expect(failure.tasks.map(\.taskType) == ["LAMBDA"])
        }
    }

    @Test("a TERMINATE in a FORK branch beside a sub-workflow: the workflow completes, the child is terminated with the reason")
    func terminateBesideSubWorkflow() async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow(#"{"name":"test_terminate_task_sub_wf","tasks":[{"name":"integration_task_3","taskReferenceName":"t3"}]}"#)
            let lambda = { (reference: String) in
                #"{"name":"test_lambda_task","taskReferenceName":"\#(reference)","type":"LAMBDA","inputParameters":{"scriptExpression":"return {testvalue: 1};"}}"#
            }
            try await server.registerWorkflow("""
                {"name":"test_terminate_task_parent_wf","tasks":[
                  {"name":"test_forkjoin","taskReferenceName":"forkx","type":"FORK_JOIN","forkTasks":[
                    [\(lambda("lambdaTask1")),{"name":"test_terminate_subworkflow","taskReferenceName":"test_terminate_subworkflow",
                      "type":"SUB_WORKFLOW","subWorkflowParam":{"name":"test_terminate_task_sub_wf"}}],
                    [\(lambda("lambdaTask2")),{"name":"test_wait_task","taskReferenceName":"basicJavaA","type":"WAIT"},
                     {"name":"terminate","taskReferenceName":"terminate0","type":"TERMINATE",
                      "inputParameters":{"terminationStatus":"COMPLETED","workflowOutput":"some output"}},
                     {"name":"test_second_wait_task","taskReferenceName":"basicJavaB","type":"WAIT"}]]},
                  {"name":"join","taskReferenceName":"thejoin","type":"JOIN","joinOn":["test_terminate_subworkflow","basicJavaB"]}]}
                """)
            let id = try await server.start("test_terminate_task_parent_wf", input: #"{"a":1}"#)
            var workflow = try await server.workflowAfterScripts(id)
            // The branches' LAMBDAs are evaluated by the script runner, in either order.
            func statuses() -> [String: TaskStatus] {
                Dictionary(uniqueKeysWithValues: workflow.tasks.map { ($0.referenceTaskName, $0.status) })
            }
            #expect(workflow.status == .running)
            #expect(statuses() == ["forkx": .completed, "lambdaTask1": .completed, "lambdaTask2": .completed,
                                   "thejoin": .inProgress, "test_terminate_subworkflow": .inProgress, "basicJavaA": .inProgress])
            let childId = try #require(workflow.tasks.first { $0.referenceTaskName == "test_terminate_subworkflow" }?.subWorkflowId)
            #expect(try await server.workflow(childId).tasks.map(\.status) == [.scheduled])
            let reply = try await server.client.send(.POST, "/api/tasks/\(id)/basicJavaA/COMPLETED", body: "{}")
            #expect(reply.status == 200, "\(reply.text)")
            workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(statuses() == ["forkx": .completed, "lambdaTask1": .completed, "lambdaTask2": .completed,
                                   "thejoin": .canceled, "test_terminate_subworkflow": .canceled, "basicJavaA": .completed,
                                   "terminate0": .completed])
            let terminate = try #require(workflow.tasks.last)
            #expect(terminate.taskType == "TERMINATE")
            #expect(terminate.seq == 7)
            let reason = "Workflow is COMPLETED by TERMINATE task: \(terminate.taskId)"
            #expect(workflow.reasonForIncompletion == reason)
            let child = try await server.workflow(childId)
            #expect(child.status == .terminated)
            #expect(child.reasonForIncompletion == "Parent workflow has been terminated with reason: \(reason)")
            #expect(child.tasks.map(\.status) == [.canceled])
        }
    }

    @Test("a TERMINATE with status FAILED in a DECISION branch: the workflow fails, reason naming the task, output from it")
    func terminateInDecision() async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow("""
                {"name":"ConditionalTerminateWorkflow","tasks":[
                  {"name":"integration_task_1","taskReferenceName":"t1"},
                  {"name":"decision","taskReferenceName":"decision","type":"DECISION","caseValueParam":"case",
                   "inputParameters":{"case":"${workflow.input.case}"},
                   "decisionCases":{"one":[{"name":"integration_task_2","taskReferenceName":"t2"}],
                     "two":[{"name":"terminate","taskReferenceName":"terminate0","type":"TERMINATE",
                             "inputParameters":{"terminationStatus":"FAILED","workflowOutput":"${t1.output.op}"}}]}},
                  {"name":"integration_task_3","taskReferenceName":"t3"}]}
                """)
            let id = try await server.start("ConditionalTerminateWorkflow", input: #"{"param1":"p1","param2":"p2","case":"two"}"#)
            try await server.completeNext("integration_task_1", output: #"{"op":"task1 completed"}"#)
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .failed)
            #expect(workflow.tasks.map(\.taskType) == ["integration_task_1", "DECISION", "TERMINATE"])
            #expect(workflow.tasks.map(\.status) == [.completed, .completed, .completed])
            #expect(workflow.output == ["output": "task1 completed"])
            #expect(workflow.reasonForIncompletion == "Workflow is FAILED by TERMINATE task: \(workflow.tasks[2].taskId)")
        }
    }

    @Test("a LAMBDA completes with its script's result")
    func lambda() async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow(#"{"name":"test_lambda_wf","tasks":[\#(Self.lambda)]}"#)
            let id = try await server.start("test_lambda_wf", input: #"{"a":1}"#)
            let workflow = try await server.workflowAfterScripts(id)
            #expect(workflow.status == .completed)
            #expect(workflow.tasks.map(\.status) == [.completed])
            #expect(workflow.tasks[0].outputData == ["result": ["testvalue": true]])
        }
    }

    // MARK: - SimpleWorkflowSpec

    /// Registers Conductor's `integration_test_wf`: t1 then t2 with the inputs the spec reads, and its outputs.
    static func registerLinear(on server: RunningServer, taskDefs: String) async throws {
        try await server.registerTaskDefs(taskDefs)
        try await server.registerWorkflow("""
            {"name":"integration_test_wf","outputParameters":{"o1":"${workflow.input.param1}","o3":"${t1.output.op}",
              "validationErrors":"${t1.output.ErrorMessage}"},
             "tasks":[{"name":"integration_task_1","taskReferenceName":"t1",
                       "inputParameters":{"p1":"${workflow.input.param1}","p2":"${workflow.input.param2}","p3":"${CPEWF_TASK_ID}"}},
                      {"name":"integration_task_2","taskReferenceName":"t2",
                       "inputParameters":{"tp1":"${workflow.input.param1}","tp2":"${t1.output.op}"}}]}
            """)
    }

    @Test("a terminal error fails the workflow; the failure lists name the task")
    func terminalError() async throws {
        try await withRunningServer { server in
            try await Self.registerLinear(on: server, taskDefs: #"[{"name":"integration_task_1","retryCount":1}]"#)
            let id = try await server.start("integration_test_wf", input: #"{"param1":"p1 value","param2":"p2 value"}"#)
            #expect(try await server.client.send(.POST, "/api/workflow/\(id)/restart", body: "{}").status == 409)
            let task = try #require(try await server.poll("integration_task_1"))
            let reason = "NON TRANSIENT ERROR OCCURRED: An integration point required to complete the task is down"
            try await server.report(task, "FAILED_WITH_TERMINAL_ERROR",
                                    output: #"{"TERMINAL_ERROR":"Integration endpoint down: FOOBAR","ErrorMessage":"There was a terminal error"}"#,
                                    reason: reason)
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .failed)
            #expect(workflow.reasonForIncompletion == "Task \(task.taskId) failed with status: FAILED and reason: '\(reason)'")
            #expect(workflow.output["o1"] == "p1 value")
            #expect(workflow.output["validationErrors"] == "There was a terminal error")
            #expect(workflow.tasks[0].retryCount == 0)
            #expect(workflow.failedReferenceTaskNames == ["t1"])
            #expect(workflow.failedTaskNames == ["integration_task_1"])
        }
    }

    @Test("a task that failed twice before succeeding: the workflow completes and its failure lists still name it")
    func taskRetries() async throws {
        try await withRunningServer { server in
            try await Self.registerLinear(on: server, taskDefs: #"[{"name":"integration_task_2","retryCount":3,"retryDelaySeconds":0}]"#)
            let id = try await server.start("integration_test_wf", input: #"{"param1":"p1 value","param2":"p2 value"}"#)
            try await server.completeNext("integration_task_1", output: #"{"op":"task1.output"}"#)
            for _ in 0..<2 {
                let attempt = try #require(try await server.pollSoon("integration_task_2"))
                #expect(attempt.inputData["tp2"] == "task1.output")
                try await server.report(attempt, "FAILED", reason: "failure...0")
            }
            try await server.completeNext("integration_task_2")
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(workflow.tasks.map(\.status) == [.completed, .failed, .failed, .completed])
            #expect(workflow.tasks[2].retriedTaskId == workflow.tasks[1].taskId)
            #expect(workflow.tasks[3].retriedTaskId == workflow.tasks[2].taskId)
            #expect(workflow.failedReferenceTaskNames == ["t2"])
            #expect(workflow.failedTaskNames == ["integration_task_2"])
        }
    }

    @Test("a workflow retried after its task failed: once it completes, its failure lists still name the task")
    func retryAtWorkflowLevel() async throws {
        try await withRunningServer { server in
            try await Self.registerLinear(on: server, taskDefs: #"[{"name":"integration_task_1","retryCount":1,"retryDelaySeconds":0}]"#)
            let id = try await server.start("integration_test_wf", input: #"{"param1":"p1 value","param2":"p2 value"}"#)
            var workflow = try await server.workflow(id)
            #expect(workflow.tasks[0].inputData["p3"] == .string(workflow.tasks[0].taskId))
            try await server.report(try #require(try await server.poll("integration_task_1")), "FAILED", reason: "failure...0")
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(workflow.tasks.map(\.status) == [.failed, .scheduled])
            #expect(workflow.tasks[1].inputData["p3"] == .string(workflow.tasks[1].taskId))
            try await server.report(try #require(try await server.pollSoon("integration_task_1")), "FAILED", reason: "failure...0")
            #expect(try await server.workflow(id).status == .failed)
            #expect(try await server.client.send(.POST, "/api/workflow/\(id)/retry", body: "{}").status == 204)
            workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(workflow.tasks.map(\.status) == [.failed, .canceled, .scheduled])
            #expect(workflow.tasks[2].inputData["p3"] == .string(workflow.tasks[2].taskId))
            try await server.completeNext("integration_task_1")
            try await server.completeNext("integration_task_2")
            workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(workflow.failedReferenceTaskNames == ["t1"])
            #expect(workflow.failedTaskNames == ["integration_task_1"])
        }
    }
}
