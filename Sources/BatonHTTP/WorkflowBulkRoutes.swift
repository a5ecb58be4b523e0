import BatonEngine
import BatonModel
import Hummingbird

/// `/api/workflow/bulk`: the signals applied to up to 1000 workflows at once, each independently.
struct WorkflowBulkRoutes {
    let engine: Engine

    func register(on group: RouterGroup<BatonRequestContext>) {
        group.put("pause") { request, context in
            try await bulk(request) { id in try await engine.pause(workflowId: id, actor: context.actor) }
        }
        group.put("resume") { request, context in
            try await bulk(request) { id in try await engine.resume(workflowId: id, actor: context.actor) }
        }
        group.post("restart") { request, context in
            let latest = try request.flag("useLatestDefinitions", default: false)
            return try await bulk(request) { id in
                try await engine.restart(workflowId: id, useLatestDefinitions: latest, actor: context.actor)
            }
        }
        group.post("retry") { request, context in
            try await bulk(request) { id in try await engine.retry(workflowId: id, actor: context.actor) }
        }
        group.post("terminate") { request, context in
            let reason = request.query("reason")
            let trigger = try request.flag("triggerFailureWorkflow", default: false)
            return try await bulk(request) { id in
                try await engine.terminate(workflowId: id, reason: reason, triggerFailureWorkflow: trigger, actor: context.actor)
            }
        }
        group.delete("remove") { request, _ in
            try await bulk(request) { id in try await engine.remove(workflowId: id) }
        }
        group.post("delete") { request, _ in
            try await bulk(request) { id in try await engine.remove(workflowId: id) }
        }
        group.delete("terminate-remove") { request, context in
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
        guard !ids.isEmpty else { throw BadRequest("The list of workflow ids cannot be empty") }
        return try JSONResponse.make(await engine.bulk(ids, apply))
    }
}
