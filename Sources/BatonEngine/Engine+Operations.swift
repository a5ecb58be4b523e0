import BatonDecider
public import BatonModel
import BatonPersistence

/// What an operator asks of the queues and of one workflow's bookkeeping: Conductor's `/tasks/queue/...` details and
/// its `/admin` endpoints.
extension Engine {
    /// One queue's size and how many of its tasks workers hold now (Conductor's "uacked").
    public struct QueueDetail: Sendable, Hashable {
        public var size: Int
        public var inProgress: Int
    }

    /// Every queue with a task waiting or running, by name (`[domain:]taskType`).
    public func queueDetails() async throws(EngineError) -> [String: QueueDetail] {
        try await reading { reader in
            let sizes = try reader.queueSizes()
            let running = try reader.inProgressCounts()
            var details: [String: QueueDetail] = [:]
            for name in Set(sizes.keys).union(running.keys) {
                details[name] = QueueDetail(size: sizes[name] ?? 0, inProgress: running[name] ?? 0)
            }
            return details
        }
    }

    /// When workers last polled each queue, for every queue.
    public func allPollData() async throws(EngineError) -> [PollData] {
        try await reading { try $0.allPollData() }
    }

    /// A page of the SCHEDULED and IN_PROGRESS tasks of `taskType` in running or paused workflows, oldest first.
    public func pendingTasks(taskType: String, start: Int, count: Int) async throws(EngineError) -> [TaskExecution] {
        guard start >= 0, count >= 0 else { throw EngineError.invalid("start and count must not be negative") }
        return try await reading { reader in
            let ids = try reader.liveTaskIds(ofType: taskType)
            guard start < ids.count else { return [] }
            return try ids[start..<min(ids.count, start + count)].compactMap { try reader.task(id: $0) }
        }
    }

    /// Puts back in its queue every SCHEDULED task of `taskType` whose entry is missing; returns how many.
    /// (Baton writes a task and its entry in one transaction, so this finds nothing unless a database was
    /// mended by hand; Conductor's queues can drift from its tasks.)
    public func requeuePendingTasks(taskType: String) async throws(EngineError) -> Int {
        try await transaction { tx, changes in
            var requeued = 0
            for id in try tx.liveTaskIds(ofType: taskType) {
                guard let task = try tx.task(id: id), try tx.queueEntry(taskId: id) == nil,
                      let workflow = try tx.workflow(id: task.workflowInstanceId, includeTasks: false),
                      let entry = self.queueEntry(for: task, in: workflow) else { continue }
                try tx.enqueue(entry)
                changes.queued[entry.queueName, default: 0] += 1
                requeued += 1
            }
            return requeued
        }
    }

    /// Makes a workflow due for the sweeper now, as Conductor's "requeue sweep" pushes it to its decider queue.
    public func requeueSweep(workflowId: String) async throws(EngineError) {
        try await transaction { tx, _ in
            let now = self.clock.now()  // the time the transaction runs, not when it was asked for
            guard let workflow = try tx.workflow(id: workflowId, includeTasks: false) else {
                throw EngineError.notFound("No such workflow found by id: \(workflowId)")
            }
            guard !workflow.status.isTerminal else { return }
            try tx.setWakeUp(workflowId: workflowId, at: now)
        }
    }

    /// Checks a workflow's queue entries and wake-up against its state and mends what differs: every task that
    /// should wait in a queue has its entry, no other has one, and the wake-up is the Decider's. Returns whether
    /// anything needed mending.
    public func verifyAndRepair(workflowId: String) async throws(EngineError) -> Bool {
        return try await transaction { tx, changes in
            let now = self.clock.now()  // the time the transaction runs, not when it was asked for
            guard let workflow = try tx.workflow(id: workflowId, includeTasks: true) else {
                throw EngineError.notFound("No such workflow found by id: \(workflowId)")
            }
            var repaired = false
            for task in workflow.tasks {
                let wanted = self.queueEntry(for: task, in: workflow)
                let stored = try tx.queueEntry(taskId: task.taskId)
                guard wanted?.queueName != stored?.queueName || (wanted == nil) != (stored == nil) else { continue }
                repaired = true
                if let wanted {
                    try tx.enqueue(wanted)
                    changes.queued[wanted.queueName, default: 0] += 1
                } else {
                    try tx.dequeue(taskId: task.taskId)
                }
            }
            try tx.setWakeUp(workflowId: workflowId, at: self.decider(at: now).nextWakeUp(of: workflow))
            return repaired
        }
    }
}
