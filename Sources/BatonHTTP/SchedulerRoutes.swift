import BatonEngine
import BatonModel
import Hummingbird

/// `/api/scheduler`: schedules (so far, when a cron expression fires).
struct SchedulerRoutes {
    let engine: Engine

    func register(on router: Router<BatonRequestContext>) {
        router.on(.nextFireTimes) { request, _ in
            guard let expression = request.query("cronExpression") else {
                throw Refusal.badRequest("Query parameter 'cronExpression' is required")
            }
            let times = try engine.nextFireTimes(
                cronExpression: expression, startTime: try request.integer("scheduleStartTime").map(Int64.init),
                endTime: try request.integer("scheduleEndTime").map(Int64.init),
                limit: try request.integer("limit") ?? Engine.maximumFireTimesListed)
            return try JSONResponse.make(times)
        }
    }
}
