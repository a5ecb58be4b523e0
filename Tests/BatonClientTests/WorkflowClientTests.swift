import BatonClient
import BatonModel
import BatonTesting
import Testing

@Suite("SDK: workflows")
struct WorkflowClientTests {
    @Test("start by name and with a request; get, status, tasks, correlated, running, events")
    func startAndRead() async throws {
        try await withClient { client, _ in
            try await client.registerChain("chain", refs: ["one", "two"])
            let id = try await client.workflows.start(name: "chain", input: ["n": 1], correlationId: "order-1")
            var request = StartWorkflowRequest(name: "chain", version: 1, input: ["n": 2], correlationId: "order-2")
            request.priority = 5
            let second = try await client.workflows.start(request)
            #expect(id != second)

            let workflow = try await client.workflows.get(id)
            #expect(workflow.status == .running)
            #expect(workflow.input["n"] == 1)
            #expect(workflow.tasks.map(\.referenceTaskName) == ["one"])
            #expect(try await client.workflows.get(id, includeTasks: false).tasks.isEmpty)
            #expect(try await client.workflows.get(second).priority == 5)

            let status = try await client.workflows.status(of: id, includeOutput: true, includeVariables: true)
            #expect(status.workflowId == id)
            #expect(status.status == .running)
            #expect(status.correlationId == "order-1")
            #expect(status.output == [:])

            let page = try await client.workflows.tasks(of: id, statuses: [.scheduled])
            #expect(page.totalHits == 1)
            #expect(try await client.workflows.tasks(of: id, statuses: [.completed]).totalHits == 0)

            #expect(try await client.workflows.correlated(name: "chain", correlationId: "order-1").map(\.workflowId) == [id])
            let byCorrelation = try await client.workflows.correlated(name: "chain", correlationIds: ["order-1", "order-2"],
                                                                      includeTasks: true)
            #expect(byCorrelation["order-2"]?.map(\.workflowId) == [second])
            #expect(Set(try await client.workflows.runningIds(name: "chain", version: 1)) == [id, second])

            let events = try await client.workflows.events(of: id)
            #expect(events.contains { $0.kind.contains("start") })
            #expect(events.allSatisfy { $0.workflowId == id })
        }
    }

    @Test("search and search-v2 by name, status and query")
    func search() async throws {
        try await withClient { client, _ in
            try await client.registerChain("alpha", refs: ["one"])
            try await client.registerChain("beta", refs: ["one"])
            let alpha = try await client.workflows.start(name: "alpha")
            let beta = try await client.workflows.start(name: "beta", correlationId: "b-1")
            try await client.workflows.terminate(beta, reason: "done with it")

            let byName = try await client.workflows.search(WorkflowQuery(names: ["alpha"]))
            #expect(byName.results.map(\.workflowId) == [alpha])
            #expect(byName.totalHits == 1)
            let terminated = try await client.workflows.search(WorkflowQuery(statuses: [.terminated]))
            #expect(terminated.results.map(\.workflowId) == [beta])
            let full = try await client.workflows.searchExecutions(WorkflowQuery(query: "correlationId IN (b-1)"))
            #expect(full.results.map(\.workflowId) == [beta])
            #expect(full.results.first?.reasonForIncompletion == "done with it")
            #expect(try await client.workflows.search().totalHits == 2)
            let bad = await #expect(throws: ClientError.self) {
                try await client.workflows.search(WorkflowQuery(query: "nonsense ~~ 3"))
            }
            #expect(bad?.status == 400)
        }
    }

    @Test("pause and resume hold back and release the next task")
    func pauseResume() async throws {
        try await withClient { client, _ in
            try await client.registerChain("chain", refs: ["one", "two"])
            let id = try await client.workflows.start(name: "chain")
            try await client.workflows.pause(id)
            #expect(try await client.workflows.get(id).status == .paused)
            #expect(try await client.tasks.poll(taskType: "work") == nil)
            try await client.workflows.resume(id)
            #expect(try await client.workflows.get(id).status == .running)
            try await client.completeNext()
            try await client.completeNext()
            #expect(try await client.workflows.get(id).status == .completed)

            let refused = await #expect(throws: ClientError.self) { try await client.workflows.resume(id) }
            #expect(refused?.code == .refused)
            #expect(refused?.status.map { $0 >= 400 } == true)
            #expect(refused?.message.isEmpty == false)
        }
    }

    @Test("terminate, retry, restart, rerun from a task, decide, delete, terminate-and-delete")
    func lifecycle() async throws {
        try await withClient { client, _ in
            try await client.registerChain("chain", refs: ["one", "two"])
            let id = try await client.workflows.start(name: "chain", input: ["n": 1])

            // retry a failed execution
            try await client.completeNext()
            try await client.failNext(reason: "disk full")
            let failed = try await client.workflows.get(id)
            #expect(failed.status == .failed)
            #expect(failed.reasonForIncompletion?.contains("disk full") == true)
            try await client.workflows.retry(id)
            #expect(try await client.workflows.get(id).status == .running)
            try await client.completeNext()
            #expect(try await client.workflows.get(id).status == .completed)

            // restart from the beginning
            try await client.workflows.restart(id, useLatestDefinitions: true)
            let restarted = try await client.workflows.get(id)
            #expect(restarted.status == .running)
            #expect(restarted.tasks.map(\.referenceTaskName) == ["one"])

            // terminate, then rerun from the second task with new input
            try await client.completeNext()
            try await client.workflows.terminate(id, reason: "operator says stop")
            let terminated = try await client.workflows.get(id)
            #expect(terminated.status == .terminated)
            #expect(terminated.reasonForIncompletion == "operator says stop")
            let two = try #require(terminated.tasks.last { $0.referenceTaskName == "two" })
            let rerunId = try await client.workflows.rerun(id, RerunWorkflowRequest(
                reRunFromTaskId: two.taskId, taskInput: ["n": 9], workflowInput: ["n": 2]))
            #expect(rerunId == id)
            let rerun = try await client.workflows.get(id)
            #expect(rerun.status == .running)
            #expect(rerun.input["n"] == 2)
            try await client.workflows.decide(id)
            let next = try await client.completeNext()
            #expect(next.referenceTaskName == "two")
            #expect(try await client.workflows.get(id).status == .completed)

            let kinds = try await client.workflows.events(of: id).map(\.kind)
            for signal in ["retry", "restart", "terminate", "rerun"] {
                #expect(kinds.contains { $0.contains(signal) }, "no \(signal) event in \(kinds)")
            }

            try await client.workflows.delete(id)
            let gone = await #expect(throws: ClientError.self) { try await client.workflows.get(id) }
            #expect(gone?.status == 404)

            let other = try await client.workflows.start(name: "chain")
            try await client.workflows.terminateAndDelete(other, reason: "cleanup")
            let alsoGone = await #expect(throws: ClientError.self) { try await client.workflows.get(other) }
            #expect(alsoGone?.status == 404)
        }
    }

    @Test("bulk pause, resume, terminate, retry, restart, delete, terminate-and-delete report each id")
    func bulk() async throws {
        try await withClient { client, _ in
            try await client.registerChain("chain", refs: ["one"])
            var ids: [String] = []
            for _ in 0..<3 { ids.append(try await client.workflows.start(name: "chain")) }
            let unknown = "no-such-workflow"

            let paused = try await client.workflows.pause(ids + [unknown])
            #expect(Set(paused.bulkSuccessfulResults) == Set(ids))
            #expect(paused.bulkErrorResults.keys.sorted() == [unknown])
            #expect(try await client.workflows.get(ids[0]).status == .paused)
            #expect(Set(try await client.workflows.resume(ids).bulkSuccessfulResults) == Set(ids))

            let terminated = try await client.workflows.terminate(ids, reason: "bulk stop")
            #expect(Set(terminated.bulkSuccessfulResults) == Set(ids))
            #expect(try await client.workflows.get(ids[1]).reasonForIncompletion == "bulk stop")
            #expect(Set(try await client.workflows.retry(ids).bulkSuccessfulResults) == Set(ids))
            #expect(try await client.workflows.get(ids[2]).status == .running)
            _ = try await client.workflows.terminate(ids)
            #expect(Set(try await client.workflows.restart(ids, useLatestDefinitions: false).bulkSuccessfulResults) == Set(ids))

            let notEnded = try await client.workflows.restart([ids[0]])
            #expect(notEnded.bulkErrorResults[ids[0]]?.isEmpty == false)

            #expect(Set(try await client.workflows.delete([ids[0], ids[1]]).bulkSuccessfulResults) == [ids[0], ids[1]])
            #expect(try await client.workflows.terminateAndDelete([ids[2]], reason: "x").bulkSuccessfulResults == [ids[2]])
            #expect(try await client.workflows.search().totalHits == 0)
        }
    }
}
