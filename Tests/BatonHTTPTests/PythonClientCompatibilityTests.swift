import BatonModel
import BatonTesting
import Foundation
import NIOHTTP1
import Testing

/// What the official Python client (conductor-python 2.0.0) sends, byte for byte, so that each wire fix
/// found by the interop suite in `Interop/` stays covered without Python.
@Suite("conductor-python compatibility")
struct PythonClientCompatibilityTests {
    @Test("`+` in a query string is a space, as Python's urlencode writes it; `%2B` stays a plus")
    func plusInQueryIsASpace() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            let first = try await server.start("flow")
            let second = try await server.start("flow")

            var reply = try await server.client.send(.DELETE, "/api/workflow/\(first)?reason=operator+said+stop", body: "{}")
            #expect(reply.status == 200, "\(reply.text)")
            #expect(try await server.workflow(first).reasonForIncompletion == "operator said stop")

            reply = try await server.client.send(.POST, "/api/workflow/bulk/terminate?reason=1%2B1+is+2", body: #"["\#(second)"]"#)
            #expect(reply.status == 200, "\(reply.text)")
            #expect(try await server.workflow(second).reasonForIncompletion == "1+1 is 2")

            reply = try await server.client.get("/api/workflow/search?start=0&size=100&freeText=%2A&query=workflowType+IN+%28flow%29")
            #expect(reply.status == 200, "\(reply.text)")
            #expect(try reply.decode(SearchResult<WorkflowSummary>.self).totalHits == 2)
        }
    }

    @Test("search summaries carry inputSize and outputSize, which the client's WorkflowSummary reads")
    func summarySizes() async throws {
        try await withRunningServer { server in
            try await server.registerChain("flow", refs: ["a"])
            _ = try await server.start("flow", input: #"{"n":"é"}"#)
            let reply = try await server.client.get("/api/workflow/search?query=workflowType%3Dflow")
            let summary = try #require(try reply.object()["results"] as? [[String: Any]]).first
            #expect(summary?["input"] as? String == #"{"n":"é"}"#)
            #expect(summary?["inputSize"] as? Int == 9)
            #expect(summary?["outputSize"] as? Int == 2)
        }
    }
}
