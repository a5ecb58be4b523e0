import BatonModel
import BatonTesting
import Foundation
import BatonHTTP
import BatonServer
import NIOHTTP1
import Testing

@Suite("Wire format")
struct WireFormatTests {
    @Test("the Workflow and Task JSON carry the fields Conductor clients read, times as epoch millis")
    func fieldNames() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            let id = try await server.start("flow")
            _ = try await server.poll("work")
            let workflow = try await server.client.get("/api/workflow/\(id)").object()
            for key in ["workflowId", "workflowName", "workflowVersion", "status", "input", "output", "tasks", "createTime",
                        "startTime", "updateTime", "endTime", "taskToDomain", "priority", "variables", "workflowDefinition",
                        "failedReferenceTaskNames", "lastRetriedTime"] {
                #expect(workflow[key] != nil, "missing \(key)")
            }
            #expect(workflow["createTime"] is NSNumber)
            let task = try #require((workflow["tasks"] as? [[String: Any]])?.first)
            for key in ["taskId", "taskType", "taskDefName", "referenceTaskName", "status", "inputData", "outputData",
                        "workflowInstanceId", "seq", "retryCount", "pollCount", "scheduledTime", "startTime", "endTime",
                        "updateTime", "responseTimeoutSeconds", "workflowTask", "callbackAfterSeconds", "workerId",
                        "workflowType", "retried", "executed", "queueWaitTime"] {
                #expect(task[key] != nil, "missing task.\(key)")
            }
            #expect(task["waitUntil"] == nil && task["pausedMillis"] == nil, "engine bookkeeping leaked")
        }
    }

    @Test("capitalised booleans and {} bodies on PUT/DELETE are accepted, as the Python client sends them")
    func pythonClientQuirks() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            let id = try await server.start("flow")
            var reply = try await server.client.send(.PUT, "/api/workflow/\(id)/pause", body: "{}")
            #expect(reply.status == 200)
            reply = try await server.client.send(.PUT, "/api/workflow/\(id)/resume", body: "{}")
            #expect(reply.status == 200)
            reply = try await server.client.get("/api/workflow/\(id)?includeTasks=False")
            #expect(try reply.decode(Workflow.self).tasks.isEmpty)
            reply = try await server.client.get("/api/workflow/\(id)?includeTasks=maybe")
            #expect(reply.status == 400)
            reply = try await server.client.send(.DELETE, "/api/workflow/\(id)?reason=done&triggerFailureWorkflow=False", body: "{}")
            #expect(reply.status == 200)
            #expect(try await server.workflow(id).status == .terminated)
        }
    }

    @Test("errors are Conductor's ErrorResponse JSON: malformed JSON 400, unknown route 404, oversized body 413")
    func errors() async throws {
        // A 1 MB limit: a body over it is sent whole within the server's linger even on a busy machine (a 17 MB one
        // under the default limit was still being sent when the connection closed, and the client failed on it).
        try await withRunningServer(configure: { $0.requestLimits.maximumBodySize = 1 << 20 }) { server in
            var reply = try await server.client.send(.POST, "/api/metadata/taskdefs", body: "[{")
            #expect(reply.status == 400)
            var body = try reply.object()
            #expect(body["status"] as? Int == 400)
            #expect(body["message"] is String)
            reply = try await server.client.get("/api/no/such/route")
            #expect(reply.status == 404)
            #expect(try reply.object()["status"] as? Int == 404)
            let huge = "[\"" + String(repeating: "x", count: 2 * 1024 * 1024) + "\"]"
            reply = try await server.client.send(.PUT, "/api/workflow/bulk/pause", body: huge)
            #expect(reply.status == 413)
            body = try reply.object()
            #expect(body["status"] as? Int == 413)
            // The server keeps serving.
            reply = try await server.client.get("/health")
            #expect(reply.status == 200)
        }
    }
}
