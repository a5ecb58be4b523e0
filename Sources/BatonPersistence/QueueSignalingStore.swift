/// A store several Baton servers share, which tells each of them when any of them queued tasks, so a
/// long poll on one server wakes for a task queued through another.
public protocol QueueSignalingStore: Store {
    /// Calls `onQueued` with the names of the queues that received tasks in a transaction any server
    /// committed, until the calling task is cancelled; throws when the database connection is lost.
    func watchQueues(_ onQueued: @escaping @Sendable ([String]) -> Void) async throws
}
