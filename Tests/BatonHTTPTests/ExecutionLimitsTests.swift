import BatonDecider
import BatonHTTP
import BatonModel
import BatonServer
import BatonTesting
import Foundation
import Testing

/// No definition or payload grows an execution without bound: long runs of system tasks go on in later
/// decisions instead of stopping, and the tasks of one execution and the branches of one dynamic fork are bounded,
/// each refusal naming its limit.
@Suite("Execution limits")
struct ExecutionLimitsTests {
    /// Sweeps (the timer service's round: what decides a workflow that is due) until the workflow has ended,
    /// while the script runner evaluates loop conditions on its threads, a minute at most, and returns it with its tasks.
    static func ended(_ id: String, on server: RunningServer) async throws -> Workflow {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let workflow = try await server.client.get("/api/workflow/\(id)?includeTasks=false").decode(Workflow.self)
            if workflow.status.isTerminal { break }
            await server.sweep()
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await server.workflow(id)
    }

    @Test("2,500 system tasks in a row complete: a decision that spends its rounds leaves the rest to the next")
    func longRunsOfSystemTasks() async throws {
        try await withRunningServer { server in
            let tasks = (1...2_500).map { #"{"name":"n\#($0)","taskReferenceName":"n\#($0)","type":"NOOP"}"# }
            try await server.registerWorkflow(#"{"name":"long","version":1,"tasks":[\#(tasks.joined(separator: ","))]}"#)
            let workflow = try await Self.ended(try await server.start("long"), on: server)
            #expect(workflow.status == .completed)
            #expect(workflow.tasks.count == 2_500)
            #expect(workflow.tasks.allSatisfy { $0.status == .completed })
        }
    }

    @Test("a DO_WHILE that always loops fails when the execution reaches its task limit, naming the limit")
    func endlessLoop() async throws {
        try await withRunningServer(configure: { $0.executionLimits.maximumTasks = 200 }) { server in
            let loop = #"{"name":"loop","taskReferenceName":"loop","type":"DO_WHILE","loopCondition":"true","#
                + #""loopOver":[{"name":"step","taskReferenceName":"step","type":"NOOP"}]}"#
            try await server.registerWorkflow(#"{"name":"endless","version":1,"tasks":[\#(loop)]}"#)
            let workflow = try await Self.ended(try await server.start("endless"), on: server)
            #expect(workflow.status == .failed)
            #expect(workflow.reasonForIncompletion?.contains("--max-tasks-per-workflow") == true,
                    "\(workflow.reasonForIncompletion ?? "")")
            #expect(workflow.tasks.count <= 202)
            #expect(!workflow.tasks.contains { !$0.status.isTerminal })
        }
    }

    @Test("a dynamic fork wider than the limit fails its task, naming the limit; one at the limit runs",
          arguments: [(5, true), (6, false)])
    func forkWidth(branches: Int, runs: Bool) async throws {
        try await withRunningServer(configure: { $0.executionLimits.maximumForkWidth = 5 }) { server in
            let definition = #"{"name":"fan","version":1,"tasks":[{"name":"fork","taskReferenceName":"fork","#
                + #""type":"FORK_JOIN_DYNAMIC","inputParameters":{"forkTaskName":"leaf","forkTaskType":"NOOP","#
                + #""forkTaskInputs":"${workflow.input.items}"}},{"name":"join","taskReferenceName":"join","type":"JOIN"}]}"#
            try await server.registerWorkflow(definition)
            let items = (0..<branches).map { #"{"i":\#($0)}"# }.joined(separator: ",")
            let workflow = try await Self.ended(try await server.start("fan", input: #"{"items":[\#(items)]}"#), on: server)
            if runs {
                #expect(workflow.status == .completed, "\(workflow.reasonForIncompletion ?? "")")
                #expect(workflow.tasks.count == branches + 2)
            } else {
                #expect(workflow.status == .failed)
                #expect(workflow.tasks.count == 1)
                #expect(workflow.tasks[0].status == .failedWithTerminalError)
                #expect(workflow.tasks[0].reasonForIncompletion?.contains("--max-fork-width") == true,
                        "\(workflow.tasks[0].reasonForIncompletion ?? "")")
            }
        }
    }
}

extension ExecutionLimitsTests {
    /// Conductor's ExternalPayloadStorageSpec "fork join workflow exceed external storage limit should fail the task
    /// and workflow": the branches' outputs are each within the maximum, the JOIN's gathering them is not.
    @Test("a JOIN whose gathered outputs exceed the task output maximum fails for good, with Conductor's message, and keeps none of it")
    func oversizedSystemTaskOutput() async throws {
        try await withRunningServer(configure: {
            $0.executionLimits.payloads.taskOutput = PayloadLimits.Bound(threshold: 100_000, maximum: 200_000)
        }) { server in
            let definition = #"{"name":"gather","version":1,"tasks":[{"name":"fork","taskReferenceName":"fork","#
                + #""type":"FORK_JOIN_DYNAMIC","inputParameters":{"forkTaskName":"leaf","forkTaskInputs":"${workflow.input.items}"}},"#
                + #"{"name":"join","taskReferenceName":"join","type":"JOIN"}]}"#
            try await server.registerWorkflow(definition)
            let id = try await server.start("gather", input: #"{"items":[{"i":0},{"i":1},{"i":2}]}"#)
            let big = String(repeating: "x", count: 90_000)
            for _ in 0..<3 { try await server.completeNext("leaf", output: #"{"blob":"\#(big)"}"#) }
            let workflow = try await Self.ended(id, on: server)
            #expect(workflow.status == .failed)
            let join = try #require(workflow.tasks.first { $0.referenceTaskName == "join" })
            #expect(join.status == .failedWithTerminalError)
            #expect(join.reasonForIncompletion?.hasSuffix("is greater than the permissible limit: 200000 bytes") == true,
                    "\(join.reasonForIncompletion ?? "")")
            #expect(join.outputData.isEmpty)
        }
    }
}
