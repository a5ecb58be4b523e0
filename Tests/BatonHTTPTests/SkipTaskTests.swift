import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// `PUT /api/workflow/{id}/skiptask/{taskReferenceName}`: a task not yet reached is SKIPPED when the workflow gets there.
@Suite("Skip task")
struct SkipTaskTests {
    @Test("a skipped task is passed over when reached, with the request's input and output (Conductor's \"task skipping in simple workflows\")")
    func skippedTaskIsPassedOver() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["t1", "t2", "t3"])
            let id = try await server.start("flow")
            let reply = try await server.client.send(.PUT, "/api/workflow/\(id)/skiptask/t2",
                                                     body: #"{"taskInput":{"why":"ops"},"taskOutput":{"value":7}}"#)
            #expect(reply.status == 200, "\(reply.text)")
            var workflow = try await server.workflow(id)
            #expect(workflow.status == .running)
            #expect(workflow.tasks.count == 2)
            let skipped = try #require(workflow.tasks.first { $0.referenceTaskName == "t2" })
            #expect(skipped.status == .skipped)
            #expect(skipped.taskType == "work")
            #expect(skipped.inputData == ["why": "ops"])
            #expect(skipped.outputData == ["value": 7])
            #expect(workflow.tasks.first { $0.referenceTaskName == "t1" }?.status == .scheduled)

            let first = try await server.completeNext("work")
            #expect(first.referenceTaskName == "t1")
            workflow = try await server.workflow(id)
            #expect(workflow.tasks.count == 3)
            #expect(workflow.tasks.first { $0.referenceTaskName == "t3" }?.status == .scheduled, "the skipped task ran")
            let third = try await server.completeNext("work")
            #expect(third.referenceTaskName == "t3")
            workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(workflow.tasks.map(\.referenceTaskName).sorted() == ["t1", "t2", "t3"])

            let events = try await server.client.get("/api/workflow/\(id)/events").decode([WorkflowEvent].self)
            #expect(events.contains { $0.kind == "signal.skip" && $0.detail == "task t2" })
            #expect(events.contains { $0.kind == "task.skipped" && $0.taskId == skipped.taskId })
        }
    }

    @Test("a skipped last task lets the workflow complete when the task before it ends; an empty body is a skip without data")
    func skippingTheLastTask() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["t1", "t2"])
            let id = try await server.start("flow")
            #expect(try await server.client.send(.PUT, "/api/workflow/\(id)/skiptask/t2", body: nil).status == 200)
            try await server.completeNext("work")
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(workflow.tasks.first { $0.referenceTaskName == "t2" }?.outputData == [:])
        }
    }

    @Test("a task first in a SWITCH case or a FORK branch, skipped ahead, is passed over there too")
    func skippedFirstInBranches() async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow(#"""
                {"name":"branches","version":1,"tasks":[
                  {"name":"work","taskReferenceName":"first"},
                  {"name":"route","taskReferenceName":"route","type":"SWITCH","evaluatorType":"value-param",
                   "expression":"kind","inputParameters":{"kind":"a"},
                   "decisionCases":{"a":[{"name":"work","taskReferenceName":"in_case"},{"name":"work","taskReferenceName":"after_case"}]}},
                  {"name":"fork","taskReferenceName":"fork","type":"FORK_JOIN","forkTasks":[
                    [{"name":"work","taskReferenceName":"left"}],[{"name":"work","taskReferenceName":"right"}]]},
                  {"name":"join","taskReferenceName":"join","type":"JOIN","joinOn":["left","right"]},
                  {"name":"work","taskReferenceName":"last"}]}
                """#)
            let id = try await server.start("branches")
            for reference in ["in_case", "left"] {
                #expect(try await server.client.send(.PUT, "/api/workflow/\(id)/skiptask/\(reference)", body: nil).status == 200)
            }
            var done: [String] = []
            while let task = try await server.poll("work") {
                done.append(task.referenceTaskName)
                #expect(try await server.report(task, "COMPLETED").status == 200)
            }
            #expect(done == ["first", "after_case", "right", "last"])
            let workflow = try await server.workflow(id)
            #expect(workflow.status == .completed)
            #expect(workflow.tasks.filter { $0.referenceTaskName == "in_case" || $0.referenceTaskName == "left" }
                .map(\.status) == [.skipped, .skipped], "a skipped task was scheduled again")
        }
    }

    @Test("unknown workflow or reference → 404; a task already scheduled or ended, a PAUSED or ended workflow → 409; nothing changes")
    func refusals() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["t1", "t2"])
            let id = try await server.start("flow")
            #expect(try await server.client.send(.PUT, "/api/workflow/no-such-id/skiptask/t2", body: "{}").status == 404)
            try await server.expectRefusal(.PUT, "/api/workflow/\(id)/skiptask/nope", status: 404, workflowId: id)
            try await server.expectRefusal(.PUT, "/api/workflow/\(id)/skiptask/t1", status: 409, workflowId: id)
            #expect(try await server.client.send(.PUT, "/api/workflow/\(id)/pause", body: "{}").status == 200)
            try await server.expectRefusal(.PUT, "/api/workflow/\(id)/skiptask/t2", status: 409, workflowId: id)
            #expect(try await server.client.send(.PUT, "/api/workflow/\(id)/resume", body: "{}").status == 200)
            try await server.completeNext("work")
            try await server.completeNext("work")
            try await server.expectRefusal(.PUT, "/api/workflow/\(id)/skiptask/t2", status: 409, workflowId: id)
        }
    }
}

extension RunningServer {
    /// Sends a request that must be refused with `status` and a message, and checks that it changed nothing.
    func expectRefusal(_ method: HTTPMethod, _ path: String, body: String? = "{}", status: Int, workflowId: String,
                       sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let before = try await workflow(workflowId)
        let eventsBefore = try await client.get("/api/workflow/\(workflowId)/events").decode([WorkflowEvent].self)
        let reply = try await client.send(method, path, body: body)
        #expect(reply.status == status, "\(reply.text)", sourceLocation: sourceLocation)
        #expect((try? reply.object()["message"] as? String)?.isEmpty == false, "no message", sourceLocation: sourceLocation)
        #expect(try await workflow(workflowId) == before, "a refused request changed the workflow", sourceLocation: sourceLocation)
        #expect(try await client.get("/api/workflow/\(workflowId)/events").decode([WorkflowEvent].self) == eventsBefore,
                "a refused request wrote to the audit trail", sourceLocation: sourceLocation)
    }
}
