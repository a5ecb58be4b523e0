import BatonClient
import BatonModel
import Logging
import Metrics
import Synchronization

/// Extends the leases of one task type's running tasks from one loop, instead of a sleeping timer per task:
/// a task held is extended every interval until it is released. Releasing a task waits for an extension of
/// it that is on its way, so that none reaches the server after the task's result. Time is read from `clock`
/// (the continuous clock when working; one the test moves in tests).
final class LeaseKeeper<Clock: _Concurrency.Clock>: Sendable where Clock.Duration == Duration {
    private struct Lease {
        let task: TaskExecution
        let interval: Duration
        var due: Clock.Instant
        /// Whether an extension of this lease is on its way.
        var extending = false
        /// The release waiting for that extension to return.
        var release: CheckedContinuation<Void, Never>?
    }

    /// A task held, for its release (a task polled twice while running is held twice).
    struct Hold: Hashable, Sendable {
        fileprivate let id: Int
    }

    private typealias Sleep = Task<Void, Never>
    private typealias Idle = CheckedContinuation<Sleep?, Never>

    private struct State {
        var leases: [Hold: Lease] = [:]
        var nextId = 0
        /// While the loop sleeps until a lease is due: when it wakes, and the sleep to cut short when a lease
        /// is held that is due earlier.
        var wake: Clock.Instant?
        var sleep: Sleep?
        /// While the loop waits for a first lease (resumed with no sleep to wait for).
        var idle: Idle?
        var stopped = false
    }

    private let client: BatonClient
    private let workerId: String
    private let metrics: WorkerMetrics
    private let logger: Logger
    private let clock: Clock
    private let state = Mutex(State())

    init(client: BatonClient, workerId: String, metrics: WorkerMetrics, logger: Logger, clock: Clock) {
        self.client = client
        self.workerId = workerId
        self.metrics = metrics
        self.logger = logger
        self.clock = clock
    }

    /// How many holds there are, and how many releases wait for an extension on its way (for tests).
    var holds: Int { state.withLock { $0.leases.count } }
    var waitingReleases: Int { state.withLock { $0.leases.values.filter { $0.release != nil }.count } }

    /// Extends the lease of `task` every `interval` from now on, until released.
    func hold(_ task: TaskExecution, extendingEvery interval: Duration) -> Hold {
        let due = clock.now.advanced(by: interval)
        let (hold, sleep, idle) = state.withLock { state -> (Hold, Sleep?, Idle?) in
            let hold = Hold(id: state.nextId)
            state.nextId += 1
            state.leases[hold] = Lease(task: task, interval: interval, due: due)
            let idle = state.idle
            state.idle = nil
            guard let wake = state.wake, due < wake else { return (hold, nil, idle) }
            state.wake = nil
            return (hold, state.sleep, idle)
        }
        sleep?.cancel()
        idle?.resume(returning: nil)
        return hold
    }

    /// Stops extending the lease held as `hold`; returns once no extension of it is on its way.
    func release(_ hold: Hold) async {
        // Most releases find no extension on its way and need not suspend.
        guard !state.withLock({ forget(hold, elseResume: nil, in: &$0) }) else { return }
        await withCheckedContinuation { (released: CheckedContinuation<Void, Never>) in
            if state.withLock({ forget(hold, elseResume: released, in: &$0) }) { released.resume() }
        }
    }

    /// Forgets `hold` and returns true, unless an extension of it is on its way: then leaves `release` (if any)
    /// for that extension to resume when it returns, and returns false.
    private func forget(_ hold: Hold, elseResume release: CheckedContinuation<Void, Never>?, in state: inout State) -> Bool {
        guard state.leases[hold]?.extending == true else {
            state.leases[hold] = nil
            return true
        }
        if let release { state.leases[hold]?.release = release }
        return false
    }

    /// Extends leases as they fall due until cancelled (extensions on their way are let finish).
    func run() async {
        await withTaskCancellationHandler {
            while !Task.isCancelled {
                let due = state.withLock { state in takeDue(&state) }
                if due.isEmpty {
                    await waitForWork()
                    continue
                }
                await withDiscardingTaskGroup { group in
                    for (hold, task) in due { group.addTask { await self.extend(task, heldAs: hold) } }
                }
            }
        } onCancel: {
            let (sleep, idle) = state.withLock { state -> (Sleep?, Idle?) in
                state.stopped = true
                let idle = state.idle
                state.idle = nil
                return (state.sleep, idle)
            }
            sleep?.cancel()
            idle?.resume(returning: nil)
        }
    }

    /// Marks the leases that are due as extending and returns them.
    private func takeDue(_ state: inout State) -> [(Hold, TaskExecution)] {
        let now = clock.now
        let due = state.leases.filter { !$0.value.extending && $0.value.due <= now }.map { ($0.key, $0.value.task) }
        for (hold, _) in due { state.leases[hold]?.extending = true }
        return due
    }

    /// Sleeps until the earliest lease is due (cut short when one is held that is due sooner), or, with none
    /// held, until one is; returns at once when stopped.
    private func waitForWork() async {
        let sleep = await withCheckedContinuation { (next: Idle) in
            let (resumeNow, sleep) = state.withLock { state -> (Bool, Sleep?) in
                if state.stopped { return (true, nil) }
                guard let wake = state.leases.values.lazy.filter({ !$0.extending }).map(\.due).min() else {
                    state.idle = next
                    return (false, nil)
                }
                let sleep = Sleep { [clock] in try? await clock.sleep(until: wake, tolerance: nil) }
                state.wake = wake
                state.sleep = sleep
                return (true, sleep)
            }
            if resumeNow { next.resume(returning: sleep) }
        }
        guard let sleep else { return }
        await sleep.value
        state.withLock { state in
            state.wake = nil
            state.sleep = nil
        }
    }

    /// Sends one extension of `task`'s lease, then either schedules the next or lets its release return.
    private func extend(_ task: TaskExecution, heldAs hold: Hold) async {
        do {
            try await client.tasks.extendLease(taskId: task.taskId, workflowId: task.workflowInstanceId, workerId: workerId)
            metrics.leaseExtensions.increment()
        } catch {
            if !Task.isCancelled {
                logger.warning("Extending a task's lease failed", metadata: [
                    "baton.task.id": "\(task.taskId)", "baton.error": "\(error)"])
            }
        }
        let release = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard var lease = state.leases[hold] else { return nil }
            if let release = lease.release {
                state.leases[hold] = nil
                return release
            }
            lease.extending = false
            lease.due = clock.now.advanced(by: lease.interval)
            state.leases[hold] = lease
            return nil
        }
        release?.resume()
    }
}
