import BatonEngine
import BatonModel
import Hummingbird

/// Conductor's `/api/admin` endpoints for operators: the server's settings, the pending tasks of a type, a
/// workflow's sweep and the repair of its bookkeeping, and the event queues (none: Baton has no event queues yet).
struct AdminRoutes {
    let engine: Engine
    let configuration: APIConfiguration

    func register(on router: Router<BatonRequestContext>) {
        router.on(.serverConfiguration) { _, _ in
            // What an operator may read: no secret (database URL, keys) is among it.
            let settings: [String: JSONValue] = [
                "version": .string(BatonRouter.version),
                "authentication": .bool(configuration.authenticator != nil),
                "maximumBodySize": .int(Int64(configuration.limits.maximumBodySize)),
                "maximumTasksPerWorkflow": .int(Int64(engine.maximumTasksPerWorkflow)),
                "maximumForkWidth": .int(Int64(engine.maximumForkWidth)),
            ].merging(PayloadKind.allCases.flatMap { kind in
                [(kind.thresholdName, JSONValue.int(Int64(engine.payloadLimits[kind].threshold))),
                 (kind.maximumName, .int(Int64(engine.payloadLimits[kind].maximum)))]
            }) { first, _ in first }
            return try JSONResponse.make(settings)
        }
        router.on(.pendingTasks) { request, context in
            let tasks = try await engine.pendingTasks(taskType: context.parameters.path("tasktype"),
                                                      start: try request.integer("start") ?? 0,
                                                      count: try request.integer("count") ?? 100)
            return JSONResponse.make(tasks)
        }
        router.on(.sweepWorkflow) { _, context in
            let workflowId = try context.parameters.path("workflowId")
            try await engine.requeueSweep(workflowId: workflowId)
            return JSONResponse.text("true.\(workflowId)")
        }
        router.on(.repairWorkflow) { _, context in
            JSONResponse.text(String(try await engine.verifyAndRepair(workflowId: context.parameters.path("workflowId"))))
        }
        router.on(.eventQueues) { _, _ in
            try JSONResponse.make([String: Int]())  // event queues: none until event handlers exist (issue #24)
        }
    }
}
