@testable import BatonPostgres
import BatonModel
import BatonPersistence
import Foundation
import Synchronization
import Testing

/// Several stores on one schema, as several Baton servers on one database.
@Suite("PostgreSQL: several nodes on one database", .enabled(if: testDatabaseURL != nil, "set BATON_TEST_POSTGRES_URL to run"))
struct PostgresClusterTests {
    @Test("concurrent claims from three nodes hand out every queue entry exactly once")
    func claimsAreExclusive() async throws {
        try await withNodes(3) { nodes in
            try await nodes[0].write { tx in
                for index in 0..<300 {
                    try tx.enqueue(QueueEntry(taskId: "t\(index)", workflowId: "wf", queueName: "work", priority: index % 3,
                                              visibleAt: 0))
                }
            }
            let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
                for worker in 0..<12 {
                    let node = nodes[worker % nodes.count]
                    group.addTask {
                        var mine: [String] = []
                        while true {
                            let batch = try await node.write { try $0.claim(queueName: "work", count: 7, now: 1) }
                            if batch.isEmpty { return mine }
                            mine += batch
                        }
                    }
                }
                var all: [String] = []
                for try await batch in group { all += batch }
                return all
            }
            #expect(claimed.count == 300, "every entry handed out once, none twice")
            #expect(Set(claimed).count == 300)
        }
    }

    @Test("read-modify-write of one workflow from three nodes at once loses no update")
    func oneWriterPerWorkflow() async throws {
        try await withNodes(3) { nodes in
            var workflow = Workflow(workflowId: "wf-counter", definition: WorkflowDef(name: "counter", tasks: []),
                                    input: [:], createTime: 1)
            workflow.variables = ["count": 0]
            try await nodes[0].write { [workflow] in try $0.save(workflow, previous: nil) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<15 {
                    let node = nodes[writer % nodes.count]
                    group.addTask {
                        for _ in 0..<10 {
                            try await node.write { tx in
                                guard let original = try tx.workflow(id: "wf-counter", includeTasks: false) else { return }
                                var changed = original
                                let count = original.variables["count"]?.intValue ?? -1_000
                                changed.variables["count"] = .int(count + 1)
                                try tx.save(changed, previous: original)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let final = try await nodes[1].read { try $0.workflow(id: "wf-counter", includeTasks: false) }
            #expect(final?.variables["count"] == .int(150))
        }
    }

    @Test("a write that waits on a row another node holds fails as unavailable at the lock deadline, and the pool goes on")
    func lockWaitsHaveADeadline() async throws {
        try await withNodes(2, lockTimeout: .milliseconds(300)) { nodes in
            let workflow = Workflow(workflowId: "wf-held", definition: WorkflowDef(name: "held", tasks: []), input: [:], createTime: 1)
            try await nodes[0].write { try $0.save(workflow, previous: nil) }
            #expect(try await nodes[1].read { reader in try reader.workflow(id: "wf-held", includeTasks: false) } != nil)
            // Every connection starts with its deadlines (and the server-side keepalives).
            let settings = try await nodes[1].settingsForTesting(["lock_timeout", "statement_timeout",
                                                                  "idle_in_transaction_session_timeout", "tcp_keepalives_idle"])
            #expect(settings == ["300ms", "30s", "1min", "30"] || settings.last == "0",
                    "\(settings) (a Unix-socket connection has no TCP keepalives: 0)")
            let holding = Mutex(false)
            // Node 0 holds the workflow's row in an open transaction, as a node cut off mid-write would.
            async let held: Void = nodes[0].write { tx in
                _ = try tx.workflow(id: "wf-held", includeTasks: false)
                var changed = workflow
                changed.variables = ["by": "node 0"]
                try tx.save(changed, previous: workflow)
                holding.withLock { $0 = true }
                Thread.sleep(forTimeInterval: 1.5)
            }
            while !holding.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
            // Without a deadline the write would wait for node 0 and then succeed; with one it gives up.
            let refused = await #expect(throws: StoreError.self) {
                try await nodes[1].write { tx in
                    guard var other = try tx.workflow(id: "wf-held", includeTasks: false) else { return }
                    let original = other
                    other.variables = ["by": "node 1"]
                    try tx.save(other, previous: original)
                }
            }
            #expect(refused?.code == .unavailable && refused?.cause == .lockTimeout, "\(String(describing: refused))")
            try await held
            // The node that gave up serves on.
            #expect(try await nodes[1].read { try $0.workflow(id: "wf-held", includeTasks: false) }?.variables["by"] == "node 0")
        }
    }

    @Test("due wake-ups claimed from three nodes go to one node each")
    func wakeUpsAreClaimedOnce() async throws {
        try await withNodes(3) { nodes in
            try await nodes[0].write { tx in
                for index in 0..<90 {
                    let workflow = Workflow(workflowId: "wf-\(index)", definition: WorkflowDef(name: "timer", tasks: []),
                                            input: [:], createTime: 1)
                    try tx.save(workflow, previous: nil)
                    try tx.setWakeUp(workflowId: workflow.workflowId, at: Int64(index))
                }
            }
            let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
                for sweeper in 0..<9 {
                    let node = nodes[sweeper % nodes.count]
                    group.addTask {
                        var mine: [String] = []
                        while true {
                            let batch = try await node.write {
                                try $0.claimDueWorkflowIds(at: 1_000, limit: 4, leaseUntil: 60_000)
                            }
                            if batch.isEmpty { return mine }
                            mine += batch
                        }
                    }
                }
                var all: [String] = []
                for try await batch in group { all += batch }
                return all
            }
            #expect(claimed.count == 90)
            #expect(Set(claimed).count == 90)
        }
    }

    @Test("a task queued through one node wakes the listener of another (LISTEN/NOTIFY)")
    func notificationsCrossNodes() async throws {
        try await withNodes(2) { nodes in
            let received = Heard()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await nodes[1].watchQueues { queues in received.names.withLock { $0 += queues } }
                }
                // Queue until the listener has started and hears it (LISTEN takes a moment to register).
                let deadline = ContinuousClock.now + .seconds(10)
                var round = 0
                while received.names.withLock({ $0.isEmpty }), ContinuousClock.now < deadline {
                    round += 1
                    try await nodes[0].write { [round] tx in
                        try tx.enqueue(QueueEntry(taskId: "t\(round)", workflowId: "wf", queueName: "eu:ship", priority: 0,
                                                  visibleAt: 0))
                    }
                    try await Task.sleep(for: .milliseconds(100))
                }
                // A transaction that rolls back announces nothing; the next committed one is heard.
                _ = try? await nodes[0].write { tx in
                    try tx.enqueue(QueueEntry(taskId: "rolled-back", workflowId: "wf", queueName: "never", priority: 0,
                                              visibleAt: 0))
                    throw CancellationError()
                }
                try await nodes[0].write { tx in
                    try tx.enqueue(QueueEntry(taskId: "after", workflowId: "wf", queueName: "after", priority: 0, visibleAt: 0))
                }
                while !received.names.withLock({ $0.contains("after") }), ContinuousClock.now < deadline + .seconds(5) {
                    try await Task.sleep(for: .milliseconds(20))
                }
                group.cancelAll()
            }
            let heard = received.names.withLock { $0 }
            #expect(heard.first == "eu:ship")
            #expect(heard.contains("after"))
            #expect(!heard.contains("never"), "a rolled-back transaction must not wake anyone")
        }
    }
}

/// The queue names a listener heard.
final class Heard: Sendable {
    let names = Mutex<[String]>([])
}

/// Runs `body` with `count` stores on one new schema (dropped afterwards), like `count` Baton servers.
func withNodes(_ count: Int, lockTimeout: Duration? = nil, _ body: ([PostgresStore]) async throws -> Void) async throws {
    let url = try #require(testDatabaseURL)
    var configuration = try PostgresStore.Configuration(url: url)
    if let lockTimeout { configuration.lockTimeout = lockTimeout }
    configuration.schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    configuration.maximumConnections = 6
    var nodes: [PostgresStore] = []
    for _ in 0..<count { nodes.append(try await PostgresStore(configuration: configuration)) }
    do {
        try await body(nodes)
    } catch {
        try? await nodes[0].dropSchemaForTesting()
        for node in nodes { try? await node.close() }
        throw error
    }
    try await nodes[0].dropSchemaForTesting()
    for node in nodes { try await node.close() }
}
