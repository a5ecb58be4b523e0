import BatonEngine
import BatonHTTP
import BatonModel
import BatonServer
import BatonTesting
import Foundation
import Hummingbird
import NIOHTTP1
import Testing

/// No key does more than its role: what a request acts on is decided from the one parse of its body, worker
/// keys touch only tasks of their types and never read whole workflows, inline definitions need the role that
/// registers definitions, and HTTP tasks cannot reach the server's own host.
@Suite("Security: least privilege")
struct LeastPrivilegeTests {
    /// A workflow `order` of `ship` then `charge`, started by the admin, with `ship` polled by the admin's worker;
    /// returns the workflow id and the `ship` task (IN_PROGRESS).
    private static func order(on server: RunningServer, admin: String) async throws -> (id: String, ship: BatonModel.TaskExecution) {
        #expect(try await server.send(.POST, "/api/metadata/taskdefs", body: #"[{"name":"charge"},{"name":"ship"}]"#,
                                      as: admin).status == 200)
        let definition = #"{"name":"order","version":1,"tasks":[{"name":"ship","taskReferenceName":"ship"},"#
            + #"{"name":"charge","taskReferenceName":"charge"},{"name":"approval","taskReferenceName":"approval","type":"WAIT"}]}"#
        #expect(try await server.send(.POST, "/api/metadata/workflow?overwrite=true", body: definition, as: admin).status == 200)
        let id = try await server.send(.POST, "/api/workflow/order", body: "{}", as: admin).text
        let ship = try await server.send(.GET, "/api/tasks/poll/ship?workerid=a", as: admin).decode(BatonModel.TaskExecution.self)
        return (id, ship)
    }

    private static func result(_ id: String, _ taskId: String, _ status: String = "COMPLETED") -> String {
        #"{"workflowInstanceId":"\#(id)","taskId":"\#(taskId)","status":"\#(status)","outputData":{}}"#
    }

    private static func status(of taskId: String, in id: String, on server: RunningServer, as token: String) async throws -> TaskStatus? {
        try await server.send(.GET, "/api/workflow/\(id)", as: token).decode(Workflow.self).tasks.first { $0.taskId == taskId }?.status
    }

    @Test("a type-limited worker's batch naming another type's task is refused whole, and that task stays as it was")
    func batchOfAnotherType() async throws {
        try await AuthFixtures.withAuthServer { server in
            let admin = try await server.token("admin")
            let charger = try await server.token("charger")
            let (id, ship) = try await Self.order(on: server, admin: admin)
            let reply = try await server.send(.POST, "/api/tasks/batch", body: "[\(Self.result(id, ship.taskId))]", as: charger)
            #expect(reply.status == 403, "\(reply.text)")
            #expect(reply.text.contains("ship"))
            #expect(try await Self.status(of: ship.taskId, in: id, on: server, as: admin) == .inProgress)
        }
    }

    @Test("update-v2 with taskId given twice is a 400 and changes nothing; with another type's task, a 403")
    func updateV2DuplicateKey() async throws {
        try await AuthFixtures.withAuthServer { server in
            let admin = try await server.token("admin")
            let charger = try await server.token("charger")
            let (id, ship) = try await Self.order(on: server, admin: admin)
            let twice = #"{"workflowInstanceId":"\#(id)","taskId":"not-a-charge-task","status":"COMPLETED","taskId":"\#(ship.taskId)"}"#
            let duplicated = try await server.send(.POST, "/api/tasks/update-v2", body: twice, as: charger)
            #expect(duplicated.status == 400, "\(duplicated.text)")
            #expect(duplicated.text.contains("taskId"))
            let direct = try await server.send(.POST, "/api/tasks/update-v2", body: Self.result(id, ship.taskId), as: charger)
            #expect(direct.status == 403, "\(direct.text)")
            #expect(try await Self.status(of: ship.taskId, in: id, on: server, as: admin) == .inProgress)
            // The same with every key: a document naming a key twice is not JSON any reader agrees on.
            let start = try await server.send(.POST, "/api/workflow", body: #"{"name":"order","name":"other"}"#, as: admin)
            #expect(start.status == 400, "\(start.text)")
        }
    }

    @Test("a worker key neither reads a workflow through the /sync form nor fails tasks of other types by reference")
    func workerReferenceNames() async throws {
        try await AuthFixtures.withAuthServer { server in
            let admin = try await server.token("admin")
            let charger = try await server.token("charger")
            let worker = try await server.token("worker")
            let (id, ship) = try await Self.order(on: server, admin: admin)
            #expect(try await server.send(.POST, "/api/tasks/\(id)/ship/IN_PROGRESS/sync", body: "{}", as: worker).status == 403)
            #expect(try await server.send(.POST, "/api/tasks/\(id)/ship/IN_PROGRESS/sync", body: "{}", as: charger).status == 403)
            let fail = try await server.send(.POST, "/api/tasks/\(id)/ship/FAILED_WITH_TERMINAL_ERROR", body: "{}", as: charger)
            #expect(fail.status == 403, "\(fail.text)")
            let log = try await server.send(.POST, "/api/tasks/\(ship.taskId)/log", body: #""hello""#, as: charger)
            #expect(log.status == 403, "\(log.text)")
            let workflow = try await server.send(.GET, "/api/workflow/\(id)", as: admin).decode(Workflow.self)
            #expect(workflow.status == .running)
            #expect(try await server.send(.GET, "/api/tasks/\(ship.taskId)/log", as: admin).status == 204)
            // The operator may use the /sync form (it answers the workflow).
            let operatorToken = try await server.token("operator")
            #expect(try await server.send(.POST, "/api/tasks/\(id)/ship/COMPLETED/sync", body: "{}", as: operatorToken).status == 200)
        }
    }

    @Test("starting a workflow with an inline definition needs the ADMIN role; a registered one does not")
    func inlineDefinitions() async throws {
        try await AuthFixtures.withAuthServer { server in
            let admin = try await server.token("admin")
            let operatorToken = try await server.token("operator")
            let inline = #"{"name":"adhoc","workflowDef":{"name":"adhoc","version":1,"tasks":[{"name":"js","taskReferenceName":"js","#
                + #""type":"INLINE","inputParameters":{"evaluatorType":"javascript","expression":"1"}}]}}"#
            let refused = try await server.send(.POST, "/api/workflow", body: inline, as: operatorToken)
            #expect(refused.status == 403, "\(refused.text)")
            #expect(refused.text.contains("workflowDef"))
            let search = try await server.send(.GET, "/api/workflow/search?query=workflowType%3Dadhoc", as: admin)
            #expect(try search.object()["totalHits"] as? Int == 0)
            #expect(try await server.send(.POST, "/api/workflow", body: inline, as: admin).status == 200)
            _ = try await Self.order(on: server, admin: admin)
            #expect(try await server.send(.POST, "/api/workflow", body: #"{"name":"order"}"#, as: operatorToken).status == 200)
        }
    }

    @Test("HTTP tasks may not call loopback or link-local addresses by default; --http-task-allow exempts a range")
    func httpTaskTargets() async throws {
        try await withRunningServer { server in
            try await ControlFlowTests.register("http_call", on: server)
            let port = try #require(URLComponents(string: server.baseURL)?.port)
            for uri in ["\(server.baseURL)/api/metadata/taskdefs", "http://169.254.169.254/latest/meta-data/",
                        "http://[::ffff:127.0.0.1]:\(port)/api/metadata/taskdefs", "http://localhost:\(port)/"] {
                let id = try await server.start("http_call", input: #"{"uri":"\#(uri)"}"#)
                let workflow = try await ControlFlowTests.waitForEnd(of: id, on: server)
                #expect(workflow.status == .failed, "\(uri)")
                #expect(workflow.tasks.first?.status == .failedWithTerminalError, "\(uri)")
                #expect(workflow.tasks.first?.reasonForIncompletion?.contains("may not call") == true,
                        "\(workflow.tasks.first?.reasonForIncompletion ?? "")")
            }
        }
        try await withRunningServer(configure: { $0.httpTaskTargets.allowed = ["127.0.0.1"].compactMap(AddressRange.init) }) { server in
            try await ControlFlowTests.register("http_call", on: server)
            let id = try await server.start("http_call", input: #"{"uri":"\#(server.baseURL)/api/metadata/taskdefs"}"#)
            let workflow = try await ControlFlowTests.waitForEnd(of: id, on: server)
            #expect(workflow.status == .completed, "\(workflow.tasks.first?.reasonForIncompletion ?? "")")
        }
    }

    @Test("a redirect is followed only where the first address could go: one to a denied address fails the task")
    func httpTaskRedirects() async throws {
        try await withRunningServer(configure: { $0.httpTaskTargets.allowed = ["127.0.0.1"].compactMap(AddressRange.init) }) { server in
            try await withRedirector { redirector in
                try await ControlFlowTests.register("http_call", on: server)
                let allowed = "\(redirector)/to?target=\(server.baseURL)/api/metadata/taskdefs"
                let followed = try await ControlFlowTests.waitForEnd(
                    of: try await server.start("http_call", input: #"{"uri":"\#(allowed)"}"#), on: server)
                #expect(followed.status == .completed, "\(followed.tasks.first?.reasonForIncompletion ?? "")")
                #expect(followed.output["status"] == 200)
                let port = try #require(URLComponents(string: server.baseURL)?.port)
                let denied = "\(redirector)/to?target=http://127.0.0.2:\(port)/api/metadata/taskdefs"
                let refused = try await ControlFlowTests.waitForEnd(
                    of: try await server.start("http_call", input: #"{"uri":"\#(denied)"}"#), on: server)
                #expect(refused.status == .failed)
                #expect(refused.tasks.first?.reasonForIncompletion?.contains("127.0.0.2") == true,
                        "\(refused.tasks.first?.reasonForIncompletion ?? "")")
            }
        }
    }

    @Test("address ranges: IPv4 and IPv6 prefixes, single addresses and IPv4-mapped IPv6 addresses")
    func addressRanges() throws {
        let loopback = try #require(AddressRange("127.0.0.0/8"))
        #expect(loopback.contains(try #require(IPAddress("127.1.2.3"))))
        #expect(loopback.contains(try #require(IPAddress("::ffff:127.0.0.1"))))
        #expect(!loopback.contains(try #require(IPAddress("128.0.0.1"))))
        #expect(!loopback.contains(try #require(IPAddress("::1"))))
        let linkLocal = try #require(AddressRange("fe80::/10"))
        #expect(linkLocal.contains(try #require(IPAddress("fe80::1"))))
        #expect(linkLocal.contains(try #require(IPAddress("febf::1"))))
        #expect(!linkLocal.contains(try #require(IPAddress("fec0::1"))))
        let single = try #require(AddressRange("10.1.2.3"))
        #expect(single.contains(try #require(IPAddress("10.1.2.3"))))
        #expect(!single.contains(try #require(IPAddress("10.1.2.4"))))
        #expect(AddressRange("10.0.0.0/33") == nil)
        #expect(AddressRange("example.com") == nil)
        let metadataService = try #require(IPAddress("169.254.169.254"))
        #expect(HTTPTargetPolicy.defaultDenied.count == 6)
        #expect(HTTPTargetPolicy.standard.denied.contains { $0.contains(metadataService) })
    }
}

/// Runs a small HTTP server on 127.0.0.1 whose `/to?target=URL` answers `302 Found` to `URL`; `body` gets its base URL.
private func withRedirector(_ body: @Sendable (String) async throws -> Void) async throws {
    let router = Router()
    router.get("to") { request, _ -> Response in
        let target = request.uri.queryParameters.get("target") ?? "/"
        return Response(status: .found, headers: [.location: target])
    }
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                          onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) })
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        try await body("http://127.0.0.1:\(port)")
        group.cancelAll()
    }
}

extension LeastPrivilegeTests {
    @Test("Baton's own script queue is not for workers: a poll of it is a 400, and the runner still evaluates the INLINE")
    func scriptQueueIsNotPolled() async throws {
        try await withRunningServer { server in
            try await server.registerWorkflow(#"{"name":"calc","version":1,"tasks":[{"name":"sum","taskReferenceName":"sum","#
                + #""type":"INLINE","inputParameters":{"evaluatorType":"javascript","expression":"1 + 2"}}]}"#)
            let id = try await server.start("calc")
            for path in ["/api/tasks/poll/_baton_scripts", "/api/tasks/poll/batch/_baton_scripts?count=5&timeout=1"] {
                let reply = try await server.client.get(path)
                #expect(reply.status == 400, "\(path): \(reply.text)")
                #expect(reply.text.contains("script runner"))
            }
            let workflow = try await ControlFlowTests.waitForEnd(of: id, on: server)
            #expect(workflow.status == .completed)
            #expect(workflow.tasks.first?.outputData["result"] == 3)
        }
    }
}
