public import BatonModel

/// What to search for: Conductor's structured query (over a workflow's fields; over a task's for the task searches and
/// the searches by tasks), free text, order and page.
public struct WorkflowQuery: Sendable, Hashable {
    /// The structured query, e.g. `workflowType IN (hello) AND status IN (RUNNING)`; nil matches all.
    public var query: String?
    /// The free-text query; nil (or `*`) matches all.
    public var freeText: String?
    /// Sort keys, each `field`, `field:ASC` or `field:DESC`, most significant first.
    public var sort: [String]
    /// The offset of the first result.
    public var start: Int
    /// The largest number of results to return.
    public var size: Int
    /// Whether to leave out sub-workflows.
    public var topLevelOnly: Bool

    /// Creates a query from its raw parts.
    public init(query: String? = nil, freeText: String? = nil, sort: [String] = [], start: Int = 0, size: Int = 100,
                topLevelOnly: Bool = false) {
        self.query = query
        self.freeText = freeText
        self.sort = sort
        self.start = start
        self.size = size
        self.topLevelOnly = topLevelOnly
    }

    /// Creates a query for executions of any of `names` in any of `statuses` (empty means any), ANDed
    /// with the structured `query` when given.
    public init(names: [String] = [], statuses: [WorkflowStatus] = [], query: String? = nil, freeText: String? = nil,
                sort: [String] = [], start: Int = 0, size: Int = 100) {
        var clauses: [String] = []
        if !names.isEmpty { clauses.append("workflowType IN (\(names.joined(separator: ",")))") }
        if !statuses.isEmpty { clauses.append("status IN (\(statuses.map(\.rawValue).joined(separator: ",")))") }
        if let query, !query.isEmpty { clauses.append(query) }
        self.init(query: clauses.isEmpty ? nil : clauses.joined(separator: " AND "), freeText: freeText, sort: sort,
                  start: start, size: size)
    }

    var parameters: [(String, String?)] {
        [("query", query), ("freeText", freeText), ("start", String(start)), ("size", String(size)),
         ("topLevelOnly", String(topLevelOnly))] + sort.map { ("sort", Optional($0)) }
    }
}

extension WorkflowClient {
    /// Returns the summaries of the executions matching `query`, and how many match in all.
    public func search(_ query: WorkflowQuery = WorkflowQuery()) async throws -> SearchResult<WorkflowSummary> {
        try await transport.get(SearchResult<WorkflowSummary>.self, "/api/workflow/search", query: query.parameters)
    }

    /// Returns the full executions matching `query` (`search-v2`), and how many match in all.
    public func searchExecutions(_ query: WorkflowQuery = WorkflowQuery()) async throws -> SearchResult<Workflow> {
        try await transport.get(SearchResult<Workflow>.self, "/api/workflow/search-v2", query: query.parameters)
    }

    /// Returns the summaries of the executions holding a task that matches `query` — a query over task fields, e.g.
    /// `taskType = charge AND status = FAILED` (its sort and page apply to the executions).
    public func searchByTasks(_ query: WorkflowQuery) async throws -> SearchResult<WorkflowSummary> {
        try await transport.get(SearchResult<WorkflowSummary>.self, "/api/workflow/search-by-tasks", query: query.parameters)
    }

    /// As `searchByTasks`, returning the full executions (`search-by-tasks-v2`).
    public func searchExecutionsByTasks(_ query: WorkflowQuery) async throws -> SearchResult<Workflow> {
        try await transport.get(SearchResult<Workflow>.self, "/api/workflow/search-by-tasks-v2", query: query.parameters)
    }
}
