import BatonModel
import BatonPersistence
@testable import BatonPostgres
import Foundation
import MetricsTestKit
import Synchronization
import Testing

/// A node whose pooled connections all wait on a row lock another node holds is contended, not broken: its health
/// check answers from a connection of its own.
@Suite("PostgreSQL health", .enabled(if: testDatabaseURL != nil, "set BATON_TEST_POSTGRES_URL to run"))
struct PostgresHealthTests {
    @Test("each transaction's wait for a pooled connection is measured: none to speak of when one is free, as long as the pool was held when none was")
    func connectionWaitsMeasured() async throws {
        let url = try #require(testDatabaseURL)
        var configuration = try PostgresStore.Configuration(url: url)
        configuration.schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        configuration.maximumConnections = 1
        let metrics = TestMetrics()
        let store = try await PostgresStore(configuration: configuration, metrics: metrics)
        do {
            _ = try await store.read { try $0.workflow(id: "none", includeTasks: false) }
            let waits = try metrics.expectTimer("baton_store_connection_wait_seconds")
            #expect(waits.values.count == 1)
            // The only connection is held for 300 ms while a second transaction asks for one.
            let holding = Mutex(false)
            let held = Task {
                try await store.read { _ in
                    holding.withLock { $0 = true }
                    Thread.sleep(forTimeInterval: 0.3)
                }
            }
            while !holding.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
            _ = try await store.read { try $0.workflow(id: "none", includeTasks: false) }
            try await held.value
            #expect(waits.values.count == 3)
            let longest = waits.values.max() ?? 0
            #expect(longest >= 200_000_000, "the waiting transaction's wait was measured (\(longest) ns)")
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    @Test("while every pooled connection of a node waits on a row another node holds, the node's health check answers")
    func healthApartFromLockWaits() async throws {
        let url = try #require(testDatabaseURL)
        var configuration = try PostgresStore.Configuration(url: url)
        configuration.schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        configuration.lockTimeout = .seconds(60)
        let holder = try await PostgresStore(configuration: configuration)
        var small = configuration
        small.maximumConnections = 2
        let contended = try await PostgresStore(configuration: small)
        let workflow = Workflow(workflowId: "wf-held", definition: WorkflowDef(name: "held", tasks: []), input: [:], createTime: 1)
        let holding = Mutex(false)
        let release = Mutex(false)
        do {
            try await holder.write { try $0.save(workflow, previous: nil) }
            // The holder keeps the workflow's row locked, as a node cut off mid-write would.
            let held = Task {
                try await holder.write { tx in
                    _ = try tx.workflow(id: "wf-held", includeTasks: false)
                    holding.withLock { $0 = true }
                    while !release.withLock({ $0 }) { Thread.sleep(forTimeInterval: 0.01) }
                }
            }
            while !holding.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
            // Two writes to that workflow through the contended node take both of its connections, waiting on the lock.
            let writes = (0..<2).map { round in
                Task {
                    try await contended.write { tx in
                        guard var current = try tx.workflow(id: "wf-held", includeTasks: false) else { return }
                        let previous = current
                        current.variables = ["round": .int(Int64(round))]
                        try tx.save(current, previous: previous)
                    }
                }
            }
            let waiting = { try await holder.read { reader in
                try #require(reader as? PostgresTransaction).column(
                    Int64.self, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'").first ?? 0
            } }
            while try await waiting() < 2 { try await Task.sleep(for: .milliseconds(10)) }
            // Its pool has nothing free, and still its health check answers (a pooled read would wait for a connection).
            try await contended.checkConnectivity()
            release.withLock { $0 = true }
            try await held.value
            for write in writes { try await write.value }
            #expect(try await contended.read { try $0.workflow(id: "wf-held", includeTasks: false) }?.variables["round"] != nil)
        } catch {
            release.withLock { $0 = true }
            try? await holder.dropSchemaForTesting()
            try? await holder.close()
            try? await contended.close()
            throw error
        }
        try await holder.dropSchemaForTesting()
        try await holder.close()
        try await contended.close()
    }
}

extension PostgresHealthTests {
    @Test("a statement past statement_timeout fails that request as unavailable, with its cause")
    func statementDeadline() async throws {
        try await withFreshStore { store in
            var configuration = store.configuration
            configuration.statementTimeout = .milliseconds(100)
            let hurried = try await PostgresStore(configuration: configuration)
            let error = await #expect(throws: StoreError.self) {
                try await hurried.write { tx in
                    try #require(tx as? PostgresTransaction).execute("SELECT pg_sleep(5)")
                }
            }
            try await hurried.close()
            #expect(error?.code == .unavailable && error?.cause == .statementTimeout, "\(String(describing: error))")
        }
    }
}

/// The health probe's answer when there is no database to reach (no PostgreSQL needed).
@Suite("PostgreSQL health: no database")
struct HealthProbeFailureTests {
    @Test("a health check with no database at its address fails as unavailable, and the next one tries again")
    func unreachable() async throws {
        // Port 1 on loopback: nothing listens there, so every connection is refused.
        let probe = try HealthProbe(PostgresStore.Configuration(host: "127.0.0.1", port: 1, username: "nobody"))
        for _ in 0..<2 {
            let error = await #expect(throws: StoreError.self) { try await probe.check() }
            #expect(error?.code == .unavailable, "\(String(describing: error))")
        }
        await probe.close()
    }
}
