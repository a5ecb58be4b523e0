import BatonHTTP
import BatonModel
import BatonServer
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// The applications of the auth tests: one per role, and a worker limited to the task type `charge`.
enum AuthFixtures {
    static let tokenSecret = "test-token-secret-0123456789abcdef0123456789"
    static let secrets = ["admin": "admin-secret", "operator": "operator-secret", "worker": "worker-secret",
                          "charger": "charger-secret", "viewer": "viewer-secret"]

    static let configuration = AuthConfiguration(tokenSecret: tokenSecret, tokenTTLSeconds: 600, applications: [
        application("admin", [.admin]),
        application("operator", [.operator]),
        application("worker", [.worker]),
        application("charger", [.worker], taskTypes: ["charge"]),
        application("viewer", [.viewer]),
    ])

    static func application(_ name: String, _ roles: Set<Role>, taskTypes: Set<String>? = nil) -> AuthApplication {
        AuthApplication(name: name, keyId: "\(name)-key", secretHash: SecretHash(hashing: secrets[name] ?? "").text,
                        roles: roles, taskTypes: taskTypes)
    }

    /// Runs `body` against a server with auth on.
    static func withAuthServer<Result: Sendable>(_ body: @Sendable (RunningServer) async throws -> Result) async throws -> Result {
        try await withRunningServer(configure: { $0.authConfiguration = configuration }, body)
    }
}

extension RunningServer {
    /// A token for one of the fixture applications, from `POST /api/token`.
    func token(_ name: String) async throws -> String {
        let body = #"{"keyId":"\#(name)-key","keySecret":"\#(AuthFixtures.secrets[name] ?? "")"}"#
        let reply = try await client.send(.POST, "/api/token", body: body)
        try #require(reply.status == 200, "\(reply.text)")
        return try #require(reply.object()["token"] as? String)
    }

    /// Sends a request as `token`.
    func send(_ method: HTTPMethod, _ path: String, body: String? = nil, as token: String) async throws -> TestHTTPClient.Reply {
        try await client.send(method, path, body: body, headers: [("X-Authorization", token)])
    }
}

@Suite("Security: API keys and roles")
struct SecurityTests {
    @Test("with auth off, /api/token is a 404 and the audit trail records anonymous")
    func authOff() async throws {
        try await withRunningServer { server in
            let reply = try await server.client.send(.POST, "/api/token", body: #"{"keyId":"a","keySecret":"b"}"#)
            #expect(reply.status == 404)
            try await server.registerChain("open", refs: ["a"])
            let id = try await server.start("open")
            let trail = try await server.client.get("/api/workflow/\(id)/events").decode([WorkflowEvent].self)
            #expect(!trail.isEmpty)
            #expect(trail.allSatisfy { $0.actor == "anonymous" || $0.actor == "baton" })
        }
    }

    @Test("a key pair gets a token; a wrong secret or unknown key gets 401")
    func tokenExchange() async throws {
        try await AuthFixtures.withAuthServer { server in
            let token = try await server.token("admin")
            #expect(token.hasPrefix("v1."))
            let wrong = try await server.client.send(.POST, "/api/token", body: #"{"keyId":"admin-key","keySecret":"nope"}"#)
            #expect(wrong.status == 401)
            let unknown = try await server.client.send(.POST, "/api/token", body: #"{"keyId":"who","keySecret":"nope"}"#)
            #expect(unknown.status == 401)
        }
    }

    @Test("a missing, forged or expired token is a 401 with the error code the Python client refreshes on")
    func badTokens() async throws {
        try await AuthFixtures.withAuthServer { server in
            let missing = try await server.client.get("/api/metadata/taskdefs")
            #expect(missing.status == 401)
            #expect(try missing.object()["error"] as? String == "INVALID_TOKEN")
            #expect(try missing.object()["message"] as? String != nil)
            #expect(try missing.object()["status"] as? Int == 401)

            let token = try await server.token("admin")
            let forged = String(token.dropLast(2)) + (token.hasSuffix("AA") ? "BB" : "AA")
            let forgedReply = try await server.send(.GET, "/api/metadata/taskdefs", as: forged)
            #expect(forgedReply.status == 401)
            #expect(try forgedReply.object()["error"] as? String == "INVALID_TOKEN")

            let authenticator = Authenticator(configuration: AuthFixtures.configuration)
            let admin = try #require(AuthFixtures.configuration.applications.first)
            let old = authenticator.token(for: admin, now: Date().addingTimeInterval(-3600))
            let expired = try await server.send(.GET, "/api/metadata/taskdefs", as: old)
            #expect(expired.status == 401)
            #expect(try expired.object()["error"] as? String == "EXPIRED_TOKEN")

            let otherServer = Authenticator(configuration: AuthConfiguration(
                tokenSecret: String(repeating: "x", count: 40), applications: AuthFixtures.configuration.applications))
            let foreign = try await server.send(.GET, "/api/metadata/taskdefs", as: otherServer.token(for: admin))
            #expect(foreign.status == 401)

            let valid = try await server.send(.GET, "/api/metadata/taskdefs", as: token)
            #expect(valid.status == 200, "\(valid.text)")
        }
    }

    @Test("the key pair itself is accepted as keyId:keySecret")
    func keyPairHeader() async throws {
        try await AuthFixtures.withAuthServer { server in
            let valid = try await server.send(.GET, "/api/metadata/taskdefs", as: "viewer-key:viewer-secret")
            #expect(valid.status == 200, "\(valid.text)")
            let wrong = try await server.send(.GET, "/api/metadata/taskdefs", as: "viewer-key:wrong")
            #expect(wrong.status == 401)
        }
    }

    @Test("health, version, the API document and the UI need no token")
    func openRoutes() async throws {
        try await AuthFixtures.withAuthServer { server in
            for path in ["/health", "/api/health", "/api/version", "/api/openapi.json", "/api/docs", "/metrics"] {
                let reply = try await server.client.get(path)
                #expect(reply.status == 200, "\(path)")
            }
        }
    }

    @Test("each role may do what it needs and gets 403 with a clear message for the rest")
    func roles() async throws {
        try await AuthFixtures.withAuthServer { server in
            let admin = try await server.token("admin")
            let operatorToken = try await server.token("operator")
            let worker = try await server.token("worker")
            let viewer = try await server.token("viewer")
            let definitions = #"[{"name":"work","retryCount":0}]"#
            let workflow = #"{"name":"flow","version":1,"tasks":[{"name":"work","taskReferenceName":"a"},{"name":"work","taskReferenceName":"b"}]}"#

            // Metadata writes: ADMIN only.
            for token in [operatorToken, worker, viewer] {
                let reply = try await server.send(.POST, "/api/metadata/taskdefs", body: definitions, as: token)
                #expect(reply.status == 403)
                let message = try reply.object()["message"] as? String ?? ""
                #expect(message.contains("ADMIN"), "\(message)")
            }
            #expect(try await server.send(.POST, "/api/metadata/taskdefs", body: definitions, as: admin).status == 200)
            #expect(try await server.send(.POST, "/api/metadata/workflow?overwrite=true", body: workflow, as: admin).status == 200)

            // Reads: VIEWER, OPERATOR, ADMIN; not a WORKER.
            #expect(try await server.send(.GET, "/api/metadata/workflow/flow", as: viewer).status == 200)
            #expect(try await server.send(.GET, "/api/metadata/workflow/flow", as: operatorToken).status == 200)
            #expect(try await server.send(.GET, "/api/metadata/workflow/flow", as: worker).status == 403)

            // Starts: OPERATOR and ADMIN.
            #expect(try await server.send(.POST, "/api/workflow/flow", body: "{}", as: viewer).status == 403)
            #expect(try await server.send(.POST, "/api/workflow/flow", body: "{}", as: worker).status == 403)
            let started = try await server.send(.POST, "/api/workflow/flow", body: "{}", as: operatorToken)
            #expect(started.status == 200, "\(started.text)")
            let id = started.text

            // Polls and results: WORKER (and ADMIN), not VIEWER or OPERATOR.
            #expect(try await server.send(.GET, "/api/tasks/poll/work?workerid=w", as: viewer).status == 403)
            #expect(try await server.send(.GET, "/api/tasks/poll/work?workerid=w", as: operatorToken).status == 403)
            let polled = try await server.send(.GET, "/api/tasks/poll/work?workerid=w", as: worker)
            #expect(polled.status == 200, "\(polled.text)")
            let task = try polled.decode(BatonModel.TaskExecution.self)
            let result = #"{"workflowInstanceId":"\#(id)","taskId":"\#(task.taskId)","status":"COMPLETED","outputData":{}}"#
            #expect(try await server.send(.POST, "/api/tasks", body: result, as: viewer).status == 403)
            #expect(try await server.send(.POST, "/api/tasks", body: result, as: worker).status == 200)

            // Signals: OPERATOR, not WORKER or VIEWER; removing: ADMIN only.
            #expect(try await server.send(.PUT, "/api/workflow/\(id)/pause", body: "{}", as: worker).status == 403)
            #expect(try await server.send(.PUT, "/api/workflow/\(id)/pause", body: "{}", as: viewer).status == 403)
            #expect(try await server.send(.PUT, "/api/workflow/\(id)/pause", body: "{}", as: operatorToken).status == 200)
            #expect(try await server.send(.DELETE, "/api/workflow/\(id)?reason=stop", body: "{}", as: operatorToken).status == 200)
            #expect(try await server.send(.DELETE, "/api/workflow/\(id)/remove", body: "{}", as: operatorToken).status == 403)

            // The audit trail records the application.
            let trail = try await server.send(.GET, "/api/workflow/\(id)/events", as: viewer).decode([WorkflowEvent].self)
            let actors = Set(trail.map(\.actor))
            #expect(actors.contains("operator"), "\(actors)")
            #expect(!actors.contains("anonymous"), "\(actors)")
            #expect(try await server.send(.DELETE, "/api/workflow/\(id)/remove", body: "{}", as: admin).status == 200)
        }
    }

    @Test("a worker limited to some task types can neither poll nor update tasks of other types")
    func taskTypeLimits() async throws {
        try await AuthFixtures.withAuthServer { server in
            let admin = try await server.token("admin")
            let charger = try await server.token("charger")
            #expect(try await server.send(.POST, "/api/metadata/taskdefs", body: #"[{"name":"charge"},{"name":"ship"}]"#, as: admin).status == 200)
            let workflow = #"{"name":"order","version":1,"tasks":[{"name":"ship","taskReferenceName":"ship"},{"name":"charge","taskReferenceName":"charge"}]}"#
            #expect(try await server.send(.POST, "/api/metadata/workflow?overwrite=true", body: workflow, as: admin).status == 200)
            let id = try await server.send(.POST, "/api/workflow/order", body: "{}", as: admin).text

            let denied = try await server.send(.GET, "/api/tasks/poll/ship?workerid=c", as: charger)
            #expect(denied.status == 403)
            #expect((try denied.object()["message"] as? String ?? "").contains("ship"))

            let ship = try await server.send(.GET, "/api/tasks/poll/ship?workerid=a", as: admin).decode(BatonModel.TaskExecution.self)
            let result = #"{"workflowInstanceId":"\#(id)","taskId":"\#(ship.taskId)","status":"COMPLETED","outputData":{}}"#
            #expect(try await server.send(.POST, "/api/tasks", body: result, as: charger).status == 403)
            #expect(try await server.send(.POST, "/api/tasks/\(id)/ship/COMPLETED", body: "{}", as: charger).status == 403)
            #expect(try await server.send(.POST, "/api/tasks", body: result, as: admin).status == 200)

            let charge = try await server.send(.GET, "/api/tasks/poll/charge?workerid=c", as: charger)
            #expect(charge.status == 200, "\(charge.text)")
            let task = try charge.decode(BatonModel.TaskExecution.self)
            let done = #"{"workflowInstanceId":"\#(id)","taskId":"\#(task.taskId)","status":"COMPLETED","outputData":{}}"#
            #expect(try await server.send(.POST, "/api/tasks", body: done, as: charger).status == 200)
            let finished = try await server.send(.GET, "/api/workflow/\(id)", as: admin).decode(Workflow.self)
            #expect(finished.status == .completed)
        }
    }

    @Test("a secret hash verifies only its own secret; a configuration with a short token secret is refused")
    func hashesAndConfiguration() throws {
        let hash = SecretHash(hashing: "s3cret")
        #expect(hash.matches("s3cret"))
        #expect(!hash.matches("s3cret "))
        #expect(SecretHash(hash.text) == hash)
        #expect(SecretHash("sha1$00$00") == nil)
        #expect(throws: AuthConfigurationError.self) {
            try AuthConfiguration(tokenSecret: "short", applications: []).validate()
        }
        #expect(throws: AuthConfigurationError.self) {
            try AuthConfiguration(tokenSecret: AuthFixtures.tokenSecret,
                                  applications: [AuthFixtures.application("admin", [.admin]),
                                                 AuthFixtures.application("admin", [.viewer])]).validate()
        }
    }

    @Test("the auth configuration file is read with --auth-config; a broken one stops the server from starting")
    func configurationFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("baton-auth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("auth.json")
        try JSONEncoder().encode(AuthFixtures.configuration).write(to: file)
        try await withRunningServer(configure: { $0.authConfigurationPath = file.path }) { server in
            #expect(try await server.client.get("/api/workflow/search").status == 401)
            let token = try await server.token("viewer")
            #expect(try await server.send(.GET, "/api/workflow/search", as: token).status == 200)
        }
        let broken = directory.appendingPathComponent("broken.json")
        try Data(#"{"tokenSecret":"x","applications":[]}"#.utf8).write(to: broken)
        var configuration = ServerConfiguration(database: directory.appendingPathComponent("db.sqlite").path)
        configuration.authConfigurationPath = broken.path
        #expect(throws: ConfigurationError.self) { _ = try BatonApplication(configuration: configuration) }
    }
}
