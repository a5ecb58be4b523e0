import BatonModel
import Foundation

/// A validated workflow search: what to match, how to order it and which page to return.
///
/// Build one from the parameters of `GET /api/workflow/search` (and `search-v2`) with
/// ``init(query:freeText:sort:start:size:topLevelOnly:)``, which parses Conductor's structured
/// query syntax as the UI and the SDKs send it:
///
/// ```
/// workflowType IN (a,b) AND status IN (RUNNING,FAILED) AND startTime>1700000000000
/// ```
///
/// Unlike Conductor, which silently drops what its index cannot handle, every unknown field,
/// malformed value or unsupported construct (`OR`, parentheses) is a ``SearchError``.
public struct WorkflowSearch: Sendable, Hashable {
    /// The page size used when the request names none.
    public static let defaultSize = 100

    /// The largest page size a request may ask for.
    public static let maximumSize = 5000

    /// The longest `query` or `freeText` a request may send, in bytes of UTF-8 (8 KiB). Longer ones are refused
    /// before they reach a store: SQLite fails a LIKE pattern over 50,000 bytes, and no real search needs one.
    public static let maximumTextLength = 8192

    /// The conditions a workflow must all meet (they are joined with AND).
    public var conditions: [Condition]

    /// The free-text query, or `nil` when the request asked for everything (`*` or empty).
    public var freeText: String?

    /// The result order, most significant key first; empty means the backend's default order.
    public var sort: [SortKey]

    /// The offset of the first result to return.
    public var start: Int

    /// The largest number of results to return.
    public var size: Int

    /// When set, only the executions with at least one task that matches it (`/api/workflow/search-by-tasks`).
    public var havingTask: TaskSearch.Filter?

    /// Creates a search from already-validated parts.
    public init(
        conditions: [Condition] = [],
        freeText: String? = nil,
        sort: [SortKey] = [],
        start: Int = 0,
        size: Int = WorkflowSearch.defaultSize,
        havingTask: TaskSearch.Filter? = nil
    ) {
        self.conditions = conditions
        self.freeText = freeText
        self.sort = sort
        self.start = start
        self.size = size
        self.havingTask = havingTask
    }

    /// Creates a search from the raw request parameters, validating every one of them.
    ///
    /// - Parameters:
    ///   - query: The structured query: AND-joined `field OP value` clauses, or `nil`, empty or `*`
    ///     for no conditions.
    ///   - freeText: The free-text query; `*`, empty or `nil` means no free-text filter.
    ///   - sort: Sort specifications, each `field`, `field:ASC` or `field:DESC`; an entry may hold
    ///     several separated by `|`.
    ///   - start: The offset of the first result; `nil` means 0.
    ///   - size: The page size; `nil` means ``defaultSize``; at most ``maximumSize``.
    ///   - topLevelOnly: Whether to exclude sub-workflows, adding the condition `parentWorkflowId=""`.
    /// - Throws: ``SearchError`` describing the first invalid parameter (a `query` or `freeText` longer than
    ///   ``maximumTextLength`` is one).
    public init(
        query: String?,
        freeText: String?,
        sort: [String],
        start: Int?,
        size: Int?,
        topLevelOnly: Bool = false
    ) throws(SearchError) {
        for (name, text) in [("query", query), ("freeText", freeText)] {
            guard let length = text?.utf8.count, length > Self.maximumTextLength else { continue }
            throw SearchError("\(name) is \(length) bytes long; the limit is \(Self.maximumTextLength) (maximumTextLength)")
        }
        let start = start ?? 0
        guard start >= 0 else {
            throw SearchError("start must not be negative (got \(start))")
        }
        let size = size ?? Self.defaultSize
        guard (0...Self.maximumSize).contains(size) else {
            throw SearchError("size must be between 0 and \(Self.maximumSize) (got \(size))")
        }
        var conditions = try Self.conditions(parsing: query ?? "")
        if topLevelOnly {
            conditions.append(Condition(field: .parentWorkflowId, comparison: .equals("")))
        }
        let trimmedFreeText = freeText?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        self.init(
            conditions: conditions,
            freeText: trimmedFreeText.isEmpty || trimmedFreeText == "*" ? nil : trimmedFreeText,
            sort: try Self.sortKeys(parsing: sort),
            start: start,
            size: size
        )
    }

    /// Parses a structured query into its AND-joined conditions.
    ///
    /// An empty (or all-blank) query, or `*`, has no conditions.
    /// - Throws: ``SearchError`` naming what is wrong with the query.
    public static func conditions(parsing query: String) throws(SearchError) -> [Condition] {
        let parsed: [(Field, Comparison)] = try SearchSyntax.conditions(parsing: query)
        return parsed.map { Condition(field: $0, comparison: $1) }
    }

    /// Parses sort specifications (`field`, `field:ASC`, `field:DESC`, several per entry joined by `|`).
    ///
    /// Blank entries are ignored; directions are case-insensitive.
    /// - Throws: ``SearchError`` for an unknown field or direction.
    public static func sortKeys(parsing specifications: [String]) throws(SearchError) -> [SortKey] {
        let parsed: [(Field, Bool)] = try SearchSyntax.sortKeys(parsing: specifications)
        return parsed.map { SortKey(field: $0, ascending: $1) }
    }
}

// MARK: - Fields

extension WorkflowSearch {
    /// A workflow attribute that a search can filter or sort on.
    public enum Field: String, Sendable, CaseIterable {
        /// The workflow's id.
        case workflowId
        /// The correlation id given at start.
        case correlationId
        /// The workflow definition's name.
        case workflowType
        /// The workflow's status (one of ``WorkflowStatus``'s raw values).
        case status
        /// When the workflow started, in epoch milliseconds.
        case startTime
        /// When the workflow ended, in epoch milliseconds.
        case endTime
        /// When the workflow last changed, in epoch milliseconds (also spelled `modifiedTime`).
        case updateTime
        /// The id of the parent workflow; `""` stands for top-level workflows.
        case parentWorkflowId
        /// The idempotency key given at start.
        case idempotencyKey
        /// The workflow definition's version.
        case version
        /// The workflow's priority.
        case priority
        /// Why the workflow failed or was terminated.
        case reasonForIncompletion

        /// Alternative spellings accepted in queries and sort keys.
        static let aliases: [String: Field] = ["modifiedtime": .updateTime]

        /// Looks up a field by its name or an alias, ignoring case; `nil` when there is none.
        public init?(name: String) {
            let lowercased = name.lowercased()
            if let field = Field.allCases.first(where: { $0.rawValue.lowercased() == lowercased }) {
                self = field
            } else if let field = Field.aliases[lowercased] {
                self = field
            } else {
                return nil
            }
        }

        /// The column that holds this field in the stores' `workflows` table (the same in every store).
        public var columnName: String {
            switch self {
            case .workflowId: return "id"
            case .correlationId: return "correlation_id"
            case .workflowType: return "name"
            case .status: return "status"
            case .startTime: return "create_time"
            case .endTime: return "end_time"
            case .updateTime: return "update_time"
            case .parentWorkflowId: return "parent_workflow_id"
            case .idempotencyKey: return "idempotency_key"
            case .version: return "version"
            case .priority: return "priority"
            case .reasonForIncompletion: return "reason"
            }
        }

        /// The kind of value this field holds.
        public var valueKind: SearchValueKind {
            switch self {
            case .workflowId, .correlationId, .workflowType, .parentWorkflowId, .idempotencyKey,
                .reasonForIncompletion:
                return .text
            case .status: return .status
            case .startTime, .endTime, .updateTime: return .timestamp
            case .version, .priority: return .integer
            }
        }

        /// The valid field names, for error messages.
        static var validNames: String {
            Field.allCases.map { field in
                field == .updateTime ? "updateTime (or modifiedTime)" : field.rawValue
            }
            .joined(separator: ", ")
        }

        /// Looks up a field by name, or throws an error that lists the valid ones.
        static func named(_ name: String, purpose: String) throws(SearchError) -> Field {
            guard let field = Field(name: name) else {
                throw SearchError("Unknown \(purpose) field '\(name)'; valid fields are \(validNames)")
            }
            return field
        }
    }
}

/// The kinds of value a search field holds, which decide how its query values are validated.
public enum SearchValueKind: Sendable, Hashable {
    /// Free text; `*` in an `=` value is a wildcard.
    case text
    /// A ``WorkflowStatus`` raw value, normalised to upper case.
    case status
    /// A ``TaskStatus`` raw value, normalised to upper case.
    case taskStatus
    /// An instant, normalised to epoch milliseconds.
    case timestamp
    /// A whole number.
    case integer
}

// MARK: - Conditions

extension WorkflowSearch {
    /// One clause of a query: a field and the comparison its value must satisfy.
    public typealias Condition = SearchCondition<Field>

    /// How a field's value is compared.
    ///
    /// Values are normalised for their field's ``Field/ValueKind``: statuses are upper-case
    /// ``WorkflowStatus`` raw values, timestamps are epoch milliseconds in decimal and integers are
    /// in decimal. Text comparisons (`>`, `<`, `BETWEEN`) are lexicographic.
    public enum Comparison: Sendable, Hashable {
        /// The value equals this one (`=`). `parentWorkflowId=""` selects top-level workflows.
        case equals(String)
        /// The value differs from this one (`!=` or `<>`); `*` has no special meaning here.
        case notEquals(String)
        /// The value is greater than this one (`>`).
        case greaterThan(String)
        /// The value is less than this one (`<`).
        case lessThan(String)
        /// The value is one of these (`IN (a,b,c)`); `*` has no special meaning here.
        case oneOf([String])
        /// The value matches this pattern, where each `*` stands for any run of characters
        /// (an `=` on a text field whose value contains `*`).
        case like(String)
        /// The field has no value (`IS NULL`).
        case isNull
        /// The field has a value (`IS NOT NULL`).
        case isNotNull
        /// The value lies in this inclusive range (`BETWEEN lower AND upper`).
        case between(lower: String, upper: String)
        /// The value begins with this prefix (`STARTS_WITH prefix`); text fields only.
        case startsWith(String)
    }
}

// MARK: - Sorting

extension WorkflowSearch {
    /// One key of a search's result order.
    public typealias SortKey = SearchSortKey<Field>
}

/// One clause of a query: a field (of a workflow or of a task) and the comparison its value must satisfy.
public struct SearchCondition<Field: Sendable & Hashable>: Sendable, Hashable {
    /// The field compared.
    public var field: Field
    /// The comparison applied to the field's value.
    public var comparison: WorkflowSearch.Comparison

    /// Creates a condition on a field.
    public init(field: Field, comparison: WorkflowSearch.Comparison) {
        self.field = field
        self.comparison = comparison
    }
}

/// One key of a search's result order: a field (of a workflow or of a task) and its direction.
public struct SearchSortKey<Field: Sendable & Hashable>: Sendable, Hashable {
    /// The field sorted on.
    public var field: Field
    /// Whether smaller values come first.
    public var ascending: Bool

    /// Creates a sort key.
    public init(field: Field, ascending: Bool = true) {
        self.field = field
        self.ascending = ascending
    }
}

// MARK: - Errors

/// Why a search request was rejected; the message is meant for the client.
public struct SearchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A human-readable explanation naming the offending input.
    public var message: String

    /// Creates an error with a message.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
