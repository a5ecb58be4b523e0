import BatonModel
import BatonPersistence
import Synchronization

/// The hand-out limits of the registered task definitions — `concurrentExecLimit`, and `rateLimitPerFrequency`
/// tasks per `rateLimitFrequencyInSeconds` — read from the store at most every two seconds per task type (at once
/// after this server registers a definition), so that a poll of a type without limits costs a dictionary lookup.
final class HandOutLimits: Sendable {
    /// One task type's limits; a zero is no limit.
    struct Limits: Sendable, Hashable {
        var concurrency: Int
        var perFrequency: Int
        var frequencySeconds: Int

        /// The rate limit's window (ms).
        var window: Int64 { Int64(max(1, frequencySeconds)) * 1_000 }

        init?(_ taskDef: TaskDef) {
            concurrency = max(0, taskDef.concurrentExecLimit ?? 0)
            perFrequency = max(0, taskDef.rateLimitPerFrequency ?? 0)
            frequencySeconds = max(1, taskDef.rateLimitFrequencyInSeconds ?? 1)
            if concurrency == 0 && perFrequency == 0 { return nil }
        }
    }

    /// How long (ms) a task type's limits are used before they are read again.
    static let rereadInterval: Int64 = 2_000

    private let known = Mutex<[String: (limits: Limits?, readAt: Int64)]>([:])

    /// The limits of `taskType`, nil when it has none.
    func limits(of taskType: String, at now: Int64, reading tx: any StoreReader) throws -> Limits? {
        if let entry = known.withLock({ $0[taskType] }), now >= entry.readAt, now - entry.readAt < Self.rereadInterval {
            return entry.limits
        }
        let limits = try tx.taskDef(named: taskType).flatMap(Limits.init)
        known.withLock { $0[taskType] = (limits, now) }
        return limits
    }

    /// Forgets every limit read, after a definition changed on this server.
    func forget() {
        known.withLock { $0.removeAll() }
    }
}
