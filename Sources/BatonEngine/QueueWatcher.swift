import BatonPersistence
import Logging
public import ServiceLifecycle

/// The background service that wakes this server's long polls when another server sharing the database
/// queues a task (PostgreSQL's LISTEN/NOTIFY). With a store no other server shares, it only waits for
/// shutdown.
public struct QueueWatcher: Service {
    let engine: Engine

    /// Creates a watcher that wakes `engine`'s long polls.
    public init(engine: Engine) {
        self.engine = engine
    }

    public func run() async throws {
        guard let store = engine.store as? any QueueSignalingStore else {
            try? await gracefulShutdown()
            return
        }
        let notifier = engine.notifier
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown {
                    try await store.watchQueues { queues in notifier.signalAll(queues) }
                }
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { return }
                engine.logger.warning("Lost the database's queue notifications; listening again",
                                      metadata: ["baton.error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
