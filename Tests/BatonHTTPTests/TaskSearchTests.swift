import BatonModel
import BatonTesting
import Foundation
import Testing

/// `GET /api/tasks/search` (+ `-v2`) and `GET /api/workflow/search-by-tasks` (+ `-v2`), answered from the store.
@Suite("Task search")
struct TaskSearchTests {
    @Test("tasks/search answers TaskSummary, search-v2 whole tasks; a write is visible to the next search")
    func searchesTasks() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a", "b"])
            let first = try await server.start("flow", input: #"{"who":"Ada"}"#)
            let second = try await server.start("flow")
            let done = try await server.completeNext("work", output: #"{"greeting":"hi"}"#)

            let summaries = try await server.client.get("/api/tasks/search?query=workflowId%3D\(done.workflowInstanceId)")
            #expect(summaries.status == 200, "\(summaries.text)")
            let page = try summaries.object()
            #expect(page["totalHits"] as? Int == 2)
            let results = try #require(page["results"] as? [[String: Any]])
            let summary = try #require(results.first { $0["taskId"] as? String == done.taskId })
            #expect(Set(summary.keys).isSuperset(of: ["taskId", "taskDefName", "taskType", "workflowId", "workflowType",
                                                      "scheduledTime", "startTime", "updateTime", "endTime", "status",
                                                      "executionTime", "queueWaitTime", "input", "output",
                                                      "workflowPriority"]))
            #expect(summary["workflowType"] as? String == "flow")
            #expect(summary["status"] as? String == "COMPLETED")
            #expect(summary["output"] as? String == #"{"greeting":"hi"}"#, "output as JSON text")
            #expect((summary["endTime"] as? String)?.hasSuffix("Z") == true, "times as ISO-8601 text")

            let full = try await server.client.get("/api/tasks/search-v2?query=status%20IN%20(SCHEDULED)&sort=scheduledTime:ASC")
                .decode(SearchResult<BatonModel.TaskExecution>.self)
            #expect(full.totalHits == 2)
            #expect(Set(full.results.map(\.workflowInstanceId)) == [first, second])
            #expect(full.results.allSatisfy { $0.status == .scheduled && $0.workflowType == "flow" })

            let bad = try await server.client.get("/api/tasks/search?query=status%3DRUNNING")
            #expect(bad.status == 400, "RUNNING is a workflow status, not a task's")
            #expect(try await server.client.get("/api/tasks/search?query=nope%3D1").status == 400)
        }
    }

    @Test("search-by-tasks answers the executions holding a matching task, as summaries or whole workflows")
    func searchesWorkflowsByTasks() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a", "b"])
            let advanced = try await server.start("flow")
            try await server.completeNext("work")
            let waiting = try await server.start("flow")

            let onB = try await server.client.get("/api/workflow/search-by-tasks?query=referenceTaskName%3Db")
            #expect(onB.status == 200, "\(onB.text)")
            let summaries = try onB.decode(SearchResult<WorkflowSummary>.self)
            #expect(summaries.results.map(\.workflowId) == [advanced])
            #expect(summaries.totalHits == 1)

            let scheduled = try await server.client.get(
                "/api/workflow/search-by-tasks-v2?query=status%3DSCHEDULED&sort=startTime:ASC").decode(SearchResult<Workflow>.self)
            #expect(Set(scheduled.results.map(\.workflowId)) == [advanced, waiting])
            #expect(try await server.client.get("/api/workflow/search-by-tasks?sort=taskType").status == 400,
                    "sort keys are workflow fields")
        }
    }
}
