import BatonModel
import BatonServer
import BatonTesting
import Foundation
import GRDB
import NIOHTTP1
import Testing

/// What clients see while the database cannot take writes, and that the server recovers by itself.
@Suite("Overload")
struct OverloadTests {
    @Test("while another process holds the database's write lock, writes get a retryable 503; then they work again")
    func lockedDatabase() async throws {
        try await withRunningServer(configure: { $0.sqliteBusyTimeout = .milliseconds(200) }) { server in
            try await server.registerChain("flow", refs: ["a"])
            var configuration = Configuration()
            configuration.allowsUnsafeTransactions = true
            let intruder = try DatabaseQueue(path: server.database, configuration: configuration)
            try await intruder.writeWithoutTransaction { db in try db.execute(sql: "BEGIN EXCLUSIVE TRANSACTION") }
            let refused = try await server.client.send(.POST, "/api/workflow/flow", body: "{}")
            #expect(refused.status == 503, "\(refused.text)")
            let body = try refused.object()
            #expect(body["retryable"] as? Bool == true)
            #expect(body["status"] as? Int == 503)
            #expect(refused.headers.first(name: "Retry-After") != nil)
            // Reads still work from the WAL snapshot.
            #expect(try await server.client.get("/api/metadata/workflow/flow").status == 200)
            try await intruder.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
            let accepted = try await server.client.send(.POST, "/api/workflow/flow", body: "{}")
            #expect(accepted.status == 200, "\(accepted.text)")
            #expect(try await server.workflow(accepted.text).status == .running)
            #expect(try await server.client.get("/api/workflow/search").decode(SearchResult<WorkflowSummary>.self).totalHits == 1,
                    "the refused start left a workflow behind")
        }
    }
}
