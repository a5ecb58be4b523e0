@_spi(Engine) import BatonModel
import BatonPersistence
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// The store's operations on one PostgreSQL connection inside a transaction the store opened.
///
/// Runs on one of the store's pool threads: every statement blocks that thread until its result
/// arrives (see ``PostgresStore``). After a failed statement the transaction is aborted, so the first
/// failure is kept and every later statement throws it without reaching the server.
final class PostgresTransaction: StoreTransaction {
    let connection: PostgresConnection
    let logger: Logger
    let definitions: DefinitionSnapshots
    let payloads: StoredPayloads
    /// Whether this is a write transaction, whose workflow loads lock the workflow row.
    let locking: Bool
    /// The first statement failure, which aborted the transaction.
    private(set) var failure: PostgresFailure?
    /// The queues this transaction put tasks in, announced to every node when it commits.
    var queued: Set<String> = []
    /// The definition snapshots this transaction inserted (not yet committed).
    var insertedSnapshotKeys: Set<String> = []

    init(connection: PostgresConnection, logger: Logger, definitions: DefinitionSnapshots, payloads: StoredPayloads,
         locking: Bool) {
        self.connection = connection
        self.logger = logger
        self.definitions = definitions
        self.payloads = payloads
        self.locking = locking
    }

    // MARK: - Statements

    /// Runs one statement and returns its result.
    @discardableResult
    func execute(_ sql: String, _ values: [any SQLBindable] = []) throws -> PostgresQueryResult {
        if let failure { throw failure }
        do {
            var bindings = PostgresBindings(capacity: values.count)
            for value in values { try value.bind(into: &bindings) }
            return try connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger).wait()
        } catch {
            let failure = PostgresFailure(error)
            self.failure = failure
            throw failure
        }
    }

    /// The rows of a query, each ready to read by column name.
    func rows(_ sql: String, _ values: [any SQLBindable] = []) throws -> [Columns] {
        try execute(sql, values).rows.map { Columns(row: $0.makeRandomAccess()) }
    }

    /// The first column of every row.
    func column<Value: PostgresDecodable>(_ type: Value.Type, _ sql: String, _ values: [any SQLBindable] = []) throws -> [Value] {
        try execute(sql, values).rows.map { try $0.makeRandomAccess()[0].decode(Value.self) }
    }

    /// The number of rows a statement changed.
    func changes(_ sql: String, _ values: [any SQLBindable] = []) throws -> Int {
        try execute(sql, values).metadata.rows ?? 0
    }

    // MARK: - Executions: reading

    func workflow(id: String, includeTasks: Bool) throws -> Workflow? {
        let lock = locking ? " FOR UPDATE" : ""
        guard let row = try rows("SELECT * FROM workflows WHERE id = $1" + lock, [id]).first else { return nil }
        var workflow = try makeWorkflow(row)
        if includeTasks {
            let snapshot = try definitions.snapshot(forKey: try row["definition_key"], in: self)
            workflow.tasks = try rows("SELECT * FROM tasks WHERE workflow_id = $1 ORDER BY seq", [id])
                .map { try makeTask($0, nodes: snapshot.nodes, workflow: workflow) }
        }
        return workflow
    }

    func tasks(ofWorkflow workflowId: String, statuses: Set<TaskStatus>, start: Int, count: Int) throws
        -> (totalHits: Int64, tasks: [TaskExecution])? {
        guard let row = try rows("SELECT * FROM workflows WHERE id = $1", [workflowId]).first else { return nil }
        let workflow = try makeWorkflow(row)
        let snapshot = try definitions.snapshot(forKey: try row["definition_key"], in: self)
        let names = statuses.map(\.rawValue).sorted()
        let condition = names.isEmpty ? ""
            : " AND status IN (\(names.indices.map { "$\($0 + 2)" }.joined(separator: ", ")))"
        let filter: [any SQLBindable] = [workflowId] + names
        let total = try column(Int64.self, "SELECT count(*) FROM tasks WHERE workflow_id = $1" + condition, filter).first ?? 0
        let page = try rows("SELECT * FROM tasks WHERE workflow_id = $1" + condition
                            + " ORDER BY seq LIMIT $\(names.count + 2) OFFSET $\(names.count + 3)",
                            filter + [max(0, count), max(0, start)])
            .map { try makeTask($0, nodes: snapshot.nodes, workflow: workflow) }
        return (total, page)
    }

    func task(id: String) throws -> TaskExecution? {
        let lock = locking ? " FOR UPDATE" : ""
        // In a write transaction the workflow row is locked first, then the task read at its latest.
        guard let workflowRow = try rows(
            "SELECT * FROM workflows WHERE id = (SELECT workflow_id FROM tasks WHERE id = $1)" + lock, [id]).first,
            let row = try rows("SELECT * FROM tasks WHERE id = $1", [id]).first
        else { return nil }
        let workflow = try makeWorkflow(workflowRow)
        let snapshot = try definitions.snapshot(forKey: try workflowRow["definition_key"], in: self)
        return try makeTask(row, nodes: snapshot.nodes, workflow: workflow)
    }

    func workflowIds(name: String, correlationId: String) throws -> [String] {
        try column(String.self, "SELECT id FROM workflows WHERE correlation_id = $1 AND name = $2 ORDER BY create_time DESC, id",
                   [correlationId, name])
    }

    func runningWorkflowIds(name: String, version: Int?) throws -> [String] {
        if let version {
            return try column(String.self, """
                SELECT id FROM workflows WHERE name = $1 AND version = $2 AND status = 'RUNNING' ORDER BY create_time, id
                """, [name, version])
        }
        return try column(String.self, "SELECT id FROM workflows WHERE name = $1 AND status = 'RUNNING' ORDER BY create_time, id",
                          [name])
    }

    func workflowIds(name: String, version: Int?, createdFrom startTime: Int64, to endTime: Int64) throws -> [String] {
        var sql = "SELECT id FROM workflows WHERE name = $1 AND create_time >= $2 AND create_time <= $3"
        var values: [any SQLBindable] = [name, startTime, endTime]
        if let version {
            sql += " AND version = $4"
            values.append(version)
        }
        return try column(String.self, sql + " ORDER BY create_time, id", values)
    }

    func workflow(idempotencyKey: String) throws -> (id: String, status: WorkflowStatus)? {
        if locking {
            // Serializes starts with the same key across nodes until this transaction ends.
            try execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 7))", [idempotencyKey])
        }
        guard let row = try rows("""
            SELECT id, status FROM workflows WHERE idempotency_key = $1 ORDER BY create_time DESC, id DESC LIMIT 1
            """, [idempotencyKey]).first else { return nil }
        return (try row["id"], try status(try row["status"]))
    }

    func dueWorkflowIds(at now: Int64, limit: Int) throws -> [String] {
        try column(String.self, """
            SELECT id FROM workflows WHERE wake_at IS NOT NULL AND wake_at <= $1 AND status = 'RUNNING'
            ORDER BY wake_at, id LIMIT $2
            """, [now, limit])
    }

    func events(workflowId: String) throws -> [WorkflowEvent] {
        try rows("SELECT * FROM events WHERE workflow_id = $1 ORDER BY id", [workflowId]).map {
            WorkflowEvent(workflowId: try $0["workflow_id"], time: try $0["time"], kind: try $0["kind"],
                          actor: try $0["actor"], taskId: try $0["task_id"], detail: try $0["detail"])
        }
    }

    func logs(taskId: String) throws -> [TaskExecLog] {
        try rows("SELECT * FROM task_logs WHERE task_id = $1 ORDER BY id", [taskId]).map {
            TaskExecLog(log: try $0["log"], taskId: try $0["task_id"], createdTime: try $0["created_time"])
        }
    }

    // MARK: - Executions: writing

    func save(_ workflow: Workflow, previous: Workflow?) throws {
        guard let definition = workflow.workflowDefinition else {
            throw StoreError(.failed, "Workflow \(workflow.workflowId) has no definition to save")
        }
        let key = try definitions.key(for: definition, in: self)
        let id = workflow.workflowId
        // An unchanged input or output is not sent again (NULL keeps the column): it may be large, or apart.
        let input = try previous?.input == workflow.input ? nil
            : columnText(workflow.input, .workflowInput, of: id, replacing: previous?.input)
        let output = try previous?.output == workflow.output ? nil
            : columnText(workflow.output, .workflowOutput, of: id, replacing: previous?.output)
        let values: [any SQLBindable] = [
            id, workflow.workflowName, workflow.workflowVersion, workflow.status.rawValue,
            workflow.correlationId, workflow.parentWorkflowId, workflow.parentWorkflowTaskId,
            workflow.reRunFromWorkflowId, workflow.idempotencyKey, workflow.event, workflow.createdBy,
            workflow.priority, workflow.createTime, workflow.updateTime, workflow.endTime, workflow.lastRetriedTime,
            workflow.pausedAt, workflow.pausedMillis, workflow.reasonForIncompletion, key,
            input, output, workflow.variables.jsonText,
            JSONValue.object(workflow.taskToDomain.mapValues(JSONValue.string)).jsonText,
            JSONValue.array(workflow.failedReferenceTaskNames.map(JSONValue.string)).jsonText,
            JSONValue.array(workflow.failedTaskNames.map(JSONValue.string)).jsonText,
        ]
        if previous == nil {
            try execute("""
                INSERT INTO workflows (id, name, version, status, correlation_id, parent_workflow_id,
                    parent_workflow_task_id, rerun_from_workflow_id, idempotency_key, event, created_by, priority,
                    create_time, update_time, end_time, last_retried_time, paused_at, paused_millis, reason,
                    definition_key, input, output, variables, task_to_domain, failed_reference_task_names,
                    failed_task_names)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
                    $21, $22, $23, $24, $25, $26)
                """, values)
        } else {
            try execute("""
                UPDATE workflows SET name = $2, version = $3, status = $4, correlation_id = $5,
                    parent_workflow_id = $6, parent_workflow_task_id = $7, rerun_from_workflow_id = $8,
                    idempotency_key = $9, event = $10, created_by = $11, priority = $12, create_time = $13,
                    update_time = $14, end_time = $15, last_retried_time = $16, paused_at = $17, paused_millis = $18,
                    reason = $19, definition_key = $20, input = COALESCE($21, input), output = COALESCE($22, output),
                    variables = $23, task_to_domain = $24, failed_reference_task_names = $25, failed_task_names = $26
                WHERE id = $1
                """, values)
        }
    }

    private static let upsertTask = TaskColumns.upsert { "$\($0)" }
    /// An update: a payload written apart and unchanged is bound as NULL and keeps its column.
    private static let updateTask = TaskColumns.update(placeholder: { "$\($0)" }, keptWhenNull: ["input", "output"])

    func save(_ task: TaskExecution, previous: TaskExecution?) throws {
        let id = task.taskId
        let workflowId = task.workflowInstanceId
        // As for workflows: an unchanged input or output is not sent again.
        let input = try previous?.inputData == task.inputData ? nil
            : columnText(task.inputData, .taskInput, of: id, in: workflowId, replacing: previous?.inputData)
        let output = try previous?.outputData == task.outputData ? nil
            : columnText(task.outputData, .taskOutput, of: id, in: workflowId, replacing: previous?.outputData)
        let values: [any SQLBindable] = [
            id, workflowId, task.seq, task.taskType, task.taskDefName, task.referenceTaskName,
            task.status.rawValue, input, output, task.retryCount, task.retried,
            task.retriedTaskId, task.executed, task.pollCount, task.scheduledTime, task.startTime, task.endTime,
            task.updateTime, task.firstStartTime, task.startDelayInSeconds, task.callbackAfterSeconds,
            task.responseTimeoutSeconds, task.workerId, task.reasonForIncompletion, task.domain, task.workflowPriority,
            task.iteration, task.subWorkflowId, task.parentTaskId, task.rateLimitPerFrequency,
            task.rateLimitFrequencyInSeconds, task.executionNameSpace, task.isolationGroupId, task.waitUntil,
            task.pausedMillis,
        ]
        guard previous == nil else {
            try execute(Self.updateTask, values)
            return
        }
        try execute(Self.upsertTask, values)
    }

    /// The column text for `kind` payload `payload` of `owner` (a workflow, or a task of `workflowId`), storing it
    /// apart when it is large; a payload apart of the value it replaces goes when the new one is inline.
    private func columnText(_ payload: JSONObject, _ kind: PayloadKind, of owner: String, in workflowId: String? = nil,
                            replacing previous: JSONObject?) throws -> String {
        let text = try payloads.columnText(for: payload, kind: kind, owner: owner) { version, json in
            try execute("""
                INSERT INTO payloads (owner_id, kind, workflow_id, version, json) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (owner_id, kind) DO UPDATE SET version = EXCLUDED.version, json = EXCLUDED.json
                """, [owner, kind.rawValue, workflowId ?? owner, version, json])
        }
        // Only a non-empty value can have been large: an empty one (most replaced outputs) needs no statement.
        if let previous, !previous.isEmpty, !StoredPayloads.isReference(text) {
            try execute("DELETE FROM payloads WHERE owner_id = $1 AND kind = $2", [owner, kind.rawValue])
        }
        return text
    }

    func deleteTasks(ids: [String]) throws {
        guard !ids.isEmpty else { return }
        let list = PostgresTextArray(ids)
        try execute("DELETE FROM tasks WHERE id = ANY($1)", [list])
        try execute("DELETE FROM queue WHERE task_id = ANY($1)", [list])
        try execute("DELETE FROM task_logs WHERE task_id = ANY($1)", [list])
        try execute("DELETE FROM payloads WHERE owner_id = ANY($1)", [list])
    }

    func deleteWorkflow(id: String) throws -> Bool {
        try execute("DELETE FROM task_logs WHERE task_id IN (SELECT id FROM tasks WHERE workflow_id = $1)", [id])
        try execute("DELETE FROM tasks WHERE workflow_id = $1", [id])
        try execute("DELETE FROM queue WHERE workflow_id = $1", [id])
        try execute("DELETE FROM events WHERE workflow_id = $1", [id])
        try execute("DELETE FROM payloads WHERE workflow_id = $1", [id])
        return try changes("DELETE FROM workflows WHERE id = $1", [id]) > 0
    }

    func setWakeUp(workflowId: String, at instant: Int64?) throws {
        try execute("UPDATE workflows SET wake_at = $1 WHERE id = $2", [instant, workflowId])
    }

    func advanceWakeUp(workflowId: String, to instant: Int64) throws {
        try execute("UPDATE workflows SET wake_at = $1 WHERE id = $2 AND (wake_at IS NULL OR wake_at > $1)",
                    [instant, workflowId])
    }

    func bringForwardWakeUps(dueBy limit: Int64, to now: Int64) throws -> Int {
        try changes("""
            UPDATE workflows SET wake_at = $1
            WHERE wake_at IS NOT NULL AND wake_at > $1 AND wake_at <= $2 AND status = 'RUNNING'
            """, [now, limit])
    }

    func append(_ event: WorkflowEvent) throws {
        try execute("""
            INSERT INTO events (workflow_id, time, kind, actor, task_id, detail) VALUES ($1, $2, $3, $4, $5, $6)
            """, [event.workflowId, event.time, event.kind, event.actor, event.taskId, event.detail])
    }

    func append(_ logs: [TaskExecLog], taskId: String) throws {
        for log in logs {
            try execute("INSERT INTO task_logs (task_id, log, created_time) VALUES ($1, $2, $3)",
                        [taskId, log.log, log.createdTime])
        }
    }
}
