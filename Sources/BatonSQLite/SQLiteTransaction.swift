@_spi(Engine) import BatonModel
import BatonPersistence
import Foundation
import GRDB

/// The store's operations on one SQLite connection, inside a transaction the caller opened.
struct SQLiteTransaction: StoreTransaction {
    let db: Database
    let definitions: DefinitionSnapshots
    let payloads: StoredPayloads
    /// On the writer: the large executions' tasks as last committed, and what this job reads and changes of
    /// them. Nil on readers.
    let cache: (shared: ExecutionCache, staging: ExecutionStaging)?

    init(db: Database, definitions: DefinitionSnapshots, payloads: StoredPayloads,
         cache: (shared: ExecutionCache, staging: ExecutionStaging)? = nil) {
        self.db = db
        self.definitions = definitions
        self.payloads = payloads
        self.cache = cache
    }

    // MARK: - Executions: reading

    func workflow(id: String, includeTasks: Bool) throws -> Workflow? {
        guard let (loaded, snapshot, key) = try db.cachedStatement(sql: Self.selectWorkflow).firstRow(id, as: { row in
            let key: String = try WorkflowRow(row: row)[.definitionKey]
            let snapshot = try definitions.snapshot(forKey: key, in: db)
            return (try makeWorkflow(row, snapshot: snapshot), snapshot, key)
        })
        else { return nil }
        var workflow = loaded
        guard includeTasks else { return workflow }
        if let served = try cachedTasks(of: workflow, definitionKey: key) {
            workflow.tasks = served
            return workflow
        }
        workflow.tasks = try tasksFromRows(of: workflow, nodes: snapshot.nodes)
        cache?.staging.record(ExecutionCache.Entry(tasks: workflow.tasks, workflowName: workflow.workflowName,
                                                   correlationId: workflow.correlationId, definitionKey: key,
                                                   nodes: snapshot.nodes, isLive: workflow.status.isLive),
                              for: id)
        return workflow
    }

    /// The execution's tasks read from their rows.
    private func tasksFromRows(of workflow: Workflow, nodes: [String: WorkflowTask]) throws -> [TaskExecution] {
        try db.cachedStatement(sql: Self.selectTasksOfWorkflow).rows(workflow.workflowId) {
            try makeTask($0, nodes: nodes, workflowName: workflow.workflowName, correlationId: workflow.correlationId)
        }
    }

    /// The execution's tasks as this job or the cache knows them, when they were built from the columns its
    /// row holds now; nil when they must be read from the rows.
    private func cachedTasks(of workflow: Workflow, definitionKey: String) throws -> [TaskExecution]? {
        guard let cache else { return nil }
        let id = workflow.workflowId
        guard let known = cache.staging.entry(for: id), known.workflowName == workflow.workflowName, known.correlationId == workflow.correlationId,
              known.definitionKey == definitionKey else { return nil }
        if cache.shared.policy.verifies {
            let stored = try tasksFromRows(of: workflow, nodes: known.nodes)
            guard stored == known.tasks else {
                let first = zip(stored, known.tasks).first { $0 != $1 }
                throw StoreError(.corrupt, "The execution cache differs from the rows of \(id): \(stored.count) rows, "
                    + "\(known.tasks.count) cached; first difference: \(String(describing: first))")
            }
        }
        var entry = known
        entry.isLive = workflow.status.isLive
        cache.staging.record(entry, for: id)
        return known.tasks
    }

    func task(id: String) throws -> TaskExecution? {
        if let cache, let (workflowId, seq) = try db.cachedStatement(sql: "SELECT workflow_id, seq FROM tasks WHERE id = ?")
            .firstRow(id, as: { row -> (String, Int) in (try row.value(at: 0), try row.value(at: 1)) }),
           let known = cache.staging.entry(for: workflowId)?.task(id: id, seq: seq) {
            // A task of a large execution the writer holds (a loop's own task, read back by the script runner
            // every iteration, has an output as long as the loop): no JSON to parse.
            if cache.shared.policy.verifies, try taskFromRow(id) != known {
                throw StoreError(.corrupt, "The execution cache differs from the row of task \(id)")
            }
            return known
        }
        return try taskFromRow(id)
    }

    /// The task with `id` built from its row.
    private func taskFromRow(_ id: String) throws -> TaskExecution? {
        // Only the three workflow columns a task carries: no workflow row to build, no JSON to parse.
        try db.cachedStatement(sql: Self.selectTask).firstRow(id) { row in
            let columns = TaskRow(row: row)
            let snapshot = try definitions.snapshot(forKey: columns[extra: 2], in: db)
            return try makeTask(row, nodes: snapshot.nodes, workflowName: columns[extra: 0], correlationId: columns[extra: 1])
        }
    }

    func tasks(ofWorkflow workflowId: String, statuses: Set<TaskStatus>, start: Int, count: Int) throws
        -> (totalHits: Int64, tasks: [TaskExecution])? {
        guard let (workflow, nodes) = try db.cachedStatement(sql: Self.selectWorkflow).firstRow(workflowId, as: { row in
            let snapshot = try definitions.snapshot(forKey: WorkflowRow(row: row)[.definitionKey], in: db)
            return (try makeWorkflow(row, snapshot: snapshot), snapshot.nodes)
        })
        else { return nil }
        let names = statuses.map(\.rawValue).sorted()
        let condition = names.isEmpty ? "" : " AND status IN (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))"
        let filter = StatementArguments([workflowId] + names)
        let total = try Int64.fetchOne(db, sql: "SELECT count(*) FROM tasks WHERE workflow_id = ?" + condition, arguments: filter) ?? 0
        var page: [TaskExecution] = []
        try db.cachedStatement(sql: "SELECT \(TaskColumn.selectList) FROM tasks WHERE workflow_id = ?" + condition
                               + " ORDER BY seq LIMIT ? OFFSET ?")
            .forEachRow(arguments: filter + [max(0, count), max(0, start)]) { row in
                page.append(try makeTask(row, nodes: nodes, workflowName: workflow.workflowName,
                                         correlationId: workflow.correlationId))
            }
        return (total, page)
    }

    // The hot path's queries, made once (interpolated per call, each was a new string to build and hash).
    private static let selectWorkflow = "SELECT \(WorkflowColumn.selectList) FROM workflows WHERE id = ?"
    private static let selectTasksOfWorkflow = "SELECT \(TaskColumn.selectList) FROM tasks WHERE workflow_id = ? ORDER BY seq"
    private static let selectTask = """
        SELECT \(TaskColumn.selectList), workflows.name, workflows.correlation_id, workflows.definition_key
        FROM tasks JOIN workflows ON workflows.id = tasks.workflow_id WHERE tasks.id = ?
        """

    func workflowIds(name: String, correlationId: String) throws -> [String] {
        try String.fetchAll(db.cachedStatement(
            sql: "SELECT id FROM workflows WHERE correlation_id = ? AND name = ? ORDER BY create_time DESC"),
            arguments: [correlationId, name])
    }

    func runningWorkflowIds(name: String, version: Int?) throws -> [String] {
        if let version {
            return try String.fetchAll(db, sql: "SELECT id FROM workflows WHERE name = ? AND version = ? AND status = 'RUNNING' ORDER BY create_time",
                                       arguments: [name, version])
        }
        return try String.fetchAll(db, sql: "SELECT id FROM workflows WHERE name = ? AND status = 'RUNNING' ORDER BY create_time",
                                   arguments: [name])
    }

    func workflowIds(name: String, version: Int?, createdFrom startTime: Int64, to endTime: Int64) throws -> [String] {
        var sql = "SELECT id FROM workflows WHERE name = ? AND create_time >= ? AND create_time <= ?"
        var arguments: StatementArguments = [name, startTime, endTime]
        if let version {
            sql += " AND version = ?"
            arguments += [version]
        }
        return try String.fetchAll(db, sql: sql + " ORDER BY create_time", arguments: arguments)
    }

    func workflow(idempotencyKey: String) throws -> (id: String, status: WorkflowStatus)? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT id, status FROM workflows WHERE idempotency_key = ? ORDER BY create_time DESC LIMIT 1
            """), arguments: [idempotencyKey]) else { return nil }
        return (row["id"], try status(row["status"]))
    }

    func dueWorkflowIds(at now: Int64, limit: Int) throws -> [String] {
        // Without statistics SQLite prefers the status index, and would read every RUNNING workflow (the
        // waiting ones too) on every sweep; the wake-up index reads only the due ones.
        try String.fetchAll(db.cachedStatement(
            sql: """
            SELECT id FROM workflows INDEXED BY workflows_by_wake
            WHERE wake_at IS NOT NULL AND wake_at <= ? AND status = 'RUNNING'
            ORDER BY wake_at LIMIT ?
            """),
            arguments: [now, limit])
    }

    func events(workflowId: String) throws -> [WorkflowEvent] {
        try Row.fetchAll(db, sql: "SELECT * FROM events WHERE workflow_id = ? ORDER BY id", arguments: [workflowId]).map {
            WorkflowEvent(workflowId: $0["workflow_id"], time: $0["time"], kind: $0["kind"], actor: $0["actor"],
                          taskId: $0["task_id"], detail: $0["detail"])
        }
    }

    func logs(taskId: String) throws -> [TaskExecLog] {
        try Row.fetchAll(db, sql: "SELECT * FROM task_logs WHERE task_id = ? ORDER BY id", arguments: [taskId]).map {
            TaskExecLog(log: $0["log"], taskId: $0["task_id"], createdTime: $0["created_time"])
        }
    }

    // MARK: - Executions: writing

    func save(_ workflow: Workflow, previous: Workflow?) throws {
        guard let previous else { return try insert(workflow) }
        try update(workflow, from: previous, wakeUp: nil)
    }

    func save(_ workflow: Workflow, previous: Workflow, wakeUp: Int64?) throws {
        try update(workflow, from: previous, wakeUp: .some(wakeUp))
    }

    private static func definition(of workflow: Workflow) throws -> WorkflowDef {
        guard let definition = workflow.workflowDefinition else {
            throw StoreError(.failed, "Workflow \(workflow.workflowId) has no definition to save")
        }
        return definition
    }

    private func insert(_ workflow: Workflow) throws {
        let key = try definitions.key(for: Self.definition(of: workflow), in: db)
        try db.cachedStatement(sql: """
            INSERT INTO workflows (id, name, version, status, correlation_id, parent_workflow_id,
                parent_workflow_task_id, rerun_from_workflow_id, idempotency_key, event, created_by, priority,
                create_time, update_time, end_time, last_retried_time, paused_at, paused_millis, reason,
                definition_key, input, output, variables, task_to_domain, failed_reference_task_names,
                failed_task_names)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).run(
                workflow.workflowId, workflow.workflowName, workflow.workflowVersion, workflow.status.rawValue,
                workflow.correlationId, workflow.parentWorkflowId, workflow.parentWorkflowTaskId,
                workflow.reRunFromWorkflowId, workflow.idempotencyKey, workflow.event, workflow.createdBy,
                workflow.priority, workflow.createTime, workflow.updateTime, workflow.endTime,
                workflow.lastRetriedTime, workflow.pausedAt, workflow.pausedMillis, workflow.reasonForIncompletion,
                key, try columnText(workflow.input, .workflowInput, of: workflow.workflowId, replacing: nil),
                try columnText(workflow.output, .workflowOutput, of: workflow.workflowId, replacing: nil),
                workflow.variables.jsonText,
                Self.text(workflow.taskToDomain), Self.text(workflow.failedReferenceTaskNames),
                Self.text(workflow.failedTaskNames))
    }

    /// Updates a workflow's row, and its wake-up unless `wakeUp` is nil (`.some(nil)` clears it).
    private func update(_ workflow: Workflow, from previous: Workflow, wakeUp: Int64??) throws {
        let definition = try Self.definition(of: workflow)
        // Only what changed: a task result touches the update time and output, not the name or creation time
        // that most indexes cover.
        var update = RowUpdate(from: previous, to: workflow)
        update.set("name", \.workflowName)
        update.set("version", \.workflowVersion)
        update.set("status", \.status) { $0.rawValue }
        update.set("correlation_id", \.correlationId)
        update.set("parent_workflow_id", \.parentWorkflowId)
        update.set("parent_workflow_task_id", \.parentWorkflowTaskId)
        update.set("rerun_from_workflow_id", \.reRunFromWorkflowId)
        update.set("idempotency_key", \.idempotencyKey)
        update.set("event", \.event)
        update.set("created_by", \.createdBy)
        update.set("priority", \.priority)
        update.set("create_time", \.createTime)
        update.set("update_time", \.updateTime)
        update.set("end_time", \.endTime)
        update.set("last_retried_time", \.lastRetriedTime)
        update.set("paused_at", \.pausedAt)
        update.set("paused_millis", \.pausedMillis)
        update.set("reason", \.reasonForIncompletion)
        // An execution keeps its definition unless a restart or rerun moved it to the latest one.
        var definitionKey: String?
        if previous.workflowDefinition != definition {
            let key = try definitions.key(for: definition, in: db)
            update.set("definition_key", key)
            definitionKey = key
        }
        if workflow.input != previous.input {
            update.set("input", try columnText(workflow.input, .workflowInput, of: workflow.workflowId, replacing: previous.input))
        }
        if workflow.output != previous.output {
            update.set("output", try columnText(workflow.output, .workflowOutput, of: workflow.workflowId,
                                                replacing: previous.output))
        }
        update.set("variables", \.variables) { $0.jsonText }
        update.set("task_to_domain", \.taskToDomain) { Self.text($0) }
        update.set("failed_reference_task_names", \.failedReferenceTaskNames) { Self.text($0) }
        update.set("failed_task_names", \.failedTaskNames) { Self.text($0) }
        if let wakeUp { update.set("wake_at", wakeUp) }
        try update.execute(in: db, table: "workflows", key: "id", id: workflow.workflowId)
        cache?.staging.saved(workflow, definitionKey: definitionKey)
    }

    /// A string map or list as the JSON text its column holds.
    private static func text(_ map: [String: String]) -> String { JSONValue.object(map.mapValues(JSONValue.string)).jsonText }
    private static func text(_ list: [String]) -> String { JSONValue.array(list.map(JSONValue.string)).jsonText }

    func save(_ task: TaskExecution, previous: TaskExecution?) throws {
        cache?.staging.saved(task)
        guard let previous else { return try insertOrReplace(task) }
        var update = RowUpdate(from: previous, to: task)
        update.set("seq", \.seq)
        update.set("task_type", \.taskType)
        update.set("task_def_name", \.taskDefName)
        update.set("reference_name", \.referenceTaskName)
        update.set("status", \.status) { $0.rawValue }
        if task.inputData != previous.inputData {
            update.set("input", try columnText(task.inputData, .taskInput, of: task.taskId, in: task.workflowInstanceId,
                                               replacing: previous.inputData))
        }
        if task.outputData != previous.outputData {
            update.set("output", try columnText(task.outputData, .taskOutput, of: task.taskId, in: task.workflowInstanceId,
                                                replacing: previous.outputData))
        }
        update.set("retry_count", \.retryCount)
        update.set("retried", \.retried)
        update.set("retried_task_id", \.retriedTaskId)
        update.set("executed", \.executed)
        update.set("poll_count", \.pollCount)
        update.set("scheduled_time", \.scheduledTime)
        update.set("start_time", \.startTime)
        update.set("end_time", \.endTime)
        update.set("update_time", \.updateTime)
        update.set("first_start_time", \.firstStartTime)
        update.set("start_delay_seconds", \.startDelayInSeconds)
        update.set("callback_after_seconds", \.callbackAfterSeconds)
        update.set("response_timeout_seconds", \.responseTimeoutSeconds)
        update.set("worker_id", \.workerId)
        update.set("reason", \.reasonForIncompletion)
        update.set("domain", \.domain)
        update.set("workflow_priority", \.workflowPriority)
        update.set("iteration", \.iteration)
        update.set("sub_workflow_id", \.subWorkflowId)
        update.set("parent_task_id", \.parentTaskId)
        update.set("rate_limit_per_frequency", \.rateLimitPerFrequency)
        update.set("rate_limit_frequency_seconds", \.rateLimitFrequencyInSeconds)
        update.set("execution_namespace", \.executionNameSpace)
        update.set("isolation_group_id", \.isolationGroupId)
        update.set("wait_until", \.waitUntil)
        update.set("paused_millis", \.pausedMillis)
        try update.execute(in: db, table: "tasks", key: "id", id: task.taskId)
    }

    /// Writes a task that has no stored previous version (or whose stored version the caller does not know).
    private func insertOrReplace(_ task: TaskExecution) throws {
        try db.cachedStatement(sql: Self.upsertTask).run(
            task.taskId, task.workflowInstanceId, task.seq, task.taskType, task.taskDefName, task.referenceTaskName,
            task.status.rawValue,
            try columnText(task.inputData, .taskInput, of: task.taskId, in: task.workflowInstanceId, replacing: nil),
            try columnText(task.outputData, .taskOutput, of: task.taskId, in: task.workflowInstanceId, replacing: nil),
            task.retryCount, task.retried,
            task.retriedTaskId, task.executed, task.pollCount, task.scheduledTime, task.startTime, task.endTime,
            task.updateTime, task.firstStartTime, task.startDelayInSeconds, task.callbackAfterSeconds,
            task.responseTimeoutSeconds, task.workerId, task.reasonForIncompletion, task.domain, task.workflowPriority,
            task.iteration, task.subWorkflowId, task.parentTaskId, task.rateLimitPerFrequency,
            task.rateLimitFrequencyInSeconds, task.executionNameSpace, task.isolationGroupId, task.waitUntil,
            task.pausedMillis)
    }

    private static let upsertTask = TaskColumns.upsert { _ in "?" }

    func deleteTasks(ids: [String]) throws {
        if let cache {
            for taskId in cache.staging.deleted(taskIds: ids) {
                // A task of an execution this job did not read: that execution's entry cannot follow.
                if let workflowId = try String.fetchOne(db.cachedStatement(sql: "SELECT workflow_id FROM tasks WHERE id = ?"),
                                                        arguments: [taskId]) {
                    cache.staging.drop(workflowId)
                }
            }
        }
        for id in ids {
            try db.cachedStatement(sql: "DELETE FROM tasks WHERE id = ?").run(id)
            try db.cachedStatement(sql: "DELETE FROM queue WHERE task_id = ?").run(id)
            try db.cachedStatement(sql: "DELETE FROM task_logs WHERE task_id = ?").run(id)
            try db.cachedStatement(sql: "DELETE FROM payloads WHERE owner_id = ?").run(id)
        }
    }

    func deleteWorkflow(id: String) throws -> Bool {
        cache?.staging.drop(id)
        try db.execute(sql: "DELETE FROM task_logs WHERE task_id IN (SELECT id FROM tasks WHERE workflow_id = ?)",
                       arguments: [id])
        try db.execute(sql: "DELETE FROM queue WHERE task_id IN (SELECT id FROM tasks WHERE workflow_id = ?)",
                       arguments: [id])
        try db.execute(sql: "DELETE FROM tasks WHERE workflow_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM events WHERE workflow_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM payloads WHERE workflow_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM workflows WHERE id = ?", arguments: [id])
        return db.changesCount > 0
    }

    func setWakeUp(workflowId: String, at instant: Int64?) throws {
        // Unchanged (the usual case) writes nothing, sparing the wake-up index.
        try db.cachedStatement(sql: "UPDATE workflows SET wake_at = ?1 WHERE id = ?2 AND wake_at IS NOT ?1")
            .run(instant, workflowId)
    }

    func advanceWakeUp(workflowId: String, to instant: Int64) throws {
        try db.cachedStatement(sql: """
            UPDATE workflows SET wake_at = ?1 WHERE id = ?2 AND (wake_at IS NULL OR wake_at > ?1)
            """).run(instant, workflowId)
    }

    func bringForwardWakeUps(dueBy limit: Int64, to now: Int64) throws -> Int {
        try db.execute(sql: """
            UPDATE workflows INDEXED BY workflows_by_wake SET wake_at = ?1
            WHERE wake_at IS NOT NULL AND wake_at > ?1 AND wake_at <= ?2 AND status = 'RUNNING'
            """, arguments: [now, limit])
        return db.changesCount
    }

    func append(_ event: WorkflowEvent) throws {
        // The next number in the workflow's trail: a seek to the end of its range, the page the row goes on.
        try db.cachedStatement(sql: """
            INSERT INTO events (workflow_id, id, time, kind, actor, task_id, detail)
            VALUES (?1, (SELECT COALESCE(MAX(id), 0) + 1 FROM events WHERE workflow_id = ?1), ?2, ?3, ?4, ?5, ?6)
            """).run(event.workflowId, event.time, event.kind, event.actor, event.taskId, event.detail)
    }

    func append(_ logs: [TaskExecLog], taskId: String) throws {
        for log in logs {
            try db.cachedStatement(sql: "INSERT INTO task_logs (task_id, log, created_time) VALUES (?, ?, ?)")
                .run(taskId, log.log, log.createdTime)
        }
    }
}
