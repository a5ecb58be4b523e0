public import BatonModel
import BatonDecider
import BatonPersistence
import Logging

extension Engine {
    /// The longest a poll may wait for a task, in milliseconds (Conductor's limit).
    public static let maximumPollTimeout: Int64 = 5_000
    /// The most tasks one batch poll may take.
    public static let maximumPollCount = 1_000

    /// Hands up to `count` tasks of `taskType` (in `domain`) to a worker, marking them IN_PROGRESS.
    /// Waits up to `timeout` milliseconds for one to be queued when none is ready.
    public func poll(taskType: String, workerId: String?, domain: String?, count: Int = 1,
                     timeout: Int64 = 0, access: TaskAccess = .unrestricted) async throws(EngineError) -> [TaskExecution] {
        try await poll(taskType: taskType, workerId: workerId, domain: domain, isolation: nil, count: count, timeout: timeout,
                       access: access)
    }

    /// Polls as `poll(taskType:workerId:domain:count:timeout:access:)` does, from the queue of an isolation group and
    /// namespace when given (Baton's own runners serve those queues).
    func poll(taskType: String, workerId: String?, domain: String?, isolation: TaskIsolation?, count: Int = 1,
              timeout: Int64 = 0, access: TaskAccess = .unrestricted) async throws(EngineError) -> [TaskExecution] {
        guard !taskType.isEmpty else { throw EngineError.invalid("taskType cannot be empty") }
        try access.check(polledQueue: taskType)
        try access.check(taskType: taskType)
        guard (1...Engine.maximumPollCount).contains(count) else {
            throw EngineError.invalid("count: \(count) must be between 1 and \(Engine.maximumPollCount)")
        }
        guard (0...Engine.maximumPollTimeout).contains(timeout) else {
            throw EngineError.invalid("Long Poll Timeout value cannot be more than 5 seconds (got \(timeout) ms)")
        }
        let queue = Engine.queueName(taskType: taskType, domain: domain, namespace: isolation?.namespace,
                                     isolationGroup: isolation?.group)
        let deadline = ContinuousClock.now + .milliseconds(timeout)
        while true {
            let generation = notifier.generation(of: queue)
            let tasks = try await claim(queue: queue, domain: domain, count: count, workerId: workerId,
                                        inBackground: access == .baton)
            let remaining = deadline - ContinuousClock.now
            if !tasks.isEmpty || remaining <= .zero { return tasks }
            await notifier.wait(for: queue, after: generation, timeout: remaining)
        }
    }

    func claim(queue: String, domain: String?, count: Int, workerId: String?,
               inBackground: Bool = false) async throws(EngineError) -> [TaskExecution] {
        // The lease starts when the claim runs, not when it was asked for: a claim that waited for the database
        // (a busy pool, a stalled connection) still hands out a whole lease.
        try await transaction(inBackground: inBackground) { tx, changes in
            try self.claim(queue: queue, domain: domain, count: count, workerId: workerId, now: self.clock.now(), in: tx,
                           changes: &changes)
        }
    }

    /// Claims up to `count` tasks of `queue` inside a transaction, marking them IN_PROGRESS.
    func claim(queue: String, domain: String?, count: Int, workerId: String?, now: Int64,
               in tx: any StoreTransaction, changes: inout Changes) throws -> [TaskExecution] {
        if let domain, !domain.isEmpty { domainActivity.note(queue: queue, at: now) }
        if pollRecords.isDue(queue: queue, workerId: workerId, at: now) {
            let poll = PollData(queueName: queue, domain: domain, workerId: workerId, lastPollTime: now)
            try tx.recordPoll(poll)
            changes.polls.append(poll)
        }
        let decider = self.decider(at: now)
        var count = count
        let taskType = domain.map { $0.isEmpty ? queue : String(queue.dropFirst($0.count + 1)) } ?? queue
        let limits = try handOutLimits.limits(of: taskType, at: now, reading: tx)
        if let limits {
            // Conductor's concurrentExecLimit and rate limit, counted over every server's hand-outs.
            try tx.lockLimits(of: taskType)
            var allowed = count
            if limits.concurrency > 0 {
                var occupied = try tx.occupiedSlots(of: taskType, verifying: false)
                if occupied + count > limits.concurrency {
                    occupied = try tx.occupiedSlots(of: taskType, verifying: true)  // before refusing, drop stale slots
                }
                allowed = min(allowed, limits.concurrency - occupied)
            }
            if limits.perFrequency > 0 {
                allowed = min(allowed, limits.perFrequency - (try tx.rateLimitedStarts(of: taskType, since: now - limits.window)))
            }
            if allowed < count { changes.limitedPolls.append(taskType) }
            count = max(0, allowed)
            guard count > 0 else { return [] }
        }
        var claimed: [TaskExecution] = []
        for id in try tx.claim(queueName: queue, count: count, now: now) {
            guard var task = try tx.task(id: id), task.status == .scheduled else { continue }
            let previous = task
            decider.start(&task, workerId: workerId)
            try tx.save(task, previous: previous)
            if let limits {
                if limits.concurrency > 0 { try tx.occupySlot(of: taskType, taskId: task.taskId) }
                if limits.perFrequency > 0 {
                    try tx.recordRateLimitedStart(of: taskType, taskId: task.taskId, at: now, forgettingBefore: now - limits.window)
                }
            }
            if task.responseTimeoutSeconds > 0 {
                try tx.advanceWakeUp(workflowId: task.workflowInstanceId, to: now + task.responseTimeoutSeconds * 1000)
            }
            claimed.append(task)
        }
        return claimed
    }

    /// Reads the recent polls of domain queues, every server's, into what decides where a task mapped to several
    /// domains is queued (the sweeper calls it every few seconds).
    public func refreshDomainActivity() async throws(EngineError) {
        let since = clock.now() - DomainActivity.window
        for poll in try await reading({ try $0.domainPolls(since: since) }) {
            domainActivity.note(queue: poll.queueName, at: poll.lastPollTime)
        }
    }

    /// Records a worker's result for a task and moves its workflow on. Returns the task id.
    ///
    /// A result for a task or workflow that has already ended changes nothing: it is acknowledged, as
    /// Conductor does, and recorded in the workflow's event log. A task `access` does not permit is refused.
    @discardableResult
    public func update(_ result: TaskResult, actor: String = "anonymous",
                       access: TaskAccess = .unrestricted) async throws(EngineError) -> String {
        try Self.validate(result)
        try await transaction(inBackground: access == .baton) { tx, changes in
            _ = try self.record(result, actor: actor, access: access, now: self.clock.now(), in: tx, changes: &changes)
        }
        return result.taskId
    }

    /// Records many workers' results (at most `maximumPollCount`), each on its own: one that fails does not
    /// stop the others. Results that arrive together share commits, so a worker reporting a batch costs the
    /// server one request instead of one per task.
    ///
    /// A malformed result, a task named twice, or a task `access` does not permit refuses the whole batch and
    /// records nothing. When the store is unavailable for any result, that is thrown (retryable): results
    /// recorded meanwhile are acknowledged again, changing nothing, when the batch is retried.
    public func update(_ results: [TaskResult], actor: String = "anonymous",
                       access: TaskAccess = .unrestricted) async throws(EngineError) -> BulkResponse {
        guard results.count <= Engine.maximumPollCount else {
            throw EngineError.invalid("Cannot record more than \(Engine.maximumPollCount) results in one request")
        }
        var named = Set<String>()
        for result in results {
            try Self.validate(result)
            guard named.insert(result.taskId).inserted else {
                throw EngineError.invalid("Task \(result.taskId) has more than one result in the request")
            }
        }
        if access.taskTypes != nil {
            // Refused whole before anything is recorded; each transaction checks its task again.
            let taskTypes = try await reading { tx in try results.compactMap { try tx.task(id: $0.taskId)?.taskType } }
            for taskType in Set(taskTypes) { try access.check(taskType: taskType) }
        }
        let outcomes = await transactions(results.map { result in
            { tx, changes in
                _ = try self.record(result, actor: actor, access: access, now: self.clock.now(), in: tx, changes: &changes)
            }
        })
        var failures: [String: EngineError] = [:]
        for (result, outcome) in zip(results, outcomes) {
            if case .failure(let error) = outcome { failures[result.taskId] = error }
        }
        if let unavailable = failures.values.first(where: { $0.code == .unavailable }) { throw unavailable }
        return BulkResponse(bulkSuccessfulResults: results.map(\.taskId).filter { failures[$0] == nil },
                            bulkErrorResults: failures.mapValues(\.message))
    }

    /// Records a worker's result inside a transaction (see `update(_:actor:access:)`). Returns the task the
    /// result is for, or nil when a rerun had removed it.
    @discardableResult
    func record(_ result: TaskResult, actor: String, access: TaskAccess = .unrestricted, now: Int64,
                in tx: any StoreTransaction, changes: inout Changes) throws -> TaskExecution? {
        guard let original = try tx.workflow(id: result.workflowInstanceId, includeTasks: true) else {
            throw EngineError.notFound("No such workflow found by id: \(result.workflowInstanceId)")
        }
        if access.taskTypes != nil,
           let named = try original.tasks.first(where: { $0.taskId == result.taskId }) ?? tx.task(id: result.taskId) {
            try access.check(taskType: named.taskType)
        }
        var workflow = original
        let decider = self.decider(at: now)
        let outcome: TaskResultOutcome
        if workflow.tasks.contains(where: { $0.taskId == result.taskId }) {
            outcome = try decider.apply(result, to: &workflow)
        } else {
            // A task removed by a rerun: its worker's late result is acknowledged and recorded.
            let removed = try tx.events(workflowId: workflow.workflowId)
                .contains { $0.kind == DecisionNote.Kind.taskRemoved.rawValue && $0.taskId == result.taskId }
            guard removed else { throw EngineError.notFound("No such task found by id: \(result.taskId)") }
            outcome = .ignored(reason: "Task \(result.taskId) was removed by a rerun")
        }
        switch outcome {
        case .ignored(let reason):
            try tx.append(WorkflowEvent(workflowId: workflow.workflowId, time: now, kind: "task.result_ignored",
                                        actor: actor, taskId: result.taskId,
                                        detail: "\(result.status?.rawValue ?? "lease") result ignored: \(reason)"))
            changes.log(.info, "Late task result ignored", metadata: [
                "baton.workflow.id": "\(workflow.workflowId)", "baton.task.id": "\(result.taskId)"])
        case .leaseExtended:
            if let task = workflow.tasks.first(where: { $0.taskId == result.taskId }) {
                try tx.save(task, previous: original.tasks.first { $0.taskId == result.taskId })
                try tx.setWakeUp(workflowId: workflow.workflowId, at: decider.nextWakeUp(of: workflow))
            }
        case .applied:
            let effects = decider.decide(&workflow)
            try self.save(workflow, replacing: original, effects: effects, actor: actor, decider: decider, in: tx,
                          changes: &changes)
        }
        let task = original.tasks.first { $0.taskId == result.taskId }
        if !result.logs.isEmpty, task != nil {
            try tx.append(result.logs.map { log in
                TaskExecLog(log: log.log, taskId: result.taskId, createdTime: log.createdTime > 0 ? log.createdTime : now)
            }, taskId: result.taskId)
        }
        return task
    }

    /// Records a result and, in the same round trip, hands the worker its next task of the same type
    /// and domain, if one is ready.
    public func updateAndPoll(_ result: TaskResult, actor: String = "anonymous",
                              access: TaskAccess = .unrestricted) async throws(EngineError) -> TaskExecution? {
        // One transaction (one commit) for the result and the next task, at the time it runs.
        try Self.validate(result)
        return try await transaction { tx, changes in
            let now = self.clock.now()
            guard let task = try self.record(result, actor: actor, access: access, now: now, in: tx, changes: &changes) else {
                return nil
            }
            return try self.claim(queue: Engine.queueName(taskType: task.taskType, domain: task.domain), domain: task.domain,
                                  count: 1, workerId: result.workerId, now: now, in: tx, changes: &changes).first
        }
    }

    /// Refuses a result that names no task or workflow, or carries no status.
    static func validate(_ result: TaskResult) throws(EngineError) {
        guard !result.taskId.isEmpty else { throw EngineError.invalid("taskId cannot be empty") }
        guard !result.workflowInstanceId.isEmpty else { throw EngineError.invalid("workflowInstanceId cannot be empty") }
        guard result.status != nil || result.extendLease else { throw EngineError.invalid("status cannot be null") }
    }

    /// Updates the live attempt of the task with `referenceName` in a workflow, merging `output` into
    /// its output (the way people signal a WAIT task). Returns the task id.
    @discardableResult
    public func update(workflowId: String, referenceName: String, status: TaskResultStatus, output: JSONObject,
                       workerId: String?, actor: String = "anonymous",
                       access: TaskAccess = .unrestricted) async throws(EngineError) -> String {
        return try await transaction { tx, changes in
            let now = self.clock.now()
            guard let workflow = try tx.workflow(id: workflowId, includeTasks: true) else {
                throw EngineError.notFound("No such workflow found by id: \(workflowId)")
            }
            let result = try self.decider(at: now).result(forReferenceName: referenceName, in: workflow, status: status,
                                                          output: output, workerId: workerId)
            try self.record(result, actor: actor, access: access, now: now, in: tx, changes: &changes)
            return result.taskId
        }
    }

    /// The task attempt with `taskId`.
    public func task(id taskId: String) async throws(EngineError) -> TaskExecution {
        guard let task = try await reading({ try $0.task(id: taskId) }) else {
            throw EngineError.notFound("Task not found for taskId: \(taskId)")
        }
        return task
    }

    /// A task's log lines, oldest first.
    public func logs(taskId: String) async throws(EngineError) -> [TaskExecLog] {
        try await reading { try $0.logs(taskId: taskId) }
    }

    /// Appends a log line to a task.
    public func addLog(_ line: String, taskId: String, access: TaskAccess = .unrestricted) async throws(EngineError) {
        try await transaction { tx, _ in
            let now = self.clock.now()  // the time the transaction runs, not when it was asked for
            guard let task = try tx.task(id: taskId) else { throw EngineError.notFound("Task not found for taskId: \(taskId)") }
            try access.check(taskType: task.taskType)
            try tx.append([TaskExecLog(log: line, taskId: taskId, createdTime: now)], taskId: taskId)
        }
    }

    /// The number of tasks waiting in the queue of a task type (in a domain).
    public func queueSize(taskType: String, domain: String?, namespace: String? = nil,
                          isolationGroup: String? = nil) async throws(EngineError) -> Int {
        let name = Engine.queueName(taskType: taskType, domain: domain, namespace: namespace, isolationGroup: isolationGroup)
        return try await reading { try $0.queueSize(name) }
    }

    /// The size of every non-empty queue, by queue name.
    public func queueSizes() async throws(EngineError) -> [String: Int] {
        try await reading { try $0.queueSizes() }
    }

    /// When workers last polled a task type's queues.
    public func pollData(taskType: String) async throws(EngineError) -> [PollData] {
        try await reading { try $0.pollData(taskType: taskType) }
    }
}
