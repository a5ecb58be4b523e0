import BatonModel
import Synchronization

/// The tasks of large live executions as the writer last committed them, so that deciding an execution of
/// thousands of tasks (a long DO_WHILE, a wide fork) does not read and decode every one of its task rows on
/// the writer again: measured on a loop of 3,600 iterations, reading them was a sixth of each decision.
///
/// Only the writer uses it, and it stays exact by construction: a write job records what it reads and every
/// task it saves or deletes (`ExecutionStaging`); when the job succeeds its record joins the transaction's,
/// and when the transaction commits the record replaces the cached entries. A job or transaction that rolls
/// back leaves the cache as it was. A write the record cannot follow drops the entry, and the next decision
/// reads the rows again. Entries hold the tasks exactly as `SQLiteTransaction.makeTask` builds them from their
/// rows, so a decision sees the same tasks whether they come from here or from the database.
final class ExecutionCache: Sendable {
    /// When and how much to cache.
    struct Policy: Sendable {
        /// Executions with fewer tasks are read from their rows (cheaply) and not kept.
        var minimumTasks = 64
        /// The most tasks kept in all; the least recently used executions go first.
        var capacity = 100_000
        /// Compares every cached execution served with its rows, throwing on a difference (for tests).
        var verifies = false
    }

    /// An execution's tasks, with what they were built from.
    struct Entry {
        /// The tasks, in `seq` order, as built from their rows.
        var tasks: [TaskExecution]
        /// The workflow columns each task carries, and the definition its nodes come from: a cached entry
        /// serves only an execution whose row still has them.
        var workflowName: String
        var correlationId: String?
        var definitionKey: String
        var nodes: [String: WorkflowTask]
        /// Whether the execution is RUNNING or PAUSED (only those are kept).
        var isLive: Bool

        /// The task with `id` and `seq`, if held.
        func task(id: String, seq: Int) -> TaskExecution? {
            ExecutionStaging.index(ofTask: id, seq: seq, in: tasks).map { tasks[$0] }
        }
    }

    private struct State {
        var entries: [String: (entry: Entry, lastUse: UInt64)] = [:]
        var heldTasks = 0
        var clock: UInt64 = 0
        /// The records of the current transaction's succeeded jobs (nil: dropped), applied at its commit.
        var pending: [String: Entry?] = [:]
    }

    let policy: Policy
    private let state = Mutex(State())

    init(policy: Policy = Policy()) {
        self.policy = policy
    }

    /// The entry of execution `id` as the current transaction sees it: `.some(nil)` when a job of the
    /// transaction dropped it, nil when nothing is known.
    func entry(for id: String) -> Entry?? {
        state.withLock { state in
            if let pending = state.pending[id] { return .some(pending) }
            guard let held = state.entries[id] else { return nil }
            state.clock += 1
            state.entries[id]?.lastUse = state.clock
            return .some(held.entry)
        }
    }

    /// A transaction begins: records left by one that did not commit are forgotten.
    func transactionBegan() {
        state.withLock { $0.pending.removeAll() }
    }

    /// A job succeeded: its record joins the transaction's.
    func jobSucceeded(_ staging: ExecutionStaging) {
        guard !staging.isEmpty else { return }
        state.withLock { state in
            for id in staging.dropped { state.pending[id] = .some(nil) }
            for (id, entry) in staging.entries { state.pending[id] = .some(entry) }
        }
    }

    /// The transaction committed: its records replace the cached entries.
    func transactionCommitted() {
        state.withLock { state in
            guard !state.pending.isEmpty else { return }
            for (id, entry) in state.pending {
                if let old = state.entries.removeValue(forKey: id) { state.heldTasks -= old.entry.tasks.count }
                guard let entry, entry.isLive, entry.tasks.count >= policy.minimumTasks else { continue }
                state.clock += 1
                state.entries[id] = (entry, state.clock)
                state.heldTasks += entry.tasks.count
            }
            state.pending.removeAll()
            while state.heldTasks > policy.capacity, let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                state.entries.removeValue(forKey: oldest.key)
                state.heldTasks -= oldest.value.entry.tasks.count
            }
        }
    }

    /// How many executions and tasks are held (for tests).
    var held: (executions: Int, tasks: Int) {
        state.withLock { ($0.entries.count, $0.heldTasks) }
    }
}

/// What one write job read of large executions and changed in them: the entries it will hand to the
/// `ExecutionCache` if it succeeds. Used by one job on the writer only.
final class ExecutionStaging {
    private let shared: ExecutionCache
    /// Executions as this job left them.
    private(set) var entries: [String: ExecutionCache.Entry] = [:]
    /// Executions this job changed in a way the entries do not follow.
    private(set) var dropped: Set<String> = []

    init(shared: ExecutionCache) {
        self.shared = shared
    }

    var isEmpty: Bool { entries.isEmpty && dropped.isEmpty }

    /// The entry of `id` as this job sees it: what it read or changed, else what the transaction's earlier
    /// jobs or the cache hold (both exact as of this job's start: every write goes through a staging).
    func entry(for id: String) -> ExecutionCache.Entry? {
        if let entry = entries[id] { return entry }
        guard !dropped.contains(id), case .some(.some(let entry)) = shared.entry(for: id) else { return nil }
        return entry
    }

    /// Records the execution's tasks as read from their rows (or served from the cache).
    func record(_ entry: ExecutionCache.Entry, for id: String) {
        entries[id] = entry
        dropped.remove(id)
    }

    /// Forgets what is known of `id`: the job changed it in a way the entry cannot follow.
    func drop(_ id: String) {
        entries.removeValue(forKey: id)
        dropped.insert(id)
    }

    /// Makes `id`'s entry this job's own, to change in place; false when there is none to follow (nothing is
    /// held for it then, so nothing needs dropping: the usual case of a small execution).
    private func adopt(_ id: String) -> Bool {
        if entries[id] != nil { return true }
        guard let entry = entry(for: id) else { return false }
        entries[id] = entry
        return true
    }

    /// Records that the execution's own row was written with `workflow`'s fields.
    func saved(_ workflow: Workflow, definitionKey: String?) {
        let id = workflow.workflowId
        guard adopt(id), let entry = entries[id] else { return }
        guard entry.workflowName == workflow.workflowName, entry.correlationId == workflow.correlationId,
              definitionKey.map({ $0 == entry.definitionKey }) ?? true else { return drop(id) }
        entries[id]!.isLive = workflow.status.isLive
    }

    /// Records that `task`'s row was written; the entry keeps it as `makeTask` would read it back.
    func saved(_ task: TaskExecution) {
        let id = task.workflowInstanceId
        guard adopt(id), let entry = entries[id] else { return }
        var stored = task
        stored.workflowType = entry.workflowName
        stored.correlationId = entry.correlationId
        stored.callbackFromWorker = true
        stored.subworkflowChanged = false
        stored.workflowTask = entry.nodes[task.referenceTaskName] ?? entry.nodes[TaskExecution.baseReferenceName(of: task.referenceTaskName)]
        // Changed in place (the dictionary's entry is the array's only owner once adopted).
        if let index = Self.index(ofTask: task.taskId, seq: task.seq, in: entry.tasks) {
            entries[id]!.tasks[index] = stored
        } else {
            Self.insert(stored, into: &entries[id]!.tasks)
        }
    }

    /// Records that the tasks `ids` were deleted from the executions this job knows; returns the ids it did
    /// not find in them.
    func deleted(taskIds ids: [String]) -> [String] {
        var missing = Set(ids)
        for id in entries.keys {
            let gone = Set(entries[id]!.tasks.lazy.map(\.taskId).filter(missing.contains))
            guard !gone.isEmpty else { continue }
            entries[id]!.tasks.removeAll { gone.contains($0.taskId) }
            missing.subtract(gone)
        }
        return ids.filter(missing.contains)
    }

    /// Where the task with `id` and `seq` is in `tasks`, which are in `seq` order: a binary search among the tasks
    /// of its `seq` (a loop's own task, saved every iteration, is the first of thousands). A task keeps the `seq`
    /// it was made with, so one not found there is new.
    static func index(ofTask id: String, seq: Int, in tasks: [TaskExecution]) -> Int? {
        var low = 0
        var high = tasks.count
        while low < high {
            let middle = (low + high) / 2
            if tasks[middle].seq < seq { low = middle + 1 } else { high = middle }
        }
        var position = low
        while position < tasks.count, tasks[position].seq == seq {
            if tasks[position].taskId == id { return position }
            position += 1
        }
        return nil
    }

    /// Puts `task` after the last task whose `seq` is not larger (rows are read in `seq` order, and a task
    /// saved twice with one `seq` keeps its place).
    private static func insert(_ task: TaskExecution, into tasks: inout [TaskExecution]) {
        let position = tasks.lastIndex(where: { $0.seq <= task.seq }).map { $0 + 1 } ?? 0
        tasks.insert(task, at: position)
    }
}

extension WorkflowStatus {
    /// Whether the execution may still change by deciding: RUNNING or PAUSED.
    var isLive: Bool { self == .running || self == .paused }
}
