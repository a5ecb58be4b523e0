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
