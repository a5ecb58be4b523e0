public import BatonModel
public import BatonPersistence
import BatonDecider

extension Engine {
    /// The execution with `workflowId`, with its tasks when `includeTasks` is true.
    public func workflow(id workflowId: String, includeTasks: Bool = true) async throws(EngineError) -> Workflow {
        guard let workflow = try await reading({ try $0.workflow(id: workflowId, includeTasks: includeTasks) }) else {
            throw EngineError.notFound("No such workflow found by id: \(workflowId)")
        }
        return workflow
    }

    /// A page of an execution's tasks in `seq` order, of the given statuses (all when empty), with the number of
    /// all such tasks; only the page is read.
    public func tasks(ofWorkflow workflowId: String, statuses: Set<TaskStatus> = [], start: Int, count: Int)
        async throws(EngineError) -> SearchResult<TaskExecution> {
        guard let (total, tasks) = try await reading({
            try $0.tasks(ofWorkflow: workflowId, statuses: statuses, start: start, count: count)
        }) else {
            throw EngineError.notFound("No such workflow found by id: \(workflowId)")
        }
        return SearchResult(totalHits: total, results: tasks)
    }

    /// The executions matching a search, newest first unless sorted otherwise, without tasks.
    public func search(_ search: WorkflowSearch) async throws(EngineError) -> SearchResult<Workflow> {
        let (total, workflows) = try await reading { try $0.search(search) }
        return SearchResult(totalHits: total, results: workflows)
    }

    /// The task attempts matching a search, newest scheduled first unless sorted otherwise.
    public func search(_ search: TaskSearch) async throws(EngineError) -> SearchResult<TaskExecution> {
        let (total, tasks) = try await reading { try $0.search(search) }
        return SearchResult(totalHits: total, results: tasks)
    }

    /// The executions of `name` with `correlationId`: only RUNNING ones unless `includeClosed`.
    public func workflows(name: String, correlationId: String, includeClosed: Bool,
                          includeTasks: Bool) async throws(EngineError) -> [Workflow] {
        try await reading { reader in
            try reader.workflowIds(name: name, correlationId: correlationId).compactMap { id in
                guard let workflow = try reader.workflow(id: id, includeTasks: includeTasks) else { return nil }
                return includeClosed || workflow.status == .running ? workflow : nil
            }
        }
    }

    /// Ids of RUNNING executions of a definition version, or, with a time range, of all its executions
    /// created in that range.
    public func runningWorkflowIds(name: String, version: Int?, startTime: Int64?,
                                   endTime: Int64?) async throws(EngineError) -> [String] {
        try await reading { reader in
            if let startTime, let endTime, startTime > 0, endTime > 0 {
                return try reader.workflowIds(name: name, version: version, createdFrom: startTime, to: endTime)
            }
            return try reader.runningWorkflowIds(name: name, version: version)
        }
    }

    /// The audit trail of a workflow: every signal and state change, oldest first.
    public func events(workflowId: String) async throws(EngineError) -> [WorkflowEvent] {
        try await reading { reader in
            guard try reader.workflow(id: workflowId, includeTasks: false) != nil else {
                throw EngineError.notFound("No such workflow found by id: \(workflowId)")
            }
            return try reader.events(workflowId: workflowId)
        }
    }

    /// Decides a workflow now, as the sweeper does when its wake-up time comes.
    public func decide(workflowId: String) async throws(EngineError) {
        try await decide(workflowId: workflowId, inBackground: false)
    }

    /// Decides as `decide(workflowId:)` does; the sweeper's decisions are written behind requests'.
    func decide(workflowId: String, inBackground: Bool) async throws(EngineError) {
        try await mutate(workflowId: workflowId, actor: "baton", inBackground: inBackground) { workflow, decider, _, _ in
            ((), decider.decide(&workflow))
        }
    }
}
