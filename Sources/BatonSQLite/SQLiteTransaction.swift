import BatonModel
import BatonPersistence
import Foundation
import GRDB

/// The store's operations on one SQLite connection, inside a transaction the caller opened.
struct SQLiteTransaction: StoreTransaction {
    let db: Database
    let definitions: DefinitionSnapshots

    // MARK: - Executions: reading

    func workflow(id: String, includeTasks: Bool) throws -> Workflow? {
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(WorkflowColumn.selectList) FROM workflows WHERE id = ?"), arguments: [id])
        else { return nil }
        let snapshot = try definitions.snapshot(forKey: WorkflowRow(row: row)[.definitionKey], in: db)
        var workflow = try makeWorkflow(row, snapshot: snapshot)
        if includeTasks {
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT \(TaskColumn.selectList) FROM tasks WHERE workflow_id = ? ORDER BY seq"),
                arguments: [id])
            workflow.tasks = try rows.map {
                try makeTask($0, nodes: snapshot.nodes, workflowName: workflow.workflowName,
                             correlationId: workflow.correlationId)
            }
        }
        return workflow
    }

    func task(id: String) throws -> Task? {
        // Only the three workflow columns a task carries: no workflow row to build, no JSON to parse.
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT \(TaskColumn.selectList), workflows.name, workflows.correlation_id, workflows.definition_key
            FROM tasks JOIN workflows ON workflows.id = tasks.workflow_id WHERE tasks.id = ?
            """), arguments: [id])
        else { return nil }
        let columns = TaskRow(row: row)
        let snapshot = try definitions.snapshot(forKey: columns[extra: 2], in: db)
        return try makeTask(row, nodes: snapshot.nodes, workflowName: columns[extra: 0], correlationId: columns[extra: 1])
    }

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
        guard let definition = workflow.workflowDefinition else {
            throw StoreError(.failed, "Workflow \(workflow.workflowId) has no definition to save")
        }
        guard let previous else {
            let key = try definitions.key(for: definition, in: db)
            try db.cachedStatement(sql: """
                INSERT INTO workflows (id, name, version, status, correlation_id, parent_workflow_id,
                    parent_workflow_task_id, rerun_from_workflow_id, idempotency_key, event, created_by, priority,
                    create_time, update_time, end_time, last_retried_time, paused_at, paused_millis, reason,
                    definition_key, input, output, variables, task_to_domain, failed_reference_task_names,
                    failed_task_names)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    workflow.workflowId, workflow.workflowName, workflow.workflowVersion, workflow.status.rawValue,
                    workflow.correlationId, workflow.parentWorkflowId, workflow.parentWorkflowTaskId,
                    workflow.reRunFromWorkflowId, workflow.idempotencyKey, workflow.event, workflow.createdBy,
                    workflow.priority, workflow.createTime, workflow.updateTime, workflow.endTime,
                    workflow.lastRetriedTime, workflow.pausedAt, workflow.pausedMillis, workflow.reasonForIncompletion,
                    key, workflow.input.jsonText, workflow.output.jsonText, workflow.variables.jsonText,
                    Self.text(workflow.taskToDomain), Self.text(workflow.failedReferenceTaskNames),
                    Self.text(workflow.failedTaskNames),
                ])
            return
        }
        // Only what changed: a task result touches the update time and output, not the name or creation time
        // that most indexes cover.
        var update = RowUpdate()
        update.set("name", from: previous.workflowName, to: workflow.workflowName, as: workflow.workflowName)
        update.set("version", from: previous.workflowVersion, to: workflow.workflowVersion, as: workflow.workflowVersion)
        update.set("status", from: previous.status, to: workflow.status, as: workflow.status.rawValue)
        update.set("correlation_id", from: previous.correlationId, to: workflow.correlationId, as: workflow.correlationId)
        update.set("parent_workflow_id", from: previous.parentWorkflowId, to: workflow.parentWorkflowId,
                   as: workflow.parentWorkflowId)
        update.set("parent_workflow_task_id", from: previous.parentWorkflowTaskId, to: workflow.parentWorkflowTaskId,
                   as: workflow.parentWorkflowTaskId)
        update.set("rerun_from_workflow_id", from: previous.reRunFromWorkflowId, to: workflow.reRunFromWorkflowId,
                   as: workflow.reRunFromWorkflowId)
        update.set("idempotency_key", from: previous.idempotencyKey, to: workflow.idempotencyKey, as: workflow.idempotencyKey)
        update.set("event", from: previous.event, to: workflow.event, as: workflow.event)
        update.set("created_by", from: previous.createdBy, to: workflow.createdBy, as: workflow.createdBy)
        update.set("priority", from: previous.priority, to: workflow.priority, as: workflow.priority)
        update.set("create_time", from: previous.createTime, to: workflow.createTime, as: workflow.createTime)
        update.set("update_time", from: previous.updateTime, to: workflow.updateTime, as: workflow.updateTime)
        update.set("end_time", from: previous.endTime, to: workflow.endTime, as: workflow.endTime)
        update.set("last_retried_time", from: previous.lastRetriedTime, to: workflow.lastRetriedTime,
                   as: workflow.lastRetriedTime)
        update.set("paused_at", from: previous.pausedAt, to: workflow.pausedAt, as: workflow.pausedAt)
        update.set("paused_millis", from: previous.pausedMillis, to: workflow.pausedMillis, as: workflow.pausedMillis)
        update.set("reason", from: previous.reasonForIncompletion, to: workflow.reasonForIncompletion,
                   as: workflow.reasonForIncompletion)
        // An execution keeps its definition unless a restart or rerun moved it to the latest one.
        if previous.workflowDefinition != definition { update.set("definition_key", try definitions.key(for: definition, in: db)) }
        update.set("input", from: previous.input, to: workflow.input, as: workflow.input.jsonText)
        update.set("output", from: previous.output, to: workflow.output, as: workflow.output.jsonText)
        update.set("variables", from: previous.variables, to: workflow.variables, as: workflow.variables.jsonText)
        update.set("task_to_domain", from: previous.taskToDomain, to: workflow.taskToDomain,
                   as: Self.text(workflow.taskToDomain))
        update.set("failed_reference_task_names", from: previous.failedReferenceTaskNames,
                   to: workflow.failedReferenceTaskNames, as: Self.text(workflow.failedReferenceTaskNames))
        update.set("failed_task_names", from: previous.failedTaskNames, to: workflow.failedTaskNames,
                   as: Self.text(workflow.failedTaskNames))
        try update.execute(in: db, table: "workflows", key: "id", id: workflow.workflowId)
    }

    /// A string map or list as the JSON text its column holds.
    private static func text(_ map: [String: String]) -> String { JSONValue.object(map.mapValues(JSONValue.string)).jsonText }
    private static func text(_ list: [String]) -> String { JSONValue.array(list.map(JSONValue.string)).jsonText }

    func save(_ task: Task, previous: Task?) throws {
        guard let previous else { return try insertOrReplace(task) }
        var update = RowUpdate()
        update.set("seq", from: previous.seq, to: task.seq, as: task.seq)
        update.set("task_type", from: previous.taskType, to: task.taskType, as: task.taskType)
        update.set("task_def_name", from: previous.taskDefName, to: task.taskDefName, as: task.taskDefName)
        update.set("reference_name", from: previous.referenceTaskName, to: task.referenceTaskName, as: task.referenceTaskName)
        update.set("status", from: previous.status, to: task.status, as: task.status.rawValue)
        update.set("input", from: previous.inputData, to: task.inputData, as: task.inputData.jsonText)
        update.set("output", from: previous.outputData, to: task.outputData, as: task.outputData.jsonText)
        update.set("retry_count", from: previous.retryCount, to: task.retryCount, as: task.retryCount)
        update.set("retried", from: previous.retried, to: task.retried, as: task.retried)
        update.set("retried_task_id", from: previous.retriedTaskId, to: task.retriedTaskId, as: task.retriedTaskId)
        update.set("executed", from: previous.executed, to: task.executed, as: task.executed)
        update.set("poll_count", from: previous.pollCount, to: task.pollCount, as: task.pollCount)
        update.set("scheduled_time", from: previous.scheduledTime, to: task.scheduledTime, as: task.scheduledTime)
        update.set("start_time", from: previous.startTime, to: task.startTime, as: task.startTime)
        update.set("end_time", from: previous.endTime, to: task.endTime, as: task.endTime)
        update.set("update_time", from: previous.updateTime, to: task.updateTime, as: task.updateTime)
        update.set("first_start_time", from: previous.firstStartTime, to: task.firstStartTime, as: task.firstStartTime)
        update.set("start_delay_seconds", from: previous.startDelayInSeconds, to: task.startDelayInSeconds,
                   as: task.startDelayInSeconds)
        update.set("callback_after_seconds", from: previous.callbackAfterSeconds, to: task.callbackAfterSeconds,
                   as: task.callbackAfterSeconds)
        update.set("response_timeout_seconds", from: previous.responseTimeoutSeconds, to: task.responseTimeoutSeconds,
                   as: task.responseTimeoutSeconds)
        update.set("worker_id", from: previous.workerId, to: task.workerId, as: task.workerId)
        update.set("reason", from: previous.reasonForIncompletion, to: task.reasonForIncompletion,
                   as: task.reasonForIncompletion)
        update.set("domain", from: previous.domain, to: task.domain, as: task.domain)
        update.set("workflow_priority", from: previous.workflowPriority, to: task.workflowPriority, as: task.workflowPriority)
        update.set("iteration", from: previous.iteration, to: task.iteration, as: task.iteration)
        update.set("sub_workflow_id", from: previous.subWorkflowId, to: task.subWorkflowId, as: task.subWorkflowId)
        update.set("parent_task_id", from: previous.parentTaskId, to: task.parentTaskId, as: task.parentTaskId)
        update.set("rate_limit_per_frequency", from: previous.rateLimitPerFrequency, to: task.rateLimitPerFrequency,
                   as: task.rateLimitPerFrequency)
        update.set("rate_limit_frequency_seconds", from: previous.rateLimitFrequencyInSeconds,
                   to: task.rateLimitFrequencyInSeconds, as: task.rateLimitFrequencyInSeconds)
        update.set("execution_namespace", from: previous.executionNameSpace, to: task.executionNameSpace,
                   as: task.executionNameSpace)
        update.set("isolation_group_id", from: previous.isolationGroupId, to: task.isolationGroupId, as: task.isolationGroupId)
        update.set("wait_until", from: previous.waitUntil, to: task.waitUntil, as: task.waitUntil)
        update.set("paused_millis", from: previous.pausedMillis, to: task.pausedMillis, as: task.pausedMillis)
        try update.execute(in: db, table: "tasks", key: "id", id: task.taskId)
    }

    /// Writes a task that has no stored previous version (or whose stored version the caller does not know).
    private func insertOrReplace(_ task: Task) throws {
        let arguments: StatementArguments = [
            task.taskId, task.workflowInstanceId, task.seq, task.taskType, task.taskDefName, task.referenceTaskName,
            task.status.rawValue, task.inputData.jsonText, task.outputData.jsonText, task.retryCount, task.retried,
            task.retriedTaskId, task.executed, task.pollCount, task.scheduledTime, task.startTime, task.endTime,
            task.updateTime, task.firstStartTime, task.startDelayInSeconds, task.callbackAfterSeconds,
            task.responseTimeoutSeconds, task.workerId, task.reasonForIncompletion, task.domain, task.workflowPriority,
            task.iteration, task.subWorkflowId, task.parentTaskId, task.rateLimitPerFrequency,
            task.rateLimitFrequencyInSeconds, task.executionNameSpace, task.isolationGroupId, task.waitUntil,
            task.pausedMillis,
        ]
        try db.cachedStatement(sql: """
            INSERT INTO tasks (id, workflow_id, seq, task_type, task_def_name, reference_name, status,
                input, output, retry_count, retried, retried_task_id, executed, poll_count, scheduled_time,
                start_time, end_time, update_time, first_start_time, start_delay_seconds, callback_after_seconds,
                response_timeout_seconds, worker_id, reason, domain, workflow_priority, iteration, sub_workflow_id,
                parent_task_id, rate_limit_per_frequency, rate_limit_frequency_seconds, execution_namespace,
                isolation_group_id, wait_until, paused_millis)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, task_type = excluded.task_type,
                task_def_name = excluded.task_def_name, reference_name = excluded.reference_name,
                status = excluded.status, input = excluded.input, output = excluded.output,
                retry_count = excluded.retry_count, retried = excluded.retried, retried_task_id = excluded.retried_task_id,
                executed = excluded.executed, poll_count = excluded.poll_count, scheduled_time = excluded.scheduled_time,
                start_time = excluded.start_time, end_time = excluded.end_time, update_time = excluded.update_time,
                first_start_time = excluded.first_start_time, start_delay_seconds = excluded.start_delay_seconds,
                callback_after_seconds = excluded.callback_after_seconds,
                response_timeout_seconds = excluded.response_timeout_seconds, worker_id = excluded.worker_id,
                reason = excluded.reason, domain = excluded.domain, workflow_priority = excluded.workflow_priority,
                iteration = excluded.iteration, sub_workflow_id = excluded.sub_workflow_id,
                parent_task_id = excluded.parent_task_id, rate_limit_per_frequency = excluded.rate_limit_per_frequency,
                rate_limit_frequency_seconds = excluded.rate_limit_frequency_seconds,
                execution_namespace = excluded.execution_namespace, isolation_group_id = excluded.isolation_group_id,
                wait_until = excluded.wait_until, paused_millis = excluded.paused_millis
            """).execute(arguments: arguments)
    }

    func deleteTasks(ids: [String]) throws {
        for id in ids {
            try db.cachedStatement(sql: "DELETE FROM tasks WHERE id = ?").execute(arguments: [id])
            try db.cachedStatement(sql: "DELETE FROM queue WHERE task_id = ?").execute(arguments: [id])
            try db.cachedStatement(sql: "DELETE FROM task_logs WHERE task_id = ?").execute(arguments: [id])
        }
    }

    func deleteWorkflow(id: String) throws -> Bool {
        try db.execute(sql: "DELETE FROM task_logs WHERE task_id IN (SELECT id FROM tasks WHERE workflow_id = ?)",
                       arguments: [id])
        try db.execute(sql: "DELETE FROM tasks WHERE workflow_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM queue WHERE workflow_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM events WHERE workflow_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM workflows WHERE id = ?", arguments: [id])
        return db.changesCount > 0
    }

    func setWakeUp(workflowId: String, at instant: Int64?) throws {
        // Unchanged (the usual case) writes nothing, sparing the wake-up index.
        try db.cachedStatement(sql: "UPDATE workflows SET wake_at = ?1 WHERE id = ?2 AND wake_at IS NOT ?1")
            .execute(arguments: [instant, workflowId])
    }

    func advanceWakeUp(workflowId: String, to instant: Int64) throws {
        try db.cachedStatement(sql: """
            UPDATE workflows SET wake_at = ?1 WHERE id = ?2 AND (wake_at IS NULL OR wake_at > ?1)
            """).execute(arguments: [instant, workflowId])
    }

    func append(_ event: WorkflowEvent) throws {
        try db.cachedStatement(sql: """
            INSERT INTO events (workflow_id, time, kind, actor, task_id, detail) VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [event.workflowId, event.time, event.kind, event.actor, event.taskId, event.detail])
    }

    func append(_ logs: [TaskExecLog], taskId: String) throws {
        for log in logs {
            try db.cachedStatement(sql: "INSERT INTO task_logs (task_id, log, created_time) VALUES (?, ?, ?)")
                .execute(arguments: [taskId, log.log, log.createdTime])
        }
    }

    // MARK: - Rows to models

    func status(_ text: String) throws -> WorkflowStatus {
        guard let status = WorkflowStatus(rawValue: text) else { throw StoreError(.corrupt, "Unknown workflow status \(text)") }
        return status
    }

    /// A workflow from a row selected with `WorkflowColumn.selectList`.
    func makeWorkflow(_ row: Row) throws -> Workflow {
        try makeWorkflow(row, snapshot: definitions.snapshot(forKey: WorkflowRow(row: row)[.definitionKey], in: db))
    }

    private func makeWorkflow(_ row: Row, snapshot: DefinitionSnapshots.Snapshot) throws -> Workflow {
        let row = WorkflowRow(row: row)
        var workflow = Workflow(workflowId: row[.id], definition: snapshot.definition,
                                input: try JSONObject(parsingObject: row[.input]), createTime: row[.createTime])
        workflow.workflowName = row[.name]
        workflow.workflowVersion = row[.version]
        workflow.status = try status(row[.status])
        workflow.correlationId = row[.correlationId]
        workflow.parentWorkflowId = row[.parentWorkflowId]
        workflow.parentWorkflowTaskId = row[.parentWorkflowTaskId]
        workflow.reRunFromWorkflowId = row[.rerunFromWorkflowId]
        workflow.idempotencyKey = row[.idempotencyKey]
        workflow.event = row[.event]
        workflow.createdBy = row[.createdBy]
        workflow.priority = row[.priority]
        workflow.updateTime = row[.updateTime]
        workflow.endTime = row[.endTime]
        workflow.lastRetriedTime = row[.lastRetriedTime]
        workflow.pausedAt = row[.pausedAt]
        workflow.pausedMillis = row[.pausedMillis]
        workflow.reasonForIncompletion = row[.reason]
        workflow.output = try JSONObject(parsingObject: row[.output])
        workflow.variables = try JSONObject(parsingObject: row[.variables])
        workflow.taskToDomain = try JSONObject(parsingObject: row[.taskToDomain]).compactMapValues(\.stringValue)
        workflow.failedReferenceTaskNames = try JSONValue(parsing: row[.failedReferenceTaskNames]).arrayValue?
            .compactMap(\.stringValue) ?? []
        workflow.failedTaskNames = try JSONValue(parsing: row[.failedTaskNames]).arrayValue?.compactMap(\.stringValue) ?? []
        return workflow
    }

    /// A task from a row selected with `TaskColumn.selectList` (first).
    func makeTask(_ row: Row, nodes: [String: WorkflowTask], workflowName: String, correlationId: String?) throws -> Task {
        let row = TaskRow(row: row)
        let statusText: String = row[.status]
        guard let status = TaskStatus(rawValue: statusText) else { throw StoreError(.corrupt, "Unknown task status \(statusText)") }
        let reference: String = row[.referenceName]
        var task = Task(taskId: row[.id], taskType: row[.taskType], taskDefName: row[.taskDefName],
                        referenceTaskName: reference, workflowInstanceId: row[.workflowId], seq: row[.seq],
                        scheduledTime: row[.scheduledTime])
        task.status = status
        task.inputData = try JSONObject(parsingObject: row[.input])
        task.outputData = try JSONObject(parsingObject: row[.output])
        task.workflowType = workflowName
        task.correlationId = correlationId
        task.retryCount = row[.retryCount]
        task.retried = row[.retried]
        task.retriedTaskId = row[.retriedTaskId]
        task.executed = row[.executed]
        task.pollCount = row[.pollCount]
        task.startTime = row[.startTime]
        task.endTime = row[.endTime]
        task.updateTime = row[.updateTime]
        task.firstStartTime = row[.firstStartTime]
        task.startDelayInSeconds = row[.startDelaySeconds]
        task.callbackAfterSeconds = row[.callbackAfterSeconds]
        task.responseTimeoutSeconds = row[.responseTimeoutSeconds]
        task.workerId = row[.workerId]
        task.reasonForIncompletion = row[.reason]
        task.domain = row[.domain]
        task.workflowPriority = row[.workflowPriority]
        task.iteration = row[.iteration]
        task.subWorkflowId = row[.subWorkflowId]
        task.parentTaskId = row[.parentTaskId]
        task.rateLimitPerFrequency = row[.rateLimitPerFrequency]
        task.rateLimitFrequencyInSeconds = row[.rateLimitFrequencySeconds]
        task.executionNameSpace = row[.executionNamespace]
        task.isolationGroupId = row[.isolationGroupId]
        task.waitUntil = row[.waitUntil]
        task.pausedMillis = row[.pausedMillis]
        task.workflowTask = nodes[reference] ?? nodes[Task.baseReferenceName(of: reference)]
        return task
    }
}

