import BatonModel
import BatonPersistence
@testable import BatonSQLite
import Foundation
import Dispatch
import Synchronization
import Testing

/// The writer's cache of large executions' tasks: it serves what the rows hold after every commit, and
/// nothing of a job or transaction that rolled back. Each store here compares every execution it serves
/// from the cache with its rows, and throws on a difference.
@Suite("SQLite execution cache")
struct ExecutionCacheTests {
    struct Refused: Error {}

    static func withStore(capacity: Int = 1_000, _ body: (SQLiteStore) async throws -> Void) async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteStore(path: directory.appendingPathComponent("baton.sqlite").path, durability: .normal,
                                        busyTimeout: .seconds(10),
                                        executionCache: ExecutionCache.Policy(minimumTasks: 3, capacity: capacity, verifies: true))
            do {
                try await body(store)
            } catch {
                try await store.close()
                throw error
            }
            try await store.close()
        }
    }

    /// Starts an execution with `count` tasks and reads it back in a write, as its first decision does (an
    /// execution is kept from its first read on, not from its start: most never grow large).
    static func start(_ id: String, tasks count: Int, in store: SQLiteStore) async throws {
        let workflow = SQLiteStoreTests.workflow(id)
        try await store.write { tx in
            try tx.save(workflow, previous: nil)
            for seq in 1...count {
                var task = SQLiteStoreTests.task("\(id)-t\(seq)", of: workflow)
                task.seq = seq
                try tx.save(task, previous: nil)
            }
        }
        _ = try await tasks(of: id, in: store)
    }

    /// The execution's tasks as a write transaction reads them (from the cache when it holds them).
    static func tasks(of id: String, in store: SQLiteStore) async throws -> [TaskExecution] {
        try await store.write { tx in try tx.workflow(id: id, includeTasks: true)?.tasks ?? [] }
    }

    /// Changes one task's status in a write of its own, reading the execution first as the engine does.
    static func setStatus(_ status: TaskStatus, ofTask taskId: String, in id: String, _ tx: any StoreTransaction) throws {
        guard let workflow = try tx.workflow(id: id, includeTasks: true),
              let task = workflow.tasks.first(where: { $0.taskId == taskId }) else { throw Refused() }
        var changed = task
        changed.status = status
        try tx.save(changed, previous: task)
    }

    @Test("a large live execution is kept after its commit and served as its rows hold it; a small one is not kept")
    func keepsLargeExecutions() async throws {
        try await Self.withStore { store in
            try await Self.start("large", tasks: 5, in: store)
            try await Self.start("small", tasks: 2, in: store)
            #expect(store.executions.held == (1, 5))
            try await store.write { tx in try Self.setStatus(.inProgress, ofTask: "large-t2", in: "large", tx) }
            let tasks = try await Self.tasks(of: "large", in: store)
            #expect(tasks.map(\.seq) == [1, 2, 3, 4, 5])
            #expect(tasks[1].status == .inProgress)
            #expect(try await store.read { try $0.workflow(id: "large", includeTasks: true)?.tasks } == tasks)
        }
    }

    @Test("a write that fails, alone or beside one that succeeds in the same commit, leaves nothing in the cache")
    func rolledBackWritesLeaveNothing() async throws {
        try await Self.withStore { store in
            try await Self.start("large", tasks: 4, in: store)
            await #expect(throws: Refused.self) {
                try await store.write { tx in
                    try Self.setStatus(.completed, ofTask: "large-t1", in: "large", tx)
                    throw Refused()
                }
            }
            #expect(try await Self.tasks(of: "large", in: store).map(\.status) == [.scheduled, .scheduled, .scheduled, .scheduled])

            // Grouped in one commit: the whole group first runs as one transaction, is rolled back when the
            // second fails, and runs again with a savepoint each.
            let bodies: [@Sendable (any StoreTransaction) throws -> Void] = [
                { tx in try Self.setStatus(.completed, ofTask: "large-t2", in: "large", tx) },
                { tx in
                    try Self.setStatus(.failed, ofTask: "large-t3", in: "large", tx)
                    throw Refused()
                },
            ]
            let outcomes = await store.writeEach(bodies)
            #expect((try? outcomes[0].get()) != nil)
            #expect((try? outcomes[1].get()) == nil)
            #expect(try await Self.tasks(of: "large", in: store).map(\.status) == [.scheduled, .completed, .scheduled, .scheduled])
        }
    }

    @Test("tasks saved and deleted without reading the execution first, and new attempts, are followed")
    func followsWritesWithoutRead() async throws {
        try await Self.withStore { store in
            try await Self.start("large", tasks: 4, in: store)
            let workflow = SQLiteStoreTests.workflow("large")
            try await store.write { tx in
                // As a poll does: one task read and saved, the execution never loaded.
                guard let task = try tx.task(id: "large-t4") else { throw Refused() }
                var polled = task
                polled.status = .inProgress
                polled.pollCount = 1
                try tx.save(polled, previous: task)
                var retry = SQLiteStoreTests.task("large-t5", of: workflow)
                retry.seq = 5
                try tx.save(retry, previous: nil)
                try tx.deleteTasks(ids: ["large-t1"])
            }
            #expect(store.executions.held.executions == 1)
            let tasks = try await Self.tasks(of: "large", in: store)
            #expect(tasks.map(\.taskId) == ["large-t2", "large-t3", "large-t4", "large-t5"])
            #expect(tasks[2].status == .inProgress)
        }
    }

    @Test("an execution that ends, or is deleted, leaves the cache; the least recently used go first past the capacity")
    func boundedToLiveExecutions() async throws {
        try await Self.withStore(capacity: 8) { store in
            try await Self.start("first", tasks: 4, in: store)
            try await Self.start("second", tasks: 4, in: store)
            #expect(store.executions.held == (2, 8))
            _ = try await Self.tasks(of: "first", in: store)  // used last: "second" goes when a third comes
            try await Self.start("third", tasks: 4, in: store)
            #expect(store.executions.held == (2, 8))
            #expect(try await Self.tasks(of: "first", in: store).count == 4)

            try await store.write { tx in
                guard let workflow = try tx.workflow(id: "first", includeTasks: false) else { throw Refused() }
                var ended = workflow
                ended.status = .completed
                try tx.save(ended, previous: workflow)
            }
            try await store.write { tx in _ = try tx.deleteWorkflow(id: "third") }
            #expect(store.executions.held == (0, 0))
        }
    }
}

/// Baton's own work is written behind requests: a request's write that arrives while background writes wait
/// commits before them.
@Suite("SQLite writer lanes")
struct WriterLaneTests {
    final class Order: Sendable {
        let names = Mutex<[String]>([])
        func append(_ name: String) { names.withLock { $0.append(name) } }
    }

    @Test("a request's write arriving behind ten waiting background writes runs before all of them")
    func requestsGoFirst() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteStore(path: directory.appendingPathComponent("baton.sqlite").path)
            let order = Order()
            let held = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            // Holds the writer until the others are queued behind it.
            async let holding: Void = store.write { _ in
                held.signal()
                release.wait()
            }
            func waitUntil(_ condition: @escaping () -> Bool) async throws {
                while !condition() { try await Task.sleep(for: .milliseconds(5)) }
            }
            try await waitUntil { held.wait(timeout: .now()) == .success }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<10 {
                    group.addTask { try await store.writeInBackground { _ in order.append("background \(index)") } }
                }
                try await waitUntil { store.batcher.waiting.background == 10 }
                group.addTask { try await store.write { _ in order.append("request") } }
                try await waitUntil { store.batcher.waiting.requests == 1 }
                release.signal()
                try await group.waitForAll()
            }
            try await holding
            let written = order.names.withLock { $0 }
            #expect(written.count == 11)
            #expect(written.first == "request", "\(written)")
            try await store.close()
        }
    }

    @Test("a request's write arriving while a batch of background writes runs waits for the one running, not the rest")
    func backgroundBatchesYield() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteStore(path: directory.appendingPathComponent("baton.sqlite").path)
            let order = Order()
            let running = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            func waitUntil(_ condition: @escaping () -> Bool) async throws {
                while !condition() { try await Task.sleep(for: .milliseconds(5)) }
            }
            // Four background writes queue while a request holds the writer, so they run as one batch.
            let holding = DispatchSemaphore(value: 0)
            async let holder: Void = store.write { _ in holding.wait() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<4 {
                    group.addTask {
                        try await store.writeInBackground { _ in
                            order.append("background \(index)")
                            if index == 0 {
                                running.signal()
                                release.wait()
                            }
                        }
                    }
                }
                try await waitUntil { store.batcher.waiting.background == 4 }
                holding.signal()
                try await waitUntil { running.wait(timeout: .now()) == .success }
                // The batch's first write runs; a request arrives.
                group.addTask { try await store.write { _ in order.append("request") } }
                try await waitUntil { store.batcher.waiting.requests == 1 }
                release.signal()
                try await group.waitForAll()
            }
            try await holder
            let written = order.names.withLock { $0 }
            #expect(written == ["background 0", "request", "background 1", "background 2", "background 3"], "\(written)")
            try await store.close()
        }
    }
}
