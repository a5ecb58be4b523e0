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


    /// The total of a search that filters by nothing but workflow names and statuses (`=` or `IN`, at most
    /// one condition each), read from the counts the schema's triggers keep; nil for any other search.
    private func countedTotal(of search: WorkflowSearch) throws -> Int64? {
        guard search.freeText == nil else { return nil }
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
        let numeric = condition.field.valueKind == .timestamp || condition.field.valueKind == .integer
        func value(_ text: String) -> (any DatabaseValueConvertible)? { numeric ? Int64(text) : text }
        switch condition.comparison {
        case .equals(let text):
            if condition.field == .parentWorkflowId, text.isEmpty { return ("(\(column) IS NULL OR \(column) = '')", []) }
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
