import Synchronization

/// Wakes long polls when a task is queued: each queue has a generation number that moves on every
/// signal, and waiters sleep until it moves past the one they saw.
final class QueueNotifier: Sendable {
    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var generations: [String: Int] = [:]
        var waiters: [String: [Waiter]] = [:]
        var nextWaiterId = 0
    }

    private let state = Mutex(State())

    /// The current generation of a queue; pass it to `wait` after finding the queue empty.
    func generation(of queue: String) -> Int {
        state.withLock { $0.generations[queue, default: 0] }
    }

    /// Signals that `counts[queue]` tasks were queued in each queue: wakes that many of its waiters,
    /// longest-waiting first. Waking one poll per task spares the others a futile claim each.
    func signal(_ counts: [String: Int]) {
        var woken: [Waiter] = []
        state.withLock { state in
            for (queue, count) in counts {
                state.generations[queue, default: 0] &+= 1
                guard var waiting = state.waiters[queue] else { continue }
                let taken = min(count, waiting.count)
                woken += waiting.prefix(taken)
                waiting.removeFirst(taken)
                state.waiters[queue] = waiting.isEmpty ? nil : waiting
            }
        }
        for waiter in woken { waiter.continuation.resume() }
    }

    /// Signals that tasks were queued in `queues`, how many unknown: wakes every waiter of each.
    func signalAll(_ queues: some Sequence<String>) {
        var woken: [Waiter] = []
        state.withLock { state in
            for queue in queues {
                state.generations[queue, default: 0] &+= 1
                woken += state.waiters.removeValue(forKey: queue) ?? []
            }
        }
        for waiter in woken { waiter.continuation.resume() }
    }

    /// Returns once `queue` moves past `generation`, or after `timeout`, or on cancellation.
    func wait(for queue: String, after generation: Int, timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForSignal(queue, after: generation) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForSignal(_ queue: String, after generation: Int) async {
        let id = state.withLock { state -> Int in
            state.nextWaiterId += 1
            return state.nextWaiterId
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.generations[queue, default: 0] != generation || Task.isCancelled { return true }
                    state.waiters[queue, default: []].append(Waiter(id: id, continuation: continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters[queue]?.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters[queue]?.remove(at: index)
            }
            waiter?.continuation.resume()
        }
    }
}
