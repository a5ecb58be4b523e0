import BatonModel

/// The task domains a worker has polled lately (Conductor's "active worker" window), which decide where a task
/// mapped to a list of domains (`"d1,d2,NO_DOMAIN"`) is queued: in the first domain with an active worker.
public struct ActiveDomains: Sendable, Hashable {
    /// The queue names (`domain:taskType`) polled within the window.
    private let queues: Set<String>

    /// Creates the set from the names of the domain queues polled within the window.
    public init(polledQueues: Set<String> = []) {
        queues = polledQueues
    }

    /// Whether a worker polled `taskType` in `domain` within the window.
    public func isActive(_ domain: String, for taskType: String) -> Bool {
        !queues.isEmpty && queues.contains(domain + ":" + taskType)
    }
}
