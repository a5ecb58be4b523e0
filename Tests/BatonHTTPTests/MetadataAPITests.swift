import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

@Suite("Metadata API")
struct MetadataAPITests {
    @Test("task definitions: register a list, get, update, list, delete")
    func taskDefinitionLifecycle() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"charge","retryCount":2,"timeoutSeconds":60,"responseTimeoutSeconds":30}]"#)
            var reply = try await server.client.get("/api/metadata/taskdefs/charge")
            #expect(reply.status == 200)
            let stored = try reply.decode(TaskDef.self)
            #expect(stored.retryCount == 2)
            #expect(stored.retryLogic == .fixed)
            #expect(stored.retryDelaySeconds == 60)
            #expect(stored.createTime != nil)
            reply = try await server.client.send(.PUT, "/api/metadata/taskdefs",
                                                 body: #"{"name":"charge","retryCount":5,"responseTimeoutSeconds":30}"#)
            #expect(reply.status == 200)
            #expect(try await server.client.get("/api/metadata/taskdefs/charge").decode(TaskDef.self).retryCount == 5)
            #expect(try await server.client.get("/api/metadata/taskdefs").decode([TaskDef].self).map(\.name) == ["charge"])
            reply = try await server.client.send(.DELETE, "/api/metadata/taskdefs/charge")
            #expect(reply.status == 200)
            reply = try await server.client.get("/api/metadata/taskdefs/charge")
            #expect(reply.status == 404)
            #expect(try reply.object()["message"] as? String == "No such taskType found by name: charge")
        }
    }

    @Test("fields Conductor's engine does not read are kept and returned as given (cacheConfig, rateLimitConfig, schemas)")
    func fieldsKept() async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow(#"""
                {"name":"kept_fields","rateLimitConfig":{"rateLimitKey":"k","concurrentExecLimit":2},
                 "inputSchema":{"name":"s","type":"JSON"},"maskedFields":["secret"],
                 "tasks":[{"name":"work","taskReferenceName":"w","cacheConfig":{"key":"${workflow.input.id}","ttlInSecond":60},
                           "rateLimited":true,"joinStatus":"x"}]}
                """#)
            let reply = try await server.client.get("/api/metadata/workflow/kept_fields")
            try #require(reply.status == 200, "\(reply.text)")
            let definition = try reply.decode(WorkflowDef.self)
            #expect(definition.tasks.first?.cacheConfig == ["key": "${workflow.input.id}", "ttlInSecond": 60])
            #expect(definition.tasks.first?.rateLimited == true)
            #expect(definition.rateLimitConfig == ["rateLimitKey": "k", "concurrentExecLimit": 2])
            #expect(definition.maskedFields == ["secret"])
            #expect(definition.inputSchema == ["name": "s", "type": "JSON"])
        }
    }

    @Test("updating an unknown task definition is a 404")
    func updateUnknownTaskDefinition() async throws {
        try await withRunningServer { server in
            let reply = try await server.client.send(.PUT, "/api/metadata/taskdefs", body: #"{"name":"ghost"}"#)
            #expect(reply.status == 404)
        }
    }

    @Test("workflow definitions: create, conflict without overwrite, versions, latest, delete a version")
    func workflowDefinitionLifecycle() async throws {
        try await withRunningServer { server in
            let v1 = #"{"name":"order","version":1,"tasks":[{"name":"a","taskReferenceName":"a"}]}"#
            var reply = try await server.client.send(.POST, "/api/metadata/workflow", body: v1)
            #expect(reply.status == 200)
            reply = try await server.client.send(.POST, "/api/metadata/workflow", body: v1)
            #expect(reply.status == 409)
            #expect(try reply.object()["message"] as? String == "Workflow with order.1 already exists!")
            reply = try await server.client.send(.POST, "/api/metadata/workflow?overwrite=True", body: v1)
            #expect(reply.status == 200)
            let v2 = #"{"name":"order","version":2,"tasks":[{"name":"b","taskReferenceName":"b"}]}"#
            reply = try await server.client.send(.PUT, "/api/metadata/workflow", body: "[\(v2)]")
            #expect(reply.status == 200)
            #expect(try reply.decode(BulkResponse.self).bulkSuccessfulResults == ["order"])
            #expect(try await server.client.get("/api/metadata/workflow/order").decode(WorkflowDef.self).version == 2)
            #expect(try await server.client.get("/api/metadata/workflow/order?version=1").decode(WorkflowDef.self).tasks[0].name == "a")
            #expect(try await server.client.get("/api/metadata/workflow").decode([WorkflowDef].self).count == 2)
            let versions = try await server.client.get("/api/metadata/workflow/order/versions").decode([WorkflowDefSummary].self)
            #expect(versions.map(\.version) == [1, 2])
            reply = try await server.client.send(.DELETE, "/api/metadata/workflow/order/2")
            #expect(reply.status == 200)
            #expect(try await server.client.get("/api/metadata/workflow/order").decode(WorkflowDef.self).version == 1)
            reply = try await server.client.get("/api/metadata/workflow/order?version=7")
            #expect(reply.status == 404)
        }
    }

    @Test("invalid definitions are refused with 400 and a message naming the problem", arguments: [
        (#"{"version":1,"tasks":[{"name":"a","taskReferenceName":"a"}]}"#, "name cannot be null or empty"),
        (#"{"name":"w","tasks":[]}"#, "WorkflowTask list cannot be empty"),
        (#"{"name":"w","tasks":[{"name":"a","taskReferenceName":"x"},{"name":"b","taskReferenceName":"x"}]}"#, "'x' is used more than once"),
        (#"{"name":"w","tasks":[{"name":"a","taskReferenceName":"a","type":"TELEPORT"}]}"#, "Unknown task type 'TELEPORT'"),
        (#"{"name":"w","tasks":[{"name":"a","taskReferenceName":"a","inputParameters":{"x":"${workflow.input.a"}}]}"#, "without a matching"),
        (#"{"name":"w","tasks":[{"name":"a","taskReferenceName":"a","type":"WAIT","inputParameters":{"duration":"soon"}}]}"#, "invalid duration"),
        (#"{"name":"w","tasks":[{"name":"a","taskReferenceName":"a"}],"timeoutPolicy":"SOMETIMES"}"#, "Invalid JSON body"),
        (#"{"name":"w","tasks":"#, "Invalid JSON body"),
    ])
    func invalidDefinitions(body: String, message: String) async throws {
        try await withRunningServer { server in
            let reply = try await server.client.send(.POST, "/api/metadata/workflow", body: body)
            #expect(reply.status == 400, "\(reply.text)")
            let text = try reply.object()["message"] as? String ?? ""
            #expect(text.contains(message), "\(text)")
            #expect(try await server.client.get("/api/metadata/workflow").decode([WorkflowDef].self).isEmpty)
        }
    }

    @Test("invalid task definitions are refused with 400")
    func invalidTaskDefinitions() async throws {
        try await withRunningServer { server in
            var reply = try await server.client.send(.POST, "/api/metadata/taskdefs",
                                                     body: #"[{"name":"t","timeoutSeconds":10,"responseTimeoutSeconds":20}]"#)
            #expect(reply.status == 400)
            reply = try await server.client.send(.POST, "/api/metadata/taskdefs", body: #"[{"name":"t","retryLogic":"SOMETIMES"}]"#)
            #expect(reply.status == 400)
            reply = try await server.client.send(.POST, "/api/metadata/taskdefs", body: "[]")
            #expect(reply.status == 400)
            #expect(try await server.client.get("/api/metadata/taskdefs").decode([TaskDef].self).isEmpty)
        }
    }
}
