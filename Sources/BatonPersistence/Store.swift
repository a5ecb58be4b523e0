import BatonModel

/// A database that holds Baton's definitions, executions, queues and event log.
///
/// Every change is one transaction: `write` runs its body atomically and returns only after the
/// commit is durable, so a reply sent after it never acknowledges a lost write. Implementations may
/// group concurrent writes into one commit; each body still succeeds or fails on its own.
public protocol Store: Sendable {
    /// Runs `body` in a write transaction and returns its result once committed. `body` may run more than
    /// once (a store may roll back and retry), so it changes nothing outside the transaction.
    func write<Result: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> Result) async throws -> Result
    /// Runs `body` as `write` does, behind the writes requests wait for: Baton's own background work (its script
    /// and HTTP task runners, the sweeper's decisions) must not hold up a request's commit. A store with one
    /// writer runs such bodies only when no request's write is waiting, a few at a time.
    func writeInBackground<Result: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> Result) async throws -> Result
    /// Runs each of `bodies` in a write transaction of its own and returns their outcomes, in order, once
    /// every one has committed or failed; one failing does not stop the others.
    func writeEach<Result: Sendable>(
        _ bodies: [@Sendable (any StoreTransaction) throws -> Result]
    ) async -> [Swift.Result<Result, any Error>]
    /// Runs `body` against a consistent snapshot that includes every committed write.
    func read<Result: Sendable>(_ body: @escaping @Sendable (any StoreReader) throws -> Result) async throws -> Result
    /// Checks that this server reaches its database, quickly and apart from the work in flight: a store whose writes
    /// can wait on other servers' row locks answers from a connection of its own, so contention is not taken for a
    /// broken server. Throws the store's failure.
    func checkConnectivity() async throws
    /// Closes the database; no call may follow.
    func close() async throws
}

/// Everything a transaction can read.
public protocol StoreReader: ExecutionReading, MetadataReading, QueueReading, ScheduleReading {}

/// Everything a write transaction can read and change.
public protocol StoreTransaction: StoreReader, ExecutionWriting, MetadataWriting, TaskQueue, TaskLimiting, ScheduleWriting {
    /// Takes up to `limit` RUNNING executions whose wake-up time is due at `now`, earliest first, and moves
    /// their wake-up to `leaseUntil`, so that other servers sweeping the same database pass them over
    /// until then (deciding one sets its real next wake-up). Returns their ids.
    func claimDueWorkflowIds(at now: Int64, limit: Int, leaseUntil: Int64) throws -> [String]
}

extension Store {
    /// The default: a read of a row that does not exist (a store whose reads never wait for its writers').
    public func checkConnectivity() async throws {
        _ = try await read { try $0.workflow(id: "", includeTasks: false) }
    }

    /// The default, for stores whose writes do not wait for each other (PostgreSQL's): an ordinary write.
    public func writeInBackground<Result: Sendable>(
        _ body: @escaping @Sendable (any StoreTransaction) throws -> Result
    ) async throws -> Result {
        try await write(body)
    }

    /// Runs the bodies as concurrent, separate `write`s.
    public func writeEach<Result: Sendable>(
        _ bodies: [@Sendable (any StoreTransaction) throws -> Result]
    ) async -> [Swift.Result<Result, any Error>] {
        await withTaskGroup(of: (Int, Swift.Result<Result, any Error>).self) { group in
            for (index, body) in bodies.enumerated() {
                group.addTask {
                    do { return (index, .success(try await self.write(body))) } catch { return (index, .failure(error)) }
                }
            }
            var outcomes = [Swift.Result<Result, any Error>](repeating: .failure(CancellationError()), count: bodies.count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes
        }
    }
}

extension ExecutionWriting {
    /// The default: the update, then the wake-up.
    public func save(_ workflow: Workflow, previous: Workflow, wakeUp: Int64?) throws {
        try save(workflow, previous: previous)
        try setWakeUp(workflowId: workflow.workflowId, at: wakeUp)
    }
}

extension StoreTransaction {
    /// The default claim, for stores with a single writer: the due ids, each given the lease's wake-up.
    public func claimDueWorkflowIds(at now: Int64, limit: Int, leaseUntil: Int64) throws -> [String] {
        let ids = try dueWorkflowIds(at: now, limit: limit)
        for id in ids { try setWakeUp(workflowId: id, at: leaseUntil) }
        return ids
    }
}

/// Reading workflow executions, their tasks, logs and event trails.
public protocol ExecutionReading {
    /// The execution with `id`, with its tasks (in `seq` order) when `includeTasks` is true.
    func workflow(id: String, includeTasks: Bool) throws -> Workflow?
    /// The task attempt with `id`.
    func task(id: String) throws -> TaskExecution?
    /// A page of an execution's tasks in `seq` order — those whose status is one of `statuses` (all when it is
    /// empty) — with the number of all such tasks; nil when there is no execution `workflowId`. Only the page
    /// is read: an execution of thousands of tasks is paged without building every one.
    func tasks(ofWorkflow workflowId: String, statuses: Set<TaskStatus>, start: Int, count: Int) throws
        -> (totalHits: Int64, tasks: [TaskExecution])?
    /// The executions that match `search`, without tasks, and the number of all matches.
    func search(_ search: WorkflowSearch) throws -> (totalHits: Int64, workflows: [Workflow])
    /// The task attempts that match `search`, and the number of all matches.
    func search(_ search: TaskSearch) throws -> (totalHits: Int64, tasks: [TaskExecution])
    /// The ids of the executions of `name` with `correlationId`, newest first.
    func workflowIds(name: String, correlationId: String) throws -> [String]
    /// The ids of the RUNNING executions of `name` (of `version`, when given).
    func runningWorkflowIds(name: String, version: Int?) throws -> [String]
    /// The ids of executions of `name` and `version` created in `[startTime, endTime]`.
    func workflowIds(name: String, version: Int?, createdFrom startTime: Int64, to endTime: Int64) throws -> [String]
    /// The newest execution started with `idempotencyKey`, with its status.
    func workflow(idempotencyKey: String) throws -> (id: String, status: WorkflowStatus)?
    /// The ids of RUNNING executions whose wake-up time is due at `now`, at most `limit` of them.
    func dueWorkflowIds(at now: Int64, limit: Int) throws -> [String]
    /// The event trail of an execution, oldest first.
    func events(workflowId: String) throws -> [WorkflowEvent]
    /// A task's log lines, oldest first.
    func logs(taskId: String) throws -> [TaskExecLog]
}

/// Changing workflow executions. Saves take the previous version so that only what changed is written.
public protocol ExecutionWriting {
    /// Inserts (`previous` nil) or updates an execution's own fields; its tasks are saved separately.
    func save(_ workflow: Workflow, previous: Workflow?) throws
    /// Inserts (`previous` nil) or updates a task attempt.
    func save(_ task: TaskExecution, previous: TaskExecution?) throws
    /// Deletes task attempts, with their queue entries and logs.
    func deleteTasks(ids: [String]) throws
    /// Deletes an execution with its tasks, queue entries, logs and events. Returns whether it existed.
    func deleteWorkflow(id: String) throws -> Bool
    /// Updates an execution's own fields and sets its wake-up (as `setWakeUp`), in one write where the store
    /// can: a decision usually changes both.
    func save(_ workflow: Workflow, previous: Workflow, wakeUp: Int64?) throws
    /// Sets when the execution must be decided again (nil: only when something happens).
    func setWakeUp(workflowId: String, at instant: Int64?) throws
    /// Moves the wake-up time earlier to `instant` if it is later or unset.
    func advanceWakeUp(workflowId: String, to instant: Int64) throws
    /// Makes every RUNNING execution whose wake-up falls after `now` and no later than `limit` due at `now`;
    /// returns how many it moved.
    func bringForwardWakeUps(dueBy limit: Int64, to now: Int64) throws -> Int
    /// Appends an entry to a workflow's event trail.
    func append(_ event: WorkflowEvent) throws
    /// Appends log lines to a task.
    func append(_ logs: [TaskExecLog], taskId: String) throws
}

/// Reading task and workflow definitions.
public protocol MetadataReading {
    /// The task definition named `name`.
    func taskDef(named name: String) throws -> TaskDef?
    /// Every task definition, by name.
    func taskDefs() throws -> [TaskDef]
    /// The definition `name` at `version`, or its latest version when `version` is nil.
    func workflowDef(named name: String, version: Int?) throws -> WorkflowDef?
    /// Every version of every workflow definition, by name then version.
    func workflowDefs() throws -> [WorkflowDef]
}

/// Changing task and workflow definitions.
public protocol MetadataWriting {
    /// Inserts or replaces a task definition.
    func save(_ taskDef: TaskDef) throws
    /// Deletes a task definition; returns whether it existed.
    func deleteTaskDef(named name: String) throws -> Bool
    /// Inserts or replaces one version of a workflow definition.
    func save(_ workflowDef: WorkflowDef) throws
    /// Deletes one version of a workflow definition; returns whether it existed.
    func deleteWorkflowDef(named name: String, version: Int) throws -> Bool
}

/// Reading queue sizes and poll records.
public protocol QueueReading {
    /// The number of entries in a queue, visible or not yet.
    func queueSize(_ queueName: String) throws -> Int
    /// The size of every non-empty queue, by name.
    func queueSizes() throws -> [String: Int]
    /// The last polls of a task type's queues (every domain).
    func pollData(taskType: String) throws -> [PollData]
    /// The polls of queues in a domain (`domain:taskType`) made at or after `time`.
    func domainPolls(since time: Int64) throws -> [PollData]
    /// Every poll record, by queue and worker.
    func allPollData() throws -> [PollData]
    /// A task's queue entry, if it has one.
    func queueEntry(taskId: String) throws -> QueueEntry?
    /// How many tasks of running or paused workflows are IN_PROGRESS, by the queue they were taken from
    /// (`[domain:]taskType`).
    func inProgressCounts() throws -> [String: Int]
    /// The ids of the SCHEDULED and IN_PROGRESS tasks of `taskType` in running or paused workflows, oldest first.
    func liveTaskIds(ofType taskType: String) throws -> [String]
}

/// The queues of tasks waiting for a worker.
public protocol TaskQueue {
    /// Puts a task in its queue, or moves its existing entry.
    func enqueue(_ entry: QueueEntry) throws
    /// Removes a task from the queues, if it is in one.
    func dequeue(taskId: String) throws
    /// Removes up to `count` visible entries from a queue, highest priority then oldest first,
    /// and returns their task ids.
    func claim(queueName: String, count: Int, now: Int64) throws -> [String]
    /// Records that a worker polled a queue.
    func recordPoll(_ poll: PollData) throws
}

/// What a task definition's `concurrentExecLimit` and rate limit are checked against when tasks are handed out:
/// the slots of the tasks running under a concurrency limit, and the hand-outs under a rate limit within its window.
/// Only tasks of limited types are recorded here.
public protocol TaskLimiting {
    /// Holds other servers' checks of `taskDefName`'s limits until this transaction ends (so two servers never
    /// both see room for the last task); nothing where writes are serialized anyway.
    func lockLimits(of taskDefName: String) throws
    /// How many tasks of `taskDefName` hold a concurrency slot; first frees the slots of tasks no longer IN_PROGRESS
    /// when `verifying` (slots are freed as tasks end, but a task deleted or ended on a server that did not know
    /// the limit keeps its slot until then).
    func occupiedSlots(of taskDefName: String, verifying: Bool) throws -> Int
    /// Gives `taskId` a concurrency slot of `taskDefName`.
    func occupySlot(of taskDefName: String, taskId: String) throws
    /// Frees the slot `taskId` holds, if any.
    func freeSlot(taskId: String) throws
    /// How many tasks of `taskDefName` were handed out under its rate limit at or after `since`.
    func rateLimitedStarts(of taskDefName: String, since: Int64) throws -> Int
    /// Records that a task of `taskDefName` was handed out under its rate limit at `time`, and forgets the
    /// hand-outs before `keepSince`.
    func recordRateLimitedStart(of taskDefName: String, taskId: String, at time: Int64, forgettingBefore keepSince: Int64) throws
}

/// A task waiting in a queue for a worker.
public struct QueueEntry: Sendable, Hashable {
    public var taskId: String
    public var workflowId: String
    public var queueName: String
    public var priority: Int
    /// When it may be handed out (epoch ms).
    public var visibleAt: Int64

    public init(taskId: String, workflowId: String, queueName: String, priority: Int, visibleAt: Int64) {
        self.taskId = taskId
        self.workflowId = workflowId
        self.queueName = queueName
        self.priority = priority
        self.visibleAt = visibleAt
    }
}

/// A store failure, with a code the layers above can act on.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, independent of the database behind the store.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        /// The database is busy, locked or out of space; the same request may succeed later.
        public static let unavailable = Code(name: "unavailable")
        /// A row that must be unique already exists.
        public static let duplicate = Code(name: "duplicate")
        /// Stored data could not be read back.
        public static let corrupt = Code(name: "corrupt")
        /// Anything else.
        public static let failed = Code(name: "failed")
        public var description: String { name }
    }

    /// Why the database was unavailable, when the store knows (counted in `baton_store_failures_total`).
    public enum Cause: String, Sendable, Hashable, CaseIterable {
        /// A wait for a lock another writer holds ran past its deadline.
        case lockTimeout = "lock_timeout"
        /// A statement ran past its deadline.
        case statementTimeout = "statement_timeout"
        /// No connection to the database could be had in time.
        case noConnection = "no_connection"
        /// The connection failed or was closed under the request.
        case connectionLost = "connection_lost"
        /// The disk is full.
        case diskFull = "disk_full"
    }

    public var code: Code
    public var message: String
    public var cause: Cause?

    public init(_ code: Code, _ message: String, cause: Cause? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { "\(code): \(message)" }
}
