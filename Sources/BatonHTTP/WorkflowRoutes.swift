import BatonEngine
import BatonModel
import BatonPersistence
import Foundation
import Hummingbird

/// `/api/workflow`: starting, reading, searching and signalling workflow executions.
struct WorkflowRoutes {
    let engine: Engine

    func register(on router: Router<BatonRequestContext>) {
        registerStartAndRead(on: router)
        registerSearch(on: router)
        registerSignals(on: router)
    }

    private func registerStartAndRead(on router: Router<BatonRequestContext>) {
        router.on(.startWorkflow) { request, context in
            let start = try await request.decode(StartWorkflowRequest.self)
            // An inline definition runs whatever it holds (scripts, HTTP calls): as much as registering one.
            if start.workflowDef != nil { try context.requireAdmin(for: "Starting a workflow with an inline workflowDef") }
            return JSONResponse.text(try await engine.start(start, actor: context.actor))
        }
        router.on(.startWorkflowByName) { request, context in
            var start = StartWorkflowRequest(name: try context.parameters.path("id"))
            start.version = try request.integer("version")
            start.correlationId = request.query("correlationId")
            start.priority = try request.integer("priority")
            start.input = try await request.decodeObject(orIfEmpty: [:])
            return JSONResponse.text(try await engine.start(start, actor: context.actor))
        }
        router.on(.executeWorkflow) { request, context in
            try await execute(request, context)
        }
        router.on(.testWorkflow) { request, _ in
            // ADMIN only (`Endpoint.testWorkflow`): a test request carries a definition to run, as an inline start does.
            try JSONResponse.make(await engine.test(request.decode(WorkflowTestRequest.self)))
        }
        router.on(.workflow) { request, context in
            try JSONResponse.make(await engine.workflow(id: context.parameters.path("id"),
                                                        includeTasks: request.flag("includeTasks", default: true)))
        }
        router.on(.workflowStatus) { request, context in
            let workflow = try await engine.workflow(id: context.parameters.path("id"), includeTasks: false)
            var status: JSONObject = ["workflowId": .string(workflow.workflowId), "status": .string(workflow.status.rawValue)]
            if let correlationId = workflow.correlationId { status["correlationId"] = .string(correlationId) }
            if try request.flag("includeOutput", default: false) { status["output"] = .object(workflow.output) }
            if try request.flag("includeVariables", default: false) { status["variables"] = .object(workflow.variables) }
            return try JSONResponse.make(status)
        }
        router.on(.workflowTasks) { request, context in
            // Conductor matches the names case-insensitively; a name no status has matches no task.
            let names = request.queryValues("status").flatMap { $0.split(separator: ",") }.map { $0.uppercased() }
            let statuses = Set(names.compactMap(TaskStatus.init(rawValue:)))
            let id = try context.parameters.path("id")
            let start = max(0, try request.integer("start") ?? 0)
            let count = max(0, try request.integer("count") ?? 15)
            guard names.isEmpty || !statuses.isEmpty else {
                _ = try await engine.workflow(id: id, includeTasks: false)  // a missing workflow is still a 404
                return try JSONResponse.make(SearchResult<TaskExecution>(totalHits: 0, results: []))
            }
            return try JSONResponse.make(await engine.tasks(ofWorkflow: id, statuses: statuses, start: start, count: count))
        }
        router.on(.workflowEvents) { _, context in
            try JSONResponse.make(await engine.events(workflowId: context.parameters.path("id")))
        }
        router.on(.correlatedWorkflows) { request, context in
            try JSONResponse.make(await engine.workflows(
                name: context.parameters.path("id"), correlationId: context.parameters.path("correlationId"),
                includeClosed: request.flag("includeClosed", default: false),
                includeTasks: request.flag("includeTasks", default: false)))
        }
        router.on(.correlatedWorkflowsByIds) { request, context in
            let name = try context.parameters.path("id")
            let correlationIds = try await request.decode([String].self)
            let includeClosed = try request.flag("includeClosed", default: false)
            let includeTasks = try request.flag("includeTasks", default: false)
            var result: [String: [Workflow]] = [:]
            for correlationId in correlationIds {
                result[correlationId] = try await engine.workflows(name: name, correlationId: correlationId,
                                                                   includeClosed: includeClosed, includeTasks: includeTasks)
            }
            return try JSONResponse.make(result)
        }
        router.on(.runningWorkflows) { request, context in
            try JSONResponse.make(await engine.runningWorkflowIds(
                name: context.parameters.path("name"), version: request.integer("version"),
                startTime: request.integer("startTime").map(Int64.init), endTime: request.integer("endTime").map(Int64.init)))
        }
    }

    private func registerSearch(on router: Router<BatonRequestContext>) {
        router.on(.searchWorkflows) { request, _ in
            let result = try await engine.search(Self.search(from: request))
            return try JSONResponse.make(SearchResult(totalHits: result.totalHits, results: result.results.map(WorkflowSummary.init)))
        }
        router.on(.searchWorkflowsFull) { request, _ in
            try JSONResponse.make(await engine.search(Self.search(from: request)))
        }
        router.on(.searchWorkflowsByTasks) { request, _ in
            let result = try await engine.search(Self.searchByTasks(from: request))
            return try JSONResponse.make(SearchResult(totalHits: result.totalHits, results: result.results.map(WorkflowSummary.init)))
        }
        router.on(.searchWorkflowsByTasksFull) { request, _ in
            try JSONResponse.make(await engine.search(Self.searchByTasks(from: request)))
        }
    }

    static func search(from request: Request) throws -> WorkflowSearch {
        do {
            return try WorkflowSearch(query: request.query("query"), freeText: request.query("freeText"),
                                      sort: request.queryValues("sort"), start: request.integer("start"),
                                      size: request.integer("size"),
                                      topLevelOnly: request.flag("topLevelOnly", default: false))
        } catch let error as SearchError {
            throw Refusal.badRequest(error.message)
        }
    }

    /// A search-by-tasks: `query` and `freeText` select tasks (as `/api/tasks/search` does), and the executions
    /// holding one are answered, sorted (by workflow fields) and paged as a workflow search.
    static func searchByTasks(from request: Request) throws -> WorkflowSearch {
        do {
            var search = try WorkflowSearch(query: nil, freeText: nil, sort: request.queryValues("sort"),
                                            start: request.integer("start"), size: request.integer("size"))
            search.havingTask = try TaskSearch.Filter(query: request.query("query"), freeText: request.query("freeText"))
            return search
        } catch let error as SearchError {
            throw Refusal.badRequest(error.message)
        }
    }

    private func registerSignals(on router: Router<BatonRequestContext>) {
        router.on(.pauseWorkflow) { _, context in
            try await engine.pause(workflowId: context.parameters.path("id"), actor: context.actor)
            return JSONResponse.empty()
        }
        router.on(.resumeWorkflow) { _, context in
            try await engine.resume(workflowId: context.parameters.path("id"), actor: context.actor)
            return JSONResponse.empty()
        }
        router.on(.restartWorkflow) { request, context in
            try await engine.restart(workflowId: context.parameters.path("id"),
                                     useLatestDefinitions: request.flag("useLatestDefinitions", default: false),
                                     actor: context.actor)
            return JSONResponse.empty(.noContent)
        }
        router.on(.rerunWorkflow) { request, context in
            let rerun = try await request.decode(RerunWorkflowRequest.self, orIfEmpty: RerunWorkflowRequest())
            return JSONResponse.text(try await engine.rerun(workflowId: context.parameters.path("id"), rerun,
                                                            actor: context.actor))
        }
        router.on(.retryWorkflow) { request, context in
            try await engine.retry(workflowId: context.parameters.path("id"),
                                   resumeSubworkflowTasks: request.flag("resumeSubworkflowTasks", default: false),
                                   actor: context.actor)
            return JSONResponse.empty(.noContent)
        }
        router.on(.terminateWorkflow) { request, context in
            try await engine.terminate(workflowId: context.parameters.path("id"), reason: request.query("reason"),
                                       triggerFailureWorkflow: request.flag("triggerFailureWorkflow", default: false),
                                       actor: context.actor)
            return JSONResponse.empty()
        }
        router.on(.removeWorkflow) { _, context in
            try await engine.remove(workflowId: context.parameters.path("id"))
            return JSONResponse.empty()
        }
        router.on(.terminateAndRemoveWorkflow) { request, context in
            let workflowId = try context.parameters.path("id")
            try await engine.terminate(workflowId: workflowId, reason: request.query("reason"), actor: context.actor)
            try await engine.remove(workflowId: workflowId)
            return JSONResponse.empty()
        }
        router.on(.skipTask) { request, context in
            let skip = try await request.decode(SkipTaskRequest.self, orIfEmpty: SkipTaskRequest())
            try await engine.skip(workflowId: context.parameters.path("id"),
                                  referenceName: context.parameters.path("taskReferenceName"), skip, actor: context.actor)
            return JSONResponse.empty()
        }
        router.on(.resetCallbacks) { _, context in
            try await engine.resetCallbacks(workflowId: context.parameters.path("id"), actor: context.actor)
            return JSONResponse.empty(.noContent)
        }
        router.on(.decideWorkflow) { _, context in
            try await engine.decide(workflowId: context.parameters.path("id"))
            return JSONResponse.empty()
        }
    }

    /// `POST execute/{name}/{version}`: starts a workflow and answers once it ends, blocks, or reaches one of
    /// `waitUntilTaskRef`, or when `waitForSeconds` (10 by default, as Conductor) have passed — never an error for
    /// that: the reply then says `signalTimeout`.
    private func execute(_ request: Request, _ context: BatonRequestContext) async throws -> Response {
        let name = try context.parameters.path("name")
        let versionText = try context.parameters.path("version")
        guard let version = Int(versionText) else {
            throw Refusal.badRequest("Path parameter 'version' must be a whole number, not '\(versionText)'")
        }
        var start = try await request.decode(StartWorkflowRequest.self, orIfEmpty: StartWorkflowRequest(name: name))
        if start.workflowDef != nil { try context.requireAdmin(for: "Executing a workflow with an inline workflowDef") }
        start.name = name
        start.version = version == 0 ? nil : version
        let waitForSeconds = try request.integer("waitForSeconds") ?? 0
        guard waitForSeconds >= 0 else { throw Refusal.badRequest("waitForSeconds must not be negative") }
        let strategy = try request.returnStrategy()
        let references = Set(request.query("waitUntilTaskRef")?.split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } ?? [])
        let requestId = request.query("requestId").flatMap { $0.isEmpty ? nil : $0 } ?? UUID().uuidString
        let workflowId = try await engine.start(start, actor: context.actor)
        let state = try await engine.awaitBlocked(workflowId: workflowId, waitingFor: references,
                                                  timeout: .seconds(waitForSeconds == 0 ? 10 : waitForSeconds))
        return try JSONResponse.signalReply(state.response(strategy, requestId: requestId))
    }
}
