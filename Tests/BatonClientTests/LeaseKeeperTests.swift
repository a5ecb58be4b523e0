import BatonClient
import BatonEngine
import BatonModel
import BatonTesting
@testable import BatonWorker
import MetricsTestKit
import Testing

@Suite("Worker: the lease keeper")
struct LeaseKeeperTests {
    /// Runs a keeper of `client`'s leases while `body` runs, with the counter of its extensions.
    private func withKeeper(_ client: BatonClient,
                            _ body: @Sendable (LeaseKeeper, @Sendable () -> Int) async throws -> Void) async throws {
        let metrics = TestMetrics()
        let keeper = LeaseKeeper(client: client, workerId: "test", metrics: WorkerMetrics(taskType: "work", factory: metrics),
                                 logger: quietLogger)
        let extensions: @Sendable () -> Int = {
            (try? metrics.expectCounter("baton_worker_lease_extensions", [("taskType", "work")]).totalValue).map(Int.init) ?? 0
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await keeper.run() }
            do {
                try await body(keeper, extensions)
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }

    /// Starts `count` one-task workflows and polls their tasks, which are then running, leased to "test".
    private func runningTasks(_ count: Int, _ client: BatonClient) async throws -> [BatonModel.Task] {
        try await client.registerChain("leased", refs: ["one"])
        for _ in 0..<count { _ = try await client.workflows.start(name: "leased") }
        let tasks = try await client.tasks.batchPoll(taskType: "work", count: count, timeout: .seconds(1), workerId: "test")
        try #require(tasks.count == count)
        return tasks
    }

    @Test("a lease due sooner than the one the keeper sleeps for cuts its sleep short, and is extended again and again")
    func soonerLeaseWakesTheKeeper() async throws {
        try await withClient { client, server in
            let tasks = try await runningTasks(2, client)
            try await withKeeper(client) { keeper, extensions in
                let long = keeper.hold(tasks[0], extendingEvery: .seconds(3600))
                try await _Concurrency.Task.sleep(for: .milliseconds(50))  // the keeper goes to sleep for an hour
                let short = keeper.hold(tasks[1], extendingEvery: .milliseconds(10))
                #expect(await eventually { extensions() >= 3 })
                let before = try await client.tasks.get(tasks[1].taskId).updateTime
                server.clock.advance(by: 1_000)
                #expect(try await eventually { try await client.tasks.get(tasks[1].taskId).updateTime > before })
                await keeper.release(short)
                await keeper.release(long)
                #expect(try await client.tasks.get(tasks[0].taskId).updateTime == tasks[0].updateTime)
            }
        }
    }

    @Test("once its release returns, a task's lease is extended no more, an extension then on its way included")
    func releaseWaitsForTheExtensionOnItsWay() async throws {
        try await withClient { client, _ in
            let tasks = try await runningTasks(1, client)
            try await withKeeper(client) { keeper, extensions in
                // Extended back to back: an extension is on its way at almost any moment.
                let hold = keeper.hold(tasks[0], extendingEvery: .nanoseconds(1))
                #expect(await eventually { extensions() >= 5 })
                await keeper.release(hold)
                let released = extensions()
                try await _Concurrency.Task.sleep(for: .milliseconds(100))
                #expect(extensions() == released)
            }
        }
    }

    @Test("a task held twice (polled again while it ran) is extended until both holds are released")
    func twoHoldsOfOneTask() async throws {
        try await withClient { client, _ in
            let tasks = try await runningTasks(1, client)
            try await withKeeper(client) { keeper, extensions in
                let first = keeper.hold(tasks[0], extendingEvery: .milliseconds(5))
                let second = keeper.hold(tasks[0], extendingEvery: .milliseconds(5))
                await keeper.release(first)
                let afterFirst = extensions()
                #expect(await eventually { extensions() >= afterFirst + 2 })
                await keeper.release(second)
                let afterSecond = extensions()
                try await _Concurrency.Task.sleep(for: .milliseconds(100))
                #expect(extensions() == afterSecond)
            }
        }
    }

    @Test("an extension the server refuses (no such task) is tried again later; other leases go on, release returns")
    func refusedExtension() async throws {
        try await withClient { client, _ in
            let tasks = try await runningTasks(1, client)
            let unknown = { var task = tasks[0]; task.taskId = "no-such-task"; return task }()
            await #expect(throws: ClientError.self) {
                try await client.tasks.extendLease(taskId: unknown.taskId, workflowId: unknown.workflowInstanceId)
            }
            try await withKeeper(client) { keeper, extensions in
                let refused = keeper.hold(unknown, extendingEvery: .milliseconds(5))
                let kept = keeper.hold(tasks[0], extendingEvery: .milliseconds(5))
                #expect(await eventually { extensions() >= 3 })
                await keeper.release(kept)
                let afterKept = extensions()
                try await _Concurrency.Task.sleep(for: .milliseconds(50))  // the refused lease is tried again meanwhile
                #expect(extensions() == afterKept)
                await keeper.release(refused)
            }
        }
    }
}
