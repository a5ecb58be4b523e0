import BatonModel
public import BatonPersistence
public import BatonDecider
import Foundation
public import Logging
import Synchronization

/// Makes decisions happen: every operation on a workflow is one store transaction that loads the
/// execution, asks the Decider what follows, and saves the outcome, queue entries and wake-up time.
public final class Engine: Sendable {
    let store: any Store
    let clock: any EngineClock
    let logger: Logger
    let notifier = QueueNotifier()
    /// Told the ids of the workflows each committed transaction saved.
    let workflowWatch = WorkflowWatch()
    let pollRecords = PollRecords()
    /// The domain queues polled lately, on this server and (through the sweeper) on every server.
    let domainActivity = DomainActivity()
    /// The registered task definitions' hand-out limits, read now and then.
    let handOutLimits = HandOutLimits()
    /// Whether this server fires no schedules (`pauseScheduling`).
    let schedulingPaused = Atomic<Bool>(false)
    let makeId: @Sendable () -> String
    let metrics: EngineMetrics
    let limits: ExecutionLimits
    /// How many tasks one execution may make (the server's `--max-tasks-per-workflow`).
    public var maximumTasksPerWorkflow: Int { limits.maximumTasks }
    /// How many branches one dynamic fork may make (the server's `--max-fork-width`).
    public var maximumForkWidth: Int { limits.maximumForkWidth }
    /// How large payloads may be, and from what size they are stored apart.
    public var payloadLimits: PayloadLimits { limits.payloads }
    /// What evaluates the scripts of dry runs (`test(_:)`); nil where none can run.
    let scripts: (any ScriptEvaluator)?

    /// Creates an engine over `store`, reading time from `clock`, keeping executions within `limits`. (Scripts are
    /// evaluated outside its transactions, by `ScriptTaskRunner`; `scripts` evaluates those of dry runs.)
    public init(store: any Store, clock: any EngineClock = SystemClock(), logger: Logger = Logger(label: "baton.engine"),
                metrics: EngineMetrics = EngineMetrics(factory: nil), limits: ExecutionLimits = ExecutionLimits(),
                scripts: (any ScriptEvaluator)? = nil,
                makeId: @escaping @Sendable () -> String = { TimeOrderedID.standard.make() }) {
        self.store = store
        self.limits = limits
        self.scripts = scripts
        self.clock = clock
        self.logger = logger
        self.metrics = metrics
        self.makeId = makeId
    }

    /// A Decider for the current instant.
    func decider(at now: Int64) -> Decider {
        var decider = Decider(now: now, makeId: makeId, limits: limits)
        decider.activeDomains = domainActivity.activeDomains(at: now)
        return decider
    }

    /// Runs `body` in one store transaction, translating failures, and wakes the long polls of every
    /// queue the transaction put a task in. Baton's own work (`inBackground`) is written behind requests'.
    func transaction<Result: Sendable>(
        inBackground: Bool = false,
        _ body: @escaping @Sendable (any StoreTransaction, inout Changes) throws -> Result
    ) async throws(EngineError) -> Result {
        do {
            let (result, changes) = inBackground
                ? try await store.writeInBackground(Self.gatheringChanges(body))
                : try await store.write(Self.gatheringChanges(body))
            if !changes.queued.isEmpty { notifier.signal(changes.queued) }
            applyCommitted(changes)
            return result
        } catch {
            noteStoreFailure(error)
            throw EngineError.from(error)
        }
    }

    /// Counts (and, for a lost database, logs) a store failure whose cause the store knows.
    func noteStoreFailure(_ error: any Error) {
        guard let cause = (error as? StoreError)?.cause else { return }
        metrics.recordStoreFailure(cause)
        if cause == .connectionLost || cause == .noConnection {
            logger.warning("The database refused a request", metadata: ["baton.store.cause": "\(cause.rawValue)",
                                                                        "baton.error": "\(error)"])
        }
    }

    /// Runs each of `bodies` in a store transaction of its own, as `transaction(_:)` runs one, and returns
    /// their outcomes in order; one failing does not stop the others.
    func transactions<Result: Sendable>(
        _ bodies: [@Sendable (any StoreTransaction, inout Changes) throws -> Result]
    ) async -> [Swift.Result<Result, EngineError>] {
        let outcomes = await store.writeEach(bodies.map(Self.gatheringChanges))
        var queued: [String: Int] = [:]
        let results = outcomes.map { outcome in
            outcome.map { result, changes in
                queued.merge(changes.queued, uniquingKeysWith: +)
                applyCommitted(changes)
                return result
            }.mapError { error in
                noteStoreFailure(error)
                return EngineError.from(error)
            }
        }
        if !queued.isEmpty { notifier.signal(queued) }
        return results
    }

    /// `body` as a store transaction body that returns its result with the changes it gathered.
    private static func gatheringChanges<Result: Sendable>(
        _ body: @escaping @Sendable (any StoreTransaction, inout Changes) throws -> Result
    ) -> @Sendable (any StoreTransaction) throws -> (Result, Changes) {
        { tx in
            var changes = Changes()
            let result = try body(tx, &changes)
            return (result, changes)
        }
    }

    /// Does what a committed transaction's changes ask for beyond the store: log lines, metrics, polls
    /// noted. A transaction body changes nothing outside the store itself, so that running it again (the
    /// store may, after rolling back) or rolling it back leaves no trace.
    private func applyCommitted(_ changes: Changes) {
        if !changes.workflows.isEmpty { workflowWatch.changed(changes.workflows) }
        for line in changes.logLines { logger.log(level: line.level, line.message, metadata: line.metadata) }
        for change in changes.statusChanges { metrics.record(change) }
        for name in changes.timeoutAlerts { metrics.recordTimeoutAlert(workflowName: name) }
        for taskType in changes.limitedPolls { metrics.recordLimitedPoll(taskType: taskType) }
        for poll in changes.polls { pollRecords.note(queue: poll.queueName, workerId: poll.workerId, at: poll.lastPollTime) }
    }

    /// Reads from the store, translating failures.
    func reading<Result: Sendable>(
        _ body: @escaping @Sendable (any StoreReader) throws -> Result
    ) async throws(EngineError) -> Result {
        do {
            return try await store.read(body)
        } catch {
            noteStoreFailure(error)
            throw EngineError.from(error)
        }
    }

    /// Loads a workflow with its tasks, applies `change` to it, and saves what changed.
    func mutate<Result: Sendable>(
        workflowId: String, actor: String, inBackground: Bool = false,
        _ change: @escaping @Sendable (inout Workflow, Decider, any StoreTransaction, inout Changes) throws
            -> (Result, DecisionEffects)
    ) async throws(EngineError) -> Result {
        return try await transaction(inBackground: inBackground) { tx, changes in
            let now = self.clock.now()  // the time the transaction runs, not when it was asked for
            guard let original = try tx.workflow(id: workflowId, includeTasks: true) else {
                throw EngineError.notFound("No such workflow found by id: \(workflowId)")
            }
            var workflow = original
            let decider = self.decider(at: now)
            let (result, effects) = try change(&workflow, decider, tx, &changes)
            try self.save(workflow, replacing: original, effects: effects, actor: actor, decider: decider, in: tx,
                          changes: &changes)
            return result
        }
    }

    /// Writes the difference between `original` and `workflow`: the workflow row, changed and removed
    /// tasks, queue entries, the wake-up time, event-log entries, and the failure workflow if asked for;
    /// starts the tasks the engine carries out and passes status changes to parent and children.
    /// Returns the workflow as saved.
    @discardableResult
    func save(_ workflow: Workflow, replacing original: Workflow?, effects: DecisionEffects, actor: String,
              decider: Decider, in tx: any StoreTransaction, changes: inout Changes) throws -> Workflow {
        var workflow = workflow
        var effects = effects
        changes.workflows.insert(workflow.workflowId)
        try startEngineTasks(of: &workflow, effects: &effects, actor: actor, decider: decider, in: tx, changes: &changes)
        if let failure = effects.failureWorkflow {
            let startedId = try startFailureWorkflow(failure, for: workflow, decider: decider, in: tx, changes: &changes)
            workflow.output["conductor.failure_workflow"] = .string(startedId)
        }
        var bare = workflow
        bare.tasks = []
        let wakeUp = decider.nextWakeUp(of: workflow)
        if let original {
            var previous = original
            previous.tasks = []
            if previous != bare {
                try tx.save(bare, previous: previous, wakeUp: wakeUp)
            } else {
                try tx.setWakeUp(workflowId: workflow.workflowId, at: wakeUp)
            }
        } else {
            try tx.save(bare, previous: nil)
            if let wakeUp { try tx.setWakeUp(workflowId: workflow.workflowId, at: wakeUp) }  // a new row has none
        }
        // Tasks keep their places (new ones are added after), so each is matched with the original at its
        // position; the map of all of them is built only when one is not there: an execution of thousands of
        // tasks is saved at the cost of what changed, not of hashing every id.
        let originalTasks = original?.tasks ?? []
        var byId: [String: TaskExecution]?
        var allInPlace = true
        for (position, task) in workflow.tasks.enumerated() {
            // An ended task the same as before (most tasks of a large execution: the same value, compared by identity
            // first) has nothing to write and no queue entry.
            if position < originalTasks.count, task.status.isTerminal, originalTasks[position] == task { continue }
            let previous: TaskExecution?
            if position < originalTasks.count, originalTasks[position].taskId == task.taskId {
                previous = originalTasks[position]
            } else if position >= originalTasks.count, allInPlace {
                previous = nil  // every original task was found in its place: one past them is new
            } else {
                if byId == nil { byId = Dictionary(originalTasks.map { ($0.taskId, $0) }, uniquingKeysWith: { first, _ in first }) }
                previous = byId?[task.taskId]
                if previous != nil || position < originalTasks.count { allInPlace = false }
            }
            if previous != task {
                try tx.save(task, previous: previous)
                // A task that stops running frees its concurrency slot (only types with a limit have one).
                if previous?.status == .inProgress, task.status != .inProgress,
                   try handOutLimits.limits(of: task.taskType, at: decider.now, reading: tx)?.concurrency ?? 0 > 0 {
                    try tx.freeSlot(taskId: task.taskId)
                }
            }
            let wanted = queueEntry(for: task, in: workflow)
            let had = previous.flatMap { queueEntry(for: $0, in: original ?? workflow) }
            if wanted != had {
                if let wanted {
                    try tx.enqueue(wanted)
                    changes.queued[wanted.queueName, default: 0] += 1
                } else {
                    try tx.dequeue(taskId: task.taskId)
                }
            }
        }
        if !allInPlace || workflow.tasks.count < originalTasks.count {
            let remaining = Set(workflow.tasks.map(\.taskId))
            let removed = Set(originalTasks.map(\.taskId)).filter { !remaining.contains($0) }
            if !removed.isEmpty { try tx.deleteTasks(ids: removed.sorted()) }
        }
        for note in effects.notes {
            try tx.append(WorkflowEvent(workflowId: workflow.workflowId, time: decider.now, kind: note.kind.rawValue,
                                        actor: actor, taskId: note.taskId, detail: note.detail))
        }
        if let original, original.status != workflow.status {
            try tx.append(WorkflowEvent(workflowId: workflow.workflowId, time: decider.now,
                                        kind: "status.\(workflow.status.rawValue.lowercased())", actor: actor,
                                        detail: workflow.reasonForIncompletion))
        }
        if let original {
            try cascade(from: original, to: workflow, actor: actor, decider: decider, in: tx, changes: &changes)
        }
        if effects.workflowTimeoutAlert { changes.timeoutAlerts.append(workflow.workflowName) }
        if original?.status != workflow.status {
            changes.statusChanges.append(StatusChange(workflowName: workflow.workflowName, from: original?.status,
                                                      to: workflow.status))
        }
        return workflow
    }

    /// The queue entry a task should have: worker and script tasks that are SCHEDULED in a RUNNING workflow.
    func queueEntry(for task: TaskExecution, in workflow: Workflow) -> QueueEntry? {
        guard workflow.status == .running, task.status == .scheduled, TaskKind(task).isPolled else { return nil }
        return QueueEntry(taskId: task.taskId, workflowId: task.workflowInstanceId,
                          queueName: Engine.queueName(for: task), priority: task.workflowPriority,
                          visibleAt: task.updateTime + task.callbackAfterSeconds * 1000 + Engine.retryJitter(of: task, in: workflow))
    }

    /// Conductor's `backoffJitterMs`: an automatic retry not polled yet waits up to that many milliseconds more than
    /// its delay, an amount drawn from its task id (every server computes the same). A manual retry, which replaces a
    /// CANCELED attempt, waits no more.
    static func retryJitter(of task: TaskExecution, in workflow: Workflow) -> Int64 {
        guard let jitter = task.workflowTask?.taskDefinition?.backoffJitterMs, jitter > 0, task.startTime == 0,
              let previousId = task.retriedTaskId,
              let previous = workflow.tasks.first(where: { $0.taskId == previousId }), previous.status != .canceled
        else { return 0 }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for byte in task.taskId.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int64(hash % UInt64(jitter + 1))
    }

    /// The queue a task waits in: `[domain:]taskType[@namespace][-isolationGroup]`, as Conductor names them (only
    /// system tasks carry a namespace or an isolation group, and Baton's runner gives each such queue its own
    /// workers); every script task waits in the script runner's queue.
    static func queueName(for task: TaskExecution) -> String {
        if TaskKind(task) == .script { return ScriptTask.queueName }
        return queueName(taskType: task.taskType, domain: task.domain, namespace: task.executionNameSpace,
                         isolationGroup: task.isolationGroupId)
    }

    /// The queue name for a task type polled in a domain.
    static func queueName(taskType: String, domain: String?, namespace: String? = nil,
                          isolationGroup: String? = nil) -> String {
        var name = taskType
        if let domain, !domain.isEmpty { name = domain + ":" + name }
        if let namespace, !namespace.isEmpty { name += "@" + namespace }
        if let isolationGroup, !isolationGroup.isEmpty { name += "-" + isolationGroup }
        return name
    }
}

/// An isolation group and execution namespace of system tasks (from their task definition), which get a queue and
/// runner workers of their own.
struct TaskIsolation: Sendable, Hashable {
    var namespace: String?
    var group: String?

    /// The isolation a task definition asks for, nil when none.
    init?(_ taskDef: TaskDef) {
        namespace = taskDef.executionNameSpace.flatMap { $0.isEmpty ? nil : $0 }
        group = taskDef.isolationGroupId.flatMap { $0.isEmpty ? nil : $0 }
        if namespace == nil && group == nil { return nil }
    }
}

/// What a transaction did that matters after it commits.
struct Changes: Sendable {
    /// How many tasks each queue received.
    var queued: [String: Int] = [:]
    /// Log lines to write once the transaction has committed, from the caller's task (so they carry its
    /// request id, and a rolled-back transaction logs nothing).
    var logLines: [LogLine] = []
    /// Workflows' changes of status, counted in the metrics once the transaction has committed.
    var statusChanges: [StatusChange] = []
    /// The names of workflows whose timeout passed under ALERT_ONLY, counted once the transaction has committed.
    var timeoutAlerts: [String] = []
    /// The task types of polls that a concurrency or rate limit cut short, counted once the transaction has committed.
    var limitedPolls: [String] = []
    /// Polls recorded in the store, noted once the transaction has committed (see `PollRecords`).
    var polls: [PollData] = []
    /// The workflows saved, whose waiters wake once the transaction has committed.
    var workflows: Set<String> = []

    struct LogLine: Sendable {
        var level: Logger.Level
        var message: Logger.Message
        var metadata: Logger.Metadata
    }

    /// Logs `message` once the transaction commits.
    mutating func log(_ level: Logger.Level, _ message: Logger.Message, metadata: Logger.Metadata) {
        logLines.append(LogLine(level: level, message: message, metadata: metadata))
    }
}
