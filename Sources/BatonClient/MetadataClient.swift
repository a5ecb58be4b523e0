public import BatonModel
import Foundation
import NIOHTTP1

/// Task and workflow definitions (`/api/metadata`).
public struct MetadataClient: Sendable {
    let transport: HTTPTransport

    // MARK: - Task definitions

    /// Registers (creates or replaces) task definitions.
    public func register(taskDefs: [TaskDef]) async throws {
        _ = try await transport.send(.POST, "/api/metadata/taskdefs", json: taskDefs)
    }

    /// Replaces an existing task definition; refused with 404 when none has its name.
    public func update(taskDef: TaskDef) async throws {
        _ = try await transport.send(.PUT, "/api/metadata/taskdefs", json: taskDef)
    }

    /// Returns every registered task definition.
    public func taskDefs() async throws -> [TaskDef] {
        try await transport.get([TaskDef].self, "/api/metadata/taskdefs")
    }

    /// Returns the task definition named `name`.
    public func taskDef(named name: String) async throws -> TaskDef {
        try await transport.get(TaskDef.self, "/api/metadata/taskdefs/\(HTTPTransport.segment(name))")
    }

    /// Deletes the task definition named `name`.
    public func deleteTaskDef(named name: String) async throws {
        _ = try await transport.send(.DELETE, "/api/metadata/taskdefs/\(HTTPTransport.segment(name))")
    }

    // MARK: - Workflow definitions

    /// Registers a workflow definition; refused with 409 when its name and version exist, unless `overwrite`.
    public func register(workflowDef: WorkflowDef, overwrite: Bool = false) async throws {
        _ = try await transport.send(.POST, "/api/metadata/workflow", query: [("overwrite", String(overwrite))],
                                     json: workflowDef)
    }

    /// Creates or replaces each of `workflowDefs`; returns the names accepted and why the others were not.
    public func update(workflowDefs: [WorkflowDef]) async throws -> BulkResponse {
        try transport.decode(BulkResponse.self,
                             from: await transport.send(.PUT, "/api/metadata/workflow", json: workflowDefs))
    }

    /// Checks a workflow definition without registering it; throws the server's reasons when it is invalid.
    public func validate(workflowDef: WorkflowDef) async throws {
        _ = try await transport.send(.POST, "/api/metadata/workflow/validate", json: workflowDef)
    }

    /// Returns the workflow definition `name` at `version`, or its latest version when `version` is nil.
    public func workflowDef(named name: String, version: Int? = nil) async throws -> WorkflowDef {
        try await transport.get(WorkflowDef.self, "/api/metadata/workflow/\(HTTPTransport.segment(name))",
                                query: [("version", version.map(String.init))])
    }

    /// Returns every version of every workflow definition.
    public func workflowDefs() async throws -> [WorkflowDef] {
        try await transport.get([WorkflowDef].self, "/api/metadata/workflow")
    }

    /// Returns the latest version of each workflow definition.
    public func latestWorkflowDefs() async throws -> [WorkflowDef] {
        try await transport.get([WorkflowDef].self, "/api/metadata/workflow/latest-versions")
    }

    /// Returns the distinct names of the workflow definitions, sorted.
    public func workflowNames() async throws -> [String] {
        try await transport.get([String].self, "/api/metadata/workflow/names")
    }

    /// Returns the versions of every workflow definition, keyed by name.
    public func workflowVersionsByName() async throws -> [String: [WorkflowDefSummary]] {
        try await transport.get([String: [WorkflowDefSummary]].self, "/api/metadata/workflow/names-and-versions")
    }

    /// Returns the versions of the workflow definition `name`, oldest first.
    public func versions(ofWorkflow name: String) async throws -> [WorkflowDefSummary] {
        try await transport.get([WorkflowDefSummary].self,
                                "/api/metadata/workflow/\(HTTPTransport.segment(name))/versions")
    }

    /// Deletes version `version` of the workflow definition `name`; running executions are untouched.
    public func deleteWorkflowDef(named name: String, version: Int) async throws {
        _ = try await transport.send(.DELETE, "/api/metadata/workflow/\(HTTPTransport.segment(name))/\(version)")
    }
}
