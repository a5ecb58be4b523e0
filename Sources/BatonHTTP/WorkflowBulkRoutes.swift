import BatonEngine
import BatonModel
import Hummingbird

/// `/api/workflow/bulk`: the signals applied to up to 1000 workflows at once, each independently.
struct WorkflowBulkRoutes {
    let engine: Engine

    func register(on router: Router<BatonRequestContext>) {
        router.on(.bulkPause) { request, context in
            try await bulk(request) { id in try await engine.pause(workflowId: id, actor: context.actor) }
        }
        router.on(.bulkResume) { request, context in
            try await bulk(request) { id in try await engine.resume(workflowId: id, actor: context.actor) }
        }
        router.on(.bulkRestart) { request, context in
            let latest = try request.flag("useLatestDefinitions", default: false)
            return try await bulk(request) { id in
                try await engine.restart(workflowId: id, useLatestDefinitions: latest, actor: context.actor)
            }
        }
        router.on(.bulkRetry) { request, context in
            try await bulk(request) { id in try await engine.retry(workflowId: id, actor: context.actor) }
        }
        router.on(.bulkTerminate) { request, context in
            let reason = request.query("reason")
            let trigger = try request.flag("triggerFailureWorkflow", default: false)
            return try await bulk(request) { id in
                try await engine.terminate(workflowId: id, reason: reason, triggerFailureWorkflow: trigger, actor: context.actor)
            }
        }
        router.on(.bulkRemove) { request, _ in
            try await bulk(request) { id in try await engine.remove(workflowId: id) }
        }
        router.on(.bulkDelete) { request, _ in
            try await bulk(request) { id in try await engine.remove(workflowId: id) }
        }
        router.on(.bulkTerminateAndRemove) { request, context in
            let reason = request.query("reason")
            return try await bulk(request) { id in
                try await engine.terminate(workflowId: id, reason: reason, actor: context.actor)
                try await engine.remove(workflowId: id)
            }
        }
    }

    private func bulk(_ request: Request,
                      _ apply: @escaping @Sendable (String) async throws -> Void) async throws -> Response {
        let ids = try await request.decode([String].self)
        guard !ids.isEmpty else { throw Refusal.badRequest("The list of workflow ids cannot be empty") }
        return try JSONResponse.make(await engine.bulk(ids, apply))
    }
}
