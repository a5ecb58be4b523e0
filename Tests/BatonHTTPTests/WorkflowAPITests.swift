import BatonEngine
import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

@Suite("Workflow API")
struct WorkflowAPITests {
    @Test("a chain of SIMPLE tasks runs to COMPLETED with its output parameters")
    func chainCompletes() async throws {
        try await withRunningServer { server in
            try await server.registerChain("chain", refs: ["one", "two"],
                                           extra: #","outputParameters":{"total":"${two.output.total}","first":"${one.output}"}"#)
            let id = try await server.start("chain", input: #"{"n":7}"#)
            let first = try await server.completeNext("work", output: #"{"total":1}"#)
            #expect(first.inputData["n"] == 7)
            #expect(first.referenceTaskName == "one")
            try await server.completeNext("work", output: #"{"total":2}"#)
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(workflow.output["total"] == 2)
            #expect(workflow.output["first"] == ["total": 1])
            #expect(workflow.tasks.map(\.status) == [.completed, .completed])
            #expect(workflow.endTime >= workflow.createTime)
        }
    }

    @Test("start with a StartWorkflowRequest: version, correlation id, priority, task-to-domain")
    func startWithRequest() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            try await server.registerWorkflow(#"{"name":"flow","version":2,"tasks":[{"name":"other","taskReferenceName":"b"}]}"#)
            let reply = try await server.client.send(.POST, "/api/workflow", body: """
                {"name":"flow","version":1,"input":{"n":1},"correlationId":"order-9","priority":42,
                 "taskToDomain":{"work":"blue"},"idempotencyStrategy":"FAIL","unknownField":true}
                """)
            #expect(reply.status == 200, "\(reply.text)")
            let workflow = try await server.workflow(reply.text)
            #expect(workflow.workflowVersion == 1)
            #expect(workflow.correlationId == "order-9")
            #expect(workflow.priority == 42)
            #expect(workflow.tasks.first?.domain == "blue")
            #expect(try await server.poll("work") == nil)
            #expect(try await server.poll("work", domain: "blue")?.workflowPriority == 42)
        }
    }

    @Test("names in the path are percent-decoded: a workflow and a task type with a space, a slash, a percent sign")
    func percentEncodedNames() async throws {
        try await withRunningServer { server in
            try await server.registerChain("nightly report/v2", taskType: "send mail 100%", refs: ["a"])
            try await server.registerChain("a+b", taskType: "c+d", refs: ["a"])
            let id = try await server.start("nightly%20report%2Fv2")
            #expect(try await server.workflow(id).workflowName == "nightly report/v2")
            let task = try #require(try await server.poll("send%20mail%20100%25"))
            #expect(task.taskType == "send mail 100%")
            // A plus sign in a path is itself (only a query string's means a space).
            let other = try await server.start("a+b")
            #expect(try await server.workflow(other).workflowName == "a+b")
            #expect(try await server.poll("c+d")?.workflowInstanceId == other)
        }
    }

    @Test("starting an unknown workflow is a 404; a bad priority is a 400")
    func startErrors() async throws {
        try await withRunningServer { server in
            var reply = try await server.client.send(.POST, "/api/workflow/nothing", body: "{}")
            #expect(reply.status == 404)
            reply = try await server.client.send(.POST, "/api/workflow", body: #"{"input":{}}"#)
            #expect(reply.status == 400)
            try await server.registerChain("flow", refs: ["a"])
            reply = try await server.client.send(.POST, "/api/workflow/flow?priority=150", body: "{}")
            #expect(reply.status == 400)
            reply = try await server.client.send(.POST, "/api/workflow/flow", body: "[1,2]")
            #expect(reply.status == 400)
            reply = try await server.client.send(.POST, "/api/workflow/flow", body: #"{"n":"#)
            #expect(reply.status == 400)
            reply = try await server.client.send(.POST, "/api/workflow/flow", body: #"{"n":1} trailing"#)
            #expect(reply.status == 400)
            #expect(try await server.client.get("/api/workflow/search").decode(SearchResult<WorkflowSummary>.self).totalHits == 0)
        }
    }

    @Test("idempotency keys are enforced per strategy", arguments: ["RETURN_EXISTING", "FAIL", "FAIL_ON_RUNNING"])
    func idempotency(strategy: String) async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            let body = #"{"name":"flow","idempotencyKey":"k-1","idempotencyStrategy":"\#(strategy)"}"#
            let first = try await server.client.send(.POST, "/api/workflow", body: body)
            #expect(first.status == 200)
            let second = try await server.client.send(.POST, "/api/workflow", body: body)
            switch strategy {
            case "RETURN_EXISTING":
                #expect(second.status == 200)
                #expect(second.text == first.text)
            default:
                #expect(second.status == 409, "\(second.text)")
            }
            if strategy == "FAIL_ON_RUNNING" {
                try await server.completeNext("work")
                let third = try await server.client.send(.POST, "/api/workflow", body: body)
                #expect(third.status == 200)
                #expect(third.text != first.text)
            }
        }
    }

    @Test("get with and without tasks, status, correlated and running ids")
    func reads() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            let closedId = try await server.client.send(.POST, "/api/workflow/flow?correlationId=c-1", body: "{}").text
            try await server.completeNext("work")
            let openId = try await server.client.send(.POST, "/api/workflow/flow?correlationId=c-1", body: "{}").text
            var reply = try await server.client.get("/api/workflow/\(openId)?includeTasks=false")
            #expect(try reply.decode(Workflow.self).tasks.isEmpty)
            let raw = try reply.object()
            #expect(raw["workflowName"] as? String == "flow")
            #expect(raw["startTime"] as? Int64 != nil || raw["startTime"] as? Int != nil)
            reply = try await server.client.get("/api/workflow/flow/correlated/c-1")
            #expect(try reply.decode([Workflow].self).map(\.workflowId) == [openId])
            reply = try await server.client.get("/api/workflow/flow/correlated/c-1?includeClosed=true&includeTasks=true")
            let both = try reply.decode([Workflow].self)
            #expect(Set(both.map(\.workflowId)) == [openId, closedId])
            #expect(both.allSatisfy { !$0.tasks.isEmpty })
            reply = try await server.client.get("/api/workflow/running/flow?version=1")
            #expect(try reply.decode([String].self) == [openId])
            reply = try await server.client.get("/api/workflow/\(closedId)/status?includeOutput=true")
            #expect(try reply.object()["status"] as? String == "COMPLETED")
            reply = try await server.client.get("/api/workflow/\(openId)/tasks?status=SCHEDULED,IN_PROGRESS")
            #expect(try reply.decode(SearchResult<BatonModel.TaskExecution>.self).totalHits == 1)
        }
    }

    @Test("a workflow's tasks are paged from the store: start, count, statuses in any case; an unknown status matches none; an unknown workflow is a 404")
    func taskPages() async throws {
        try await withRunningServer { server in
            try await server.registerChain("five", refs: ["a", "b", "c", "d", "e"])
            let id = try await server.start("five")
            for _ in 0..<4 { try await server.completeNext("work") }
            func page(_ query: String) async throws -> (Int64, [String]) {
                let result = try await server.client.get("/api/workflow/\(id)/tasks?\(query)").decode(SearchResult<BatonModel.TaskExecution>.self)
                return (result.totalHits, result.results.map(\.referenceTaskName))
            }
            #expect(try await page("") == (5, ["a", "b", "c", "d", "e"]), "15 a page by default")
            #expect(try await page("start=1&count=2") == (5, ["b", "c"]))
            #expect(try await page("status=completed&start=3") == (4, ["d"]))
            #expect(try await page("status=SCHEDULED&status=completed&count=1") == (5, ["a"]))
            #expect(try await page("status=NOT_A_STATUS") == (0, []))
            #expect(try await server.client.get("/api/workflow/no-such-id/tasks").status == 404)
            #expect(try await server.client.get("/api/workflow/no-such-id/tasks?status=NOT_A_STATUS").status == 404)
        }
    }

    @Test("search with Conductor's query syntax, free text, sort and paging; a write is visible to the next search")
    func search() async throws {
        try await withRunningServer { server in
            try await server.registerChain("alpha", refs: ["a"])
            try await server.registerChain("beta", refs: ["a"])
            var ids: [String] = []
            for index in 0..<3 {
                ids.append(try await server.start("alpha", input: #"{"customer":"c\#(index)"}"#))
                server.clock.advance(by: 1_000)
            }
            let beta = try await server.start("beta", input: #"{"customer":"zed"}"#)
            try await server.completeNext("work")
            var reply = try await server.client.get("/api/workflow/search?query=workflowType%20IN%20(alpha,beta)%20AND%20status%20IN%20(RUNNING)")
            var result = try reply.decode(SearchResult<WorkflowSummary>.self)
            #expect(result.totalHits == 3)
            reply = try await server.client.get("/api/workflow/search?query=status%3DCOMPLETED")
            result = try reply.decode(SearchResult<WorkflowSummary>.self)
            #expect(result.totalHits == 1)
            #expect(result.results.first?.endTime != nil)
            reply = try await server.client.get("/api/workflow/search?freeText=zed")
            #expect(try reply.decode(SearchResult<WorkflowSummary>.self).results.map(\.workflowId) == [beta])
            reply = try await server.client.get("/api/workflow/search?query=workflowType%3Dalpha&sort=startTime:ASC&start=1&size=1")
            result = try reply.decode(SearchResult<WorkflowSummary>.self)
            #expect(result.totalHits == 3)
            #expect(result.results.map(\.workflowId) == [ids[1]])
            reply = try await server.client.get("/api/workflow/search-v2?query=workflowId%3D'\(beta)'")
            #expect(try reply.decode(SearchResult<Workflow>.self).results.first?.workflowName == "beta")
            reply = try await server.client.get("/api/workflow/search?query=colour%3Dred")
            #expect(reply.status == 400)
            #expect(try reply.object()["message"] as? String ?? "" != "")
            reply = try await server.client.get("/api/workflow/search?size=9000")
            #expect(reply.status == 400)
        }
    }

    @Test("remove deletes a workflow and its tasks")
    func remove() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            let id = try await server.start("flow")
            var reply = try await server.client.send(.DELETE, "/api/workflow/\(id)/remove", body: "{}")
            #expect(reply.status == 200)
            reply = try await server.client.get("/api/workflow/\(id)")
            #expect(reply.status == 404)
            #expect(try await server.poll("work") == nil)
            reply = try await server.client.send(.DELETE, "/api/workflow/\(id)/remove")
            #expect(reply.status == 404)
        }
    }

    @Test("a failed workflow starts its failure workflow with the failed workflow's id and reason")
    func failureWorkflow() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"work","retryCount":0}]"#)
            try await server.registerChain("cleanup", taskType: "clean", refs: ["c"])
            try await server.registerChain("flow", refs: ["a"], extra: #","failureWorkflow":"cleanup""#)
            let id = try await server.start("flow", input: #"{"n":3}"#)
            let task = try #require(try await server.poll("work"))
            try await server.report(task, "FAILED", reason: "card declined")
            let failed = try await server.workflow(id)
            #expect(failed.status == .failed)
            #expect(failed.reasonForIncompletion?.contains("card declined") == true)
            #expect(failed.failedReferenceTaskNames == ["a"])
            let failureId = try #require(failed.output["conductor.failure_workflow"]?.stringValue)
            let cleanup = try await server.workflow(failureId)
            #expect(cleanup.workflowName == "cleanup")
            #expect(cleanup.input["workflowId"] == .string(id))
            #expect(cleanup.input["failureStatus"] == "FAILED")
            #expect(cleanup.input["reason"]?.stringValue?.contains("card declined") == true)
            #expect(cleanup.input["n"] == 3)
        }
    }
}
