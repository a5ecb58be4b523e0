public import BatonModel
import Foundation
import NIOHTTP1

/// Operators' requests (`/api/admin`): the server's settings, the pending tasks of a type, and the mending of one
/// workflow's bookkeeping.
public struct AdminClient: Sendable {
    let transport: HTTPTransport

    /// The server's settings an operator may read (no secrets), by name.
    public func configuration() async throws -> JSONObject {
        try await transport.get(JSONObject.self, "/api/admin/config")
    }

    /// A page of the SCHEDULED and IN_PROGRESS tasks of `taskType` in running or paused workflows, oldest first.
    public func pendingTasks(taskType: String, start: Int = 0, count: Int = 100) async throws -> [TaskExecution] {
        try await transport.get([TaskExecution].self, "/api/admin/task/\(HTTPTransport.segment(taskType))",
                                query: [("start", String(start)), ("count", String(count))])
    }

    /// Makes a workflow due for the sweeper now.
    public func requeueSweep(workflowId: String) async throws {
        _ = try await transport.send(.POST, "/api/admin/sweep/requeue/\(HTTPTransport.segment(workflowId))")
    }

    /// Mends a workflow's queue entries and wake-up; returns whether anything needed mending.
    public func verifyAndRepair(workflowId: String) async throws -> Bool {
        try await transport.send(.POST, "/api/admin/consistency/verifyAndRepair/\(HTTPTransport.segment(workflowId))").text == "true"
    }
}
