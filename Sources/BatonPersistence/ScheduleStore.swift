import BatonModel
import Foundation

/// Reading schedules and the record of what their slots did.
public protocol ScheduleReading {
    /// The schedule named `name`.
    func schedule(named name: String) throws -> WorkflowSchedule?
    /// Every schedule (those starting `workflowName` when it is given), by name.
    func schedules(workflowName: String?) throws -> [WorkflowSchedule]
    /// The names of the schedules whose next run time is at or before `now` (paused ones have none), earliest first,
    /// at most `limit` of them.
    func dueScheduleNames(at now: Int64, limit: Int) throws -> [String]
    /// The slot records that match `search`, and the number of all matches.
    func search(_ search: ScheduleExecutionSearch) throws -> (totalHits: Int64, executions: [ScheduleExecution])
}

/// Changing schedules and recording their slots.
public protocol ScheduleWriting {
    /// Inserts or replaces a schedule (by name); its `nextRunTime` is when the sweeper finds it due.
    func save(_ schedule: WorkflowSchedule) throws
    /// Deletes a schedule and its slot records; returns whether it existed.
    func deleteSchedule(named name: String) throws -> Bool
    /// The schedule named `name`, read to be changed in this transaction: on a database several servers share, nobody
    /// else changes it until this transaction ends. When another transaction holds it and `skippingIfBusy` is true,
    /// returns nil at once instead of waiting (a sweeper then leaves the schedule to whoever holds it).
    func lockSchedule(named name: String, skippingIfBusy: Bool) throws -> WorkflowSchedule?
    /// Records what a slot did, and forgets the oldest records of its schedule beyond the newest `keeping`.
    func append(_ execution: ScheduleExecution, keeping: Int) throws
}

/// A validated search of schedules' slot records (`GET /api/scheduler/search/executions`).
///
/// Its query has a workflow search's syntax over a record's fields, which covers what Conductor's scheduler UI
/// sends: `scheduleName IN (a,b) AND state IN (FAILED) AND scheduledTime>1700000000000 AND workflowName=report`.
/// As in Conductor, a query that is a bare name (no operator) selects that schedule's records.
public struct ScheduleExecutionSearch: Sendable, Hashable {
    public var conditions: [Condition]
    /// Text the record's schedule, workflow name, workflow id or reason must hold; nil for any.
    public var freeText: String?
    /// The result order, most significant key first; empty means the latest slot first.
    public var sort: [SortKey]
    public var start: Int
    public var size: Int

    /// Creates a search from already-validated parts.
    public init(conditions: [Condition] = [], freeText: String? = nil, sort: [SortKey] = [], start: Int = 0,
                size: Int = WorkflowSearch.defaultSize) {
        self.conditions = conditions
        self.freeText = freeText
        self.sort = sort
        self.start = start
        self.size = size
    }

    /// Creates a search from the raw request parameters, validating each (sort keys as `field:ASC|DESC`).
    public init(query: String?, freeText: String?, sort: [String], start: Int?, size: Int?) throws(SearchError) {
        let page = try WorkflowSearch(query: nil, freeText: nil, sort: [], start: start, size: size)
        let trimmed = query?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let conditions: [(Field, WorkflowSearch.Comparison)]
        if !trimmed.isEmpty, trimmed != "*", !trimmed.contains(where: { "=<>() '\"".contains($0) }) {
            conditions = [(.scheduleName, .equals(trimmed))]
        } else {
            conditions = try SearchSyntax.conditions(parsing: trimmed)
        }
        let keys: [(Field, Bool)] = try SearchSyntax.sortKeys(parsing: sort)
        let text = freeText?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        self.init(conditions: conditions.map { Condition(field: $0, comparison: $1) },
                  freeText: text.isEmpty || text == "*" ? nil : text,
                  sort: keys.map { SortKey(field: $0, ascending: $1) }, start: page.start, size: page.size)
    }

    public typealias Condition = SearchCondition<Field>
    public typealias SortKey = SearchSortKey<Field>

    /// A slot record's attribute that a search can filter or sort on.
    public enum Field: String, Sendable, CaseIterable, SearchField {
        case executionId, scheduleName, workflowName, workflowId
        /// EXECUTED or FAILED.
        case state
        /// The slot, and when its workflow was started, in epoch milliseconds.
        case scheduledTime, executionTime

        static func named(_ name: String, purpose: String) throws(SearchError) -> Field {
            guard let field = allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
                throw SearchError("Unknown schedule execution \(purpose) field '\(name)'; valid fields are "
                    + allCases.map(\.rawValue).joined(separator: ", "))
            }
            return field
        }

        /// The column holding this field in the stores' `schedule_executions` table.
        public var columnName: String {
            switch self {
            case .executionId: "execution_id"
            case .scheduleName: "schedule_name"
            case .workflowName: "workflow_name"
            case .workflowId: "workflow_id"
            case .state: "state"
            case .scheduledTime: "scheduled_time"
            case .executionTime: "execution_time"
            }
        }

        public var valueKind: SearchValueKind {
            switch self {
            case .scheduledTime, .executionTime: .timestamp
            default: .text
            }
        }
    }
}
