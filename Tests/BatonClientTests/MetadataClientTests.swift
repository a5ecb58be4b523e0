import BatonClient
import BatonModel
import BatonTesting
import Testing

@Suite("SDK: metadata")
struct MetadataClientTests {
    @Test("task definitions: register, get, list, update, delete")
    func taskDefinitions() async throws {
        try await withClient { client, _ in
            try await client.metadata.register(taskDefs: [TaskDef(name: "a"), TaskDef(name: "b", retryCount: 1)])
            #expect(try await client.metadata.taskDef(named: "b").retryCount == 1)
            #expect(Set(try await client.metadata.taskDefs().map(\.name)).isSuperset(of: ["a", "b"]))

            var updated = try await client.metadata.taskDef(named: "a")
            updated.retryCount = 7
            try await client.metadata.update(taskDef: updated)
            #expect(try await client.metadata.taskDef(named: "a").retryCount == 7)

            try await client.metadata.deleteTaskDef(named: "a")
            let error = await #expect(throws: ClientError.self) { try await client.metadata.taskDef(named: "a") }
            #expect(error?.status == 404)
            #expect(error?.code == .refused)
            let missing = await #expect(throws: ClientError.self) {
                try await client.metadata.update(taskDef: TaskDef(name: "never-registered"))
            }
            #expect(missing?.status == 404)
        }
    }

    @Test("workflow definitions: register, overwrite, validate, upsert, versions, names, delete")
    func workflowDefinitions() async throws {
        try await withClient { client, _ in
            try await client.metadata.register(taskDefs: [TaskDef(name: "work")])
            let v1 = WorkflowDef(name: "flow", version: 1, tasks: [WorkflowTask(name: "work", taskReferenceName: "w")])
            try await client.metadata.register(workflowDef: v1)
            let duplicate = await #expect(throws: ClientError.self) { try await client.metadata.register(workflowDef: v1) }
            #expect(duplicate?.status == 409)
            #expect(duplicate?.message.contains("flow") == true)
            try await client.metadata.register(workflowDef: v1, overwrite: true)

            var v2 = v1
            v2.version = 2
            try await client.metadata.validate(workflowDef: v2)
            let invalid = WorkflowDef(name: "broken", tasks: [])
            let refusal = await #expect(throws: ClientError.self) { try await client.metadata.validate(workflowDef: invalid) }
            #expect(refusal?.status == 400)

            let upserted = try await client.metadata.update(workflowDefs: [v2, WorkflowDef(name: "other", tasks: v1.tasks)])
            #expect(Set(upserted.bulkSuccessfulResults) == ["flow", "other"])
            #expect(upserted.bulkErrorResults.isEmpty)

            #expect(try await client.metadata.workflowDef(named: "flow").version == 2)
            #expect(try await client.metadata.workflowDef(named: "flow", version: 1).version == 1)
            #expect(try await client.metadata.workflowDefs().filter { $0.name == "flow" }.count == 2)
            #expect(try await client.metadata.latestWorkflowDefs().first { $0.name == "flow" }?.version == 2)
            #expect(try await client.metadata.workflowNames() == ["flow", "other"])
            #expect(try await client.metadata.workflowVersionsByName()["flow"]?.map(\.version).sorted() == [1, 2])
            #expect(try await client.metadata.versions(ofWorkflow: "flow").map(\.version) == [1, 2])

            try await client.metadata.deleteWorkflowDef(named: "flow", version: 2)
            #expect(try await client.metadata.workflowDef(named: "flow").version == 1)
            let gone = await #expect(throws: ClientError.self) {
                try await client.metadata.workflowDef(named: "flow", version: 2)
            }
            #expect(gone?.status == 404)
        }
    }

    @Test("health and version")
    func healthAndVersion() async throws {
        try await withClient { client, _ in
            let healthy = try await client.isHealthy()
            let version = try await client.serverVersion()
            #expect(healthy)
            #expect(!version.isEmpty)
        }
    }

    @Test("a trailing slash or /api in the base URL is accepted")
    func baseURLForms() async throws {
        try await withRunningServer { server in
            for base in [server.baseURL + "/", server.baseURL + "/api/"] {
                try await withBatonClient(baseURL: base) { client in
                    try await client.metadata.register(taskDefs: [TaskDef(name: "task-1.v2_x")])
                    let definition = try await client.metadata.taskDef(named: "task-1.v2_x")
                    #expect(definition.name == "task-1.v2_x")
                }
            }
        }
    }
}
