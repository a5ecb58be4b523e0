import BatonEngine
import BatonModel
import BatonPersistence
import Hummingbird

/// `/api/scheduler`: schedules that start workflows on a cron, their slots' records, and when an expression fires.
struct SchedulerRoutes {
    let engine: Engine

    func register(on router: Router<BatonRequestContext>) {
        registerSchedules(on: router)
        registerSearches(on: router)
    }

    private func registerSchedules(on router: Router<BatonRequestContext>) {
        router.on(.saveSchedule) { request, context in
            let schedule = try await request.decode(WorkflowSchedule.self)
            // An inline definition runs whatever it holds (scripts, HTTP calls): as much as registering one.
            if schedule.startWorkflowRequest?.workflowDef != nil {
                try context.requireAdmin(for: "A schedule that starts an inline workflowDef")
            }
            return try JSONResponse.make(await engine.saveSchedule(schedule, actor: context.actor))
        }
        router.on(.schedules) { request, _ in
            let name = request.query("workflowName").flatMap { $0.isEmpty ? nil : $0 }
            return try JSONResponse.make(await engine.schedules(workflowName: name))
        }
        router.on(.schedule) { _, context in
            try JSONResponse.make(await engine.schedule(named: context.parameters.path("name")))
        }
        router.on(.deleteSchedule) { _, context in
            try await engine.deleteSchedule(named: context.parameters.path("name"))
            return Response(status: .ok)
        }
        router.on(.pauseSchedule) { request, context in
            try await engine.pauseSchedule(named: context.parameters.path("name"), reason: request.query("reason"),
                                           actor: context.actor)
            return Response(status: .ok)
        }
        router.on(.resumeSchedule) { _, context in
            try await engine.resumeSchedule(named: context.parameters.path("name"), actor: context.actor)
            return Response(status: .ok)
        }
        router.on(.bulkPauseSchedules) { request, context in
            try await bulk(request) { name in try await engine.pauseSchedule(named: name, reason: nil, actor: context.actor) }
        }
        router.on(.bulkResumeSchedules) { request, context in
            try await bulk(request) { name in try await engine.resumeSchedule(named: name, actor: context.actor) }
        }
        router.on(.pauseScheduling) { _, _ in
            engine.pauseScheduling(true)
            return try JSONResponse.make(["status": "done"])
        }
        router.on(.resumeScheduling) { _, _ in
            engine.pauseScheduling(false)
            return try JSONResponse.make(["status": "done"])
        }
    }

    /// Applies `change` to each schedule the body names, each on its own, as Conductor's bulk scheduler endpoints.
    private func bulk(_ request: Request, _ change: @escaping @Sendable (String) async throws -> Void) async throws -> Response {
        let names = try await request.decode([String].self)
        guard !names.isEmpty else { throw Refusal.badRequest("Schedule names list cannot be null.") }
        return try JSONResponse.make(await engine.bulk(names, of: "schedules", change))
    }

    private func registerSearches(on router: Router<BatonRequestContext>) {
        router.on(.searchSchedules) { request, _ in
            let paused: Bool? = request.query("paused").flatMap { $0.isEmpty ? nil : $0 } == nil
                ? nil : try request.flag("paused", default: false)
            let search = try ScheduleSearch(
                workflowName: request.query("workflowName"), scheduleName: request.query("scheduleName"), paused: paused,
                freeText: request.query("freeText"), start: request.integer("start"), size: request.integer("size"),
                sort: request.queryValues("sort"))
            let found = try await engine.searchSchedules(search)
            return try JSONResponse.make(SearchResult(totalHits: found.totalHits, results: found.schedules))
        }
        router.on(.searchScheduleExecutions) { request, _ in
            let search: ScheduleExecutionSearch
            do {
                search = try ScheduleExecutionSearch(
                    query: request.query("query"), freeText: request.query("freeText"),
                    sort: request.queryValues("sort").flatMap { $0.split(separator: ",").map(String.init) },
                    start: request.integer("start"), size: request.integer("size"))
            } catch let error as SearchError {
                throw Refusal.badRequest(error.message)
            }
            let found = try await engine.searchScheduleExecutions(search)
            return try JSONResponse.make(SearchResult(totalHits: found.totalHits, results: found.executions))
        }
        router.on(.nextFireTimes) { request, _ in
            guard let expression = request.query("cronExpression") else {
                throw Refusal.badRequest("Query parameter 'cronExpression' is required")
            }
            let zone = request.query("zoneId").flatMap { $0.isEmpty ? nil : $0 } ?? "UTC"
            let times = try engine.nextFireTimes(
                cronExpression: expression, zoneId: zone,
                startTime: try request.integer("scheduleStartTime").map(Int64.init),
                endTime: try request.integer("scheduleEndTime").map(Int64.init),
                limit: try request.integer("limit") ?? Engine.maximumFireTimesListed)
            return try JSONResponse.make(times)
        }
    }
}
