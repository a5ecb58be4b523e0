import BatonEngine
import BatonHTTP
import BatonModel
import BatonServer
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

@Suite("Security: hostile input")
struct LimitsTests {
    @Test("a body over the configured size limit is a 413 that names the limit")
    func bodySize() async throws {
        try await withRunningServer(configure: { $0.requestLimits.maximumBodySize = 64 * 1024 }) { server in
            let big = #"[{"name":"x","description":""# + String(repeating: "a", count: 70 * 1024) + #""}]"#
            let reply = try await server.client.send(.POST, "/api/metadata/taskdefs", body: big)
            #expect(reply.status == 413)
            let message = try reply.object()["message"] as? String ?? ""
            #expect(message.contains("65536") && message.contains("maximumBodySize"), "\(message)")
            #expect(try await server.client.send(.POST, "/api/metadata/taskdefs", body: #"[{"name":"x"}]"#).status == 200)
        }
    }

    @Test("a body nested 100 000 levels deep is a 400, and the server keeps serving")
    func deepNesting() async throws {
        try await withRunningServer { server in
            try await server.registerChain("deep", refs: ["a"])
            let depth = 100_000
            let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            for path in ["/api/workflow/deep", "/api/metadata/taskdefs", "/api/workflow", "/api/tasks"] {
                let reply = try await server.client.send(.POST, path, body: deep)
                #expect(reply.status == 400, "\(path): \(reply.text.prefix(200))")
                #expect((try reply.object()["message"] as? String ?? "").contains("maximumJSONDepth"))
            }
            let objects = String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
            #expect(try await server.client.send(.POST, "/api/workflow/deep", body: objects).status == 400)
            // Brackets inside strings do not count; a reasonable depth is accepted.
            let strings = #"{"text":""# + String(repeating: "[", count: 1000) + #""}"#
            #expect(try await server.client.send(.POST, "/api/workflow/deep", body: strings).status == 200)
            let nested = String(repeating: #"{"a":"#, count: 100) + "1" + String(repeating: "}", count: 100)
            #expect(try await server.client.send(.POST, "/api/workflow/deep", body: nested).status == 200)
            #expect(try await server.client.get("/health").status == 200)
        }
    }

    @Test("unknown enum values and malformed JSON are 400s")
    func malformed() async throws {
        try await withRunningServer { server in
            let unknownStatus = #"{"workflowInstanceId":"w","taskId":"t","status":"DONE"}"#
            #expect(try await server.client.send(.POST, "/api/tasks", body: unknownStatus).status == 400)
            let badPolicy = #"[{"name":"x","timeoutPolicy":"SOMETIMES"}]"#
            #expect(try await server.client.send(.POST, "/api/metadata/taskdefs", body: badPolicy).status == 400)
            for body in ["{", "[1,", "nul", "\u{0}", #"{"name":"#, String(repeating: "]", count: 1000)] {
                let reply = try await server.client.send(.POST, "/api/workflow", body: body)
                #expect(reply.status == 400, "\(body.prefix(20)): \(reply.text)")
            }
        }
    }
}
