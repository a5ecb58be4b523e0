import BatonEngine
import BatonModel
import BatonServer
import BatonTesting
import Foundation
import GRDB
import NIOHTTP1
import Testing

/// Where a task is queued: `taskToDomain` with Conductor's rules (a list of domains picks the first with a worker
/// polling lately, else the last; `NO_DOMAIN`; no domain for system tasks), and isolation groups and namespaces
/// (system tasks only, as Conductor's mappers set them).
@Suite("Task domains and isolation")
struct TaskDomainTests {
    /// The size of a task type's queue in `domain` (`GET /tasks/queue/size`).
    static func queueSize(_ taskType: String, domain: String? = nil, on server: RunningServer) async throws -> Int {
        let query = domain.map { "&domain=\($0)" } ?? ""
        let reply = try await server.client.get("/api/tasks/queue/size?taskType=\(taskType)\(query)")
        try #require(reply.status == 200, "\(reply.text)")
        return try #require(Int(reply.text))
    }

    static func start(_ name: String, taskToDomain: String, on server: RunningServer) async throws -> String {
        let reply = try await server.client.send(.POST, "/api/workflow",
                                                 body: #"{"name":"\#(name)","input":{},"taskToDomain":\#(taskToDomain)}"#)
        try #require(reply.status == 200, "\(reply.text)")
        return reply.text
    }

    @Test("a SIMPLE task whose definition names an isolation group and a namespace is handed out to a plain poll")
    func isolatedSimpleTask() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"isolated_work","retryCount":0,"isolationGroupId":"group-a","#
                + #""executionNameSpace":"ns-1"}]"#)
            try await server.registerWorkflow(#"{"name":"isolated","tasks":[{"name":"isolated_work","taskReferenceName":"w"}]}"#)
            let id = try await server.start("isolated")
            #expect(try await Self.queueSize("isolated_work", on: server) == 1)
            let task = try #require(try await server.poll("isolated_work"), "the task was stranded in an isolated queue")
            #expect(task.workflowInstanceId == id)
            #expect(task.isolationGroupId == nil && task.executionNameSpace == nil)
            #expect(try await server.report(task, "COMPLETED").status == 200)
            #expect(try await server.workflow(id).status == .completed)
        }
    }

    @Test("of the domains d1,d2,NO_DOMAIN, a task goes to the first with a worker polling, else nowhere in particular")
    func fallbackList() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"routed","retryCount":0}]"#)
            try await server.registerWorkflow(#"{"name":"routed_flow","tasks":[{"name":"routed","taskReferenceName":"r"}]}"#)

            // Nobody polls d1 or d2: the list ends with NO_DOMAIN, so the task waits in the plain queue.
            let first = try await Self.start("routed_flow", taskToDomain: #"{"*":"d1,d2,NO_DOMAIN"}"#, on: server)
            #expect(try await server.workflow(first).tasks.first?.domain == nil)
            let plain = try #require(try await server.poll("routed"))
            #expect(plain.workflowInstanceId == first)

            // A worker polls d2 (finding nothing): the next task goes to d2.
            #expect(try await server.poll("routed", domain: "d2") == nil)
            let second = try await Self.start("routed_flow", taskToDomain: #"{"*":"d1,d2,NO_DOMAIN"}"#, on: server)
            #expect(try await server.workflow(second).tasks.first?.domain == "d2")
            #expect(try await Self.queueSize("routed", domain: "d2", on: server) == 1)
            let routed = try #require(try await server.poll("routed", domain: "d2"))
            #expect(routed.workflowInstanceId == second)

            // A specific mapping beats `*`; ten seconds after its last poll, d2 no longer counts as active.
            let third = try await Self.start("routed_flow", taskToDomain: #"{"*":"d9","routed":"d1,d2,d3"}"#, on: server)
            #expect(try await server.workflow(third).tasks.first?.domain == "d2")
            server.clock.advance(by: 10_001)
            let fourth = try await Self.start("routed_flow", taskToDomain: #"{"routed":"d1,d2,d3"}"#, on: server)
            #expect(try await server.workflow(fourth).tasks.first?.domain == "d3")
        }
    }

    @Test("another server's worker makes a domain active once the sweeper has read the poll records")
    func domainActivityAcrossServers() async throws {
        try await withRunningServer { server in
            try await server.registerTaskDefs(#"[{"name":"routed","retryCount":0}]"#)
            try await server.registerWorkflow(#"{"name":"routed_flow","tasks":[{"name":"routed","taskReferenceName":"r"}]}"#)
            // A poll recorded by another server: only the shared store knows of it.
            let elsewhere = try DatabaseQueue(path: server.database)
            try await elsewhere.write { db in
                try db.execute(sql: """
                    INSERT INTO poll_data (queue_name, task_type, domain, worker_id, last_poll_time)
                    VALUES ('d1:routed', 'routed', 'd1', 'elsewhere', ?)
                    """, arguments: [server.clock.now()])
            }
            let before = try await Self.start("routed_flow", taskToDomain: #"{"routed":"d1,d2"}"#, on: server)
            #expect(try await server.workflow(before).tasks.first?.domain == "d2")
            try await server.engine.refreshDomainActivity()
            let after = try await Self.start("routed_flow", taskToDomain: #"{"routed":"d1,d2"}"#, on: server)
            #expect(try await server.workflow(after).tasks.first?.domain == "d1")
        }
    }

    @Test("an HTTP task gets no domain from `*`; with an isolation group it runs from the group's own queue and workers")
    func httpTaskWithDomains() async throws {
        try await withRunningServer(configure: { $0.httpTaskTargets = .unrestricted }) { server in
            try await server.registerTaskDefs(#"[{"name":"call","retryCount":0,"isolationGroupId":"http-group"}]"#)
            try await server.registerWorkflow(#"""
                {"name":"http_domain","tasks":[{"name":"call","taskReferenceName":"call","type":"HTTP","inputParameters":{
                  "http_request":{"uri":"\#(server.baseURL)/api/metadata/taskdefs/call","method":"GET"}}}]}
                """#)
            let id = try await Self.start("http_domain", taskToDomain: #"{"*":"x"}"#, on: server)
            var workflow = try await server.workflow(id)
            for _ in 0..<600 where !workflow.status.isTerminal {
                try await Task.sleep(for: .milliseconds(25))
                workflow = try await server.workflow(id)
            }
            #expect(workflow.status == .completed, "\(workflow.reasonForIncompletion ?? "")")
            #expect(workflow.tasks.first?.domain == nil)
            #expect(workflow.tasks.first?.isolationGroupId == "http-group")
            // It waited in the group's own queue, which workers of its own poll (Conductor's `HTTP-http-group`).
            let polls = try await server.client.get("/api/tasks/queue/polldata/all").decode([PollData].self)
            #expect(polls.contains { $0.queueName == "HTTP-http-group" && $0.workerId == "baton-http" }, "\(polls)")
        }
    }
}
