import BatonClient
import BatonModel
import BatonTesting
@testable import BatonWorker
import Hummingbird
import MetricsTestKit
import Synchronization
import Testing

/// The lease keeper on a clock the tests move (`TestClock`), against a server that records every extension and
/// answers it when the test lets it: that nothing is extended after a release is shown by the keeper holding
/// nothing and the clock moved on, not by waiting on the wall clock.
@Suite("Worker: the lease keeper")
struct LeaseKeeperTests {
    /// A server that takes lease extensions (`POST /api/tasks` with `extendLease`): it counts them by task id,
    /// answers 404 for task ids starting with `gone`, and holds its answers while `gate` is closed.
    final class ExtensionServer: Sendable {
        private struct State {
            var received: [String: Int] = [:]
            var open = true
            var held: [CheckedContinuation<Void, Never>] = []
        }

        private let state = Mutex(State())

        /// How many extensions of `taskId` arrived.
        func received(_ taskId: String) -> Int { state.withLock { $0.received[taskId] ?? 0 } }

        /// Holds the answers to extensions from now on.
        func close() { state.withLock { $0.open = false } }

        /// Answers the held extensions, and those to come.
        func open() {
            let held = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.open = true
                defer { state.held = [] }
                return state.held
            }
            for answer in held { answer.resume() }
        }

        func router() -> Router<BasicRequestContext> {
            let router = Router()
            router.post("/api/tasks") { request, context -> Response in
                let result = try await request.decode(as: TaskResult.self, context: context)
                self.state.withLock { $0.received[result.taskId, default: 0] += 1 }
                await withCheckedContinuation { answer in
                    let now = self.state.withLock { state -> Bool in
                        if state.open { return true }
                        state.held.append(answer)
                        return false
                    }
                    if now { answer.resume() }
                }
                return Response(status: result.taskId.hasPrefix("gone") ? .notFound : .ok)
            }
            return router
        }
    }

    static func task(_ id: String) -> BatonModel.TaskExecution {
        BatonModel.TaskExecution(taskId: id, taskType: "work", taskDefName: "work", referenceTaskName: "w", workflowInstanceId: "wf",
                        seq: 1, scheduledTime: 0)
    }

    /// Runs a keeper on a test clock against an `ExtensionServer` while `body` runs.
    private func withKeeper(
        _ body: @Sendable (LeaseKeeper<TestClock>, TestClock, ExtensionServer) async throws -> Void
    ) async throws {
        let server = ExtensionServer()
        let stub = try await StubServer.start(server.router())
        let clock = TestClock()
        try await withBatonClient(baseURL: stub.baseURL) { client in
            let keeper = LeaseKeeper(client: client, workerId: "test", metrics: WorkerMetrics(taskType: "work", factory: TestMetrics()),
                                     logger: quietLogger, clock: clock)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await keeper.run() }
                do {
                    try await body(keeper, clock, server)
                } catch {
                    group.cancelAll()
                    throw error
                }
                group.cancelAll()
            }
        }
        await stub.stop()
    }

    @Test("a lease due sooner than the one the keeper sleeps for cuts its sleep short, and is extended at every interval")
    func soonerLeaseWakesTheKeeper() async throws {
        try await withKeeper { keeper, clock, server in
            let long = keeper.hold(Self.task("long"), extendingEvery: .seconds(3600))
            #expect(await eventually { clock.sleepers == 1 }, "the keeper sleeps until the long lease is due")
            let short = keeper.hold(Self.task("short"), extendingEvery: .seconds(10))
            for round in 1...3 {
                #expect(await eventually { clock.sleepers == 1 })
                clock.advance(by: .seconds(10))
                #expect(await eventually { server.received("short") == round })
            }
            await keeper.release(short)
            await keeper.release(long)
            #expect(server.received("long") == 0, "30 s of an hour passed")
            #expect(keeper.holds == 0)
        }
    }

    @Test("once its release returns, a task's lease is extended no more, an extension then on its way included")
    func releaseWaitsForTheExtensionOnItsWay() async throws {
        try await withKeeper { keeper, clock, server in
            let hold = keeper.hold(Self.task("held"), extendingEvery: .seconds(1))
            #expect(await eventually { clock.sleepers == 1 })
            server.close()
            clock.advance(by: .seconds(1))
            #expect(await eventually { server.received("held") == 1 }, "the extension is on its way, unanswered")
            let released = Task { await keeper.release(hold) }
            #expect(await eventually { keeper.waitingReleases == 1 }, "the release waits for the extension")
            #expect(keeper.holds == 1)
            server.open()
            await released.value
            #expect(keeper.holds == 0)
            clock.advance(by: .seconds(3600))
            #expect(await eventually { clock.sleepers == 0 }, "nothing left to sleep for")
            #expect(server.received("held") == 1)
        }
    }

    @Test("a task held twice (polled again while it ran) is extended until both holds are released")
    func twoHoldsOfOneTask() async throws {
        try await withKeeper { keeper, clock, server in
            let first = keeper.hold(Self.task("twice"), extendingEvery: .seconds(5))
            let second = keeper.hold(Self.task("twice"), extendingEvery: .seconds(5))
            await keeper.release(first)
            #expect(keeper.holds == 1)
            #expect(await eventually { clock.sleepers == 1 })
            clock.advance(by: .seconds(5))
            #expect(await eventually { server.received("twice") == 1 }, "the hold left is extended")
            await keeper.release(second)
            #expect(keeper.holds == 0)
            clock.advance(by: .seconds(3600))
            #expect(await eventually { clock.sleepers == 0 })
            #expect(server.received("twice") == 1)
        }
    }

    @Test("an extension the server refuses (no such task) is tried again at its next interval; other leases go on, release returns")
    func refusedExtension() async throws {
        try await withKeeper { keeper, clock, server in
            let refused = keeper.hold(Self.task("gone-1"), extendingEvery: .seconds(5))
            let kept = keeper.hold(Self.task("kept"), extendingEvery: .seconds(5))
            for round in 1...3 {
                #expect(await eventually { clock.sleepers == 1 })
                clock.advance(by: .seconds(5))
                #expect(await eventually { server.received("gone-1") == round && server.received("kept") == round })
            }
            await keeper.release(kept)
            #expect(await eventually { clock.sleepers == 1 })
            clock.advance(by: .seconds(5))
            #expect(await eventually { server.received("gone-1") == 4 }, "the refused lease is tried again")
            #expect(server.received("kept") == 3)
            await keeper.release(refused)
            #expect(keeper.holds == 0)
        }
    }
}
