import BatonModel
import BatonPersistence
import BatonStoreConformance
@testable import BatonPostgres
import Testing

/// What the PostgreSQL store does with payloads over their threshold (`StoredPayloads`).
@Suite("PostgreSQL payloads apart", .enabled(if: testDatabaseURL != nil, "set BATON_TEST_POSTGRES_URL to run"))
struct PostgresPayloadTests {
    @Test("a large input is written once, referenced from its row, not sent again by saves that keep it, and read by another node")
    func writtenOnce() async throws {
        var limits = PayloadLimits()
        limits.workflowInput.threshold = 1_000
        try await withFreshStore(payloads: limits) { store in
            let definition = WorkflowDef(name: "large", version: 1, tasks: [WorkflowTask(name: "work", taskReferenceName: "work")])
            let input: JSONObject = ["blob": .string(String(repeating: "z", count: 5_000))]
            let workflow = Workflow(workflowId: "wf-large", definition: definition, input: input, createTime: 1_000)
            try await store.write { try $0.save(workflow, previous: nil) }
            func stored() async throws -> (column: String?, version: String?) {
                try await store.write { tx in
                    let tx = try #require(tx as? PostgresTransaction)
                    return (try tx.column(String.self, "SELECT substr(input, 1, 1) FROM workflows").first,
                            try tx.column(String.self, "SELECT version FROM payloads WHERE owner_id = 'wf-large'").first)
                }
            }
            let first = try await stored()
            #expect(first.column == "@", "the row references the payload")
            #expect(first.version != nil)
            try await store.touch("wf-large", rounds: 3)
            #expect(try await stored().version == first.version, "saves that kept the input did not send it again")
            // Another node on the same database, with nothing in memory, reads the copy apart.
            let other = try await PostgresStore(configuration: store.configuration, payloads: limits)
            let read = try await other.read { try $0.workflow(id: "wf-large", includeTasks: false) }
            try await other.close()
            #expect(read?.input == input)
        }
    }
}
