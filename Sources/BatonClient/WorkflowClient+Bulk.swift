public import BatonModel
import NIOHTTP1

/// The signals applied to many workflows at once (`/api/workflow/bulk`, up to 1000 ids per call).
/// Each id succeeds or fails on its own; the answer lists the ids that succeeded and why the others failed.
extension WorkflowClient {
    /// Pauses each of `workflowIds`.
    public func pause(_ workflowIds: [String]) async throws -> BulkResponse {
        try await bulk(.PUT, "pause", workflowIds)
    }

    /// Resumes each of `workflowIds`.
    public func resume(_ workflowIds: [String]) async throws -> BulkResponse {
        try await bulk(.PUT, "resume", workflowIds)
    }

    /// Restarts each of `workflowIds`, on the latest definitions if asked.
    public func restart(_ workflowIds: [String], useLatestDefinitions: Bool = false) async throws -> BulkResponse {
        try await bulk(.POST, "restart", workflowIds, query: [("useLatestDefinitions", String(useLatestDefinitions))])
    }

    /// Retries each of `workflowIds` from its last failed task.
    public func retry(_ workflowIds: [String]) async throws -> BulkResponse {
        try await bulk(.POST, "retry", workflowIds)
    }

    /// Terminates each of `workflowIds` with `reason`.
    public func terminate(_ workflowIds: [String], reason: String? = nil,
                          triggerFailureWorkflow: Bool = false) async throws -> BulkResponse {
        try await bulk(.POST, "terminate", workflowIds,
                       query: [("reason", reason), ("triggerFailureWorkflow", String(triggerFailureWorkflow))])
    }

    /// Deletes each of `workflowIds`, whatever its status.
    public func delete(_ workflowIds: [String]) async throws -> BulkResponse {
        try await bulk(.DELETE, "remove", workflowIds)
    }

    /// Terminates each of `workflowIds` with `reason`, then deletes it.
    public func terminateAndDelete(_ workflowIds: [String], reason: String? = nil) async throws -> BulkResponse {
        try await bulk(.DELETE, "terminate-remove", workflowIds, query: [("reason", reason)])
    }

    private func bulk(_ method: HTTPMethod, _ action: String, _ workflowIds: [String],
                      query: [(String, String?)] = []) async throws -> BulkResponse {
        let reply = try await transport.send(method, "/api/workflow/bulk/\(action)", query: query, json: workflowIds)
        return try transport.decode(BulkResponse.self, from: reply)
    }
}
