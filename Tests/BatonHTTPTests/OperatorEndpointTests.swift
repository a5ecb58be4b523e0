import BatonEngine
import BatonModel
import BatonTesting
import Foundation
import GRDB
import NIOHTTP1
import Testing

/// Conductor's operator endpoints: `/tasks/queue/all/verbose`, `/tasks/queue/polldata/all`,
/// `/tasks/queue/requeue/{taskType}` and `/admin/...`.
@Suite("Operator endpoints")
struct OperatorEndpointTests {
    static func startTwo(on server: RunningServer) async throws -> [String] {
        try await server.registerTaskDefs(#"[{"name":"ops_work","retryCount":0}]"#)
        try await server.registerWorkflow(#"{"name":"ops","tasks":[{"name":"ops_work","taskReferenceName":"w"}]}"#)
        return [try await server.start("ops"), try await server.start("ops")]
    }

    @Test("queue details, every poll record, and the pending tasks of a type")
    func queueDetails() async throws {
        try await withRunningServer { server in
            let ids = try await Self.startTwo(on: server)
            let taken = try #require(try await server.poll("ops_work"))
            var reply = try await server.client.get("/api/tasks/queue/all/verbose")
            #expect(reply.status == 200)
            let verbose = try JSONDecoder().decode([String: [String: [String: Int]]].self, from: Data(reply.text.utf8))
            #expect(verbose["ops_work"] == ["a": ["size": 1, "uacked": 1]])

            reply = try await server.client.get("/api/tasks/queue/polldata/all")
            let polls = try reply.decode([PollData].self)
            #expect(polls.contains { $0.queueName == "ops_work" && $0.workerId == "test-worker" })

            reply = try await server.client.get("/api/admin/task/ops_work")
            let pending = try reply.decode([BatonModel.TaskExecution].self)
            #expect(pending.map(\.workflowInstanceId) == ids, "both live tasks, oldest first")
            #expect(pending.first?.taskId == taken.taskId && pending.first?.status == .inProgress)
            reply = try await server.client.get("/api/admin/task/ops_work?start=1&count=5")
            #expect(try reply.decode([BatonModel.TaskExecution].self).map(\.workflowInstanceId) == [ids[1]])
            reply = try await server.client.get("/api/admin/task/ops_work?start=-1")
            #expect(reply.status == 400)
        }
    }

    @Test("requeue and verifyAndRepair put back a queue entry lost outside Baton; with nothing lost they change nothing")
    func repairs() async throws {
        try await withRunningServer { server in
            let ids = try await Self.startTwo(on: server)
            #expect(try await server.client.send(.POST, "/api/tasks/queue/requeue/ops_work", body: nil).text == "0")
            #expect(try await server.client.send(.POST, "/api/admin/consistency/verifyAndRepair/\(ids[0])", body: nil).text == "false")
            // An operator's hand (or a restored backup) drops the queue entries.
            let database = try DatabaseQueue(path: server.database)
            try await database.write { try $0.execute(sql: "DELETE FROM queue") }
            #expect(try await server.poll("ops_work") == nil, "nothing to hand out")
            var reply = try await server.client.send(.POST, "/api/admin/consistency/verifyAndRepair/\(ids[0])", body: nil)
            #expect(reply.status == 200 && reply.text == "true", "\(reply.text)")
            reply = try await server.client.send(.POST, "/api/tasks/queue/requeue/ops_work", body: nil)
            #expect(reply.text == "1", "the other workflow's task")
            let first = try #require(try await server.poll("ops_work"))
            let second = try #require(try await server.poll("ops_work"))
            #expect(Set([first.workflowInstanceId, second.workflowInstanceId]) == Set(ids))
            reply = try await server.client.send(.POST, "/api/admin/consistency/verifyAndRepair/unknown", body: nil)
            #expect(reply.status == 404)
        }
    }

    @Test("sweep requeue makes a workflow due now; config and event queues answer; unknown workflows are 404")
    func sweepConfigQueues() async throws {
        try await withRunningServer { server in
            let ids = try await Self.startTwo(on: server)
            var reply = try await server.client.send(.POST, "/api/admin/sweep/requeue/\(ids[0])", body: nil)
            #expect(reply.status == 200 && reply.text == "true.\(ids[0])", "\(reply.text)")
            let due = try DatabaseQueue(path: server.database)
            let wake = try await due.read { try Int64.fetchOne($0, sql: "SELECT wake_at FROM workflows WHERE id = ?", arguments: [ids[0]]) }
            #expect(wake == server.clock.now())
            reply = try await server.client.send(.POST, "/api/admin/sweep/requeue/unknown", body: nil)
            #expect(reply.status == 404)
            reply = try await server.client.get("/api/admin/config")
            let config = try JSONDecoder().decode([String: JSONValue].self, from: Data(reply.text.utf8))
            #expect(config["maximumTasksPerWorkflow"] == 10_000)
            #expect(!reply.text.contains(server.database), "no paths or secrets")
            reply = try await server.client.get("/api/admin/queues")
            #expect(reply.status == 200 && reply.text == "{}")
        }
    }
}
