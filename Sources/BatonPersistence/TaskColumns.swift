/// The columns of the stores' `tasks` table that saving a task writes, in the order the stores bind their values, and
/// the statements that write them: one list for both stores' SQL.
public enum TaskColumns {
    public static let all = [
        "id", "workflow_id", "seq", "task_type", "task_def_name", "reference_name", "status", "input", "output",
        "retry_count", "retried", "retried_task_id", "executed", "poll_count", "scheduled_time", "start_time",
        "end_time", "update_time", "first_start_time", "start_delay_seconds", "callback_after_seconds",
        "response_timeout_seconds", "worker_id", "reason", "domain", "workflow_priority", "iteration",
        "sub_workflow_id", "parent_task_id", "rate_limit_per_frequency", "rate_limit_frequency_seconds",
        "execution_namespace", "isolation_group_id", "wait_until", "paused_millis",
    ]

    /// `INSERT … ON CONFLICT (id) DO UPDATE` of every column, the n-th value (from 1) written as `placeholder(n)`.
    public static func upsert(placeholder: (Int) -> String) -> String {
        let values = all.indices.map { placeholder($0 + 1) }.joined(separator: ", ")
        let assignments = all.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        return "INSERT INTO tasks (\(all.joined(separator: ", "))) VALUES (\(values)) ON CONFLICT (id) DO UPDATE SET "
            + assignments
    }

    /// `UPDATE … WHERE id = ` the first value, of every other column; a column of `keptWhenNull` keeps its stored
    /// value when its new one is NULL (a payload written apart, unchanged).
    public static func update(placeholder: (Int) -> String, keptWhenNull: Set<String> = []) -> String {
        let assignments = all.indices.dropFirst().map { index in
            let column = all[index]
            let value = placeholder(index + 1)
            return keptWhenNull.contains(column) ? "\(column) = COALESCE(\(value), \(column))" : "\(column) = \(value)"
        }.joined(separator: ", ")
        return "UPDATE tasks SET \(assignments) WHERE id = \(placeholder(1))"
    }
}
