import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// EXCLUSIVE_JOIN, as Conductor's ExclusiveJoinSpec (test-harness) runs it: after nested DECISIONs, the join takes
/// the output of the first `joinOn` task that ran, else of the first `defaultExclusiveJoinTask` that ran.
@Suite("EXCLUSIVE_JOIN (Conductor's ExclusiveJoinSpec)")
struct ExclusiveJoinTests {
    /// `ExclusiveJoinTestWorkflow` (exclusive_join_integration_test.json).
    static let workflow = #"""
        {"name":"ExclusiveJoinTestWorkflow","version":1,"schemaVersion":2,"tasks":[
          {"name":"integration_task_1","taskReferenceName":"task1","inputParameters":{"payload":"${workflow.input.payload}"}},
          {"name":"decide_task","taskReferenceName":"decision1","type":"DECISION","caseValueParam":"decision_1",
           "inputParameters":{"decision_1":"${workflow.input.decision_1}"},"decisionCases":{
            "true":[{"name":"integration_task_2","taskReferenceName":"task2","inputParameters":{"payload":"${task1.output.payload}"}},
                    {"name":"decide_task","taskReferenceName":"decision2","type":"DECISION","caseValueParam":"decision_2",
                     "inputParameters":{"decision_2":"${workflow.input.decision_2}"},"decisionCases":{
                      "true":[{"name":"integration_task_3","taskReferenceName":"task3","inputParameters":{"payload":"${task2.output.payload}"}}]}}],
            "false":[{"name":"integration_task_4","taskReferenceName":"task4","inputParameters":{"payload":"${task1.output.payload}"}},
                     {"name":"decide_task","taskReferenceName":"decision3","type":"DECISION","caseValueParam":"decision_3",
                      "inputParameters":{"decision_3":"${workflow.input.decision_3}"},"decisionCases":{
                       "true":[{"name":"integration_task_5","taskReferenceName":"task5","inputParameters":{"payload":"${task4.output.payload}"}}]}}]}},
          {"name":"exclusive_join","taskReferenceName":"exclusiveJoin","type":"EXCLUSIVE_JOIN",
           "joinOn":["task3","task5"],"defaultExclusiveJoinTask":["task2","task4","task1"]}]}
        """#

    @Test("the join takes the output of the task its decisions ran", arguments: [
        // (Conductor's scenario, input, the worker tasks completed in order, the task types at the end, the joined task)
        ("Test that the default decision is run", #"{"decision_1":"null"}"#, ["integration_task_1"],
         ["integration_task_1", "DECISION", "EXCLUSIVE_JOIN"], "task1"),
        ("Test when the one decision is true and the other is decision null", #"{"decision_1":"true","decision_2":"null"}"#,
         ["integration_task_1", "integration_task_2"],
         ["integration_task_1", "DECISION", "integration_task_2", "DECISION", "EXCLUSIVE_JOIN"], "task2"),
        ("Test when both the decisions, decision_1 and decision_2 are true", #"{"decision_1":"true","decision_2":"true"}"#,
         ["integration_task_1", "integration_task_2", "integration_task_3"],
         ["integration_task_1", "DECISION", "integration_task_2", "DECISION", "integration_task_3", "EXCLUSIVE_JOIN"], "task3"),
        ("Test when decision_1 is false and decision_3 is default", #"{"decision_1":"false","decision_3":"null"}"#,
         ["integration_task_1", "integration_task_4"],
         ["integration_task_1", "DECISION", "integration_task_4", "DECISION", "EXCLUSIVE_JOIN"], "task4"),
        ("Test when decision_1 is false and decision_3 is true", #"{"decision_1":"false","decision_3":"true"}"#,
         ["integration_task_1", "integration_task_4", "integration_task_5"],
         ["integration_task_1", "DECISION", "integration_task_4", "DECISION", "integration_task_5", "EXCLUSIVE_JOIN"], "task5"),
    ])
    func scenario(name: String, input: String, workerTasks: [String], finalTypes: [String], joined: String) async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow(Self.workflow)
            let id = try await server.start("ExclusiveJoinTestWorkflow", input: input)
            for (position, taskType) in workerTasks.enumerated() {
                let workflow = try await server.workflow(id)
                #expect(workflow.status == .running, "\(name): before \(taskType)")
                #expect(workflow.tasks.last?.taskType == taskType && workflow.tasks.last?.status == .scheduled,
                        "\(name): \(workflow.tasks.map { "\($0.taskType):\($0.status)" })")
                let task = try #require(try await server.poll(taskType), "\(name): no \(taskType) handed out")
                let reference = "task\(taskType.split(separator: "_").last ?? "")"
                #expect(task.referenceTaskName == reference)
                #expect(try await server.report(task, "COMPLETED", output: #"{"taskReferenceName":"\#(reference)"}"#).status == 200)
                _ = position
            }
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .completed, "\(name)")
            #expect(workflow.tasks.map(\.taskType) == finalTypes, "\(name)")
            #expect(workflow.tasks.map(\.status).allSatisfy { $0 == .completed }, "\(name)")
            #expect(workflow.tasks.last?.outputData["taskReferenceName"] == .string(joined), "\(name)")
        }
    }

    @Test("a failed joined task fails the EXCLUSIVE_JOIN and the workflow, with the task's reason")
    func failedJoin() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"integration_task_3","retryCount":0}]"#)
            try await server.registerWorkflow(Self.workflow)
            let id = try await server.start("ExclusiveJoinTestWorkflow", input: #"{"decision_1":"true","decision_2":"true"}"#)
            for taskType in ["integration_task_1", "integration_task_2"] {
                #expect(try await server.report(try #require(try await server.poll(taskType)), "COMPLETED").status == 200)
            }
            let task3 = try #require(try await server.poll("integration_task_3"))
            #expect(try await server.report(task3, "FAILED", reason: "broken").status == 200)
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .failed)
            #expect(workflow.tasks.last?.taskType == "integration_task_3", "the task's failure ends the workflow first")
        }
    }
}
