import BatonModel
import BatonPersistence
import Foundation

extension PostgresTransaction {
    func search(_ search: WorkflowSearch) throws -> (totalHits: Int64, workflows: [Workflow]) {
        var clauses: [String] = []
        var values: [any SQLBindable] = []
        func placeholder(_ value: any SQLBindable) -> String {
            values.append(value)
            return "$\(values.count)"
        }
        for condition in search.conditions {
            clauses.append(sql(for: condition, placeholder: placeholder))
        }
        if let text = search.freeText {
            let pattern = "%" + escapeLike(text) + "%"
            let exact = placeholder(text)
            let like = placeholder(pattern)
            clauses.append("""
                (id = \(exact) OR correlation_id = \(exact) OR name ILIKE \(like) OR input ILIKE \(like) \
                OR output ILIKE \(like) OR reason ILIKE \(like))
                """)
        }
        if let tasks = search.havingTask {
            clauses.append("EXISTS (SELECT 1 FROM tasks WHERE tasks.workflow_id = workflows.id"
                + sql(for: tasks, placeholder: placeholder).map { " AND " + $0 }.joined() + ")")
        }
        let filter = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        let total = try column(Int64.self, "SELECT COUNT(*) FROM workflows" + filter, values).first ?? 0
        // NULLs sort as SQLite sorts them: first when ascending, last when descending.
        let order = search.sort.isEmpty
            ? "create_time DESC"
            : search.sort.map { "\($0.field.columnName) \($0.ascending ? "ASC NULLS FIRST" : "DESC NULLS LAST")" }
                .joined(separator: ", ")
        let limit = placeholder(search.size)
        let offset = placeholder(search.start)
        let page = try rows("SELECT * FROM workflows" + filter + " ORDER BY \(order), id LIMIT \(limit) OFFSET \(offset)",
                            values)
        return (total, try page.map(makeWorkflow))
    }


    func search(_ search: TaskSearch) throws -> (totalHits: Int64, tasks: [TaskExecution]) {
        var values: [any SQLBindable] = []
        func placeholder(_ value: any SQLBindable) -> String {
            values.append(value)
            return "$\(values.count)"
        }
        let clauses = sql(for: search.filter, placeholder: placeholder)
        let from = " FROM tasks JOIN workflows ON workflows.id = tasks.workflow_id"
            + (clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND "))
        let total = try column(Int64.self, "SELECT COUNT(*)" + from, values).first ?? 0
        let order = search.sort.isEmpty
            ? "tasks.scheduled_time DESC"
            : search.sort.map { "\($0.field.columnName) \($0.ascending ? "ASC NULLS FIRST" : "DESC NULLS LAST")" }
                .joined(separator: ", ")
        let limit = placeholder(search.size)
        let offset = placeholder(search.start)
        let ids = try column(String.self, "SELECT tasks.id" + from + " ORDER BY \(order), tasks.id LIMIT \(limit) OFFSET \(offset)",
                             values)
        return (total, try ids.compactMap { try task(id: $0) })
    }

    func search(_ search: ScheduleExecutionSearch) throws -> (totalHits: Int64, executions: [ScheduleExecution]) {
        var values: [any SQLBindable] = []
        func placeholder(_ value: any SQLBindable) -> String {
            values.append(value)
            return "$\(values.count)"
        }
        var clauses = search.conditions.map { condition in
            sql(column: condition.field.columnName, numeric: condition.field.valueKind == .timestamp, condition.comparison,
                placeholder: placeholder)
        }
        if let text = search.freeText {
            let exact = placeholder(text)
            let like = placeholder("%" + escapeLike(text) + "%")
            clauses.append("""
                (schedule_name ILIKE \(like) OR workflow_name ILIKE \(like) OR workflow_id = \(exact) OR reason ILIKE \(like))
                """)
        }
        let filter = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        let total = try column(Int64.self, "SELECT COUNT(*) FROM schedule_executions" + filter, values).first ?? 0
        let order = search.sort.isEmpty
            ? "scheduled_time DESC"
            : search.sort.map { "\($0.field.columnName) \($0.ascending ? "ASC NULLS FIRST" : "DESC NULLS LAST")" }
                .joined(separator: ", ")
        let limit = placeholder(search.size)
        let offset = placeholder(search.start)
        let json = try column(String.self, "SELECT json FROM schedule_executions" + filter
                              + " ORDER BY \(order), execution_id LIMIT \(limit) OFFSET \(offset)", values)
        return (total, try json.map { try StoredJSON.decode(ScheduleExecution.self, from: $0) })
    }

    /// The clauses a task must meet for `filter` (on `tasks`, and `workflows` for the workflow's name and
    /// correlation id).
    private func sql(for filter: TaskSearch.Filter, placeholder: (any SQLBindable) -> String) -> [String] {
        var clauses = filter.conditions.map { condition in
            let numeric = condition.field.valueKind == .timestamp || condition.field.valueKind == .integer
            return sql(column: condition.field.columnName, numeric: numeric, condition.comparison, placeholder: placeholder)
        }
        if let text = filter.freeText {
            let exact = placeholder(text)
            let like = placeholder("%" + escapeLike(text) + "%")
            clauses.append("""
                (tasks.id = \(exact) OR tasks.workflow_id = \(exact) OR tasks.task_type ILIKE \(like) \
                OR tasks.reference_name ILIKE \(like) OR tasks.input ILIKE \(like) OR tasks.output ILIKE \(like) \
                OR tasks.reason ILIKE \(like))
                """)
        }
        return clauses
    }

    private func sql(for condition: WorkflowSearch.Condition,
                     placeholder: (any SQLBindable) -> String) -> String {
        let column = condition.field.columnName
        if condition.field == .parentWorkflowId, condition.comparison == .equals("") {
            return "(\(column) IS NULL OR \(column) = '')"
        }
        let numeric = condition.field.valueKind == .timestamp || condition.field.valueKind == .integer
        return sql(column: column, numeric: numeric, condition.comparison, placeholder: placeholder)
    }

    private func sql(column: String, numeric: Bool, _ comparison: WorkflowSearch.Comparison,
                     placeholder: (any SQLBindable) -> String) -> String {
        func value(_ text: String) -> String {
            // Query values are validated already; a number that does not fit matches nothing.
            numeric ? placeholder(Int64(text)) : placeholder(text)
        }
        switch comparison {
        case .equals(let text):
            return "\(column) = \(value(text))"
        case .notEquals(let text): return "(\(column) IS NULL OR \(column) <> \(value(text)))"
        case .greaterThan(let text): return "\(column) > \(value(text))"
        case .lessThan(let text): return "\(column) < \(value(text))"
        case .oneOf(let texts):
            return "\(column) IN (\(texts.map(value).joined(separator: ",")))"
        case .like(let pattern):
            let escaped = escapeLike(pattern).replacingOccurrences(of: "*", with: "%")
            return "\(column) ILIKE \(placeholder(escaped))"
        case .isNull: return "\(column) IS NULL"
        case .isNotNull: return "\(column) IS NOT NULL"
        case .between(let lower, let upper): return "\(column) BETWEEN \(value(lower)) AND \(value(upper))"
        case .startsWith(let prefix): return "\(column) ILIKE \(placeholder(escapeLike(prefix) + "%"))"
        }
    }

    /// Escapes LIKE's wildcards with PostgreSQL's default escape character, the backslash.
    private func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
