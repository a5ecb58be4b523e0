import BatonClient
import BatonModel
import BatonTesting
@testable import BatonWorker
import Hummingbird
import Synchronization
import Testing

/// The poll loop's backoff on a clock the test moves: while polls fail, the next poll comes exactly when the backoff
/// delay has passed on that clock, growing to its maximum, and not a moment before.
@Suite("Worker: backoff on a clock")
struct PollBackoffTests {
    @Test("after each failed poll the loop sleeps the backoff delay (1 s, 2 s, 4 s, then 4 s) and polls again only once it has passed")
    func backoffOnTheClock() async throws {
        let polls = Mutex(0)
        let router = Router()
        router.get("/api/tasks/poll/batch/{taskType}") { _, _ -> Response in
            polls.withLock { $0 += 1 }
            return Response(status: .serviceUnavailable)
        }
        let stub = try await StubServer.start(router)
        let clock = TestClock()
        var configuration = WorkerHost.Configuration()
        configuration.backoff = Backoff(initialDelay: .seconds(1), maximumDelay: .seconds(4), multiplier: 2, jitter: 0)
        configuration.logger = quietLogger
        try await withBatonClient(baseURL: stub.baseURL) { client in
            let host = WorkerHost(client: client, workers: [ClosureWorker("flaky") { _ in .completed() }],
                                  configuration: configuration, backoffClock: clock)
            try await withHost(host) { _ in
                /// Waits until the loop has polled `count` times and sleeps again.
                func asleep(after count: Int) async -> Bool {
                    await eventually { polls.withLock { $0 } == count && clock.sleepers == 1 }
                }
                #expect(await asleep(after: 1), "the first poll failed and the loop backs off")
                for (round, delay) in [Duration.seconds(1), .seconds(2), .seconds(4), .seconds(4)].enumerated() {
                    clock.advance(by: delay - .milliseconds(1))
                    #expect(clock.sleepers == 1 && polls.withLock { $0 } == round + 1, "still asleep just before \(delay)")
                    clock.advance(by: .milliseconds(1))
                    #expect(await asleep(after: round + 2), "polled again once \(delay) had passed")
                }
            }
        }
        await stub.stop()
    }
}
