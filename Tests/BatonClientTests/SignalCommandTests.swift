import BatonClient
import BatonModel
import BatonTesting
import Foundation
import Testing

/// `baton workflow skip-task`, `baton workflow execute`, `baton task signal`, and the SDK calls under them.
@Suite("baton: skip, execute and signal")
struct SignalCommandTests {
    @Test("execute answers with the state so far; task signal completes the WAIT; skip-task passes over a task")
    func executeSignalSkip() async throws {
        try await withClient { client, server in
            try await client.registerWorkThenWait("approve")
            // No worker takes `work`: the answer comes when the second is up, and is not an error.
            let executed = try await baton(["workflow", "execute", "approve", "--wait-until", "work", "--wait-for-seconds", "1",
                                            "--json"], server: server)
            #expect(executed.status == 0, "\(executed.standardError)")
            let run = try executed.decode(WorkflowRun.self)
            #expect(run.status == .running)
            #expect(run.signalTimeout)
            #expect(run.tasks.map(\.referenceTaskName) == ["work"])
            try await client.completeNext()  // the executed workflow's `work`; it then waits for its approval

            let id = try await client.workflows.start(name: "approve")
            try await client.completeNext()
            let signalled = try await baton(["task", "signal", id, "completed", "--output", #"{"by":"ops"}"#], server: server)
            #expect(signalled.status == 0, "\(signalled.standardError)")
            let workflow = try await client.workflows.get(id)
            #expect(workflow.status == .completed)
            #expect(workflow.output["by"] == "ops")
            let nothingBlocked = try await baton(["task", "signal", id, "COMPLETED"], server: server)
            #expect(nothingBlocked.status == 1)
            #expect(nothingBlocked.standardError.contains("409"))

            let other = try await client.workflows.start(name: "approve")
            let skipped = try await baton(["workflow", "skip-task", other, "approval", "--task-output", #"{"by":"nobody"}"#],
                                          server: server)
            #expect(skipped.status == 0, "\(skipped.standardError)")
            try await client.completeNext()
            let done = try await client.workflows.get(other)
            #expect(done.status == .completed)
            #expect(done.output["by"] == "nobody")
            let again = try await baton(["workflow", "skip-task", other, "approval"], server: server)
            #expect(again.status == 1)
            #expect(try await baton(["workflow", "skip-task", other], server: server).status == 2)
            #expect(try await baton(["task", "signal", other, "DONE"], server: server).status == 2)
            #expect(try await baton(["workflow", "execute", "approve", "--wait-for-seconds", "0"], server: server).status == 2)
            let port = try freePort()
            let unreachable = try await CommandLineRun.run(["task", "signal", other, "COMPLETED", "--server",
                                                            "http://127.0.0.1:\(port)"])
            #expect(unreachable.status == 3)
        }
    }

    @Test("the SDK's signalSync and execute decode Conductor's replies; resetCallbacks is a no-op on a ready task")
    func sdkReplies() async throws {
        try await withClient { client, _ in
            try await client.registerWorkThenWait("approve")
            let reply = try await client.workflows.execute(StartWorkflowRequest(name: "approve"), name: "approve",
                                                           waitUntilTaskRefs: ["work"], waitForSeconds: 1,
                                                           returnStrategy: .blockingWorkflow, requestId: "r-9")
            guard case .workflow(let run) = reply else { Issue.record("not a workflow run: \(String(describing: reply))"); return }
            #expect(run.requestId == "r-9")
            #expect(run.responseType == .blockingWorkflow)
            try await client.workflows.resetCallbacks(run.workflowId)
            try await client.completeNext()
            let signalled = try await client.tasks.signalSync(workflowId: run.workflowId, status: .completed,
                                                              output: ["by": "sdk"], returnStrategy: .blockingTask)
            #expect(signalled == nil, "nothing blocks a completed workflow, so no task is answered")
            #expect(try await client.workflows.get(run.workflowId).output["by"] == "sdk")
        }
    }

    @Test("the SDK's task search, search by tasks and workflow test")
    func sdkSearchesAndTest() async throws {
        try await withClient { client, _ in
            try await client.registerWorkThenWait("approve")
            let id = try await client.workflows.start(name: "approve")
            try await client.completeNext(output: ["n": 1])
            let summaries = try await client.tasks.search(WorkflowQuery(query: "workflowId = \(id) AND taskType = work"))
            #expect(summaries.totalHits == 1)
            #expect(summaries.results.first?.output == #"{"n":1}"#)
            let waiting = try await client.tasks.searchTasks(WorkflowQuery(query: "taskType = WAIT AND status = IN_PROGRESS"))
            #expect(waiting.results.map(\.workflowInstanceId) == [id])
            #expect(try await client.workflows.searchByTasks(WorkflowQuery(query: "referenceTaskName = approval"))
                .results.map(\.workflowId) == [id])
            #expect(try await client.workflows.searchExecutionsByTasks(WorkflowQuery(query: "taskType = nothing")).totalHits == 0)

            let tested = try await client.workflows.test(WorkflowTestRequest(
                StartWorkflowRequest(name: "approve"),
                taskRefToMockOutput: ["work": [.init(output: ["n": 2])], "approval": [.init(output: ["by": "mock"])]]))
            #expect(tested.status == .completed)
            #expect(tested.output["by"] == "mock")
        }
    }
}
