import BatonModel
import Foundation

/// A validated task search (`GET /api/tasks/search`): what to match, how to order it and which page to return.
///
/// Its query has a workflow search's syntax (AND-joined `field OP value` clauses, see ``WorkflowSearch``) over a
/// task's fields, e.g. `taskType IN (charge,ship) AND status = FAILED AND startTime > 1700000000000`.
public struct TaskSearch: Sendable, Hashable {
    /// What a task must match.
    public var filter: Filter
    /// The result order, most significant key first; empty means newest scheduled first.
    public var sort: [SortKey]
    /// The offset of the first result to return.
    public var start: Int
    /// The largest number of results to return.
    public var size: Int

    /// Creates a search from already-validated parts.
    public init(filter: Filter = Filter(), sort: [SortKey] = [], start: Int = 0, size: Int = WorkflowSearch.defaultSize) {
        self.filter = filter
        self.sort = sort
        self.start = start
        self.size = size
    }

    /// Creates a search from the raw request parameters, validating every one of them (as
    /// ``WorkflowSearch/init(query:freeText:sort:start:size:topLevelOnly:)`` does).
    public init(query: String?, freeText: String?, sort: [String], start: Int?, size: Int?) throws(SearchError) {
        let page = try WorkflowSearch(query: nil, freeText: nil, sort: [], start: start, size: size)
        let keys: [(Field, Bool)] = try SearchSyntax.sortKeys(parsing: sort)
        self.init(filter: try Filter(query: query, freeText: freeText), sort: keys.map { SortKey(field: $0, ascending: $1) },
                  start: page.start, size: page.size)
    }

    /// The conditions a task must all meet, and its free text.
    public struct Filter: Sendable, Hashable {
        /// The conditions a task must all meet (joined with AND).
        public var conditions: [Condition]
        /// Text the task's id, type, reference name, input, output or reason must hold; nil for any.
        public var freeText: String?

        /// Creates a filter from already-validated parts.
        public init(conditions: [Condition] = [], freeText: String? = nil) {
            self.conditions = conditions
            self.freeText = freeText
        }

        /// Parses a structured query over task fields and a free text (`*` or empty: none).
        public init(query: String?, freeText: String?) throws(SearchError) {
            let parsed: [(Field, WorkflowSearch.Comparison)] = try SearchSyntax.conditions(parsing: query ?? "")
            let text = freeText?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            self.init(conditions: parsed.map { Condition(field: $0, comparison: $1) },
                      freeText: text.isEmpty || text == "*" ? nil : text)
        }
    }

    /// One clause of a query: a task field and the comparison its value must satisfy.
    public typealias Condition = SearchCondition<Field>

    /// One key of a search's result order.
    public typealias SortKey = SearchSortKey<Field>

    /// A task attribute that a search can filter or sort on.
    public enum Field: String, Sendable, CaseIterable, SearchField {
        case taskId
        case taskType
        case taskDefName
        case referenceTaskName
        /// One of ``TaskStatus``'s raw values.
        case status
        case workflowId
        /// The name of the workflow the task belongs to.
        case workflowType
        /// The correlation id of the workflow the task belongs to.
        case correlationId
        case workerId
        case domain
        case reasonForIncompletion
        case retryCount
        /// When the task was scheduled, started, ended or last changed, in epoch milliseconds.
        case scheduledTime, startTime, endTime, updateTime

        /// The field called `name` (any case), or an error listing the valid ones.
        static func named(_ name: String, purpose: String) throws(SearchError) -> Field {
            guard let field = allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
                throw SearchError("Unknown task \(purpose) field '\(name)'; valid fields are "
                    + allCases.map(\.rawValue).joined(separator: ", "))
            }
            return field
        }

        /// The column holding this field in the stores' `tasks` table, or `workflows` for the workflow's name
        /// and correlation id (the same in every store), qualified by its table.
        public var columnName: String {
            switch self {
            case .taskId: "tasks.id"
            case .taskType: "tasks.task_type"
            case .taskDefName: "tasks.task_def_name"
            case .referenceTaskName: "tasks.reference_name"
            case .status: "tasks.status"
            case .workflowId: "tasks.workflow_id"
            case .workflowType: "workflows.name"
            case .correlationId: "workflows.correlation_id"
            case .workerId: "tasks.worker_id"
            case .domain: "tasks.domain"
            case .reasonForIncompletion: "tasks.reason"
            case .retryCount: "tasks.retry_count"
            case .scheduledTime: "tasks.scheduled_time"
            case .startTime: "tasks.start_time"
            case .endTime: "tasks.end_time"
            case .updateTime: "tasks.update_time"
            }
        }

        /// The kind of value this field holds.
        public var valueKind: SearchValueKind {
            switch self {
            case .status: .taskStatus
            case .retryCount: .integer
            case .scheduledTime, .startTime, .endTime, .updateTime: .timestamp
            default: .text
            }
        }
    }
}
