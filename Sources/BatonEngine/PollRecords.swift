import BatonDecider
import Synchronization

/// Decides when a poll is worth recording: at most once a second per queue and worker, so idle long
/// polls do not turn into a stream of writes while `lastPollTime` stays accurate to the second.
final class PollRecords: Sendable {
    private struct Key: Hashable {
        let queue: String
        let workerId: String
    }

    private let lastRecorded = Mutex<[Key: Int64]>([:])
    private let interval: Int64 = 1_000
    private let capacity = 100_000

    /// Whether a poll of `queue` by `workerId` at `now` should be written.
    func isDue(queue: String, workerId: String?, at now: Int64) -> Bool {
        lastRecorded.withLock { records in
            guard let last = records[Key(queue: queue, workerId: workerId ?? "")] else { return true }
            return now - last >= interval || now < last
        }
    }

    /// Notes that a poll of `queue` by `workerId` at `now` was written (once its transaction committed).
    func note(queue: String, workerId: String?, at now: Int64) {
        lastRecorded.withLock { records in
            if records.count >= capacity { records.removeAll(keepingCapacity: true) }
            records[Key(queue: queue, workerId: workerId ?? "")] = now
        }
    }
}

/// When each domain queue (`domain:taskType`) was last polled, as far as this server knows: its own polls at once,
/// the other servers' from the store's poll records (`Engine.refreshDomainActivity()`). Feeds the Decider's
/// `ActiveDomains`.
final class DomainActivity: Sendable {
    /// Conductor's `activeWorkerLastPollTimeout`: a domain with a poll this recent (ms) has an active worker.
    static let window: Int64 = 10_000

    private let lastPolls = Mutex<[String: Int64]>([:])

    /// Notes a poll of a domain's queue.
    func note(queue: String, at time: Int64) {
        lastPolls.withLock { polls in
            if polls[queue].map({ $0 < time }) ?? true { polls[queue] = time }
        }
    }

    /// The domains polled within the window before `now`.
    func activeDomains(at now: Int64) -> ActiveDomains {
        lastPolls.withLock { polls in
            guard !polls.isEmpty else { return ActiveDomains() }
            polls = polls.filter { now - $0.value <= Self.window * 6 }  // forget long-idle queues
            return ActiveDomains(polledQueues: Set(polls.filter { now - $0.value <= Self.window }.keys))
        }
    }
}
