import Dispatch
import GRDB
import Synchronization

/// Copies committed pages from the write-ahead log into the database file on a connection of its own,
/// shortly after commits, so that the single writer does not stall on a checkpoint.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold: the writer syncs the
/// log, copies the pages, syncs the database file, and every caller of that group commit, and every job
/// queued behind it, waits for those two syncs. Here the writer's own checkpoint is only a bound on the
/// log's size (`writerCheckpointPages`): it finds the pages already copied by this connection, so it is
/// short, and it is what lets the log start over from its beginning under sustained load.
final class Checkpointer: Sendable {
    /// How long after a commit the checkpoint runs, so that it carries the commits of that interval.
    static let delay: DispatchTimeInterval = .milliseconds(50)
    /// Log pages at which the writer checkpoints itself (SQLite's `wal_autocheckpoint`; its default is 1,000).
    static let writerCheckpointPages = 8_000

    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "baton.sqlite.checkpoint")
    private let state = Mutex(State())

    private struct State {
        var scheduled = false
        var closed = false
    }

    /// Opens the checkpoint's connection to the database at `path`, whose commits it will copy.
    init(path: String, synchronous: String) throws {
        var configuration = Configuration()
        configuration.label = "baton.sqlite.checkpoint"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        }
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Notes a commit: a checkpoint runs `delay` later, unless one is already due.
    func committed() {
        let schedule = state.withLock { state -> Bool in
            guard !state.scheduled, !state.closed else { return false }
            state.scheduled = true
            return true
        }
        guard schedule else { return }
        queue.asyncAfter(deadline: .now() + Self.delay) { [self] in
            let closed = state.withLock { state -> Bool in
                state.scheduled = false
                return state.closed
            }
            guard !closed else { return }
            // A checkpoint that fails (busy with the writer's own checkpoint, or out of disk space) has lost
            // nothing: the pages stay in the log, and the next one, or the writer's, copies them.
            _ = try? connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
        }
    }

    /// Stops checkpointing, after a checkpoint under way has finished.
    func stop() {
        state.withLock { $0.closed = true }
        queue.sync {}
    }

    /// Stops checkpointing, copies the whole log into the database file and empties it, and closes the
    /// connection. Closed as the database's last connection, it removes the log and its index (`-wal`, `-shm`).
    func close() throws {
        stop()
        // A truncation that fails (another process is reading the file) loses nothing: the log stays for it.
        _ = try? connection.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        try connection.close()
    }
}
