import BatonPersistence
import GRDB

/// The columns of `workflows` in the order Baton selects them, so rows are read by position: GRDB's
/// lookup by name compares lowercased names column by column, and even a per-row name index cost more
/// than the rest of building a workflow.
enum WorkflowColumn: Int, CaseIterable {
    case id, name, version, status, correlationId, parentWorkflowId, parentWorkflowTaskId, rerunFromWorkflowId
    case idempotencyKey, event, createdBy, priority, createTime, updateTime, endTime, lastRetriedTime, pausedAt
    case pausedMillis, reason, definitionKey, input, output, variables, taskToDomain, failedReferenceTaskNames
    case failedTaskNames

    private static let names = [
        "id", "name", "version", "status", "correlation_id", "parent_workflow_id", "parent_workflow_task_id",
        "rerun_from_workflow_id", "idempotency_key", "event", "created_by", "priority", "create_time", "update_time",
        "end_time", "last_retried_time", "paused_at", "paused_millis", "reason", "definition_key", "input", "output",
        "variables", "task_to_domain", "failed_reference_task_names", "failed_task_names",
    ]

    /// `workflows.id, workflows.name, …`: the select list whose order the cases follow.
    static let selectList = names.map { "workflows." + $0 }.joined(separator: ", ")
}

/// The columns of `tasks` in the order Baton selects them (see `WorkflowColumn`).
enum TaskColumn: Int, CaseIterable {
    case id, workflowId, seq, taskType, taskDefName, referenceName, status, input, output, retryCount, retried
    case retriedTaskId, executed, pollCount, scheduledTime, startTime, endTime, updateTime, firstStartTime
    case startDelaySeconds, callbackAfterSeconds, responseTimeoutSeconds, workerId, reason, domain, workflowPriority
    case iteration, subWorkflowId, parentTaskId, rateLimitPerFrequency, rateLimitFrequencySeconds, executionNamespace
    case isolationGroupId, waitUntil, pausedMillis

    private static let names = [
        "id", "workflow_id", "seq", "task_type", "task_def_name", "reference_name", "status", "input", "output",
        "retry_count", "retried", "retried_task_id", "executed", "poll_count", "scheduled_time", "start_time", "end_time",
        "update_time", "first_start_time", "start_delay_seconds", "callback_after_seconds", "response_timeout_seconds",
        "worker_id", "reason", "domain", "workflow_priority", "iteration", "sub_workflow_id", "parent_task_id",
        "rate_limit_per_frequency", "rate_limit_frequency_seconds", "execution_namespace", "isolation_group_id",
        "wait_until", "paused_millis",
    ]

    /// `tasks.id, tasks.workflow_id, …`: the select list whose order the cases follow.
    static let selectList = names.map { "tasks." + $0 }.joined(separator: ", ")
}

/// A row selected with `WorkflowColumn.selectList` (first), read by column.
struct WorkflowRow {
    let row: StatementRow

    @_disfavoredOverload
    subscript<Value: StatementColumnConvertible>(_ column: WorkflowColumn) -> Value {
        get throws { try row.value(at: column.rawValue) }
    }
    subscript<Value: StatementColumnConvertible>(_ column: WorkflowColumn) -> Value? { row.valueIfPresent(at: column.rawValue) }
}

/// A row selected with `TaskColumn.selectList` (first), read by column.
struct TaskRow {
    let row: StatementRow

    @_disfavoredOverload
    subscript<Value: StatementColumnConvertible>(_ column: TaskColumn) -> Value {
        get throws { try row.value(at: column.rawValue) }
    }
    subscript<Value: StatementColumnConvertible>(_ column: TaskColumn) -> Value? { row.valueIfPresent(at: column.rawValue) }

    /// A column selected after the task's own (`extra` 0 is the first).
    @_disfavoredOverload
    subscript<Value: StatementColumnConvertible>(extra index: Int) -> Value {
        get throws { try row.value(at: TaskColumn.allCases.count + index) }
    }
    subscript<Value: StatementColumnConvertible>(extra index: Int) -> Value? {
        row.valueIfPresent(at: TaskColumn.allCases.count + index)
    }
}

/// The current row of a statement being stepped, read in place from SQLite by position: no copy of the row,
/// no per-query table of column names (GRDB's `Row` lowercases and hashes every column name of each query),
/// no intermediate `DatabaseValue`.
struct StatementRow {
    let statement: SQLiteStatement

    /// The value at `index`; a NULL, or a value that does not convert, is a corrupt row.
    func value<Value: StatementColumnConvertible>(at index: Int) throws -> Value {
        guard let value = Value.fromStatement(statement, atUncheckedIndex: CInt(index)) else {
            throw StoreError(.corrupt, "Column \(index) of a stored row is not a \(Value.self)")
        }
        return value
    }

    /// The value at `index`, or nil for NULL.
    func valueIfPresent<Value: StatementColumnConvertible>(at index: Int) -> Value? {
        Value.fromStatement(statement, atUncheckedIndex: CInt(index))
    }
}
