import BatonModel
import BatonPersistence
import Foundation
import GRDB

extension SQLiteTransaction {
    func search(_ search: WorkflowSearch) throws -> (totalHits: Int64, workflows: [Workflow]) {
        var clauses: [String] = []
        var arguments = StatementArguments()
        for condition in search.conditions {
            let (clause, values) = sql(for: condition)
            clauses.append(clause)
            arguments += StatementArguments(values)
        }
        if let text = search.freeText {
            let pattern = "%" + escapeLike(text) + "%"
            clauses.append("""
                (id = ? OR correlation_id = ? OR name LIKE ? ESCAPE '\\' OR input LIKE ? ESCAPE '\\' \
                OR output LIKE ? ESCAPE '\\' OR reason LIKE ? ESCAPE '\\')
                """)
            arguments += [text, text, pattern, pattern, pattern, pattern]
        }
        if let tasks = search.havingTask {
            let (taskClauses, taskArguments) = sql(for: tasks)
            clauses.append("EXISTS (SELECT 1 FROM tasks WHERE tasks.workflow_id = workflows.id"
                + taskClauses.map { " AND " + $0 }.joined() + ")")
            arguments += taskArguments
        }
        let filter = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        let total = try countedTotal(of: search)
            ?? Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM workflows" + filter, arguments: arguments) ?? 0
        let order = search.sort.isEmpty
            ? "create_time DESC"
            : search.sort.map { "\($0.field.columnName) \($0.ascending ? "ASC" : "DESC")" }.joined(separator: ", ")
        let page = try db.makeStatement(
            sql: "SELECT \(WorkflowColumn.selectList) FROM workflows" + filter + " ORDER BY \(order), id LIMIT ? OFFSET ?")
        var workflows: [Workflow] = []
        try page.forEachRow(arguments: arguments + [search.size, search.start]) { workflows.append(try makeWorkflow($0)) }
        return (total, workflows)
    }


    func search(_ search: TaskSearch) throws -> (totalHits: Int64, tasks: [TaskExecution]) {
        let (clauses, arguments) = sql(for: search.filter)
        let from = " FROM tasks JOIN workflows ON workflows.id = tasks.workflow_id"
            + (clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND "))
        let total = try Int64.fetchOne(db, sql: "SELECT COUNT(*)" + from, arguments: arguments) ?? 0
        let order = search.sort.isEmpty
            ? "tasks.scheduled_time DESC"
            : search.sort.map { "\($0.field.columnName) \($0.ascending ? "ASC" : "DESC")" }.joined(separator: ", ")
        let ids = try String.fetchAll(db, sql: "SELECT tasks.id" + from + " ORDER BY \(order), tasks.id LIMIT ? OFFSET ?",
                                      arguments: arguments + [search.size, search.start])
        return (total, try ids.compactMap { try task(id: $0) })
    }

    func search(_ search: ScheduleExecutionSearch) throws -> (totalHits: Int64, executions: [ScheduleExecution]) {
        var clauses: [String] = []
        var arguments = StatementArguments()
        for condition in search.conditions {
            let (clause, values) = sql(column: condition.field.columnName, numeric: condition.field.valueKind == .timestamp,
                                       condition.comparison)
            clauses.append(clause)
            arguments += StatementArguments(values)
        }
        if let text = search.freeText {
            let pattern = "%" + escapeLike(text) + "%"
            clauses.append("""
                (schedule_name LIKE ? ESCAPE '\\' OR workflow_name LIKE ? ESCAPE '\\' OR workflow_id = ? \
                OR reason LIKE ? ESCAPE '\\')
                """)
            arguments += [pattern, pattern, text, pattern]
        }
        let filter = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        let total = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM schedule_executions" + filter, arguments: arguments) ?? 0
        let order = search.sort.isEmpty
            ? "scheduled_time DESC"
            : search.sort.map { "\($0.field.columnName) \($0.ascending ? "ASC" : "DESC")" }.joined(separator: ", ")
        let json = try String.fetchAll(db, sql: "SELECT json FROM schedule_executions" + filter
                                       + " ORDER BY \(order), execution_id LIMIT ? OFFSET ?",
                                       arguments: arguments + [search.size, search.start])
        return (total, try json.map { try StoredJSON.decode(ScheduleExecution.self, from: $0) })
    }

    /// The clauses a task must meet for `filter` (on `tasks`, and `workflows` for the workflow's name and
    /// correlation id), with their arguments.
    private func sql(for filter: TaskSearch.Filter) -> ([String], StatementArguments) {
        var clauses: [String] = []
        var arguments = StatementArguments()
        for condition in filter.conditions {
            let numeric = condition.field.valueKind == .timestamp || condition.field.valueKind == .integer
            let (clause, values) = sql(column: condition.field.columnName, numeric: numeric, condition.comparison)
            clauses.append(clause)
            arguments += StatementArguments(values)
        }
        if let text = filter.freeText {
            let pattern = "%" + escapeLike(text) + "%"
            clauses.append("""
                (tasks.id = ? OR tasks.workflow_id = ? OR tasks.task_type LIKE ? ESCAPE '\\' \
                OR tasks.reference_name LIKE ? ESCAPE '\\' OR tasks.input LIKE ? ESCAPE '\\' \
                OR tasks.output LIKE ? ESCAPE '\\' OR tasks.reason LIKE ? ESCAPE '\\')
                """)
            arguments += [text, text, pattern, pattern, pattern, pattern, pattern]
        }
        return (clauses, arguments)
    }

    /// The total of a search that filters by nothing but workflow names and statuses (`=` or `IN`, at most
    /// one condition each), read from the counts the schema's triggers keep; nil for any other search.
    private func countedTotal(of search: WorkflowSearch) throws -> Int64? {
        guard search.freeText == nil, search.havingTask == nil else { return nil }
        var names: [String]?
        var statuses: [String]?
        for condition in search.conditions {
            let values: [String]
            switch condition.comparison {
            case .equals(let value): values = [value]
            case .oneOf(let list): values = list
            default: return nil
            }
            switch condition.field {
            case .workflowType where names == nil: names = values
            case .status where statuses == nil: statuses = values
            default: return nil
            }
        }
        var clauses: [String] = []
        var arguments = StatementArguments()
        for (column, values) in [("name", names), ("status", statuses)] {
            guard let values else { continue }
            clauses.append("\(column) IN (\(values.map { _ in "?" }.joined(separator: ",")))")
            arguments += StatementArguments(values)
        }
        let filter = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        return try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(count), 0) FROM workflow_counts" + filter, arguments: arguments)
    }

    private func sql(for condition: WorkflowSearch.Condition) -> (String, [(any DatabaseValueConvertible)?]) {
        let column = condition.field.columnName
        if condition.field == .parentWorkflowId, condition.comparison == .equals("") {
            return ("(\(column) IS NULL OR \(column) = '')", [])
        }
        let numeric = condition.field.valueKind == .timestamp || condition.field.valueKind == .integer
        return sql(column: column, numeric: numeric, condition.comparison)
    }

    private func sql(column: String, numeric: Bool,
                     _ comparison: WorkflowSearch.Comparison) -> (String, [(any DatabaseValueConvertible)?]) {
        func value(_ text: String) -> (any DatabaseValueConvertible)? { numeric ? Int64(text) : text }
        switch comparison {
        case .equals(let text):
            return ("\(column) = ?", [value(text)])
        case .notEquals(let text): return ("(\(column) IS NULL OR \(column) != ?)", [value(text)])
        case .greaterThan(let text): return ("\(column) > ?", [value(text)])
        case .lessThan(let text): return ("\(column) < ?", [value(text)])
        case .oneOf(let texts):
            return ("\(column) IN (\(texts.map { _ in "?" }.joined(separator: ",")))", texts.map(value))
        case .like(let pattern):
            let escaped = escapeLike(pattern).replacingOccurrences(of: "*", with: "%")
            return ("\(column) LIKE ? ESCAPE '\\'", [escaped])
        case .isNull: return ("\(column) IS NULL", [])
        case .isNotNull: return ("\(column) IS NOT NULL", [])
        case .between(let lower, let upper): return ("\(column) BETWEEN ? AND ?", [value(lower), value(upper)])
        case .startsWith(let prefix): return ("\(column) LIKE ? ESCAPE '\\'", [escapeLike(prefix) + "%"])
        }
    }

    private func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
