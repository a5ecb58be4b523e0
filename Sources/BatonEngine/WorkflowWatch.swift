import Synchronization

/// Wakes requests that wait for a workflow's state (a synchronous execute or signal) when a commit saved a workflow
/// they watch. Each watched workflow has a generation number that moves on every such commit; only watched workflows
/// are kept, so a commit of any other costs one lookup.
final class WorkflowWatch: Sendable {
    private struct Watched {
        var generation = 0
        var watchers = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private struct State {
        var watched: [String: Watched] = [:]
        /// The workflows each waiter waits on, to take it off all of them once woken.
        var waiterKeys: [Int: [String]] = [:]
        var nextWaiterId = 0

        mutating func removeWaiter(_ id: Int) -> CheckedContinuation<Void, Never>? {
            var continuation: CheckedContinuation<Void, Never>?
            for key in waiterKeys.removeValue(forKey: id) ?? [] {
                continuation = watched[key]?.waiters.removeValue(forKey: id) ?? continuation
            }
            return continuation
        }
    }

    private let state = Mutex(State())

    /// Starts watching `workflowIds` (each call is undone by one `stopWatching` of the same ids).
    func startWatching(_ workflowIds: some Sequence<String>) {
        state.withLock { state in
            for id in workflowIds { state.watched[id, default: Watched()].watchers += 1 }
        }
    }

    /// Stops watching `workflowIds`; a workflow no one watches any more is forgotten.
    func stopWatching(_ workflowIds: some Sequence<String>) {
        state.withLock { state in
            for id in workflowIds {
                state.watched[id]?.watchers -= 1
                if state.watched[id]?.watchers == 0 { state.watched[id] = nil }
            }
        }
    }

    /// The current generations of watched workflows; pass them to `wait` after reading the workflows.
    func generations(of workflowIds: [String]) -> [String: Int] {
        state.withLock { state in
            Dictionary(workflowIds.map { ($0, state.watched[$0]?.generation ?? 0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// Notes that a commit saved `workflowIds`: wakes the requests waiting on any of them.
    func changed(_ workflowIds: some Sequence<String>) {
        var woken: [CheckedContinuation<Void, Never>] = []
        state.withLock { state in
            guard !state.watched.isEmpty else { return }
            for id in workflowIds where state.watched[id] != nil {
                state.watched[id]?.generation &+= 1
                for waiter in state.watched[id]?.waiters.keys.map({ $0 }) ?? [] {
                    if let continuation = state.removeWaiter(waiter) { woken.append(continuation) }
                }
            }
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns once a workflow of `generations` (all watched) moves past the generation given for it, or after
    /// `timeout`, or on cancellation.
    func wait(for generations: [String: Int], timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForChange(generations) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForChange(_ generations: [String: Int]) async {
        let id = state.withLock { state -> Int in
            state.nextWaiterId += 1
            return state.nextWaiterId
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    let moved = generations.contains { key, generation in state.watched[key]?.generation != generation }
                    if moved || Task.isCancelled { return true }
                    for key in generations.keys { state.watched[key]?.waiters[id] = continuation }
                    state.waiterKeys[id] = Array(generations.keys)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.removeWaiter(id) }?.resume()
        }
    }
}
