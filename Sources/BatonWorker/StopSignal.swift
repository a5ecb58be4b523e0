import Synchronization

/// A one-way "stop" flag that wakes whoever waits for it: set by graceful shutdown, it ends the poll
/// loops' backoff sleeps early and keeps them from polling again.
final class StopSignal: Sendable {
    private struct State {
        var isStopped = false
        var nextId = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var cancelled: Set<Int> = []
    }

    private let state = Mutex(State())

    /// Whether stop was requested.
    var isStopped: Bool { state.withLock { $0.isStopped } }

    /// Requests stop and wakes every waiter.
    func stop() {
        let waiters = state.withLock { state in
            state.isStopped = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Sleeps for `duration` on `clock`, returning early when stop is requested or the task is cancelled.
    func sleep(for duration: Duration, on clock: any Clock<Duration>) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await clock.sleep(for: duration) }
            group.addTask { await self.wait() }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns once stop is requested or the task is cancelled.
    func wait() async {
        let id = state.withLock { state in
            defer { state.nextId += 1 }
            return state.nextId
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if state.isStopped || state.cancelled.remove(id) != nil { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                guard let waiter = state.waiters.removeValue(forKey: id) else {
                    state.cancelled.insert(id)
                    return nil as CheckedContinuation<Void, Never>?
                }
                return waiter
            }
            waiter?.resume()
        }
    }
}

/// The free execution slots of one task type: the poll loop asks for as many tasks as there are free
/// slots, takes one per task it got, and each finished task gives its slot back.
final class Slots: Sendable {
    private struct State {
        var free: Int
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state: Mutex<State>

    init(_ count: Int) {
        state = Mutex(State(free: count))
    }

    /// The number of free slots now.
    var free: Int { state.withLock { $0.free } }

    /// Takes one slot.
    func take() {
        state.withLock { $0.free -= 1 }
    }

    /// Gives one slot back and wakes the loop if it waits.
    func release() {
        let waiter = state.withLock { state in
            state.free += 1
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Returns once at least one slot is free (only the poll loop calls this, so one waiter at most).
    func waitForFreeSlot() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state in
                if state.free > 0 { return true }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}
